// The containers of a plan's state: entities kept encoded (Collection) and
// reminders kept in a sorted vector (ReminderSet).
#include "engine/plan/plan_state.h"

#include <gtest/gtest.h>

#include <vector>

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
  EXPECT_EQ(Collection::FromJson(c.ToJson()).ToJson(), c.ToJson());

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
  // target and target_changes are nested: left out; the rest in key order.
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

Reminder Make(const std::string& id, int32_t level) {
  Reminder r;
  r.id = id;
  r.rule = "indicator_stale";
  r.level = level;
  return r;
}

TEST(ReminderSetTest, KeepsOneReminderPerIdInIdOrder) {
  ReminderSet set;
  for (const char* id : {"rem-c", "rem-a", "rem-e", "rem-b", "rem-d"}) set.Put(Make(id, 0));
  set.Put(Make("rem-b", 2));  // replaces
  std::vector<std::string> ids;
  for (const Reminder& r : set) ids.push_back(r.id);
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
