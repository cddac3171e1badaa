// A small blocking HTTP client over libcurl, shared by the CLI's daemon mode
// (`jalon --url`) and the webhook delivery channel.
//
// One call is one request on a fresh easy handle: no shared state, so it is
// safe from any thread once CurlGlobalInit() has run (the first call does
// it). Transport failures (refused, timeout, DNS) are a kUnavailable Status
// naming the URL; any HTTP status, 4xx and 5xx included, is a reply.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "engine/util/status.h"

namespace jalon::net {

struct HttpReply {
  long status = 0;  // NOLINT(runtime/int): libcurl's type
  std::string body;
  std::string content_type;
};

struct HttpCall {
  std::string method = "GET";  // GET or POST
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  std::string body;
  std::chrono::milliseconds timeout{30000};
};

Result<HttpReply> Perform(const HttpCall& call);

// Percent-encodes one query-string component (RFC 3986 unreserved kept).
std::string UrlEncode(std::string_view text);

}  // namespace jalon::net
