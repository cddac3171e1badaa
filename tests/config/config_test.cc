#include "config/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "tests/test_util.h"

namespace jalon {
namespace {

constexpr const char* kMinimal = R"(
[server]
listen = "127.0.0.1:8080"
[storage]
data_dir = "var/jalon"
[[tokens]]
name = "dej"
role = "direction:DEJ"
sha256 = "9dc361c1bb2ba4a1ef65cb1b939e882b072bcee7c9a4e3e82f1a685ce0687d2a"
)";

TEST(ConfigTest, MinimalFileIsComplete) {
  auto c = ParseConfig(kMinimal, "jalon.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen, "127.0.0.1:8080");
  EXPECT_EQ(c->data_dir, "var/jalon");
  ASSERT_EQ(c->tokens.size(), 1u);
  EXPECT_EQ(c->tokens[0].role, "direction:DEJ");
  EXPECT_EQ(c->tokens[0].sha256, Sha256("demo-dej"));
}

TEST(ConfigTest, UnknownKeyIsNamedWithItsLine) {
  auto c =
      ParseConfig("[server]\nlisten = \"127.0.0.1:1\"\n[storage]\ndat_dir = \"x\"\n", "jalon.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "jalon.toml:4: storage.dat_dir: unknown key");
}

TEST(ConfigTest, WrongTypesAndValuesAreNamed) {
  auto port = ParseConfig("[server]\nlisten = 8080\n", "f.toml");
  EXPECT_EQ(port.status().message(), "f.toml:2: server.listen: must be a string");
  auto no_port = ParseConfig("[server]\nlisten = \"localhost\"\n", "f.toml");
  EXPECT_NE(no_port.status().message().find("server.listen: expected HOST:PORT"),
            std::string::npos);
  auto role = ParseConfig(
      "[[tokens]]\nname = \"x\"\nrole = \"director\"\nsha256 = \"" + std::string(64, 'a') + "\"\n",
      "f.toml");
  EXPECT_NE(role.status().message().find("f.toml:3: tokens[0].role"), std::string::npos)
      << role.status().message();
  auto hash =
      ParseConfig("[[tokens]]\nname = \"x\"\nrole = \"admin\"\nsha256 = \"zz\"\n", "f.toml");
  EXPECT_NE(hash.status().message().find("tokens[0].sha256: must be 64 hex digits"),
            std::string::npos);
  auto missing = ParseConfig("[[tokens]]\nname = \"x\"\nrole = \"admin\"\n", "f.toml");
  EXPECT_NE(missing.status().message().find("tokens[0].sha256: is required"), std::string::npos)
      << missing.status().message();
  auto syntax = ParseConfig("[server\n", "f.toml");
  EXPECT_NE(syntax.status().message().find("f.toml:1:"), std::string::npos);
  auto lower = ParseConfig("[[tokens]]\nname = \"x\"\nrole = \"direction:dej\"\nsha256 = \"" +
                               std::string(64, 'a') + "\"\n",
                           "f.toml");
  EXPECT_FALSE(lower.ok());
}

TEST(ConfigTest, CycleHealthAndAnonymousSettings) {
  auto defaults = ParseConfig(kMinimal, "jalon.toml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->anonymous_read);
  ASSERT_EQ(defaults->jobs.cycle.review_dates.size(), 2u);
  EXPECT_EQ(defaults->jobs.cycle.review_dates[1].month, 12u);
  EXPECT_EQ(defaults->jobs.cycle.review_dates[1].day, 15u);
  EXPECT_EQ(defaults->health.max_projection_lag, 10000u);

  auto set = ParseConfig(
      "[server]\nanonymous_read = true\n[cycle]\nreview_dates = [\"03-31\", \"09-30\", "
      "\"12-01\"]\nfire_time = \"07:30\"\ncatch_up_days = 10\n[health]\nmax_projection_lag = 5\n",
      "f.toml");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_TRUE(set->anonymous_read);
  ASSERT_EQ(set->jobs.cycle.review_dates.size(), 3u);
  EXPECT_EQ(set->jobs.cycle.review_dates[0].month, 3u);
  EXPECT_EQ(set->jobs.cycle.fire_hour, 7u);
  EXPECT_EQ(set->jobs.cycle.fire_minute, 30u);
  EXPECT_EQ(set->jobs.cycle.catch_up_days, 10u);
  EXPECT_EQ(set->health.max_projection_lag, 5u);

  const std::pair<std::string, std::string> bad[] = {
      {"[server]\nanonymous_read = \"yes\"\n", "f.toml:2: server.anonymous_read: must be true"},
      {"[cycle]\nreview_dates = [\"02-29\"]\n", "f.toml:2: cycle.review_dates: each date"},
      {"[cycle]\nreview_dates = [\"13-01\"]\n", "cycle.review_dates: each date"},
      {"[cycle]\nreview_dates = []\n", "cycle.review_dates: must be a list"},
      {"[cycle]\nreview_dates = [\"06-30\", \"12-15\", \"06-30\"]\n",
       "f.toml:2: cycle.review_dates: \"06-30\" is listed twice"},
      {"[cycle]\nfire_time = \"25:00\"\n", "f.toml:2: cycle.fire_time: must be \"HH:MM\""},
      {"[cycle]\ncatch_up_days = -1\n", "cycle.catch_up_days: must be between 0 and"},
      {"[cycle]\ncatch_up = 3\n", "f.toml:2: cycle.catch_up: unknown key"},
      {"[health]\nmax_projection_lag = 1.5\n", "health.max_projection_lag: must be a whole"},
  };
  for (const auto& [text, expected] : bad) {
    auto c = ParseConfig(text, "f.toml");
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_NE(c.status().message().find(expected), std::string::npos)
        << text << " gave: " << c.status().message();
  }
}

TEST(ConfigTest, AuthSessionsAndReaderRoles) {
  auto defaults = ParseConfig(kMinimal, "jalon.toml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->auth.session_idle_minutes, 30u);
  EXPECT_EQ(defaults->auth.session_max_hours, 12u);
  EXPECT_FALSE(defaults->auth.secure_cookie);
  auto set = ParseConfig(
      "[auth]\nsession_idle_minutes = 15\nsession_max_hours = 8\nsecure_cookie = true\n"
      "[[tokens]]\nname = \"agent\"\nrole = \"reader:DEJ\"\nsha256 = \"" +
          std::string(64, 'a') + "\"\n",
      "f.toml");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->auth.session_idle_minutes, 15u);
  EXPECT_EQ(set->auth.session_max_hours, 8u);
  EXPECT_TRUE(set->auth.secure_cookie);
  EXPECT_EQ(set->tokens[0].role, "reader:DEJ");
  const std::pair<std::string, std::string> bad[] = {
      {"[auth]\nsession_idle_minutes = 0\n", "f.toml:2: auth.session_idle_minutes: must be"},
      {"[auth]\nsession_max_hours = \"12\"\n", "auth.session_max_hours: must be a whole"},
      {"[auth]\nsession_hours = 3\n", "f.toml:2: auth.session_hours: unknown key"},
  };
  for (const auto& [text, expected] : bad) {
    auto c = ParseConfig(text, "f.toml");
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_NE(c.status().message().find(expected), std::string::npos)
        << text << " gave: " << c.status().message();
  }
}

TEST(ConfigTest, RemindersDeliveryAndContacts) {
  auto c = ParseConfig(
      "[reminders]\nescalate_after_days = [7, 21]\nrepeat_every_days = 3\n"
      "[delivery]\nchannel = \"smtp\"\nsteering = \"pilotage@v.fr\"\n"
      "[delivery.smtp]\nurl = \"smtp://127.0.0.1:2525\"\nstarttls = true\n"
      "[[contacts]]\ndirection = \"DEJ\"\ncontact = \"a@v.fr\"\ndirector = \"b@v.fr\"\n"
      "webhook = \"https://h.v.fr/x\"\n",
      "f.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->jobs.reminders.escalate_after_days, (std::vector<unsigned>{7, 21}));
  EXPECT_EQ(c->jobs.reminders.repeat_every_days, 3u);
  EXPECT_EQ(c->jobs.delivery.channel, "smtp");
  EXPECT_EQ(c->jobs.delivery.smtp.url, "smtp://127.0.0.1:2525");
  EXPECT_TRUE(c->jobs.delivery.smtp.starttls);
  ASSERT_EQ(c->jobs.delivery.contacts.size(), 1u);
  EXPECT_EQ(c->jobs.delivery.contacts[0].director, "b@v.fr");

  const std::pair<std::string, std::string> bad[] = {
      {"[reminders]\nescalate_after_days = [21, 7]\n",
       "f.toml:2: reminders.escalate_after_days: values must be in increasing order"},
      {"[reminders]\nescalate_after_days = [1, 2, 3]\n", "at most 2 delays"},
      {"[delivery]\nchannel = \"pigeon\"\n",
       "f.toml:2: delivery.channel: must be maildir, smtp or webhook"},
      {"[delivery]\nchannel = \"smtp\"\n", "delivery.channel: smtp needs [delivery.smtp] url"},
      {"[delivery]\nchannel = \"webhook\"\n", "webhook needs delivery.webhook_secret"},
      {"[delivery.smtp]\nurl = \"http://x\"\n", "delivery.smtp.url: must be smtp://"},
      {"[delivery]\nsteering = \"nobody\"\n", "delivery.steering: must be an email address"},
      {"[scheduler]\nperiod_ms = 1\n", "f.toml:2: scheduler.period_ms: must be between 10"},
      {"[scheduler]\nenabled = 1\n", "scheduler.enabled: must be true or false"},
      {"[[contacts]]\ndirection = \"DEJ\"\ncontact = \"a@v.fr\"\n",
       "contacts[0].director: is required"},
      {"[[contacts]]\ndirection = \"dej\"\ncontact = \"a@v.fr\"\ndirector = \"b@v.fr\"\n",
       "f.toml:2: contacts[0].direction: not a direction code"},
  };
  for (const auto& [text, expected] : bad) {
    auto r = ParseConfig(text, "f.toml");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find(expected), std::string::npos)
        << text << " gave: " << r.status().message();
  }
}

TEST(ConfigTest, EnvironmentOverridesListenAndData) {
  testing::TempDir dir;
  const std::string path = dir.Sub("jalon.toml");
  std::ofstream(path) << kMinimal;
  setenv("JALON_LISTEN", "0.0.0.0:9090", 1);
  setenv("JALON_DATA", "/srv/jalon", 1);
  auto c = LoadConfig(path);
  unsetenv("JALON_LISTEN");
  unsetenv("JALON_DATA");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->listen, "0.0.0.0:9090");
  EXPECT_EQ(c->data_dir, "/srv/jalon");
  EXPECT_TRUE(LoadConfig(dir.Sub("missing.toml")).status().IsNotFound());
}

// [[tenants]]: the main file lists the cities; each city's file is a plain
// config without server.listen. What cities must not share is refused,
// naming the file and the other city.
class TenantConfigTest : public ::testing::Test {
 protected:
  std::string City(const std::string& name, const std::string& data, const std::string& secret,
                   const std::string& extra = {}) {
    const std::string path = dir_.Sub(name + ".toml");
    std::ofstream(path) << extra << "[storage]\ndata_dir = \"" << dir_.Sub(data)
                        << "\"\n[delivery]\nmaildir = \"" << dir_.Sub(name + "-mail")
                        << "\"\n[[tokens]]\nname = \"" << name
                        << "-admin\"\nrole = \"admin\"\nsha256 = \"" << ToHex(Sha256(secret))
                        << "\"\n";
    return path;
  }
  std::string Main(const std::string& body) {
    const std::string path = dir_.Sub("main.toml");
    std::ofstream(path) << "[server]\nlisten = \"127.0.0.1:8181\"\n" << body;
    return path;
  }
  static std::string Two() {
    return "[[tenants]]\nid = \"lyon\"\nconfig = \"lyon.toml\"\n"
           "[[tenants]]\nid = \"grenoble\"\nconfig = \"grenoble.toml\"\n";
  }
  testing::TempDir dir_;
};

TEST_F(TenantConfigTest, EachCityIsLoadedFromItsOwnFile) {
  City("lyon", "data-lyon", "secret-lyon");
  City("grenoble", "data-grenoble", "secret-grenoble", "[scheduler]\nenabled = false\n");
  auto c = LoadConfig(Main(Two()));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->tenants.size(), 2u);
  EXPECT_EQ(c->tenants[0].tenant, "lyon");
  EXPECT_EQ(c->tenants[0].data_dir, dir_.Sub("data-lyon"));
  EXPECT_EQ(c->tenants[0].tokens.at(0).sha256, Sha256("secret-lyon"));
  EXPECT_EQ(c->tenants[0].listen, "127.0.0.1:8181");  // the main file's
  EXPECT_TRUE(c->tenants[0].jobs.scheduler.enabled);
  EXPECT_EQ(c->tenants[1].tenant, "grenoble");
  EXPECT_FALSE(c->tenants[1].jobs.scheduler.enabled);
  EXPECT_TRUE(c->tokens.empty());
}

TEST_F(TenantConfigTest, WhatCitiesMustNotShareIsRefused) {
  City("lyon", "data-lyon", "secret-lyon");
  City("grenoble", "data-grenoble", "secret-lyon");  // lyon's token
  auto token = LoadConfig(Main(Two()));
  ASSERT_FALSE(token.ok());
  EXPECT_NE(token.status().message().find("grenoble.toml: tokens: 'grenoble-admin' has the same "
                                          "secret as a token of tenant 'lyon'"),
            std::string::npos)
      << token.status().message();

  City("grenoble", "data-lyon", "secret-grenoble");  // lyon's log
  auto data = LoadConfig(Main(Two()));
  ASSERT_FALSE(data.ok());
  EXPECT_NE(data.status().message().find("storage.data_dir"), std::string::npos);
  EXPECT_NE(data.status().message().find("tenant 'lyon'"), std::string::npos);

  auto same_id =
      LoadConfig(Main("[[tenants]]\nid = \"lyon\"\nconfig = \"lyon.toml\"\n"
                      "[[tenants]]\nid = \"lyon\"\nconfig = \"grenoble.toml\"\n"));
  ASSERT_FALSE(same_id.ok());
  EXPECT_NE(same_id.status().message().find("duplicate tenant 'lyon'"), std::string::npos)
      << same_id.status().message();
}

TEST_F(TenantConfigTest, MisplacedSettingsAreNamed) {
  City("lyon", "data-lyon", "secret-lyon");
  City("grenoble", "data-grenoble", "secret-grenoble");
  // A token in the main file would seem to open every city.
  auto shared = LoadConfig(Main(Two() + "[[tokens]]\nname = \"x\"\nrole = \"admin\"\nsha256 = \"" +
                                std::string(64, 'a') + "\"\n"));
  ASSERT_FALSE(shared.ok());
  EXPECT_NE(shared.status().message().find("tokens: with [[tenants]], each city's settings go "
                                           "into its own file"),
            std::string::npos)
      << shared.status().message();
  // A city does not choose the address.
  City("grenoble", "data-grenoble", "secret-grenoble", "[server]\nlisten = \"127.0.0.1:1\"\n");
  auto listen = LoadConfig(Main(Two()));
  ASSERT_FALSE(listen.ok());
  EXPECT_NE(listen.status().message().find("grenoble.toml:2: server.listen: unknown key"),
            std::string::npos)
      << listen.status().message();
  auto id = LoadConfig(Main("[[tenants]]\nid = \"Lyon\"\nconfig = \"lyon.toml\"\n"));
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.status().message().find("tenants[0].id: 'Lyon' is not a tenant id"),
            std::string::npos)
      << id.status().message();
  auto missing = LoadConfig(Main("[[tenants]]\nid = \"lyon\"\nconfig = \"nope.toml\"\n"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("tenant 'lyon'"), std::string::npos)
      << missing.status().message();
  EXPECT_NE(missing.status().message().find("nope.toml"), std::string::npos);
  setenv("JALON_DATA", "/srv/jalon", 1);
  auto env = LoadConfig(Main(Two()));
  unsetenv("JALON_DATA");
  ASSERT_FALSE(env.ok());
  EXPECT_NE(env.status().message().find("JALON_DATA"), std::string::npos);
}

TEST(ConfigTest, ShippedDefaultConfigLoads) {
  auto c = LoadConfig(std::string(JALON_SOURCE_DIR) + "/config/jalon.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->tokens.size(), 4u);
  auto cities = LoadConfig(std::string(JALON_SOURCE_DIR) + "/config/villes.toml");
  ASSERT_TRUE(cities.ok()) << cities.status().ToString();
  ASSERT_EQ(cities->tenants.size(), 2u);
  EXPECT_EQ(cities->tenants[1].tenant, "ville-b");
  EXPECT_EQ(cities->tenants[1].tokens.at(0).sha256, Sha256("demo-b-admin"));
}

}  // namespace
}  // namespace jalon
