// The shipped demo city carries dated changes of every kind the roll-up
// reads, so that the history slider shows its plans moving.
#include <filesystem>
#include <fstream>

#include "engine/plan/plan_service.h"
#include "tests/test_util.h"

namespace jalon {
namespace {

TEST(DemoCityTest, CompletionsCancellationsAndTargetChangesAreDatedAndMoveTheFigures) {
  testing::TempDir dir;
  SimulatedClock clock(ParseInstant("2020-01-15T08:00:00Z").value());
  auto log = testing::OpenLogOrDie(dir.path(), clock);
  Projections projections(*log);
  ASSERT_TRUE(projections.Start().ok());
  PlanService service(*log, projections, clock);
  int completed = 0, cancelled = 0, target_changes = 0, reschedules = 0;
  for (const auto& f : std::filesystem::directory_iterator(JALON_DEMO_DIR)) {
    std::ifstream in(f.path());
    auto r = service.Import(Json::parse(in), "test");
    ASSERT_TRUE(r.ok()) << f.path() << ": " << r.status().ToString();
    const std::string code = (*r)["direction"];
    const Json plan = service.Export(code, {}).value();
    auto dashboard = [&](const std::string& date) {
      return service.Dashboard(code, ParseDate(date).value(), {}).value();
    };
    auto status = [](const Json& d, const std::string& id) {
      for (const Json& axis : d["axes"]) {
        for (const Json& a : axis["actions"]) {
          if (a["id"] == id) return a["status"].get<std::string>();
        }
      }
      return std::string();
    };
    auto day_before = [](const std::string& date) { return DateOfDay(DayOf(date) - 1); };
    for (const Json& a : plan["actions"]) {
      for (const char* key : {"completed", "cancelled"}) {
        if (!a.contains(key)) continue;
        const std::string date = a[key];
        (key == std::string("completed") ? completed : cancelled) += 1;
        EXPECT_EQ(status(dashboard(date), a["id"]), a["status"]) << code << " " << a["id"];
        EXPECT_NE(status(dashboard(day_before(date)), a["id"]), a["status"])
            << code << " " << a["id"];
      }
      reschedules += a.contains("reschedules");
    }
    for (const Json& i : plan["indicators"]) {
      if (!i.contains("target_changes")) continue;
      ++target_changes;
      const Json& change = i["target_changes"][0];
      auto target = [&](const std::string& date) {
        const Json d = dashboard(date);
        for (const Json& x : d["indicators"]) {
          if (x["id"] == i["id"]) return x["target"];
        }
        return Json();
      };
      EXPECT_EQ(target(change["date"]), change["target"]["value"]) << code;
      EXPECT_EQ(target(day_before(change["date"])), i["target"]["value"]) << code;
    }
  }
  EXPECT_GE(completed, 5);
  EXPECT_GE(cancelled, 3);
  EXPECT_GE(target_changes, 3);
  EXPECT_GE(reschedules, 3);
}

}  // namespace
}  // namespace jalon
