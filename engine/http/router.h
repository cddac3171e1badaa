// Router: maps (method, path pattern) to a handler. Patterns are literal
// segments and {name} captures, e.g. "/v1/plans/{direction}/dashboard".
// Unknown path: 404; known path, other method: 405. Thread-safe once built.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/http/http_types.h"

namespace jalon::http {

using Params = std::map<std::string, std::string>;
using RouteHandler = std::function<Response(const Request&, const Params&)>;
// A route that answers later through its Reply (POST /v1/commands, which
// waits for a group commit without holding a thread).
using AsyncRouteHandler = std::function<void(const Request&, const Params&, Reply)>;
// Whether a request to a route is answered without waiting: no group
// commit, no long poll, no walk of the log. HttpServer answers such
// requests on the I/O thread that read them (ServerOptions::quick). A
// function of the request's method, path and query (never its headers or
// body), since a query string can turn a cached read into a replay.
using QuickIf = std::function<bool(const Request&)>;
inline bool AlwaysQuick(const Request&) { return true; }

class Router {
 public:
  void Add(const std::string& method, const std::string& pattern, RouteHandler handler,
           QuickIf quick = nullptr);
  void AddAsync(const std::string& method, const std::string& pattern, AsyncRouteHandler handler,
                QuickIf quick = nullptr);
  // Answers through `reply`: at once for a route added with Add, later for
  // one added with AddAsync.
  void Dispatch(const Request& request, Reply reply) const;
  // Waits for the answer, running the work a route posts on this thread.
  Response Dispatch(const Request& request) const;
  // The route's QuickIf says yes. False for a route without one, and for an
  // unknown path or method (the pool answers those too, for simplicity).
  bool IsQuick(const Request& request) const;
  // The pattern a request matched ("/v1/plans/{direction}"), for metrics.
  std::string PatternOf(const Request& request) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    RouteHandler handler;             // one of these two
    AsyncRouteHandler async_handler;  // is set
    QuickIf quick;
  };
  const Route* Find(const Request& request, const std::vector<std::string>& segments,
                    Params* params, bool* path_known) const;
  static bool Match(const Route& route, const std::vector<std::string>& segments, Params* params);
  std::vector<Route> routes_;
};

}  // namespace jalon::http
