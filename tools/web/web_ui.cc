#include "tools/web/web_ui.h"

#include <cstdio>
#include <memory>
#include <string>
#include <unordered_map>

#include "engine/util/sha256.h"
#include "jobs/documents/labels.h"
#include "tools/web/assets.h"

namespace jalon::web {
namespace {

struct Asset {
  std::string content_type;
  std::string body;
  std::string etag;
};

std::string ContentTypeOf(const std::string& name) {
  auto ends = [&](const char* ext) { return name.ends_with(ext); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

Asset MakeAsset(const std::string& name, std::string body) {
  std::string etag = "\"";
  etag.append(ToHex(Sha256(body)), 0, 20);
  etag += '"';
  return {ContentTypeOf(name), std::move(body), std::move(etag)};
}

// Every asset by name, built once: the embedded files and labels.js.
std::shared_ptr<const std::unordered_map<std::string, Asset>> BuildAssets() {
  auto assets = std::make_shared<std::unordered_map<std::string, Asset>>();
  for (const EmbeddedFile& f : EmbeddedFiles())
    (*assets)[f.name] = MakeAsset(f.name, std::string(f.bytes()));
  (*assets)["labels.js"] = MakeAsset(
      "labels.js",
      "window.JALON_LABELS = " +
          jobs::fr::Labels().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
          ";\n");
  // The page names its assets with ?v=<their tag> ("@@app.js@@" in
  // index.html), so that a browser may cache them and never mixes versions.
  Asset& page = assets->at("index.html");
  std::string html = page.body;
  for (const auto& [name, asset] : *assets) {
    const std::string mark = "@@" + name + "@@";
    const std::string tag = asset.etag.substr(1, asset.etag.size() - 2);
    for (size_t at = html.find(mark); at != std::string::npos; at = html.find(mark, at))
      html.replace(at, mark.size(), tag);
  }
  page = MakeAsset("index.html", std::move(html));
  return assets;
}

http::Response Serve(const Asset& asset, const http::Request& req, bool revalidate) {
  http::Response r;
  r.headers["Content-Security-Policy"] =
      "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
      "frame-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
  r.headers["X-Content-Type-Options"] = "nosniff";
  r.headers["Referrer-Policy"] = "no-referrer";
  r.headers["ETag"] = asset.etag;
  // The page itself is revalidated on every load, so that a new jalond's UI
  // is picked up at once; the assets it names may be kept for an hour.
  r.headers["Cache-Control"] = revalidate ? "no-cache" : "public, max-age=3600";
  if (req.Header("if-none-match") == asset.etag) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.status = 200;
  r.content_type = asset.content_type;
  r.body = asset.body;
  return r;
}

}  // namespace

void RegisterWebRoutes(http::Router& router) {
  auto assets = BuildAssets();
  router.Add(
      "GET", "/",
      [assets](const http::Request& req, const http::Params&) {
        return Serve(assets->at("index.html"), req, true);
      },
      http::AlwaysQuick);
  router.Add(
      "GET", "/assets/{file}",
      [assets](const http::Request& req, const http::Params& p) {
        auto it = assets->find(p.at("file"));
        if (it == assets->end() || it->first == "index.html")
          return http::ErrorResponse(404, "no such asset: " + p.at("file"));
        // The page names its assets with ?v=<etag>, so they can be cached.
        return Serve(it->second, req, !req.query.contains("v"));
      },
      http::AlwaysQuick);
}

}  // namespace jalon::web
