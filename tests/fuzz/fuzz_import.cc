// The jalon.plan/1 importer: any bytes as a plan document. What it accepts
// must apply as a whole to an empty plan, and export again.
#include "engine/util/json_parse.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace jalon;
  // The daemon's and the CLI's reader: bounded depth, no duplicate keys.
  const auto doc = ParseJson(fuzz::AsText(data, size), "plan");
  if (!doc.ok()) return 0;
  auto steps = PlanToCommands(*doc);
  if (!steps.ok()) return 0;
  const Instant now = ParseInstant("2018-07-01T08:00:00Z").value();
  auto decision = DecideImport(*steps, now);
  if (!decision.ok()) return 0;
  PlanState state;
  fuzz::ApplyOrDie(state, *decision, now);
  (void)ExportPlan(state);
  return 0;
}
