// The third step of a scheduler visit: a direction's pending notices,
// grouped into one message at the highest level among them, sent on the
// channel. Every attempt and outcome is an event: DeliveryAttempted, then
// ReminderDelivered or DeliveryFailed with its retry time, backing off
// exponentially from retry_initial_seconds to retry_max_seconds.
//
// A delivery cut by a kill has DeliveryAttempted without an outcome: the
// notice is still pending, and the next pass sends it again with the same
// message id (a hash of the direction and its notices), so that a receiver
// can drop the duplicate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <semaphore>
#include <string>

#include "engine/plan/plan_service.h"
#include "jobs/delivery/channel.h"
#include "jobs/options.h"
#include "jobs/scheduler/tick_stats.h"

namespace jalon::jobs {

// Borrows the service, the options and the channel, which must outlive it.
// Thread-safe: the visits of a pass call Deliver for different plans at
// once; at most kSenders messages are in the channel at a time.
class Deliverer {
 public:
  // `channel` may be null: nothing is delivered (notices stay pending).
  Deliverer(PlanService& service, const JobsOptions& options, Channel* channel)
      : service_(service), options_(options), channel_(channel) {}
  Deliverer(const Deliverer&) = delete;
  Deliverer& operator=(const Deliverer&) = delete;

  // Sends plan `code`'s notices pending at `now`, if any. `*unapplied` as in
  // system_events.h; `*stats` counts the attempt and its outcome. A failed
  // send is not an error (it is recorded, to be retried); an error is the
  // plan missing or an append refused.
  Status Deliver(const std::string& code, Instant now, TickStats* stats, uint64_t* unapplied);

 private:
  PlanService& service_;
  const JobsOptions& options_;
  Channel* const channel_;

  // Messages sent at once, however many plans are visited at once: a mail
  // relay limits one client's connections (Postfix: 50 by default), and a
  // webhook receiver may be small.
  static constexpr std::ptrdiff_t kSenders = 8;
  std::counting_semaphore<kSenders> sending_{kSenders};
};

}  // namespace jalon::jobs
