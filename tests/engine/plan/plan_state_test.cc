// The containers of a plan's state: entities kept encoded (Collection),
// measurements kept in rows (MeasurementSeries) and reminders kept in a
// sorted vector (ReminderSet).
#include "engine/plan/plan_state.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include "engine/log/payload.h"
#include "engine/plan/command.h"

namespace jalon {
namespace {

Json Indicator(const std::string& id, double target) {
  return {{"id", id},
          {"name", "Taux de réponse sous 48 h"},
          {"frequency", "quarterly"},
          {"retired", false},
          {"budget_eur", 1500},
          {"ratio", 0.1},
          {"owner", nullptr},
          {"target", {{"value", target}, {"date", "2020-12-31"}}},
          {"target_changes", Json::array({{{"from", 1}, {"to", 2}}})}};
}

std::vector<std::string> Ids(const Collection& c) { return {c.ids().begin(), c.ids().end()}; }

TEST(CollectionTest, KeepsEntitiesAsTheyWereGivenAndInOrder) {
  Collection c;
  c.Add("I2", Indicator("I2", 50));
  c.Add("I1", Indicator("I1", 80.5));
  c.Add("I10", Indicator("I10", -3));
  EXPECT_EQ(Ids(c), (std::vector<std::string>{"I2", "I1", "I10"}));
  EXPECT_EQ(c.At("I1"), Indicator("I1", 80.5));
  EXPECT_EQ(c.At("I1").dump(), Indicator("I1", 80.5).dump());  // 1500 stays 1500, 0.1 stays 0.1
  EXPECT_FALSE(c.Find("I3").has_value());
  EXPECT_THROW(c.At("I3"), std::out_of_range);
  EXPECT_TRUE(c.Contains("I10"));
  EXPECT_FALSE(c.Contains("I"));

  Json changed = c.At("I2");
  changed["retired"] = true;
  c.Put("I2", changed);
  EXPECT_EQ(Ids(c), (std::vector<std::string>{"I2", "I1", "I10"}));  // its place is kept
  EXPECT_TRUE(c.At("I2")["retired"].get<bool>());
  EXPECT_THROW(c.Put("I4", changed), std::out_of_range);

  c.Remove("I1");
  c.Remove("I1");  // already gone: nothing happens
  EXPECT_EQ(Ids(c), (std::vector<std::string>{"I2", "I10"}));
  std::string encoded;
  c.EncodeTo(&encoded);
  Collection decoded;
  std::string_view in = encoded;
  ASSERT_TRUE(decoded.DecodeFrom(&in));
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(decoded.ToJson(), c.ToJson());

  std::vector<std::string> seen;
  for (const auto& [id, item] : c.items()) seen.push_back(id + ":" + item["id"].get<std::string>());
  EXPECT_EQ(seen, (std::vector<std::string>{"I2:I2", "I10:I10"}));
}

TEST(CollectionTest, FieldsAreTheTopLevelScalarsOnly) {
  Collection c;
  c.Add("I1", Indicator("I1", 50));
  const auto f = c.FieldsOf("I1");
  ASSERT_TRUE(f.has_value());
  std::vector<std::string> keys;
  for (const auto& [k, v] : f->fields) keys.push_back(k);
  // target and target_changes are nested: left out. The order is the
  // encoding's, not part of the contract.
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"budget_eur", "frequency", "id", "name", "owner",
                                            "ratio", "retired"}));
  EXPECT_EQ(f->Text("name"), "Taux de réponse sous 48 h");
  EXPECT_EQ(f->Text("budget_eur", "none"), "none");  // not a string
  EXPECT_EQ(f->Text("missing", "x"), "x");
  EXPECT_FALSE(f->Flag("retired", true));
  EXPECT_TRUE(f->Flag("missing", true));
  EXPECT_EQ(*f->Get("budget_eur"), 1500);
  EXPECT_DOUBLE_EQ(f->Get("ratio")->get<double>(), 0.1);
  EXPECT_TRUE(f->Get("owner")->is_null());
  EXPECT_FALSE(f->Has("target"));
  EXPECT_FALSE(c.FieldsOf("I2").has_value());
  int n = 0;
  for (const auto& [id, fields] : c.fields()) n += id == "I1" && fields.Has("frequency");
  EXPECT_EQ(n, 1);
}

