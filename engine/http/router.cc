#include "engine/http/router.h"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "engine/util/run_here.h"
#include "engine/util/sha256.h"

namespace jalon::http {
namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string::npos ? path.size() : slash;
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Decode(const std::string& in, bool plus_is_space, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = Hex(in[i + 1]), lo = Hex(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (plus_is_space && in[i] == '+') {
      out->push_back(' ');
    } else {
      out->push_back(in[i]);
    }
  }
  return true;
}

}  // namespace

bool ParseTarget(const std::string& target, std::string* path,
                 std::map<std::string, std::string>* query) {
  const size_t q = target.find('?');
  if (!Decode(target.substr(0, q), false, path)) return false;
  if (path->empty() || (*path)[0] != '/') return false;
  // No dot segments, whether written plainly or percent-encoded: a path
  // never climbs out of its route.
  if (path->find("/../") != std::string::npos || path->ends_with("/..") ||
      path->find("/./") != std::string::npos || path->ends_with("/.")) {
    return false;
  }
  query->clear();
  if (q == std::string::npos) return true;
  const std::string qs = target.substr(q + 1);
  size_t start = 0;
  while (start <= qs.size()) {
    const size_t amp = qs.find('&', start);
    const std::string pair =
        qs.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      std::string key, value;
      if (!Decode(pair.substr(0, eq), true, &key)) return false;
      if (eq != std::string::npos && !Decode(pair.substr(eq + 1), true, &value)) return false;
      (*query)[key] = value;
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return true;
}

Response JsonResponse(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response ErrorResponse(int status, const std::string& message) {
  // The message may quote the client's own invalid bytes: JsonResponse
  // replaces them.
  return JsonResponse(status,
                      nlohmann::json{{"error", {{"status", status}, {"message", message}}}});
}

const char* const kWebUiCsp =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "frame-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

std::string HtmlDocumentCsp(std::string_view html) {
  std::string hashes;
  constexpr std::string_view kOpen = "<style>", kClose = "</style>";
  for (size_t at = html.find(kOpen); at != std::string_view::npos; at = html.find(kOpen, at)) {
    const size_t start = at + kOpen.size();
    const size_t end = html.find(kClose, start);
    if (end == std::string_view::npos) break;
    const Hash digest = Sha256(html.substr(start, end - start));
    unsigned char b64[64] = {};
    EVP_EncodeBlock(b64, digest.data(), static_cast<int>(digest.size()));
    hashes += " 'sha256-" + std::string(reinterpret_cast<const char*>(b64)) + "'";
    at = end + kClose.size();
  }
  std::string csp = kWebUiCsp;
  const std::string from = "style-src 'self'";
  csp.replace(csp.find(from), from.size(), from + hashes);
  return csp;
}

void Router::Add(const std::string& method, const std::string& pattern, RouteHandler handler,
                 QuickIf quick) {
  routes_.push_back({method, pattern, Split(pattern), std::move(handler), {}, std::move(quick)});
}

void Router::AddAsync(const std::string& method, const std::string& pattern,
                      AsyncRouteHandler handler, QuickIf quick) {
  routes_.push_back({method, pattern, Split(pattern), {}, std::move(handler), std::move(quick)});
}

bool Router::Match(const Route& route, const std::vector<std::string>& segments, Params* params) {
  if (route.segments.size() != segments.size()) return false;
  params->clear();
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = route.segments[i];
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if (segments[i].empty()) return false;
      (*params)[want.substr(1, want.size() - 2)] = segments[i];
    } else if (want != segments[i]) {
      return false;
    }
  }
  return true;
}

const Router::Route* Router::Find(const Request& request, const std::vector<std::string>& segments,
                                  Params* params, bool* path_known) const {
  *path_known = false;
  for (const Route& route : routes_) {
    if (!Match(route, segments, params)) continue;
    *path_known = true;
    if (route.method == request.method) return &route;
  }
  return nullptr;
}

void Router::Dispatch(const Request& request, Reply reply) const {
  const std::vector<std::string> segments = Split(request.path);
  bool path_known = false;
  Params params;
  if (const Route* route = Find(request, segments, &params, &path_known)) {
    if (route->async_handler) return route->async_handler(request, params, std::move(reply));
    return reply(route->handler(request, params));
  }
  if (path_known)
    return reply(
        ErrorResponse(405, "method " + request.method + " not allowed on " + request.path));
  reply(ErrorResponse(404, "no route " + request.path));
}

Response Router::Dispatch(const Request& request) const {
  return RunHere<Response>([&](RunFn run, std::function<void(Response)> done) {
    Dispatch(request, Reply{std::move(done), std::move(run)});
  });
}

bool Router::IsQuick(const Request& request) const {
  bool path_known = false;
  Params params;
  const Route* route = Find(request, Split(request.path), &params, &path_known);
  return route != nullptr && route->quick && route->quick(request);
}

std::string Router::PatternOf(const Request& request) const {
  const std::vector<std::string> segments = Split(request.path);
  Params params;
  for (const Route& route : routes_) {
    if (Match(route, segments, &params)) return route.pattern;
  }
  return "unmatched";
}

}  // namespace jalon::http
