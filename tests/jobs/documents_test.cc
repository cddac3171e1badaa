// The review document and the newcomer brief on a plan with a known
// history: review N shows the plan as it stood at review N even when made
// after later changes, the changes listed are exactly those between two
// reviews, the hash cited is the review's event's, and both renderings
// escape what staff typed.
#include "jobs/documents/documents.h"

#include <gtest/gtest.h>

#include <regex>

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

// The written plan in the brief: the state of play under the sheet's
// headings with the identity card, the four quadrants with each item's fact,
// source and date, the prospective reflection, and the retained scenario's
// means beside the actions', all in French words, never the model's codes.
TEST_F(DocumentsTest, BriefShowsTheWrittenPlanUnderFrenchHeadings) {
  for (const auto& [section, text] :
       {std::pair{"prospective_needs", "Hausse des naissances attendue.\n\n- crèches\n- écoles"},
        std::pair{"prospective_impacts", "Réforme <b>des</b> rythmes & cantines."},
        std::pair{"strategies", "Un comité de pilotage mensuel."}}) {
    ASSERT_TRUE(
        Exec("EditSection", {{"direction", "DEJ"}, {"section", section}, {"text", text}}).ok());
  }
  auto proposed = Exec("ProposeScenario", {{"direction", "DEJ"},
                                           {"id", "SC3"},
                                           {"title", "Numérique d'abord, moyens chiffrés"},
                                           {"axes", {"A1", "A2"}},
                                           {"means",
                                            {{"fte", {{"2017", 2.5}, {"2018", 3}}},
                                             {"budget_eur", {{"2017", 120000}, {"2018", 80000}}},
                                             {"new_projects_eur", 45000}}}});
  ASSERT_TRUE(proposed.ok()) << proposed.status().ToString();
  ASSERT_TRUE(Exec("RetainScenario", {{"direction", "DEJ"}, {"scenario", "SC3"}}).ok());

  auto brief = BriefData(*service_, "DEJ", std::nullopt, CycleOptions());
  ASSERT_TRUE(brief.ok()) << brief.status().ToString();
  const Json plan = testing::ExamplePlan();
  for (const std::string& text :
       {BriefDocument(*brief).ToMarkdown(), BriefDocument(*brief).ToHtml()}) {
    // The headings in the sheet's order.
    size_t at = 0;
    for (const char* heading :
         {"Présentation de l'existant", "Présentation générale", "Environnement juridique",
          "Fiche d'identité de la direction", "Caractéristiques des usagers de la direction",
          "La participation et la consultation des usagers", "Atouts et faiblesses",
          "Atouts internes", "Faiblesses internes", "Atouts externes", "Faiblesses externes",
          "Réflexions prospectives", "Prospective des besoins de la population",
          "Impacts prévisibles de l'évolution de l'environnement", "Stratégies d'adaptation",
          "Scénario retenu et ses moyens"}) {
      std::string want = heading;
      if (text.starts_with("<!DOCTYPE")) {
        std::string escaped;
        for (char c : want) escaped += c == '\'' ? std::string("&#39;") : std::string(1, c);
        want = escaped;
      }
      const size_t found = text.find(want, at);
      ASSERT_NE(found, std::string::npos) << heading << " after position " << at << ":\n" << text;
      at = found;
    }
    // The identity card and each item with its fact, source and date.
    EXPECT_NE(text.find("212"), std::string::npos);
    EXPECT_NE(text.find("410 000 heures"), std::string::npos);
    EXPECT_NE(text.find("Hôtel de ville, aile B"), std::string::npos);
    for (const Json& item : plan["swot"]) {
      EXPECT_NE(text.find(item["evidence"]["source"].get<std::string>()), std::string::npos)
          << item.dump();
      EXPECT_NE(text.find(fr::LongDate(item["evidence"]["date"])), std::string::npos)
          << item.dump();
    }
    EXPECT_NE(text.find("Réforme"), std::string::npos);
    // The retained scenario, its means year by year and beside the actions'.
    EXPECT_NE(text.find("SC3"), std::string::npos);
    EXPECT_NE(text.find("2,5"), std::string::npos);
    EXPECT_NE(text.find("120\u202f000\u00a0€"), std::string::npos) << text;
    EXPECT_NE(text.find("45\u202f000\u00a0€"), std::string::npos) << text;
    EXPECT_NE(text.find("245\u202f000\u00a0€"), std::string::npos) << text;  // total
    EXPECT_NE(text.find("ETP des actions en cours"), std::string::npos);
    EXPECT_NE(text.find("Somme des budgets des actions"), std::string::npos);
    // No code of the model is shown.
    for (const char* code :
         {"internal_strength", "internal_weakness", "external_strength", "external_weakness",
          "prospective_needs", "prospective_impacts", "strategies", "activity_volume",
          "new_projects_eur", "budget_eur", "presentation"}) {
      EXPECT_EQ(text.find(code), std::string::npos) << code << " in:\n" << text;
    }
  }
  // Lists typed in a section are lists, and what was typed is text.
  const std::string html = BriefDocument(*brief).ToHtml();
  EXPECT_NE(html.find("<li>crèches</li>"), std::string::npos) << html;
  EXPECT_NE(html.find("Réforme &lt;b&gt;des&lt;/b&gt; rythmes &amp; cantines."), std::string::npos);
  EXPECT_EQ(html.find("<b>des"), std::string::npos);
  // The data carries the means and the actions' figures.
  const Json& sc = (*brief)["scenario"];
  EXPECT_EQ(sc["id"], "SC3");
  EXPECT_EQ(sc["total_eur"], 245000);
  ASSERT_EQ(sc["years"].size(), 5u);  // 2016 to 2020
  EXPECT_EQ(sc["years"][1]["fte"], 2.5);
  EXPECT_TRUE(sc["years"][0]["fte"].is_null());
}

