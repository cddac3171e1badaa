// Generates realistic jalon.plan/1 documents of any size, for tests and
// jalon-bench: a direction with missions, axes, actions with progress
// reports, and indicators measured at their frequency over the years of the
// cycle, with French labels. A done action carries its completion date (its
// first report at 100 %). Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace jalon {

struct GeneratorOptions {
  int axes = 4;
  int actions_per_axis = 4;
  int indicators_per_axis = 3;
  int first_year = 2016;
  int years = 4;         // years of measurements and progress
  bool monthly = false;  // measure every indicator monthly (bigger plans)
  std::string name;      // the direction's name; default "Direction <CODE>"
  std::string pole;      // default "Pôle <seed % 5>"
  // Dated changes of every kind (DESIGN.md, "Dated changes in
  // jalon.plan/1"): reschedules, budget and target changes, a cancelled
  // action, a retired indicator and, with 3 axes or more, a dropped axis.
  // They draw no random numbers: the rest of the plan is the same.
  bool dated_changes = false;
};

nlohmann::json GeneratePlan(const std::string& code, uint64_t seed,
                            const GeneratorOptions& options = {});

}  // namespace jalon
