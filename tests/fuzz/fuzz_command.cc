// The command JSON decoder and validator: any bytes, as a command against
// the sample plan. A command Decide accepts must apply to the plan.
#include "engine/util/json_parse.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace jalon;
  // The daemon's reader: bounded depth, no duplicate keys, finite numbers.
  const auto j = ParseJson(fuzz::AsText(data, size), "body");
  if (!j.ok()) return 0;
  auto command = ParseCommand(*j);
  if (!command.ok()) return 0;
  const Instant now = ParseInstant("2018-07-02T08:00:00Z").value();
  PlanState state = fuzz::ExampleState();
  auto decision = Decide(state, *command, now);
  if (decision.ok()) fuzz::ApplyOrDie(state, *decision, now);
  return 0;
}
