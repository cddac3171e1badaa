// What jalond serves, per city. A Tenant is one city's whole stack: its own
// event log (its own RocksDB directory), projections, plan service,
// tokens, scheduler and delivery settings, and its routes. One jalond holds
// one Tenant (a plain jalon.toml) or several ([[tenants]], each served under
// /t/{id}/); nothing is shared between them but the HTTP server and the
// clock. See tools/SCALING.md for why a city is the unit of everything.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "engine/http/http_types.h"
#include "engine/util/status.h"
#include "engine/util/time.h"

namespace jalon::daemon {

class Tenant {
 public:
  // Opens the city's log (verifying its whole chain: a damaged log is
  // served read-only and said so in the log), rebuilds its projections and
  // wires its routes. `clock` must outlive the Tenant.
  static Result<std::unique_ptr<Tenant>> Open(const Config& config, const Clock& clock);
  ~Tenant();

  const std::string& id() const;  // "" for the single city of a plain config
  Instant HeadRecordedAt() const;

  // Answers a request whose path has lost its /t/{id} prefix.
  void Handle(const http::Request& req, http::Reply reply) const;
  // The request's route answers without waiting (http::Router::IsQuick).
  bool IsQuick(const http::Request& req) const;

  void StartScheduler();
  // Stops the scheduler (finishing its pass) and releases /v1/events
  // followers: call before stopping the HTTP server.
  void Quiesce();
  // Writes the projection checkpoint and closes the log.
  void Close();

 private:
  struct Parts;
  explicit Tenant(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

// What a jalond serves: one city's routes at the root when there is a
// single Tenant with no id; otherwise /t/{id}/... to that city, with
// /t/{id} redirected to /t/{id}/ (its dashboard) and anything else a 404.
// A token is only known to its own city: presented to another, it is a 401
// like a made-up one. The tenants are borrowed.
struct TenantRoutes {
  http::AsyncHandler handle;
  // For http::ServerOptions::quick: the city's route says it never waits.
  std::function<bool(const http::Request&)> quick;
};
TenantRoutes RouteTenants(const std::vector<std::unique_ptr<Tenant>>& tenants);

}  // namespace jalon::daemon
