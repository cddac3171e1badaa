// The event envelope and payload decoders, and PlanState::Apply on whatever
// they accept: a damaged or foreign record is an error, never a crash.
#include "engine/log/event.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace jalon;
  const std::string_view record = fuzz::AsText(data, size);
  Event event;
  if (DecodeRecord(record, &event).ok()) {
    auto payload = DecodePayload(event.payload);
    PlanState state;
    if (payload.ok()) (void)state.Apply(event, *payload);
  }
  EventView view;
  if (DecodeRecordView(record, &view).ok()) {
    PlanState state = fuzz::ExampleState();
    (void)state.ApplyEncoded(view);
  }
  (void)DecodePayload(record);
  return 0;
}
