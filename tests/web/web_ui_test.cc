// The web UI's routes in process: the page and its assets are the files of
// tools/web/assets byte for byte, with their tags, caching and CSP; the
// page names the assets by tag; labels.js carries the French labels.
#include "tools/web/web_ui.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "jobs/documents/labels.h"

namespace jalon::web {
namespace {

std::string ReadAsset(const std::string& name) {
  std::ifstream in(std::string(JALON_WEB_ASSETS) + "/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

http::Response Get(const http::Router& router, const std::string& path,
                   std::map<std::string, std::string> query = {},
                   std::map<std::string, std::string> headers = {}) {
  http::Request req;
  req.method = "GET";
  req.path = path;
  req.query = std::move(query);
  req.headers = std::move(headers);
  return router.Dispatch(req);
}

class WebUiTest : public ::testing::Test {
 protected:
  void SetUp() override { RegisterWebRoutes(router_); }
  http::Router router_;
};

TEST_F(WebUiTest, ServesTheEmbeddedFilesByteForByte) {
  for (const char* name : {"app.js", "app.css"}) {
    const http::Response r = Get(router_, std::string("/assets/") + name);
    EXPECT_EQ(r.status, 200) << name;
    EXPECT_EQ(r.body, ReadAsset(name)) << name << " differs from tools/web/assets";
    EXPECT_NE(r.headers.at("ETag"), "");
  }
  EXPECT_EQ(Get(router_, "/assets/app.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Get(router_, "/assets/app.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(Get(router_, "/assets/nope.js").status, 404);
  EXPECT_EQ(Get(router_, "/assets/index.html").status, 404);  // only at /
}

TEST_F(WebUiTest, ThePageNamesEachAssetByItsTag) {
  const http::Response page = Get(router_, "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_EQ(page.body.find("@@"), std::string::npos) << "a placeholder was left";
  for (const char* name : {"app.js", "app.css", "labels.js"}) {
    std::string tag = Get(router_, std::string("/assets/") + name).headers.at("ETag");
    tag = tag.substr(1, tag.size() - 2);
    // Relative, so that a city served under /t/{id}/ loads its own copy.
    EXPECT_NE(page.body.find(std::string("\"assets/") + name + "?v=" + tag), std::string::npos)
        << name;
  }
  EXPECT_EQ(page.headers.at("Cache-Control"), "no-cache");
  EXPECT_EQ(Get(router_, "/assets/app.js", {{"v", "x"}}).headers.at("Cache-Control"),
            "public, max-age=3600");
}

TEST_F(WebUiTest, RevalidationAnswers304WithoutABody) {
  const std::string tag = Get(router_, "/assets/app.js").headers.at("ETag");
  const http::Response same = Get(router_, "/assets/app.js", {}, {{"if-none-match", tag}});
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  const http::Response other =
      Get(router_, "/assets/app.js", {}, {{"if-none-match", "\"something-else\""}});
  EXPECT_EQ(other.status, 200);
  EXPECT_FALSE(other.body.empty());
}

TEST_F(WebUiTest, EveryAnswerCarriesAStrictPolicy) {
  for (const char* path : {"/", "/assets/app.js", "/assets/labels.js"}) {
    const http::Response r = Get(router_, path);
    const std::string csp = r.headers.at("Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << path;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << path;
    EXPECT_EQ(r.headers.at("X-Content-Type-Options"), "nosniff");
  }
}

TEST_F(WebUiTest, LabelsAreTheServersFrenchTable) {
  const http::Response r = Get(router_, "/assets/labels.js");
  ASSERT_EQ(r.status, 200);
  const std::string prefix = "window.JALON_LABELS = ";
  ASSERT_TRUE(r.body.starts_with(prefix));
  const auto json =
      nlohmann::json::parse(r.body.substr(prefix.size(), r.body.rfind(';') - prefix.size()));
  EXPECT_EQ(json, jobs::fr::Labels());
  EXPECT_EQ(json["action_status"]["late"], "En retard");
}

}  // namespace
}  // namespace jalon::web
