// LdapChecker against Debian's slapd on a loopback port: a directory the
// test configures (slapd.conf in a temporary directory) and loads with
// slapadd, then binds that succeed, fail, need escaping, go through
// StartTLS, or find no directory at all.
#include "engine/auth/ldap_checker.h"

#include <gtest/gtest.h>

#include <memory>

#include "tests/slapd.h"

namespace jalon::auth {
namespace {

class LdapCheckerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    slapd_ = std::make_unique<testing::Slapd>(dir_.path());
    if (!slapd_->started()) GTEST_SKIP() << slapd_->why();
    url_ = slapd_->url();
    tls_ = slapd_->tls();
  }

  LdapChecker Checker(LdapOptions o) {
    auto checker = LdapChecker::FromConfig(o);
    EXPECT_TRUE(checker.ok()) << checker.status().ToString();
    return std::move(checker).value();
  }
  LdapOptions ByTemplate() {
    LdapOptions o;
    o.url = url_;
    o.user_dn = "uid={login},ou=people,dc=ville,dc=example";
    return o;
  }
  LdapOptions BySearch() {
    LdapOptions o;
    o.url = url_;
    o.search_base = "ou=people,dc=ville,dc=example";
    o.search_filter = "(&(objectClass=inetOrgPerson)(uid={login}))";
    o.bind_dn = "cn=lecteur,dc=ville,dc=example";
    o.bind_password = "lecteur-secret";
    return o;
  }

  testing::TempDir dir_;
  std::string url_;
  bool tls_ = false;
  std::unique_ptr<testing::Slapd> slapd_;
};

TEST_F(LdapCheckerTest, RightPasswordBindsAndWrongOneIsRefused) {
  for (const LdapOptions& o : {ByTemplate(), BySearch()}) {
    const LdapChecker checker = Checker(o);
    SCOPED_TRACE(o.user_dn.empty() ? "search" : "template");
    auto good = checker.Check("alice", "mot-de-passe-alice");
    ASSERT_TRUE(good.ok()) << good.status().ToString();
    EXPECT_TRUE(*good);
    auto bad = checker.Check("alice", "mot-de-passe-jean");
    ASSERT_TRUE(bad.ok()) << bad.status().ToString();
    EXPECT_FALSE(*bad);
    auto unknown = checker.Check("bob", "mot-de-passe-alice");
    ASSERT_TRUE(unknown.ok()) << unknown.status().ToString();
    EXPECT_FALSE(*unknown);
    // An empty password would be an unauthenticated bind, which slapd
    // accepts as anonymous: it never signs anyone in.
    auto empty = checker.Check("alice", "");
    ASSERT_TRUE(empty.ok());
    EXPECT_FALSE(*empty);
  }
}

TEST_F(LdapCheckerTest, LoginIsEscapedInTheDnAndTheFilter) {
  for (const LdapOptions& o : {ByTemplate(), BySearch()}) {
    const LdapChecker checker = Checker(o);
    SCOPED_TRACE(o.user_dn.empty() ? "search" : "template");
    // "dupont, jean": unescaped, the comma would start another RDN.
    auto jean = checker.Check("dupont, jean", "mot-de-passe-jean");
    ASSERT_TRUE(jean.ok()) << jean.status().ToString();
    EXPECT_TRUE(*jean);
    // Logins that would change the filter or the DN if pasted in as they are.
    for (const char* login : {"*", "alice)(uid=*", "alice,ou=people", "a*"}) {
      auto r = checker.Check(login, "mot-de-passe-alice");
      ASSERT_TRUE(r.ok()) << login << ": " << r.status().ToString();
      EXPECT_FALSE(*r) << login;
    }
  }
  EXPECT_EQ(DnOf("uid={login},ou=people,dc=ville,dc=example", "dupont, jean").value(),
            "uid=dupont\\2C jean,ou=people,dc=ville,dc=example");
  EXPECT_EQ(DnOf("uid={login},dc=example", "#a+b=c;<d>\"\\ ").value(),
            "uid=\\23a\\2Bb\\3Dc\\3B\\3Cd\\3E\\22\\5C\\20,dc=example");
  EXPECT_EQ(FilterOf("(uid={login})", "a*(b)\\"), "(uid=a\\2A\\28b\\29\\5C)");
}

