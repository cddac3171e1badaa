// The review document and the newcomer brief on a plan with a known
// history: review N shows the plan as it stood at review N even when made
// after later changes, the changes listed are exactly those between two
// reviews, the hash cited is the review's event's, and both renderings
// escape what staff typed.
#include "jobs/documents/documents.h"

#include <gtest/gtest.h>

#include "engine/plan/rollup.h"
#include "engine/util/sha256.h"
#include "jobs/documents/labels.h"
#include "tests/engine/plan/plan_fixture.h"

namespace jalon::jobs {
namespace {

class DocumentsTest : public testing::PlanFixture {
 protected:
  void SetUp() override {
    PlanFixture::SetUp();
    clock_.Set(ParseInstant("2018-07-02T08:00:00Z").value());
    ImportExample();  // holds reviews 1 and 2 (2016)
    review3_ = Hold("2018-06-30");
    // Between review 3 and review 4.
    clock_.Set(ParseInstant("2018-12-16T08:00:00Z").value());
    ASSERT_TRUE(
        Exec("RecordMeasurement",
             {{"direction", "DEJ"}, {"indicator", "I1"}, {"date", "2018-12-15"}, {"value", 55}})
            .ok());
    ASSERT_TRUE(Exec("ReportProgress", {{"direction", "DEJ"},
                                        {"action", "A1.2"},
                                        {"date", "2018-12-15"},
                                        {"percent", 80},
                                        {"note", "Formulaire <unique> & | testé"}})
                    .ok());
    review4_ = Hold("2018-12-17");
    // After review 4: must not show in reviews 3 and 4.
    clock_.Set(ParseInstant("2019-07-01T08:00:00Z").value());
    ASSERT_TRUE(
        Exec("RecordMeasurement",
             {{"direction", "DEJ"}, {"indicator", "I1"}, {"date", "2019-06-30"}, {"value", 70}})
            .ok());
    ASSERT_TRUE(
        Exec("ReportProgress",
             {{"direction", "DEJ"}, {"action", "A1.2"}, {"date", "2019-06-30"}, {"percent", 100}})
            .ok());
  }

