// [auth.ldap] in jalon.toml: read into Config::ldap, and every mistake
// named with its key and line.
#include <gtest/gtest.h>

#include "config/config.h"

namespace jalon {
namespace {

std::string ErrorOf(const std::string& text) {
  auto c = ParseConfig(text, "jalon.toml");
  return c.ok() ? std::string() : c.status().message();
}

TEST(AuthLdapConfigTest, OffWithoutTheSection) {
  auto c = ParseConfig("[server]\nlisten = \"127.0.0.1:8080\"\n", "jalon.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->ldap.enabled());
}

TEST(AuthLdapConfigTest, ReadsATemplateOrASearch) {
  auto c = ParseConfig(R"toml([auth.ldap]
url = "ldap://annuaire.ville.example"
user_dn = "uid={login},ou=agents,dc=ville,dc=example"
starttls = true
ca_file = "/etc/ssl/certs/ville-ca.pem"
timeout_seconds = 3
)toml",
                       "jalon.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->ldap.enabled());
  EXPECT_EQ(c->ldap.url, "ldap://annuaire.ville.example");
  EXPECT_EQ(c->ldap.user_dn, "uid={login},ou=agents,dc=ville,dc=example");
  EXPECT_TRUE(c->ldap.starttls);
  EXPECT_EQ(c->ldap.ca_file, "/etc/ssl/certs/ville-ca.pem");
  EXPECT_EQ(c->ldap.timeout_seconds, 3u);

  c = ParseConfig(R"toml([auth.ldap]
url = "ldaps://ad.ville.example"
search_base = "ou=agents,dc=ville,dc=example"
search_filter = "(sAMAccountName={login})"
bind_dn = "cn=jalon,ou=services,dc=ville,dc=example"
bind_password = "secret"
)toml",
                  "jalon.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->ldap.search_filter, "(sAMAccountName={login})");
  EXPECT_EQ(c->ldap.bind_dn, "cn=jalon,ou=services,dc=ville,dc=example");
  EXPECT_FALSE(c->ldap.starttls);
  EXPECT_EQ(c->ldap.timeout_seconds, 5u);
}

TEST(AuthLdapConfigTest, MistakesNameTheKeyAndItsLine) {
  EXPECT_EQ(ErrorOf("[auth.ldap]\nuser_dn = \"uid={login},dc=x\"\n"),
            "jalon.toml:1: auth.ldap.url: is required");
  EXPECT_EQ(ErrorOf("[auth.ldap]\nurl = \"ldap://h\"\nuser_dn = \"uid={login},dc=x\"\nport = 1\n"),
            "jalon.toml:4: auth.ldap.port: unknown key");
  EXPECT_EQ(ErrorOf("[auth]\nldpa = 1\n"), "jalon.toml:2: auth.ldpa: unknown key");
  EXPECT_EQ(ErrorOf("[auth.ldap]\nurl = \"ldap://h\"\nuser_dn = \"uid={login},dc=x\"\n"
                    "starttls = \"yes\"\n")
                .substr(0, 32),
            "jalon.toml:4: auth.ldap.starttls");
  const std::string no_login =
      ErrorOf("[auth.ldap]\nurl = \"ldap://h\"\nuser_dn = \"uid=x,dc=x\"\n");
  EXPECT_TRUE(no_login.starts_with("jalon.toml:3: auth.ldap.user_dn: must hold \"{login}\""))
      << no_login;
  const std::string both = ErrorOf(
      "[auth.ldap]\nurl = \"ldap://h\"\nuser_dn = \"uid={login},dc=x\"\nsearch_base = \"dc=x\"\n");
  EXPECT_NE(both.find("exactly one"), std::string::npos) << both;
  const std::string tls = ErrorOf(
      "[auth.ldap]\nurl = \"ldaps://h\"\nuser_dn = \"uid={login},dc=x\"\nstarttls = true\n");
  EXPECT_TRUE(tls.starts_with("jalon.toml:4: auth.ldap.starttls:")) << tls;
  const std::string url = ErrorOf("[auth.ldap]\nurl = \"https://h\"\nuser_dn = \"uid={login}\"\n");
  EXPECT_TRUE(url.starts_with("jalon.toml:2: auth.ldap.url:")) << url;
  const std::string timeout =
      ErrorOf("[auth.ldap]\nurl = \"ldap://h\"\nuser_dn = \"uid={login}\"\ntimeout_seconds = 0\n");
  EXPECT_TRUE(timeout.starts_with("jalon.toml:4: auth.ldap.timeout_seconds:")) << timeout;
}

}  // namespace
}  // namespace jalon
