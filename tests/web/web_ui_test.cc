// The web UI's routes in process: the page and its assets are the files of
// tools/web/assets byte for byte, with their tags, caching and CSP; the
// page names its entry by tag, and every import of a module resolves to a
// served module; labels.js carries the French labels.
#include "tools/web/web_ui.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "jobs/documents/labels.h"
#include "tools/web/assets.h"

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

// Every file under tools/web/assets, by its path there ("js/main.js").
std::set<std::string> AssetFiles() {
  const std::filesystem::path root(JALON_WEB_ASSETS);
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
    if (entry.is_regular_file())
      names.insert(std::filesystem::relative(entry.path(), root).generic_string());
  return names;
}

class WebUiTest : public ::testing::Test {
 protected:
  void SetUp() override { RegisterWebRoutes(router_); }
  http::Router router_;
};

TEST_F(WebUiTest, EmbedsEveryFileOfTheAssetsFolderByteForByte) {
  const std::set<std::string> files = AssetFiles();
  // The entry and a module per page: a walk of an empty folder proves nothing.
  for (const char* name :
       {"index.html", "app.css", "js/main.js", "js/dom.js", "js/api.js", "js/accueil.js",
        "js/direction.js", "js/historique.js", "js/calendrier.js", "js/evaluation.js"})
    EXPECT_TRUE(files.contains(name)) << name;
  std::set<std::string> embedded;
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    embedded.insert(f.name);
    EXPECT_EQ(f.bytes(), ReadAsset(f.name)) << f.name << " differs from tools/web/assets";
  }
  EXPECT_EQ(embedded, files);
}

TEST_F(WebUiTest, ServesEachAssetAsItsFileWithItsType) {
  for (const std::string& name : AssetFiles()) {
    if (name == "index.html") continue;
    const http::Response r = Get(router_, "/assets/" + name);
    EXPECT_EQ(r.status, 200) << name;
    EXPECT_EQ(r.body, ReadAsset(name)) << name << " differs from tools/web/assets";
    EXPECT_NE(r.headers.at("ETag"), "") << name;
    // A browser runs a module only when it is served as JavaScript.
    if (name.ends_with(".js")) {
      EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8") << name;
    }
  }
  EXPECT_EQ(Get(router_, "/assets/app.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(Get(router_, "/assets/labels.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Get(router_, "/assets/nope.js").status, 404);
  EXPECT_EQ(Get(router_, "/assets/js/nope.js").status, 404);
  EXPECT_EQ(Get(router_, "/assets/index.html").status, 404);  // only at /
}

// The modules import each other by relative paths, as the browser resolves
// them against the importing module's URL: each must name a served module.
TEST_F(WebUiTest, EveryImportNamesAServedModule) {
  const std::regex import_re(R"(\} from '(\.\.?/[^']+)';)");
  int imports = 0;
  for (const std::string& name : AssetFiles()) {
    if (!name.starts_with("js/")) continue;
    const std::string text = ReadAsset(name);
    for (std::sregex_iterator it(text.begin(), text.end(), import_re), end; it != end; ++it) {
      std::filesystem::path target =
          (std::filesystem::path("/assets") / name).parent_path() / (*it)[1].str();
      const std::string url = target.lexically_normal().generic_string();
      const http::Response r = Get(router_, url);
      EXPECT_EQ(r.status, 200) << name << " imports " << (*it)[1] << " (" << url << ")";
      EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8") << url;
      // Imported without a tag, a module is revalidated on every load.
      EXPECT_EQ(r.headers.at("Cache-Control"), "no-cache") << url;
      ++imports;
    }
  }
  EXPECT_GT(imports, 10);
}

TEST_F(WebUiTest, ThePageNamesEachAssetByItsTag) {
  const http::Response page = Get(router_, "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_EQ(page.body.find("@@"), std::string::npos) << "a placeholder was left";
  for (const char* name : {"js/main.js", "app.css"}) {
    std::string tag = Get(router_, std::string("/assets/") + name).headers.at("ETag");
    tag = tag.substr(1, tag.size() - 2);
    // Relative, so that a city served under /t/{id}/ loads its own copy.
    EXPECT_NE(page.body.find(std::string("\"assets/") + name + "?v=" + tag), std::string::npos)
        << name;
  }
  EXPECT_NE(page.body.find("<script type=\"module\" src=\"assets/js/main.js?v="),
            std::string::npos);
  EXPECT_EQ(page.headers.at("Cache-Control"), "no-cache");
  EXPECT_EQ(Get(router_, "/assets/js/main.js", {{"v", "x"}}).headers.at("Cache-Control"),
            "public, max-age=3600");
  EXPECT_EQ(Get(router_, "/assets/js/dom.js").headers.at("Cache-Control"), "no-cache");
}

TEST_F(WebUiTest, RevalidationAnswers304WithoutABody) {
  const std::string tag = Get(router_, "/assets/js/dom.js").headers.at("ETag");
  const http::Response same = Get(router_, "/assets/js/dom.js", {}, {{"if-none-match", tag}});
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  const http::Response other =
      Get(router_, "/assets/js/dom.js", {}, {{"if-none-match", "\"something-else\""}});
  EXPECT_EQ(other.status, 200);
  EXPECT_FALSE(other.body.empty());
}

TEST_F(WebUiTest, EveryAnswerCarriesAStrictPolicy) {
  for (const char* path : {"/", "/assets/js/main.js", "/assets/js/dom.js", "/assets/labels.js"}) {
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
  // An ES module: js/dom.js imports LABELS from it.
  const std::string prefix = "export const LABELS = ";
  ASSERT_TRUE(r.body.starts_with(prefix));
  const auto json =
      nlohmann::json::parse(r.body.substr(prefix.size(), r.body.rfind(';') - prefix.size()));
  EXPECT_EQ(json, jobs::fr::Labels());
  EXPECT_EQ(json["action_status"]["late"], "En retard");
}

}  // namespace
}  // namespace jalon::web
