// Plain HTTP request and response values, so that handlers are functions
// from request to response that can be tested without a socket (as in
// asio's http/server/request_handler). Only http_server.cc knows Beast.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "engine/util/run_here.h"

namespace jalon::http {

struct Request {
  std::string method;                          // "GET", "POST", ...
  std::string path;                            // decoded, without the query
  std::map<std::string, std::string> query;    // decoded ?k=v pairs
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string request_id;      // set by the server, for the logs
  std::string remote_address;  // the client's IP address, set by the server

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
};

using Handler = std::function<Response(const Request&)>;

// How a handler that answers later (a command waiting for its group commit)
// answers: `send` exactly once, from any thread. `post` queues work on the
// connection's I/O thread (never runs it before returning), for what comes
// after the wait. See HttpServer.
struct Reply {
  std::function<void(Response)> send;
  RunFn post;
  void operator()(Response response) const { send(std::move(response)); }
};
using AsyncHandler = std::function<void(const Request&, Reply)>;

// `reply`, with `observe` shown each response before it is sent (to count
// or log it).
inline Reply Observed(Reply reply, std::function<void(const Response&)> observe) {
  reply.send = [send = std::move(reply.send), observe = std::move(observe)](Response response) {
    observe(response);
    send(std::move(response));
  };
  return reply;
}

// Splits "/a/b?x=1&y=%C3%A9" into a decoded path and query. False if the
// percent-encoding is malformed.
bool ParseTarget(const std::string& target, std::string* path,
                 std::map<std::string, std::string>* query);

// A JSON answer; bytes that are not UTF-8 in its strings (a client's own,
// quoted back) are replaced, never an exception.
Response JsonResponse(int status, const nlohmann::json& body);
// {"error": {"status": 400, "message": "..."}}
Response ErrorResponse(int status, const std::string& message);

// The Content-Security-Policy of the web UI (tools/web).
extern const char* const kWebUiCsp;
// The policy of an HTML document Jalon renders (review document, brief):
// the web UI's, whose style-src also admits the document's own <style>
// blocks by their SHA-256, and nothing else inline.
std::string HtmlDocumentCsp(std::string_view html);

}  // namespace jalon::http