TEST(CollectionTest, EveryKeyComesBackAsItWentIn) {
  // Common keys are coded as one control character; keys of the data that
  // look like a code, or start with the escape, must not be taken for one.
  const Json item = {
      {"id", "A1"},
      {"evidence", "rapport d'activité"},
      {"reason", "report"},
      {"caught_up", true},
      {"", "clé vide"},
      {"by", "DGS"},
      {std::string(1, '\x01'), "looks like id"},
      {std::string(1, '\x1f'), "the escape alone"},
      {std::string("\x1f") + "id", "escape then id"},
      {std::string("\x02") + "xy", "a code then more"},
      {"nested",
       {{"date", "2018-01-01"}, {"list", Json::array({{{"value", 1}, {"\x03", 2}}, "title"})}}}};
  Collection c;
  c.Add("A1", item);
  EXPECT_EQ(c.At("A1"), item);
  c.Put("A1", item);
  EXPECT_EQ(c.At("A1"), item);
  const auto f = c.FieldsOf("A1");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->Text("id"), "A1");
  EXPECT_EQ(f->Text(std::string(1, '\x01')), "looks like id");
  EXPECT_EQ(f->Text(std::string(1, '\x1f')), "the escape alone");
  EXPECT_EQ(f->Text(""), "clé vide");
  EXPECT_TRUE(f->Flag("caught_up"));
  std::string encoded;
  c.EncodeTo(&encoded);
  Collection decoded;
  std::string_view in = encoded;
  ASSERT_TRUE(decoded.DecodeFrom(&in));
  EXPECT_EQ(decoded.At("A1"), item);

  // The coding is what makes an entity small: an indicator's keys were
  // half of its CBOR.
  Collection one;
  one.Add("I1", Indicator("I1", 50));
  std::string coded;
  one.EncodeTo(&coded);
  EXPECT_LT(coded.size() + 20, Json::to_cbor(Indicator("I1", 50)).size());
}

TEST(CollectionTest, WritesTheSameBytesAsNlohmannsWriterOfTheCodedCopy) {
  // Stored snapshots hold these bytes: the direct writer must not change
  // them. Every CBOR head size, sign, float width and the key order of the
  // coded keys (which is not the order of the keys themselves).
  Json values = Json::array();
  for (int64_t n : std::initializer_list<int64_t>{0,
                                                  1,
                                                  23,
                                                  24,
                                                  255,
                                                  256,
                                                  65535,
                                                  65536,
                                                  4294967295,
                                                  4294967296,
                                                  -1,
                                                  -24,
                                                  -25,
                                                  -256,
                                                  -257,
                                                  -65536,
                                                  -65537,
                                                  -4294967296,
                                                  -4294967297,
                                                  std::numeric_limits<int64_t>::min(),
                                                  std::numeric_limits<int64_t>::max()}) {
    values.push_back(n);
  }
  values.push_back(std::numeric_limits<uint64_t>::max());
  for (double d :
       {0.0, -0.0, 0.5, 0.1, 1e300, -1e300, 3.4028234663852886e38, 1e-45, 22.5,
        std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
        std::numeric_limits<double>::quiet_NaN()}) {
    values.push_back(d);
  }
  for (size_t len : {0u, 23u, 24u, 255u, 256u, 70000u}) values.push_back(std::string(len, 'x'));
  values.push_back(nullptr);
  values.push_back(true);
  values.push_back(false);
  Json long_array = Json::array();
  for (int i = 0; i < 300; ++i) long_array.push_back(i);
  values.push_back(long_array);
  Json wide = Json::object();
  for (int i = 0; i < 30; ++i) wide["k" + std::to_string(i)] = i;
  values.push_back(wide);

  Json item = Indicator("I1", 12.25);
  item["values"] = values;
  item["zeta"] = "after every coded key";
  item["attached_to"] = "axis:A1";  // coded 0x09, sorts before "baseline" coded 0x0D
  item["\x1f"] = "escape";
  item[""] = "empty";
  EXPECT_EQ(Collection::Encode(item), Collection::ReferenceEncode(item));
  for (const Json& v : values) {
    EXPECT_EQ(Collection::Encode(v), Collection::ReferenceEncode(v)) << v.dump();
  }
  Collection c;
  c.Add("I1", item);
  Json back = c.At("I1");
  EXPECT_TRUE(back["values"][33].is_number_float());  // NaN comes back as NaN
  back["values"].erase(33);
  item["values"].erase(33);
  EXPECT_EQ(back, item);
}
Reminder Make(const std::string& id, int32_t level) {
  Reminder r(id, "indicator_stale", "", "");
  r.level = level;
  return r;
}

