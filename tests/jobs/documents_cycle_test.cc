// The review document and the newcomer brief of a plan that has had two
// cycles (engine/plan/cycle.h): each cycle numbers its reviews from 1, a
// previous cycle's reviews and brief are read as that cycle stood, and the
// routes take ?cycle= (both) and ?position= (the brief), over real HTTP on
// 127.0.0.1.
#include <gtest/gtest.h>

#include "engine/http/auth.h"
#include "engine/http/http_server.h"
#include "engine/util/sha256.h"
#include "jobs/delivery/channel.h"
#include "jobs/documents/documents.h"
#include "jobs/jobs_api.h"
#include "jobs/scheduler.h"
#include "tests/engine/plan/plan_fixture.h"
#include "tests/net_util.h"

namespace jalon::jobs {
namespace {

class DocumentsCycleTest : public testing::PlanFixture {
 protected:
  void SetUp() override {
    PlanFixture::SetUp();
    ImportExample();     // cycle 1, 2016-2020: reviews 1 and 2 (2016)
    Hold("2018-06-30");  // its review 3
    clock_.Set(ParseInstant("2021-01-04T08:00:00Z").value());
    ASSERT_TRUE(Exec("OpenCycle", testing::ExampleNextCycle("2021-01-04")).ok());
    const Json cycles = service_->State("DEJ", {}).value().plan["previous_cycles"];
    ASSERT_EQ(cycles.size(), 1u);
    first_close_ = cycles[0]["last_position"].get<uint64_t>();
    clock_.Set(ParseInstant("2021-07-01T08:00:00Z").value());
    Hold("2021-06-30");  // cycle 2's review 1
  }
  void TearDown() override {
    server_.reset();
    scheduler_.reset();
  }

