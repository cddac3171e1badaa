#include "jobs/scheduler/system_events.h"

#include <utility>

#include "engine/log/payload.h"

namespace jalon::jobs {

NewEvent MakeEvent(const std::string& type, const Json& payload, Instant effective) {
  NewEvent e;
  e.type = type;
  e.effective_at = effective;
  e.payload = EncodePayload(payload);
  return e;
}

Status NoPlan(const std::string& code) { return Status::NotFound("no direction '" + code + "'"); }

Status CatchUpUnapplied(PlanService& service, uint64_t* unapplied) {
  if (*unapplied == 0) return Status::Ok();
  return service.CatchUpTo(std::exchange(*unapplied, 0));
}

}  // namespace jalon::jobs