// Applies each (type, payload) as event 1, 2, ... to `from_bytes` through
// ApplyEncoded (the stored payload) and to `from_document` through Apply
// (the decoded document), and expects the same outcome and the same state,
// byte for byte, after each.
void ApplyBothWays(const std::vector<std::pair<std::string, Json>>& events, PlanState* from_bytes,
                   PlanState* from_document) {
  uint64_t version = 0;
  for (const auto& [type, payload] : events) {
    Event e;
    e.position = e.version = ++version;
    e.stream = "plan/DEJ";
    e.type = type;
    e.recorded_at = ParseInstant("2017-05-02T08:00:00Z").value() + std::chrono::hours(version);
    e.payload = EncodePayload(payload);
    const Status a = from_bytes->ApplyEncoded(e.View());
    const Status b = from_document->Apply(e, payload);
    EXPECT_EQ(a.ToString(), b.ToString()) << type << " " << payload.dump();
    EXPECT_EQ(from_bytes->Encode(), from_document->Encode()) << type << " " << payload.dump();
  }
}

TEST(PlanStateTest, EntitiesAddedFromTheStoredPayloadEqualThoseFromTheDocument) {
  // ApplyEncoded writes the entity of an adding event straight from the
  // payload's bytes; Apply builds it from the document. Same state, byte
  // for byte, and the same refusals.
  const std::vector<std::pair<std::string, Json>> events = {
      {"IndicatorDefined",
       {{"id", "I1"},
        {"attached_to", "axis:A1"},
        {"kind", "output"},
        {"name", "Taux de réponse"},
        {"unit", "%"},
        {"polarity", "increase"},
        {"baseline", {{"value", 12}, {"date", "2015-12-31"}}},
        {"target", {{"value", 80.5}, {"date", "2019-12-31"}}},
        {"frequency", "quarterly"},
        {"source", "Tableau de suivi"},
        {"measurements", Json::array()},  // not a field of the entity
        {"direction", "DEJ"}}},
      {"ActionPlanned", {{"id", "A1.1"}, {"axis", "A1"}, {"title", "Former"}, {"fte", 0.5}}},
      {"ActionPlanned", {{"id", "A1.2"}, {"title", "Ouvrir"}, {"status", "started"}}},
      {"ActionPlanned", {{"id", "A1.3"}, {"status", nullptr}, {"budget_eur", 150000}}},
      {"AxisProposed",
       {{"id", "A1"}, {"title", "Accueil"}, {"missions", {"M1", "M2"}}, {"dropped", true}}},
      {"ScenarioProposed", {{"id", "SC1"}, {"title", "Retenu"}, {"axes", {"A1"}}}},
      {"MissionDefined", {{"id", "M1"}, {"title", "Accueillir"}, {"description", "…"}}},
      {"SwotItemAdded",
       {{"id", "S1"},
        {"quadrant", "internal_strength"},
        {"text", "Équipe stable"},
        {"evidence", {{"source", "Bilan social"}, {"date", "2015-12-31"}}}}},
      // Refused both ways: no id, an id that is not a string.
      {"IndicatorDefined", {{"name", "sans identifiant"}}},
      {"ActionPlanned", {{"id", 7}, {"title", "id numérique"}}},
  };
  PlanState from_bytes, from_document;
  ApplyBothWays(events, &from_bytes, &from_document);
  EXPECT_EQ(from_bytes.actions.At("A1.1")["status"], "planned");
  EXPECT_TRUE(from_bytes.actions.At("A1.3")["status"].is_null());
  EXPECT_EQ(from_bytes.axes.At("A1")["dropped"], false);
  EXPECT_EQ(from_bytes.indicators.At("I1")["target"]["value"], 80.5);
  EXPECT_FALSE(from_bytes.indicators.At("I1").contains("measurements"));
  EXPECT_EQ(from_bytes.version, 8u);
}

