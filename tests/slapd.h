// Debian's slapd for the tests: a directory on a loopback port, configured
// in a temporary directory (slapd.conf) and loaded with slapadd, with two
// people (alice, and "dupont, jean" whose uid needs escaping in a DN) and a
// reader for searches; StartTLS with a self-signed certificate for
// 127.0.0.1 when openssl can make one. The process is a child the test kills.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "tests/net_util.h"
#include "tests/process_util.h"
#include "tests/test_util.h"

namespace jalon::testing {

constexpr const char* kSlapd = "/usr/sbin/slapd";
constexpr const char* kSlapadd = "/usr/sbin/slapadd";

// Two people: alice, and "dupont, jean" whose uid needs escaping in a DN,
// and an entry whose uid is "*" would match if a filter were not escaped.
constexpr const char* kEntries = R"(dn: dc=ville,dc=example
objectClass: dcObject
objectClass: organization
o: Ville
dc: ville

dn: ou=people,dc=ville,dc=example
objectClass: organizationalUnit
ou: people

dn: uid=alice,ou=people,dc=ville,dc=example
objectClass: inetOrgPerson
uid: alice
cn: Alice Martin
sn: Martin
userPassword: mot-de-passe-alice

dn: uid=dupont\, jean,ou=people,dc=ville,dc=example
objectClass: inetOrgPerson
uid: dupont, jean
cn: Jean Dupont
sn: Dupont
userPassword: mot-de-passe-jean

dn: cn=lecteur,dc=ville,dc=example
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: lecteur
userPassword: lecteur-secret
)";

inline bool Accepts(uint16_t port) {
  const int fd = ConnectLoopback(port);
  if (fd >= 0) close(fd);
  return fd >= 0;
}

class Slapd {
 public:
  // Starts slapd with its files under `dir`. started() is false, with why(),
  // when slapd is missing or does not start: the caller skips.
  explicit Slapd(const std::string& dir) : dir_(dir) { Start(); }
  bool started() const { return slapd_ != nullptr; }
  const std::string& why() const { return why_; }
  const std::string& url() const { return url_; }
  bool tls() const { return tls_; }
  std::string Sub(const std::string& name) const { return dir_ + "/" + name; }
  // Kills slapd: nothing listens on its port any more.
  void Stop() { slapd_.reset(); }

 private:
  void Start() {
    if (!std::filesystem::exists(kSlapd) || !std::filesystem::exists(kSlapadd)) {
      why_ = "slapd is not installed (tools/install-deps --test installs it)";
      return;
    }
    std::filesystem::create_directories(Sub("db"));
    std::string tls;
    if (std::filesystem::exists("/usr/bin/openssl")) {
      // A certificate for 127.0.0.1, trusted by the tests that name it.
      auto made =
          RunToEnd({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                    "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", Sub("key.pem"), "-out", Sub("cert.pem")});
      if (made.code == 0) {
        tls = "TLSCertificateFile " + Sub("cert.pem") + "\nTLSCertificateKeyFile " +
              Sub("key.pem") + "\n";
      }
    }
    std::ofstream(Sub("slapd.conf"))
        << "include /etc/ldap/schema/core.schema\n"
           "include /etc/ldap/schema/cosine.schema\n"
           "include /etc/ldap/schema/inetorgperson.schema\n"
           "modulepath /usr/lib/ldap\nmoduleload back_mdb\n"
           // As lenient as some directories are: a DN with an empty password
           // binds as anonymous (an "unauthenticated" bind, RFC 4513 5.1.2).
           "allow bind_anon_dn\n"
        << tls << "pidfile " << Sub("slapd.pid") << "\n"
        << "database mdb\nsuffix \"dc=ville,dc=example\"\n"
           "rootdn \"cn=admin,dc=ville,dc=example\"\n"
        << "directory " << Sub("db") << "\nmaxsize 10485760\n"
        << "access to attrs=userPassword by anonymous auth by * none\n"
           "access to * by users read by * none\n";
    std::ofstream(Sub("entries.ldif")) << kEntries;
    auto loaded = RunToEnd({kSlapadd, "-f", Sub("slapd.conf"), "-l", Sub("entries.ldif")});
    if (loaded.code != 0) {
      why_ = "slapadd failed: " + loaded.output;
      return;
    }
    const uint16_t port = FreePort();
    url_ = "ldap://127.0.0.1:" + std::to_string(port) + "/";
    // -d keeps slapd in the foreground, a child the test kills.
    slapd_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{kSlapd, "-d", "0", "-h", url_, "-f", Sub("slapd.conf")});
    for (int i = 0; i < 200 && !Accepts(port); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    if (!Accepts(port)) {
      slapd_.reset();
      why_ = "slapd did not start on " + url_;
      return;
    }
    tls_ = !tls.empty();
  }

  std::string dir_;
  std::string why_;
  std::string url_;
  bool tls_ = false;
  std::unique_ptr<ChildProcess> slapd_;
};

}  // namespace jalon::testing