TEST_F(LdapCheckerTest, UnreachableDirectoryIsAClearUnavailableError) {
  slapd_->Stop();
  for (LdapOptions o : {ByTemplate(), BySearch()}) {
    o.timeout_seconds = 2;
    auto r = Checker(o).Check("alice", "mot-de-passe-alice");
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsUnavailable()) << r.status().ToString();
    EXPECT_NE(r.status().message().find("LDAP " + url_ + ": the directory cannot be reached"),
              std::string::npos)
        << r.status().message();
    EXPECT_EQ(r.status().message().find("mot-de-passe"), std::string::npos);
  }
}

TEST_F(LdapCheckerTest, StartTlsChecksTheDirectorysCertificate) {
  if (!tls_) GTEST_SKIP() << "openssl could not make a test certificate";
  LdapOptions o = ByTemplate();
  o.starttls = true;
  o.ca_file = dir_.Sub("cert.pem");
  auto good = Checker(o).Check("alice", "mot-de-passe-alice");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_TRUE(*good);
  // Without the CA that signed it, the certificate is refused: no bind in
  // clear text instead.
  o.ca_file = dir_.Sub("entries.ldif");
  auto untrusted = Checker(o).Check("alice", "mot-de-passe-alice");
  ASSERT_FALSE(untrusted.ok());
  EXPECT_TRUE(untrusted.status().IsUnavailable());
  EXPECT_NE(untrusted.status().message().find("StartTLS failed"), std::string::npos)
      << untrusted.status().message();
}

TEST(LdapOptionsTest, FromConfigNamesTheKeyItRefuses) {
  auto error = [](LdapOptions o) {
    auto r = LdapChecker::FromConfig(o);
    return r.ok() ? std::string() : r.status().message();
  };
  LdapOptions o;
  o.url = "ldap://127.0.0.1:389/";
  o.user_dn = "uid={login},dc=example";
  EXPECT_EQ(error(o), "");
  LdapOptions bad = o;
  bad.url = "http://ldap.example";
  EXPECT_NE(error(bad).find("auth.ldap.url:"), std::string::npos) << error(bad);
  bad = o;
  bad.url = "ldaps://ldap.example";
  bad.starttls = true;
  EXPECT_NE(error(bad).find("auth.ldap.starttls:"), std::string::npos) << error(bad);
  bad = o;
  bad.user_dn = "cn={login} Dupont,dc=example";
  EXPECT_NE(error(bad).find("auth.ldap.user_dn: must hold \"{login}\" once"), std::string::npos)
      << error(bad);
  bad.user_dn = "uid={login},cn={login},dc=example";
  EXPECT_NE(error(bad).find("auth.ldap.user_dn:"), std::string::npos) << error(bad);
  bad.user_dn = "not a dn {login}";
  EXPECT_NE(error(bad).find("auth.ldap.user_dn:"), std::string::npos) << error(bad);
  bad = o;
  bad.search_base = "dc=example";
  EXPECT_NE(error(bad).find("exactly one"), std::string::npos) << error(bad);
  bad.user_dn.clear();
  bad.search_filter = "uid={login}";
  EXPECT_NE(error(bad).find("auth.ldap.search_filter:"), std::string::npos) << error(bad);
  bad.search_filter = "(uid={login})";
  bad.bind_dn = "cn=lecteur,dc=example";
  EXPECT_NE(error(bad).find("auth.ldap.bind_dn and bind_password"), std::string::npos)
      << error(bad);
}

}  // namespace
}  // namespace jalon::auth