TEST(PlanStateTest, EscalationsAppliedFromTheStoredPayloadEqualThoseFromTheDocument) {
  // ApplyEncoded reads a ReminderEscalated's ids from the payload's bytes;
  // Apply from the document. Same state, byte for byte, and the same
  // refusals, including the forms the direct way leaves to the document's.
  const auto issued = [](const std::string& id) {
    return std::pair<std::string, Json>("ReminderIssued", {{"reminder", id},
                                                           {"rule", "indicator_stale"},
                                                           {"subject", "indicator/I1"},
                                                           {"due", "2017-04-30"},
                                                           {"to", {"dej@ville.fr"}}});
  };
  const std::vector<std::pair<std::string, Json>> events = {
      issued("r1"),
      issued("r2"),
      issued("r3"),
      {"ReminderEscalated", {{"reminders", {"r1", "r3"}}, {"level", 1}, {"to", {"a@ville.fr"}}}},
      {"ReminderEscalated",
       {{"reminders", {"r1", "r2", "r3", "r1"}}, {"level", 2}, {"repeat", true}}},
      {"ReminderEscalated", {{"reminders", Json::array()}, {"level", 2}}},
      {"ReminderEscalated", {{"reminder", "r2"}, {"level", 3}}},  // the form before grouping
      {"ReminderEscalated", {{"reminders", {"r1"}}, {"level", 2.0}}},
      // Refused both ways (the first two after escalating r1 by the document).
      {"ReminderEscalated", {{"reminders", {"r1", "nope"}}, {"level", 3}}},
      {"ReminderEscalated", {{"reminders", {"r2", 7}}, {"level", 3}}},
      {"ReminderEscalated", {{"reminders", {"r2"}}}},
      {"ReminderEscalated", {{"reminders", "r2"}, {"level", 3}}},
      {"ReminderEscalated", {{"reminders", {{"id", "r2"}}}, {"level", 3}}},
  };
  PlanState from_bytes, from_document;
  ApplyBothWays(events, &from_bytes, &from_document);
  const Reminder* r1 = from_bytes.reminders.Find("r1");
  ASSERT_NE(r1, nullptr);
  EXPECT_EQ(r1->level, 3);     // the refused event escalated r1 before failing on "nope"
  EXPECT_EQ(r1->notices, 6u);  // issued, twice in one escalation, then twice more
  EXPECT_EQ(from_bytes.reminders.Find("r2")->level, 3);
  EXPECT_EQ(from_bytes.data_version, 3u);  // escalations are notice bookkeeping
  EXPECT_EQ(from_bytes.version, 8u);
}

TEST(MeasurementSeriesTest, GivesBackWhatWasRecordedAndCorrected) {
  // Measurements in the import format's shape, with texts repeated, absent,
  // empty and each one different, so that the pool of texts is exercised
  // past its look-back.
  std::vector<Json> recorded;
  for (int k = 0; k < 30; ++k) {
    Json m = {{"date", DateOfDay(17000 + 30 * k)}};
    if (k % 3 == 0) {
      m["value"] = k;  // an integer stays an integer
    } else {
      m["value"] = k + 0.25;
    }
    if (k % 5 != 4) m["source"] = k < 20 ? "Tableau de suivi" : "Rapport " + std::to_string(k);
    if (k % 2 == 0) m["comment"] = k % 4 == 0 ? "" : "Relevé n°" + std::to_string(k);
    recorded.push_back(m);
  }
  MeasurementSeries series;
  for (const Json& m : recorded) series.Add(Measurement::FromJson(m));
  ASSERT_EQ(series.size(), recorded.size());

  // Corrections out of row order, one row twice; a correction may change the
  // source and leaves the comment when it gives none.
  const auto correct = [&](size_t i, double to, const char* source) {
    Json c = {{"from", recorded[i]["value"]}, {"to", to}, {"reason", "Erreur de saisie"}};
    series.Correct(i, to, false, source ? std::optional<std::string_view>(source) : std::nullopt,
                   std::nullopt, c);
    recorded[i]["value"] = to;
    if (source) recorded[i]["source"] = source;
    if (!recorded[i].contains("corrections")) recorded[i]["corrections"] = Json::array();
    recorded[i]["corrections"].push_back(c);
  };
  correct(12, 7.5, "Contrôle interne");
  correct(3, 1.5, nullptr);
  correct(12, 8.5, nullptr);
  correct(29, 0.5, "Tableau de suivi");

  for (size_t i = 0; i < recorded.size(); ++i) {
    EXPECT_EQ(series[i].ToJson(), recorded[i]) << "row " << i;
    EXPECT_EQ(series.day(i), DayOf(recorded[i]["date"].get<std::string>()));
    EXPECT_EQ(series.value(i), recorded[i]["value"].get<double>());
  }
  EXPECT_EQ(series[0].ToJson().dump(), recorded[0].dump());  // 0 stays 0, not 0.0
  size_t n = 0;
  for (const Measurement& m : series) EXPECT_EQ(m.ToJson(), recorded[n++]);
  EXPECT_EQ(n, recorded.size());

  EXPECT_EQ(series.Find(17000 + 30 * 7), 7u);
  EXPECT_EQ(series.Find(17001), MeasurementSeries::npos);
  EXPECT_EQ(series.LatestUpTo(17000 + 30 * 7 + 29), 7u);
  EXPECT_EQ(series.LatestUpTo(16999), MeasurementSeries::npos);
  EXPECT_EQ(series.LastDay(), 17000 + 30 * 29);
  EXPECT_EQ(MeasurementSeries().LastDay(), std::nullopt);
}

