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

// Every asset by its path under assets/ ("app.css", "js/main.js"), built
// once: the embedded files and labels.js.
std::shared_ptr<const std::unordered_map<std::string, Asset>> BuildAssets() {
  auto assets = std::make_shared<std::unordered_map<std::string, Asset>>();
  for (const EmbeddedFile& f : EmbeddedFiles())
    (*assets)[f.name] = MakeAsset(f.name, std::string(f.bytes()));
  // An ES module like the others: js/dom.js imports it ('../labels.js').
  (*assets)["labels.js"] = MakeAsset(
      "labels.js",
      "export const LABELS = " +
          jobs::fr::Labels().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
          ";\n");
  // The page names the assets it loads with ?v=<their tag> ("@@app.css@@",
  // "@@js/main.js@@" in index.html), so that a browser may keep them.
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
  r.headers["Content-Security-Policy"] = http::kWebUiCsp;
  r.headers["X-Content-Type-Options"] = "nosniff";
  r.headers["Referrer-Policy"] = "same-origin";
  r.headers["ETag"] = asset.etag;
  // Named by its tag (?v=), an asset may be kept for an hour: another
  // version has another tag. Asked for without one (the page itself, the
  // modules the entry imports), it is revalidated on every load, so that a
  // new jalond's UI is picked up at once.
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
  // The ES modules import each other as they are in the tree ('./dom.js'),
  // not by a URL carrying their tag: rewriting imports would mean parsing
  // JavaScript here, and serving other bytes than the files hold. So only the
  // entry (js/main.js) is named by its tag; a module it imports is asked for
  // without one and revalidated on each load (a 304 of a few hundred bytes),
  // which keeps every module fresh without a build step or a looser CSP.
  auto serve = [assets](const std::string& name, const http::Request& req) {
    auto it = assets->find(name);
    if (it == assets->end() || it->first == "index.html")
      return http::ErrorResponse(404, "no such asset: " + name);
    return Serve(it->second, req, !req.query.contains("v"));
  };
  router.Add(
      "GET", "/assets/{file}",
      [serve](const http::Request& req, const http::Params& p) { return serve(p.at("file"), req); },
      http::AlwaysQuick);
  router.Add(
      "GET", "/assets/{folder}/{file}",
      [serve](const http::Request& req, const http::Params& p) {
        return serve(p.at("folder") + "/" + p.at("file"), req);
      },
      http::AlwaysQuick);
}

}  // namespace jalon::web