  void Hold(const char* date) {
    auto r = Exec("HoldReview", {{"direction", "DEJ"},
                                 {"date", date},
                                 {"participants", {"Directrice"}},
                                 {"decisions", std::string("Revue du ") + date}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  static std::vector<std::string> KeyActions(const Json& brief) {
    std::vector<std::string> out;
    for (const Json& axis : brief["axes"]) {
      for (const Json& a : axis["key_actions"]) out.push_back(a["id"]);
    }
    return out;
  }

  // jalond's jobs routes on 127.0.0.1, with an admin token.
  uint16_t Serve() {
    auth_ = std::make_unique<http::Authenticator>(
        std::vector<http::TokenEntry>{{"admin", "admin", Sha256(std::string("token-admin"))}},
        false);
    JobsOptions options;
    options.delivery.channel = "maildir";
    options.delivery.maildir = dir_.path() + "/mail";
    scheduler_ =
        std::make_unique<Scheduler>(*service_, clock_, options, MakeChannel(options.delivery));
    RegisterJobsRoutes(router_, *scheduler_, *service_, *auth_);
    http::ServerOptions server_options;
    server_options.port = 0;
    server_ = std::make_unique<http::HttpServer>(
        server_options,
        [this](const http::Request& req, http::Reply reply) { router_.Dispatch(req, reply); });
    EXPECT_TRUE(server_->Start().ok());
    return server_->port();
  }
  testing::HttpReply Get(uint16_t port, const std::string& target) {
    return testing::SendRequest(port, "GET", target, "Authorization: Bearer token-admin\r\n");
  }

  uint64_t first_close_ = 0;
  std::unique_ptr<http::Authenticator> auth_;
  std::unique_ptr<Scheduler> scheduler_;
  http::Router router_;
  std::unique_ptr<http::HttpServer> server_;
};

TEST_F(DocumentsCycleTest, APreviousCyclesBriefIsItsPlanAtItsClose) {
  auto past = BriefData(*service_, "DEJ", BriefPoint{.cycle = 1}, CycleOptions());
  ASSERT_TRUE(past.ok()) << past.status().ToString();
  EXPECT_EQ((*past)["plan"]["title"], "Projet de direction 2016-2020");
  EXPECT_EQ((*past)["position"], first_close_);
  EXPECT_EQ((*past)["cycle"], Json::parse(R"({"number":1,"current":false,"at_close":true,
                                              "cycles":2})"));
  const std::vector<std::string> actions = KeyActions(*past);
  EXPECT_NE(std::find(actions.begin(), actions.end(), "A1.1"), actions.end());
  // Its figures at its period's end (today is after it), as the Direction
  // page of that cycle computes them.
  EXPECT_EQ((*past)["as_of"], "2020-12-31");
  TimeQuery at_close;
  at_close.position = first_close_;
  const Json dash = service_->Dashboard("DEJ", ParseDate("2020-12-31").value(), at_close).value();
  EXPECT_EQ((*past)["execution"], dash["execution"]);
  EXPECT_EQ((*past)["performance"], dash["performance"]);
  const std::string md = BriefDocument(*past).ToMarkdown();
  EXPECT_NE(md.find("Présentation du projet de direction — "), std::string::npos) << md;
  EXPECT_NE(md.find(" — cycle 1\n"), std::string::npos) << md;
  EXPECT_NE(md.find("1 (cycle précédent) — le projet tel qu'il était à sa clôture"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("Inscriptions en ligne sur le portail famille"), std::string::npos) << md;

  // The same plan read at that position says so.
  auto at = BriefData(*service_, "DEJ", BriefPoint{.position = first_close_}, CycleOptions());
  ASSERT_TRUE(at.ok()) << at.status().ToString();
  EXPECT_EQ(*at, *past);
  auto earlier =
      BriefData(*service_, "DEJ", BriefPoint{.position = first_close_ - 1}, CycleOptions());
  ASSERT_TRUE(earlier.ok()) << earlier.status().ToString();
  EXPECT_FALSE((*earlier)["cycle"]["at_close"].get<bool>());
  EXPECT_NE(BriefDocument(*earlier).ToMarkdown().find(
                "enregistré à la position " + std::to_string(first_close_ - 1) + " du journal"),
            std::string::npos);

  // The current cycle's brief: its own plan, today.
  auto now = BriefData(*service_, "DEJ", std::nullopt, CycleOptions());
  ASSERT_TRUE(now.ok()) << now.status().ToString();
  EXPECT_EQ((*now)["plan"]["title"], "Projet de direction 2021-2024");
  EXPECT_TRUE(KeyActions(*now).empty());
  EXPECT_EQ((*now)["as_of"], "2021-07-01");
  EXPECT_NE(BriefDocument(*now).ToMarkdown().find("2 (en cours)"), std::string::npos);
  auto two = BriefData(*service_, "DEJ", BriefPoint{.cycle = 2}, CycleOptions());
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_EQ((*two)["plan"]["title"], "Projet de direction 2021-2024");
}

TEST_F(DocumentsCycleTest, BriefRefusesWhatIsNotThere) {
  auto none = BriefData(*service_, "DEJ", BriefPoint{.cycle = 3}, CycleOptions());
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(none.status().IsNotFound());
  EXPECT_NE(none.status().message().find("cycle: "), std::string::npos);
  auto both =
      BriefData(*service_, "DEJ", BriefPoint{.as_of = clock_.Now(), .cycle = 1}, CycleOptions());
  EXPECT_EQ(both.status().code(), Status::Code::kInvalidArgument);
  auto zero = BriefData(*service_, "DEJ", BriefPoint{.position = 0}, CycleOptions());
  EXPECT_EQ(zero.status().code(), Status::Code::kInvalidArgument);
}

TEST_F(DocumentsCycleTest, EachCycleNumbersItsReviewsFromOne) {
  // The current cycle's review 1 is its own, with what changed since it
  // opened.
  auto first = ReviewDocData(*service_, "DEJ", 1);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ((*first)["review"]["date"], "2021-06-30");
  EXPECT_EQ((*first)["plan"]["title"], "Projet de direction 2021-2024");
  EXPECT_TRUE((*first)["previous"].is_null());
  // Not the missions and state of play the cycle took over: the review only.
  ASSERT_EQ((*first)["changes"]["added"].size(), 1u) << (*first)["changes"].dump();
  EXPECT_EQ((*first)["changes"]["added"][0]["entity"], "review/1");
  const std::string md = ReviewDocument(*first).ToMarkdown();
  EXPECT_NE(md.find("Revue semestrielle n° 1 du cycle 2"), std::string::npos) << md;
  EXPECT_NE(md.find("Ce qui a changé depuis l'ouverture du cycle 2"), std::string::npos) << md;
  auto next = ReviewDocData(*service_, "DEJ", 2);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_FALSE((*next)["review"]["held"].get<bool>());
  EXPECT_TRUE(ReviewDocData(*service_, "DEJ", 3).status().IsNotFound());

  // Cycle 1's review 3, as the plan stood then.
  auto old = ReviewDocData(*service_, "DEJ", 3, 1);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ((*old)["review"]["date"], "2018-06-30");
  EXPECT_EQ((*old)["plan"]["title"], "Projet de direction 2016-2020");
  EXPECT_EQ((*old)["previous"]["number"], 2);
  EXPECT_EQ((*old)["cycle"]["number"], 1);
  EXPECT_FALSE((*old)["cycle"]["current"].get<bool>());
  EXPECT_NE(ReviewDocument(*old).ToMarkdown().find("1 (cycle précédent)"), std::string::npos);
  // A closed cycle has no review to prepare.
  auto unheld = ReviewDocData(*service_, "DEJ", 4, 1);
  ASSERT_TRUE(unheld.status().IsNotFound());
  EXPECT_NE(unheld.status().message().find("held 3 review(s)"), std::string::npos)
      << unheld.status().message();
  auto none = ReviewDocData(*service_, "DEJ", 1, 3);
  ASSERT_TRUE(none.status().IsNotFound());
  EXPECT_NE(none.status().message().find("cycle: "), std::string::npos);
}

// A plan written by commands after its period, its review dated then: the
// review document reads the plan as the log held it at the review.
TEST_F(DocumentsCycleTest, AReviewRecordedAfterItsDayShowsThePlan) {
  ASSERT_TRUE(Exec("RegisterDirection", {{"code", "DSP"}, {"name", "Direction des sports"}}).ok());
  ASSERT_TRUE(Exec("OpenPlan", {{"direction", "DSP"},
                                {"title", "Projet de direction 2014-2017"},
                                {"period_start", "2014-01-01"},
                                {"period_end", "2017-12-31"},
                                {"dated", "2014-02-01"}})
                  .ok());
  ASSERT_TRUE(Exec("HoldReview", {{"direction", "DSP"},
                                  {"date", "2016-06-30"},
                                  {"participants", {"Directeur"}},
                                  {"decisions", "Poursuivre."}})
                  .ok());
  auto d = ReviewDocData(*service_, "DSP", 1);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ((*d)["plan"]["title"], "Projet de direction 2014-2017");
  EXPECT_NE(ReviewDocument(*d).ToMarkdown().find("Direction des sports"), std::string::npos);
}

// A cycle opened months into its period: a review it holds, dated between
// its period's start and its opening, reads the new cycle's plan, not the
// plan before.
TEST_F(DocumentsCycleTest, ACycleOpenedLateHoldsItsOwnEarlyReview) {
  ASSERT_TRUE(Exec("RegisterDirection", {{"code", "DSP"}, {"name", "Direction des sports"}}).ok());
  ASSERT_TRUE(Exec("OpenPlan", {{"direction", "DSP"},
                                {"title", "Projet de direction 2016-2019"},
                                {"period_start", "2016-01-01"},
                                {"period_end", "2019-12-31"},
                                {"dated", "2016-02-01"}})
                  .ok());
  ASSERT_TRUE(Exec("DefineMission", {{"direction", "DSP"}, {"id", "M1"}, {"title", "Gérer"}}).ok());
  clock_.Set(ParseInstant("2021-09-01T08:00:00Z").value());
  ASSERT_TRUE(Exec("OpenCycle", {{"direction", "DSP"},
                                 {"title", "Projet de direction 2021-2025"},
                                 {"period_start", "2021-08-01"},
                                 {"period_end", "2025-07-31"},
                                 {"dated", "2021-09-01"}})
                  .ok());
  ASSERT_TRUE(Exec("ProposeAxis",
                   {{"direction", "DSP"}, {"id", "A1"}, {"title", "Rénover"}, {"missions", {"M1"}}})
                  .ok());
  ASSERT_TRUE(Exec("HoldReview", {{"direction", "DSP"},
                                  {"date", "2021-08-16"},
                                  {"participants", {"Directeur"}},
                                  {"decisions", "Poursuivre."}})
                  .ok());
  auto d = ReviewDocData(*service_, "DSP", 1);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ((*d)["plan"]["title"], "Projet de direction 2021-2025");
  EXPECT_EQ((*d)["cycle"]["number"], 2);
}

TEST_F(DocumentsCycleTest, RoutesTakeTheCycle) {
  const uint16_t port = Serve();
  const std::string base = "/v1/plans/DEJ/";
  auto brief = Get(port, base + "brief?format=md&cycle=1");
  ASSERT_EQ(brief.status, 200) << brief.body;
  EXPECT_NE(brief.body.find("Projet de direction 2016"), std::string::npos) << brief.body;
  EXPECT_NE(brief.body.find("Inscriptions en ligne sur le portail famille"), std::string::npos);
  auto html = Get(port, base + "brief?format=html&position=" + std::to_string(first_close_));
  ASSERT_EQ(html.status, 200) << html.body;
  EXPECT_NE(html.body.find("Projet de direction 2016-2020"), std::string::npos);
  auto review = Get(port, base + "review-doc?review=3&cycle=1");
  ASSERT_EQ(review.status, 200) << review.body;
  EXPECT_EQ(review.json()["review"]["date"], "2018-06-30");
  auto current = Get(port, base + "review-doc?review=1");
  ASSERT_EQ(current.status, 200) << current.body;
  EXPECT_EQ(current.json()["review"]["date"], "2021-06-30");

  // Bad values name their parameter; what is not there is 404.
  for (const std::string& target :
       {base + "brief?cycle=0", base + "brief?cycle=un", base + "review-doc?review=1&cycle=-1"}) {
    auto r = Get(port, target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_NE(r.body.find("cycle"), std::string::npos) << target << ": " << r.body;
  }
  for (const std::string& target : {base + "brief?position=0", base + "brief?position=x1"}) {
    auto r = Get(port, target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_NE(r.body.find("position"), std::string::npos) << target << ": " << r.body;
  }
  EXPECT_EQ(Get(port, base + "brief?cycle=1&position=3").status, 400);
  EXPECT_EQ(Get(port, base + "brief?cycle=1&as_of=2021-01-01T00:00:00Z").status, 400);
  EXPECT_EQ(Get(port, base + "brief?cycle=3").status, 404);
  EXPECT_EQ(Get(port, base + "review-doc?review=1&cycle=3").status, 404);
  EXPECT_EQ(Get(port, base + "review-doc?review=4&cycle=1").status, 404);
}

}  // namespace
}  // namespace jalon::jobs
