// A real event log, projections and service on a temporary directory, with a
// simulated clock, and the sample plan (tests/testdata/plan-example.json, a
// copy of the one in shared/examples).
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "engine/plan/plan_service.h"
#include "tests/test_util.h"

#ifndef JALON_EXAMPLE_PLAN
#error "JALON_EXAMPLE_PLAN must name tests/testdata/plan-example.json"
#endif

namespace jalon::testing {

inline Json ExamplePlan() {
  std::ifstream in(JALON_EXAMPLE_PLAN);
  std::stringstream s;
  s << in.rdbuf();
  return Json::parse(s.str());
}

// OpenCycle's data for the sample plan's next cycle (2021-2024), opened on
// `dated`: the sample plan runs 2016-2020.
inline Json ExampleNextCycle(const std::string& dated = "2021-01-04") {
  return {{"direction", "DEJ"},
          {"title", "Projet de direction 2021-2024"},
          {"period_start", "2021-01-01"},
          {"period_end", "2024-12-31"},
          {"dated", dated}};
}

class PlanFixture : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    service_.reset();
    projections_.reset();
    log_.reset();
    log_ = OpenLogOrDie(dir_.path(), clock_);
    projections_ = std::make_unique<Projections>(*log_);
    ASSERT_TRUE(projections_->Start().ok());
    service_ = std::make_unique<PlanService>(*log_, *projections_, clock_);
  }

  void ImportExample() {
    auto r = service_->Import(ExamplePlan(), "test:importer");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  Result<Json> Exec(const std::string& type, Json data,
                    std::optional<uint64_t> expected = std::nullopt, std::string command_id = {}) {
    Json body = {{"type", type}, {"data", std::move(data)}};
    if (expected) body["expected_version"] = *expected;
    if (!command_id.empty()) body["command_id"] = command_id;
    auto command = ParseCommand(body);
    if (!command.ok()) return command.status();
    clock_.Advance(std::chrono::minutes(1));
    return service_->Execute(std::move(command).value(), "test:user");
  }

  uint64_t Head() const { return log_->Head().position; }

  // Moves the clock past the history of GeneratePlan's default cycle (its
  // last measurement is dated 2019-12-31): an import comes after the
  // history it holds, and a measurement dated after today is refused.
  void AfterGeneratedHistory() { clock_.Set(ParseInstant("2020-01-02T08:00:00Z").value()); }

  TempDir dir_;
  SimulatedClock clock_{ParseInstant("2018-07-01T08:00:00Z").value()};
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<Projections> projections_;
  std::unique_ptr<PlanService> service_;
};

}  // namespace jalon::testing
