// Shared pieces of the fuzz targets (tests/fuzz/fuzz_*.cc).
//
// Each target defines LLVMFuzzerTestOneInput. Built with clang and
// -DJALON_FUZZ=ON (tools/fuzz), it is a libFuzzer campaign; in the normal
// build it is linked with replay_main.cc and ctest replays its corpus
// (tests/fuzz/corpus/<target>/) as a regression test.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "engine/log/payload.h"
#include "engine/plan/command.h"
#include "engine/plan/plan_io.h"
#include "engine/plan/plan_state.h"

namespace jalon::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Applies a decision's events as the log would record them. An event that
// Decide produced must apply: anything else is a bug, and aborts.
inline void ApplyOrDie(PlanState& state, const Decision& decision, Instant now) {
  for (const NewEvent& ne : decision.events) {
    Event e;
    e.position = state.last_position + 1;
    e.stream = decision.stream;
    e.version = state.version + 1;
    e.type = ne.type;
    e.recorded_at = now;
    e.effective_at = ne.effective_at;
    e.payload = ne.payload;
    auto payload = DecodePayload(e.payload);
    if (!payload.ok() || !state.Apply(e, *payload).ok()) std::abort();
  }
}

// The sample plan (tests/testdata/plan-example.json) as a PlanState.
inline const PlanState& ExampleState() {
  static const PlanState state = [] {
    std::ifstream in(JALON_EXAMPLE_PLAN);
    std::stringstream text;
    text << in.rdbuf();
    const Instant now = ParseInstant("2018-07-01T08:00:00Z").value();
    auto steps = PlanToCommands(Json::parse(text.str()));
    if (!steps.ok()) std::abort();
    auto decision = DecideImport(*steps, now);
    if (!decision.ok()) std::abort();
    PlanState s;
    ApplyOrDie(s, *decision, now);
    return s;
  }();
  return state;
}

}  // namespace jalon::fuzz