// Every document for people writes its dates in words: no ISO date is left
// in the text of the brief, of any review document (held, preparatory), at
// any date, in either format. Only the hash-chain figures are not text.
TEST_F(DocumentsTest, NoDocumentWritesAnIsoDate) {
  ASSERT_TRUE(Exec("RescheduleAction", {{"direction", "DEJ"},
                                        {"action", "A2.1"},
                                        {"due", "2020-03-31"},
                                        {"reason", "Retard du prestataire"}})
                  .ok());
  ASSERT_TRUE(
      Exec("EditSection",
           {{"direction", "DEJ"}, {"section", "strategies"}, {"text", "Un comité mensuel."}})
          .ok());
  std::vector<Json> documents;
  for (int n = 1; n <= 5; ++n) documents.push_back(Review(n));
  auto events = log_->ReadRange(review4_, 1);
  ASSERT_TRUE(events.ok());
  for (const std::optional<Instant>& at :
       {std::optional<Instant>(), std::optional<Instant>(events->front().recorded_at),
        std::optional<Instant>(ParseInstant("2018-07-02T09:00:00Z").value())}) {
    auto brief = BriefData(*service_, "DEJ", at, CycleOptions());
    ASSERT_TRUE(brief.ok()) << brief.status().ToString();
    documents.push_back(*brief);
  }
  // An ISO date (or instant), or a first of the month written "1" instead
  // of "1er".
  const std::regex iso(
      R"(\b\d{4}-\d{2}-\d{2}(\b|T)|\b1 (janvier|février|mars|avril|mai|juin|juillet|août|septembre|)"
      R"(octobre|novembre|décembre)\b)");
  for (const Json& d : documents) {
    for (const char* format : {"md", "html"}) {
      auto text = RenderDocument(d, format);
      ASSERT_TRUE(text.ok());
      std::smatch m;
      EXPECT_FALSE(std::regex_search(*text, m, iso))
          << d["format"] << " " << format << ": " << m.str() << " in:\n"
          << *text;
    }
  }
}

// The review document names what changed in French: a section by its
// heading, a field by its label, a reschedule as one line; never a code or
// a JSON pointer of the model.
TEST_F(DocumentsTest, ReviewNamesSectionsAndFieldsInFrench) {
  ASSERT_TRUE(Exec("EditSection", {{"direction", "DEJ"},
                                   {"section", "prospective_needs"},
                                   {"text", "Hausse des naissances."}})
                  .ok());
  ASSERT_TRUE(Exec("RescheduleAction", {{"direction", "DEJ"},
                                        {"action", "A2.1"},
                                        {"due", "2020-03-31"},
                                        {"reason", "Retard du prestataire"},
                                        {"date", "2019-07-01"}})
                  .ok());
  const std::string md = ReviewDocument(Review(5)).ToMarkdown();
  EXPECT_NE(md.find("« Prospective des besoins de la population »"), std::string::npos) << md;
  EXPECT_NE(md.find("Échéance : 1er septembre 2019 → 31 mars 2020"), std::string::npos) << md;
  EXPECT_NE(md.find("Replanifiée le 1er juillet 2019, début 1er juin 2016, échéance 31 mars 2020 "
                    "(Retard du prestataire)"),
            std::string::npos)
      << md;
  for (const char* code : {"prospective_needs", "planned", "reschedules", "due :", "/"}) {
    EXPECT_EQ(md.find(code), std::string::npos) << code << " in:\n" << md;
  }
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
  EXPECT_EQ(fr::DateText("2017-07-24T08:05:00.123456Z"), "24 juillet 2017 à 08 h 05 (UTC)");
  EXPECT_EQ(fr::DateText("2016-03-15T00:00:00Z"), "15 mars 2016");
  EXPECT_EQ(fr::DateText("prévue le 2020-01-01, ou"), "prévue le 1er janvier 2020, ou");
  EXPECT_EQ(fr::FieldName("/reschedules/0/due"), "Replanifications › Échéance");
  EXPECT_EQ(fr::FieldName("/values/listening"), "Valeurs › Écoute");
}

}  // namespace
}  // namespace jalon::jobs
