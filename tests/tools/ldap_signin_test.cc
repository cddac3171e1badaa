// Sign-in against the city's directory ([auth.ldap]) through the real
// jalond: Debian's slapd on a loopback port (tests/slapd.h), a person Jalon
// knows whose password lives only in the directory, and an administrator
// with a password of Jalon's own. The directory's right password signs in,
// a wrong one is refused, and with the directory stopped the person gets a
// clear 503 and a log line while the local account still signs in.
#include <gtest/gtest.h>

#include "tests/net_util.h"
#include "tests/slapd.h"
#include "tests/test_util.h"
#include "tests/tools/binaries.h"
#include "tests/tools/live_daemon.h"

namespace jalon {
namespace {

using testing::CallJson;
using testing::LiveDaemon;
using testing::SignIn;

TEST(LdapSignInTest, TheDirectorysPasswordSignsInAndAnOutageLeavesLocalAccountsWorking) {
  testing::TempDir dir;
  testing::Slapd slapd(dir.Sub("ldap"));
  if (!slapd.started()) GTEST_SKIP() << slapd.why();
  const std::string config = testing::WriteTestConfig(
      dir.Sub("jalon.toml"), dir.Sub("data"), {},
      "[scheduler]\nenabled = false\n[auth.ldap]\nurl = \"" + slapd.url() +
          "\"\nuser_dn = \"uid={login},ou=people,dc=ville,dc=example\"\ntimeout_seconds = 2\n");
  LiveDaemon daemon(testing::kJalond, config, dir.Sub("jalond.log"));
  ASSERT_TRUE(daemon.serving()) << daemon.Log();
  auto command = [&](const std::string& type, const nlohmann::json& data) {
    return CallJson("POST", daemon.url() + "/v1/commands", "t-admin",
                    nlohmann::json{{"type", type}, {"data", data}}.dump())
        .status;
  };
  // alice's password is the directory's; root has one of Jalon's own.
  ASSERT_EQ(command("RegisterPerson", {{"login", "alice"},
                                       {"name", "Alice Martin"},
                                       {"email", "alice@ville.fr"},
                                       {"roles", {"direction:DEJ"}}}),
            201);
  ASSERT_EQ(command("RegisterPerson", {{"login", "root"},
                                       {"name", "Administration"},
                                       {"email", "admin@ville.fr"},
                                       {"roles", {"admin"}}}),
            201);
  ASSERT_EQ(command("SetPassword", {{"login", "root"}, {"password", "Phrase-locale-2016"}}), 201);

  auto ok = SignIn(daemon.url(), "alice", "mot-de-passe-alice");
  EXPECT_EQ(ok.status, 201) << ok.body.dump();
  EXPECT_EQ(ok.body["roles"], nlohmann::json::array({"direction:DEJ"}));
  EXPECT_EQ(SignIn(daemon.url(), "alice", "pas-le-bon").status, 401);
  // In the directory but unknown to Jalon: no roles, no sign-in.
  EXPECT_EQ(SignIn(daemon.url(), "dupont, jean", "mot-de-passe-jean").status, 401);
  EXPECT_EQ(SignIn(daemon.url(), "root", "Phrase-locale-2016").status, 201);

  slapd.Stop();
  auto down = SignIn(daemon.url(), "alice", "mot-de-passe-alice");
  EXPECT_EQ(down.status, 503) << down.body.dump();
  EXPECT_NE(daemon.Log().find("cannot be reached"), std::string::npos) << daemon.Log();
  EXPECT_EQ(daemon.Log().find("mot-de-passe-alice"), std::string::npos);
  EXPECT_EQ(SignIn(daemon.url(), "root", "Phrase-locale-2016").status, 201);
}

}  // namespace
}  // namespace jalon