TEST(ReminderTest, TextsComeBackAsTheyWentIn) {
  // The jobs' fixed phrases are kept as one byte each; nothing else may
  // change, control characters and the escape byte included.
  const std::vector<std::array<std::string, 4>> cases = {
      {"rem-0123456789abcdef0123", "indicator_stale", "indicator/I1",
       "une nouvelle mesure de l'indicateur I1 (Taux de réponse), attendue au plus tard le "
       "2017-01-01"},
      {"rem-1", "action_overdue", "action/A1.2",
       "l'achèvement de l'action A1.2 (Former), prévue pour le 2018-06-30, ou sa "
       "replanification"},
      {"rem-2", "review_not_held", "review/2016-06-30",
       "la tenue de la revue semestrielle prévue le 2016-06-30 et son enregistrement avec ses "
       "participants, ses conclusions et ses décisions"},
      {"rem-3", "revision_open", "revision",
       "la clôture de la révision à mi-parcours ouverte le 2018-07-02, en y consignant sa "
       "décision"},
      {"rem-4", "", "", ""},
      {"rem-5", std::string("\x01\x1f\x1e", 3), std::string("a\x1f", 2),
       std::string("\x1f\x1findicator/\x08", 13)},
      {"rem-6", "indicator_stal", "indicator", "une nouvelle mesure de l'indicateur"},
  };
  for (const auto& [id, rule, subject, expected] : cases) {
    const Reminder r(id, rule, subject, expected);
    EXPECT_EQ(r.id(), id);
    EXPECT_EQ(r.rule(), rule);
    EXPECT_EQ(r.subject(), subject);
    EXPECT_EQ(r.expected(), expected);
    const Reminder copy = r;
    EXPECT_EQ(copy.expected(), expected);
    EXPECT_EQ(copy.ToJson(), r.ToJson());
  }
}

// Logs hold reminders issued with texts that named the command to run
// ("HoldReview"): they read in today's words.
TEST(ReminderTest, TextsOfAnOlderWordingReadInTodaysWords) {
  const Reminder review("rem-2", "review_not_held", "review/2016-06-30",
                        "la tenue de la revue semestrielle prévue le 2016-06-30 (HoldReview, avec "
                        "ses participants et ses décisions)");
  EXPECT_EQ(review.expected(),
            "la tenue de la revue semestrielle prévue le 2016-06-30 et son enregistrement avec "
            "ses participants, ses conclusions et ses décisions");
  const Reminder revision("rem-3", "revision_open", "revision",
                          "la clôture de la révision à mi-parcours ouverte le 2018-07-02 "
                          "(CloseRevision, avec sa décision)");
  EXPECT_EQ(revision.expected(),
            "la clôture de la révision à mi-parcours ouverte le 2018-07-02, en y consignant sa "
            "décision");
  for (const Reminder& r : {review, revision}) {
    for (const std::string& type : CommandTypes())
      EXPECT_EQ(r.ToJson()["expected"].get<std::string>().find(type), std::string::npos) << type;
  }
}

TEST(ReminderSetTest, KeepsOneReminderPerIdInIdOrder) {
  ReminderSet set;
  for (const char* id : {"rem-c", "rem-a", "rem-e", "rem-b", "rem-d"}) set.Put(Make(id, 0));
  set.Put(Make("rem-b", 2));  // replaces
  std::vector<std::string> ids;
  for (const Reminder& r : set) ids.emplace_back(r.id());
  EXPECT_EQ(ids, (std::vector<std::string>{"rem-a", "rem-b", "rem-c", "rem-d", "rem-e"}));
  EXPECT_EQ(set.size(), 5u);
  EXPECT_EQ(set.at("rem-b").level, 2);
  EXPECT_TRUE(set.contains("rem-e"));
  EXPECT_FALSE(set.contains("rem-f"));
  EXPECT_EQ(set.Find("rem-0"), nullptr);
  EXPECT_THROW(set.at("rem-f"), std::out_of_range);
  set.Find("rem-d")->level = 1;
  EXPECT_EQ(set.at("rem-d").level, 1);
  EXPECT_EQ(RemindersJson(set).size(), 5u);
  EXPECT_EQ(RemindersJson(set)[0]["id"], "rem-a");
}

}  // namespace
}  // namespace jalon