  uint64_t Hold(const char* date) {
    auto r = Exec("HoldReview", {{"direction", "DEJ"},
                                 {"date", date},
                                 {"participants", {"Directrice"}},
                                 {"decisions", "Poursuivre."}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? (*r)["position"].get<uint64_t>() : 0;
  }

  Json Review(int n) {
    auto r = ReviewDocData(*service_, "DEJ", n);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Json();
  }

  // The changed entities of a review document, entity -> changed fields.
  static std::map<std::string, std::vector<std::string>> Changed(const Json& doc) {
    std::map<std::string, std::vector<std::string>> out;
    for (const Json& c : doc["changes"]["changed"]) {
      for (const Json& f : c["changes"]) out[c["entity"]].push_back(f["field"]);
    }
    return out;
  }

  uint64_t review3_ = 0, review4_ = 0;
};

TEST_F(DocumentsTest, ReviewShowsThePlanAsItStoodThenNotToday) {
  const Json d = Review(3);
  EXPECT_TRUE(d["review"]["held"].get<bool>());
  EXPECT_EQ(d["review"]["date"], "2018-06-30");
  EXPECT_EQ(d["as_of"], "2018-06-30");
  // The dashboard's figures for the plan as the log held it at the review.
  TimeQuery when;
  when.position = review3_;
  const Json dash = service_->Dashboard("DEJ", ParseDate("2018-06-30").value(), when).value();
  EXPECT_EQ(d["execution"], dash["execution"]);
  EXPECT_EQ(d["performance"], dash["performance"]);
  // Today's plan differs: A1.2 is done since.
  const Json now = service_->Dashboard("DEJ", ParseDate("2019-07-01").value(), {}).value();
  EXPECT_NE(d["execution"], now["execution"]);
  for (const Json& a : d["actions"]) {
    // Late or at risk on 30 June 2018, by the dashboard of that day.
    bool found = false;
    for (const Json& axis : dash["axes"]) {
      for (const Json& x : axis["actions"]) {
        if (x["id"] == a["id"]) {
          found = true;
          EXPECT_EQ(x["status"], a["status"]);
          EXPECT_EQ(x["progress"], a["progress"]);
        }
      }
    }
    EXPECT_TRUE(found) << a.dump();
    EXPECT_TRUE(a["status"] == "late" || a["status"] == "at_risk");
  }
  // Nothing recorded after the review is in it.
  const std::string md = ReviewDocument(d).ToMarkdown();
  EXPECT_EQ(md.find("15 décembre 2018"), std::string::npos) << md;
  EXPECT_EQ(md.find("Nouvelle mesure du 30 juin 2019"), std::string::npos) << md;
  EXPECT_EQ(md.find("Avancement au 30 juin 2019"), std::string::npos) << md;
  EXPECT_NE(md.find("Nouvelle mesure du 30 juin 2018 : 41"), std::string::npos) << md;
}

TEST_F(DocumentsTest, ChangesAreExactlyThoseBetweenTwoReviews) {
  const Json d = Review(4);
  EXPECT_EQ(d["previous"]["number"], 3);
  EXPECT_EQ(d["previous"]["position"], review3_);
  const auto changed = Changed(d);
  // The measurement and progress report made between reviews 3 and 4,
  // and review 4 itself; nothing from after.
  ASSERT_TRUE(changed.contains("indicator/I1")) << d["changes"].dump();
  ASSERT_TRUE(changed.contains("action/A1.2")) << d["changes"].dump();
  EXPECT_EQ(changed.size(), 2u) << d["changes"].dump();
  for (const Json& c : d["changes"]["changed"]) {
    for (const Json& f : c["changes"]) {
      EXPECT_NE(f["after"], Json(70)) << f.dump();
      EXPECT_NE(f["after"], Json("2019-06-30")) << f.dump();
    }
  }
  ASSERT_EQ(d["changes"]["added"].size(), 1u);
  EXPECT_EQ(d["changes"]["added"][0]["entity"], "review/4");
  EXPECT_TRUE(d["changes"]["removed"].empty());
  const std::string md = ReviewDocument(d).ToMarkdown();
  EXPECT_NE(md.find("Nouvelle mesure du 15 décembre 2018 : 55"), std::string::npos) << md;
  EXPECT_NE(md.find("Avancement au 15 décembre 2018 : 80"), std::string::npos) << md;
}

TEST_F(DocumentsTest, CitesTheReviewEventsHashForTheMinutes) {
  const Json d = Review(4);
  auto events = log_->ReadRange(review4_, 1);
  ASSERT_TRUE(events.ok() && events->size() == 1);
  EXPECT_EQ(events->front().type, "ReviewHeld");
  EXPECT_EQ(d["chain"]["position"], review4_);
  EXPECT_EQ(d["chain"]["hash"], ToHex(events->front().hash));
  // The plan's own head when the review met: its event just before.
  auto before = log_->ReadRange(review4_ - 1, 1);
  ASSERT_TRUE(before.ok() && before->size() == 1);
  EXPECT_EQ(before->front().stream, "plan/DEJ");
  EXPECT_EQ(d["chain"]["plan_hash"], ToHex(before->front().hash));
  const std::string html = ReviewDocument(d).ToHtml();
  EXPECT_NE(html.find(ToHex(events->front().hash)), std::string::npos);
}

TEST_F(DocumentsTest, NextReviewIsPreparatoryAndLaterOnesAreRefused) {
  const Json d = Review(5);
  EXPECT_FALSE(d["review"]["held"].get<bool>());
  EXPECT_EQ(d["chain"]["position"], Head());
  auto six = ReviewDocData(*service_, "DEJ", 6);
  ASSERT_FALSE(six.ok());
  EXPECT_TRUE(six.status().IsNotFound());
  EXPECT_NE(six.status().message().find("4 held so far"), std::string::npos)
      << six.status().message();
  EXPECT_FALSE(ReviewDocData(*service_, "DEJ", 0).ok());
  EXPECT_TRUE(ReviewDocData(*service_, "NOPE", 1).status().IsNotFound());
}

TEST_F(DocumentsTest, RenderingsEscapeWhatStaffTyped) {
  ASSERT_TRUE(Exec("PlanAction", {{"direction", "DEJ"},
                                  {"axis", "A1"},
                                  {"id", "A1.9"},
                                  {"fte", 0.5},
                                  {"title", "Accueil <b>gras</b> | & *urgent*"},
                                  {"owner", "Service"},
                                  {"start", "2019-01-01"},
                                  {"due", "2019-02-01"},
                                  {"budget_eur", 999999999}})
                  .ok());
  auto brief = BriefData(*service_, "DEJ", std::nullopt, CycleOptions());
  ASSERT_TRUE(brief.ok()) << brief.status().ToString();
  const Document doc = BriefDocument(*brief);
  const std::string html = doc.ToHtml();
  EXPECT_EQ(html.find("<b>gras"), std::string::npos);
  EXPECT_NE(html.find("Accueil &lt;b&gt;gras&lt;/b&gt; | &amp; *urgent*"), std::string::npos);
  EXPECT_NE(html.find("<html lang=\"fr\">"), std::string::npos);
  const std::string md = doc.ToMarkdown();
  EXPECT_NE(md.find("Accueil \\<b\\>gras\\</b\\> \\| & \\*urgent\\*"), std::string::npos) << md;
}

TEST_F(DocumentsTest, BriefAsOfAPastInstantShowsThatPlan) {
  // As the log held it just before review 4: I1's latest is 41 (30 June
  // 2018), not 55 or 70.
  auto events = log_->ReadRange(review4_, 1);
  ASSERT_TRUE(events.ok());
  auto brief = BriefData(*service_, "DEJ", events->front().recorded_at - std::chrono::seconds(90),
                         CycleOptions());
  ASSERT_TRUE(brief.ok()) << brief.status().ToString();
  const Json plan = testing::ExamplePlan();
  EXPECT_EQ((*brief)["missions"].size(), plan["missions"].size());
  bool seen = false;
  for (const Json& i : (*brief)["indicators"]) {
    if (i["id"] != "I1") continue;
    seen = true;
    EXPECT_EQ(i["latest"], 55);  // recorded 2018-12-16, before the review
  }
  EXPECT_TRUE(seen);
  auto earlier =
      BriefData(*service_, "DEJ", ParseInstant("2018-07-02T09:00:00Z").value(), CycleOptions());
  ASSERT_TRUE(earlier.ok());
  for (const Json& i : (*earlier)["indicators"]) {
    if (i["id"] == "I1") {
      EXPECT_EQ(i["latest"], 41);
    }
  }
  // Next dates are the cycle's, after the as-of date and in order.
  const Json& next = (*earlier)["next_dates"];
  ASSERT_FALSE(next.empty());
  EXPECT_GE(next[0]["date"].get<std::string>(), "2018-07-02");
  for (size_t i = 1; i < next.size(); ++i) EXPECT_LE(next[i - 1]["date"], next[i]["date"]);
  // 15 December 2018 is a Saturday: the review is due on Monday the 17th.
  bool review = false;
  for (const Json& n : next)
    review |= n["date"] == "2018-12-17" && n["what"] == "Revue semestrielle";
  EXPECT_TRUE(review) << next.dump();
  const std::string md = BriefDocument(*earlier).ToMarkdown();
  EXPECT_NE(md.find(fr::Label("value", "listening")), std::string::npos);
}

TEST(LabelsTest, FrenchNumbersAndDates) {
  EXPECT_EQ(fr::Number(Json(27.5)), "27,5");
  EXPECT_EQ(fr::Number(Json(54.17)), "54,17");
  EXPECT_EQ(fr::Number(Json(60)), "60");
  EXPECT_EQ(fr::Number(Json()), "—");
  EXPECT_EQ(fr::Percent(Json(73)), "73\u00a0%");
  EXPECT_EQ(fr::LongDate("2016-01-01"), "1er janvier 2016");
  EXPECT_EQ(fr::LongDate("2017-08-30"), "30 août 2017");
  EXPECT_EQ(fr::LongDate("pas une date"), "pas une date");
  EXPECT_EQ(fr::Label("action_status", "late"), "En retard");
  EXPECT_EQ(fr::Label("action_status", "inconnu"), "inconnu");
}

}  // namespace
}  // namespace jalon::jobs
