#include "engine/http/metrics.h"

namespace jalon::http {
namespace {

std::string Counter(const std::string& name, const std::string& help, uint64_t value,
                    const char* type = "counter") {
  return "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
         std::to_string(value) + "\n";
}

}  // namespace

void RequestCounter::Count(const std::string& route, int status) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[{route, status}];
}

std::string RequestCounter::Render() const {
  std::string out =
      "# HELP jalon_http_requests_total HTTP requests by route pattern and status\n"
      "# TYPE jalon_http_requests_total counter\n";
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, count] : counts_) {
    out += "jalon_http_requests_total{route=\"" + key.first + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(count) + "\n";
  }
  return out;
}

AsyncHandler CountingHandler(const Router& router, RequestCounter& counter) {
  return [&router, &counter](const Request& request, Reply reply) {
    router.Dispatch(
        request,
        Observed(std::move(reply), [&counter, pattern = router.PatternOf(request)](
                                       const Response& r) { counter.Count(pattern, r.status); }));
  };
}

void RegisterMetrics(Router& router, const EventLog& log, const Projections& projections,
                     const RequestCounter& counter) {
  router.Add(
      "GET", "/metrics",
      [&log, &projections, &counter](const Request&, const Params&) {
        const LogStats stats = log.Stats();
        const uint64_t head = log.Head().position;
        const uint64_t applied = projections.Stats().applied_position;
        std::string body;
        body += Counter("jalon_events_appended_total", "Events appended since the daemon started",
                        stats.events);
        body += Counter("jalon_appends_total", "Appends acknowledged since the daemon started",
                        stats.appends);
        body += Counter("jalon_group_commits_total", "Synced WriteBatches since the daemon started",
                        stats.batches);
        body += Counter("jalon_idempotent_replays_total",
                        "Commands answered from an earlier result", stats.replays);
        body += Counter("jalon_version_conflicts_total", "Appends refused on expected_version",
                        stats.conflicts);
        body += Counter("jalon_log_head_position", "Position of the last event in the log", head,
                        "gauge");
        body += Counter("jalon_projection_lag_events",
                        "Events between the log head and the projections",
                        head > applied ? head - applied : 0, "gauge");
        body +=
            log.batch_sizes().Render("jalon_group_commit_batch_events", "Events per synced batch");
        body += log.append_latency().Render("jalon_append_latency_seconds",
                                            "From arrival to durable acknowledgement");
        body += counter.Render();
        Response r;
        r.content_type = "text/plain; version=0.0.4";
        r.body = std::move(body);
        return r;
      },
      AlwaysQuick);
}

}  // namespace jalon::http
