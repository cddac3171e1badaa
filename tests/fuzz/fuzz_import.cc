// The jalon.plan/1 importer: any bytes as a plan document. What it accepts
// must apply as a whole to an empty plan, and export again.
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace jalon;
  const Json doc = Json::parse(fuzz::AsText(data, size), nullptr, false);
  if (doc.is_discarded()) return 0;
  auto steps = PlanToCommands(doc);
  if (!steps.ok()) return 0;
  const Instant now = ParseInstant("2018-07-01T08:00:00Z").value();
  auto decision = DecideImport(*steps, now);
  if (!decision.ok()) return 0;
  PlanState state;
  fuzz::ApplyOrDie(state, *decision, now);
  (void)ExportPlan(state);
  return 0;
}
