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

class Router {
 public:
  void Add(const std::string& method, const std::string& pattern, RouteHandler handler);
  Response Dispatch(const Request& request) const;
  // The pattern a request matched ("/v1/plans/{direction}"), for metrics.
  std::string PatternOf(const Request& request) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    RouteHandler handler;
  };
  static bool Match(const Route& route, const std::vector<std::string>& segments, Params* params);
  std::vector<Route> routes_;
};

}  // namespace jalon::http
