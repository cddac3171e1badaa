// /metrics in the Prometheus text format: the log (events appended, group
// commit batch sizes, append latency), the projections (lag behind the
// head) and the HTTP requests by route pattern and status. Counts only, no
// plan data: the route is open to scrapers without a token.
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "engine/http/router.h"
#include "engine/log/event_log.h"
#include "engine/plan/projections.h"

namespace jalon::http {

class RequestCounter {
 public:
  void Count(const std::string& route, int status);
  std::string Render() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> counts_;  // GUARDED_BY(mu_)
};

// Dispatches through `router` and counts each request by its route pattern.
// Both are borrowed and must outlive the returned handler.
AsyncHandler CountingHandler(const Router& router, RequestCounter& counter);

// Registers GET /metrics. The arguments are borrowed.
void RegisterMetrics(Router& router, const EventLog& log, const Projections& projections,
                     const RequestCounter& counter);

}  // namespace jalon::http
