#include "engine/plan/plan_service.h"

#include <random>

#include "engine/log/event_json.h"
#include "engine/log/payload.h"
#include "engine/plan/plan_io.h"

namespace jalon {
namespace {

// What makes a request the same request again: its kind, its principal and
// everything it asks, but not its key. nlohmann's objects keep their keys
// sorted, so the dump is canonical.
std::string RequestHash(std::string_view kind, const std::string& actor, const Json& body) {
  const Json whole = Json::array({kind, actor, body});
  const Hash h = Sha256(whole.dump(-1, ' ', false, Json::error_handler_t::replace));
  return std::string(reinterpret_cast<const char*>(h.data()), h.size());
}

std::string CommandHash(const Command& command, const std::string& actor) {
  Json body = {{"type", command.type}, {"data", command.data}};
  if (command.expected_version) body["expected_version"] = *command.expected_version;
  if (command.effective_at) body["effective_at"] = FormatInstant(*command.effective_at);
  return RequestHash("command", actor, body);
}

Status KeyReused(const std::string& key) {
  return Status::KeyReused("Idempotency-Key '" + key +
                           "': was used for a different request; a new request needs a new key");
}

}  // namespace

Status PlanService::NoDirection(const std::string& code) {
  return Status::NotFound("direction '" + code + "' does not exist");
}

std::string NewCommandId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::string s = "cmd-";
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) s += kHex[rng() % 16];
  return s;
}

Result<AppendResult> PlanService::AppendDecision(Decision decision,
                                                 std::optional<uint64_t> expected,
                                                 const std::string& command_id,
                                                 const std::string& actor,
                                                 std::string request_hash) {
  AppendRequest request;
  request.stream = decision.stream;
  request.expected_version = expected;
  request.command_id = command_id;
  request.actor = actor;
  request.request_hash = std::move(request_hash);
  request.events = std::move(decision.events);
  auto appended = log_.Append(std::move(request));
  if (!appended.ok()) return appended.status();
  JALON_RETURN_IF_ERROR(projections_.CatchUpTo(appended->last_position()));
  return appended;
}

Result<Json> PlanService::ResultJson(const AppendResult& appended) const {
  return ResultJson(appended, nullptr);
}

Result<Json> PlanService::ResultJson(const AppendResult& appended, const SameRequest* same) const {
  Json list = Json::array();
  if (appended.events.size() == appended.count && same == nullptr) {
    for (const Event& e : appended.events) list.push_back(EventToJson(e));
  } else {  // a replayed command: its events are in the log
    auto events = log_.ReadRange(appended.first_position, appended.count);
    if (!events.ok()) return events.status();
    if (same != nullptr && !IsSameRequest(appended, *events, *same)) {
      return KeyReused(same->key);  // nothing of the first request is told
    }
    for (const Event& e : *events) list.push_back(EventToJson(e));
  }
  return Json{{"position", appended.last_position()},
              {"first_position", appended.first_position},
              {"version", appended.last_version()},
              {"replayed", appended.replayed},
              {"events", std::move(list)}};
}

bool PlanService::IsSameRequest(const AppendResult& first, const std::vector<Event>& events,
                                const SameRequest& again) {
  if (!first.request_hash.empty()) return first.request_hash == again.request_hash;
  // Appended without a request hash (by an older version, or a system
  // writer): only the principal and the stream can be compared.
  return !events.empty() && (again.actor.empty() || events.front().actor == again.actor) &&
         first.stream == again.stream;
}

Status PlanService::CheckOrientation(const Json& data, const std::string& field) const {
  if (!orientation_check_ || !data.is_object()) return Status::Ok();
  const auto it = data.find("orientation");
  if (it == data.end() || !it->is_string()) return Status::Ok();
  const std::string why = orientation_check_(it->get<std::string>());
  if (why.empty()) return Status::Ok();
  return Status::InvalidArgument(field + ": " + why);
}

struct PlanService::Execution {
  Command command;
  std::string code;  // its direction
  std::string actor;
  std::string request_hash;  // CommandHash of the command and actor
  PlanSlot* slot = nullptr;
  int attempt = 1;
  Run run;
  Done done;
};

Result<Json> PlanService::Execute(Command command, const std::string& actor) {
  return RunHere<Result<Json>>([&](Run run, Done done) {
    ExecuteAsync(std::move(command), actor, std::move(run), std::move(done));
  });
}

void PlanService::ExecuteAsync(Command command, std::string actor, Run run, Done done) {
  auto code = CommandDirection(command);
  if (!code.ok()) return done(code.status());
  if (command.command_id.empty()) command.command_id = NewCommandId();
  std::string request_hash = CommandHash(command, actor);
  auto seen = log_.FindCommand(command.command_id);
  if (!seen.ok()) return done(seen.status());
  if (seen->has_value()) {
    // A replay is answered with the first result only for the same request
    // from the same principal (FindCommand marks it replayed). Keys are
    // scoped to the tenant's log; another principal's key is taken, so it
    // cannot run as new, and the answer tells nothing of what holds it.
    const SameRequest again{command.command_id, request_hash, actor, PlanStream(*code)};
    return done(ResultJson(**seen, &again));
  }
  // After the replay: a command appended before its orientation was
  // retired is still answered its first result.
  if (command.type == "ValidateAxis") {
    if (Status refused = CheckOrientation(command.data, "data.orientation"); !refused.ok())
      return done(std::move(refused));
  }
  auto x = std::make_shared<Execution>();
  x->request_hash = std::move(request_hash);
  x->slot = &Slot(*code);
  x->code = *std::move(code);
  x->command = std::move(command);
  x->actor = std::move(actor);
  x->run = std::move(run);
  x->done = std::move(done);
  Attempt(x);
}

Status PlanService::RefreshWorkingCopy(PlanSlot& slot, const std::string& code) {
  JALON_RETURN_IF_ERROR(projections_.CatchUp());
  // The working copy is still the plan if the plan has not moved since its
  // last command became durable: every other writer drops it, so the same
  // version means the same events. Keeping it saves a copy of the plan per
  // burst of commands, which cost more than the decision.
  bool current = false;
  if (slot.working) {
    projections_.With(code, [&](const PlanState& durable) {
      current = durable.version == slot.working->version;
    });
  }
  if (!current) {
    slot.working = std::make_unique<PlanState>(projections_.Current(code).value_or(PlanState()));
  }
  return Status::Ok();
}

void PlanService::Attempt(const std::shared_ptr<Execution>& x) {
  const Command& command = x->command;
  PlanSlot& slot = *x->slot;
  Status refused;
  {
    std::unique_lock<std::mutex> lock(slot.mu);
    if (slot.system_in_flight) {  // decided once it is in (see PlanSlot)
      slot.deferred.push_back(x);
      return;
    }
    if (!slot.working || slot.in_flight == 0) refused = RefreshWorkingCopy(slot, x->code);
    if (refused.ok()) {
      PlanState& working = *slot.working;
      const Instant now = clock_.Now();
      auto decision = Decide(working, command, now);
      if (!decision.ok()) {
        auto [field, rule] = SplitFieldError(decision.status().message());
        refused =
            decision.status().IsInvalidArgument() && !field.empty() && !field.starts_with("data.")
                ? Status::InvalidArgument("data." + field + ": " + rule)
                : decision.status();
      } else {
        AppendRequest request;
        request.stream = decision->stream;
        request.expected_version =
            command.expected_version ? command.expected_version : std::optional(working.version);
        request.command_id = command.command_id;
        request.actor = x->actor;
        request.request_hash = x->request_hash;
        // The working copy takes the events now, so that the next command
        // of this plan is decided after them.
        uint64_t version = working.version;
        for (const NewEvent& n : decision->events) {
          Event e;
          e.stream = decision->stream;
          e.type = n.type;
          e.version = ++version;
          e.recorded_at = now;
          e.effective_at = n.effective_at;
          e.payload = n.payload;
          auto payload = DecodePayload(n.payload);
          if (!payload.ok() || !working.Apply(e, *payload).ok()) {
            slot.working.reset();
            break;
          }
        }
        request.events = std::move(decision->events);
        ++slot.in_flight;
        // In the plan's order, under its lock. The log may answer right
        // here (a refused request): the rest is queued through `run`, so it
        // never takes this lock again on this thread.
        log_.AppendAsync(std::move(request), [this, x](Result<AppendResult> r) {
          auto appended = std::make_shared<Result<AppendResult>>(std::move(r));
          x->run([this, x, appended] { Finish(x, std::move(*appended)); });
        });
        return;
      }
    }
  }
  x->done(std::move(refused));
}

void PlanService::Finish(const std::shared_ptr<Execution>& x, Result<AppendResult> appended) {
  // On `run`'s thread, which may be a server's I/O thread: nothing thrown
  // may escape.
  Result<Json> answer = Status::Internal("no answer");
  try {
    PlanSlot& slot = *x->slot;
    // Caught up before the command counts as done: a system append waiting
    // for the plan to be idle (LockIdle) then decides on the plan with it.
    const Status caught_up =
        appended.ok() ? projections_.CatchUpTo(appended->last_position()) : Status::Ok();
    {
      std::lock_guard<std::mutex> lock(slot.mu);
      // A replay appended nothing: the copy holds events the log has not.
      if (!appended.ok() || appended->replayed) slot.working.reset();
      if (--slot.in_flight == 0) slot.idle.notify_all();
    }
    constexpr int kAttempts = 5;
    if (!appended.ok() && appended.status().IsConflict() && !x->command.expected_version &&
        x->attempt < kAttempts) {
      // A concurrent writer moved the plan, or a command before this one
      // failed: decide again against the durable state, unless the caller
      // pinned a version.
      ++x->attempt;
      return Attempt(x);
    }
    if (!appended.ok()) {
      answer = appended.status();
    } else if (!caught_up.ok()) {
      answer = caught_up;
    } else if (appended->replayed) {  // the same key, sent again while the first was in flight
      const SameRequest again{x->command.command_id, x->request_hash, x->actor,
                              PlanStream(x->code)};
      answer = ResultJson(*appended, &again);
    } else {
      answer = ResultJson(*appended);
    }
  } catch (const std::exception& e) {
    answer = Status::Internal(std::string("while answering a command: ") + e.what());
  }
  x->done(std::move(answer));
}

Result<Json> PlanService::Import(const Json& doc, const std::string& actor,
                                 std::string command_id) {
  auto steps = PlanToCommands(doc);
  if (!steps.ok()) return steps.status();
  auto decision = DecideImport(*steps, clock_.Now());
  if (!decision.ok()) return decision.status();
  // A key derived from the document is the service's, not a client's: any
  // principal that may import this direction's plan, sending the same
  // document, is answered the first import (it tells nothing the document
  // does not).
  const bool derived = command_id.empty();
  if (derived) command_id = "import-" + ToHex(Sha256(doc.dump())).substr(0, 32);
  if (command_id.size() > kMaxIdempotencyKeyBytes) {
    return Status::InvalidArgument("Idempotency-Key: at most " +
                                   std::to_string(kMaxIdempotencyKeyBytes) + " bytes");
  }
  const std::string code = std::string(DirectionOfStream(decision->stream));
  const std::string principal = derived ? std::string() : actor;
  const SameRequest again{command_id, RequestHash("import", principal, doc), principal,
                          decision->stream};
  const size_t count = decision->events.size();
  PlanSlot& slot = Slot(code);
  auto plan_lock = LockIdle(slot);
  slot.working.reset();
  auto seen = log_.FindCommand(command_id);
  if (!seen.ok()) return seen.status();
  if (!seen->has_value() && projections_.Current(code)) {
    return Status::AlreadyExists("direction.code: direction '" + code +
                                 "' already exists; an import creates a new direction");
  }
  if (!seen->has_value()) {
    for (const ImportStep& step : *steps) {
      if (step.command.type != "ValidateAxis") continue;
      JALON_RETURN_IF_ERROR(CheckOrientation(step.command.data, step.path + ".orientation"));
    }
  }
  auto result = seen->has_value() ? Result<AppendResult>(**seen)
                                  : AppendDecision(std::move(decision).value(), uint64_t{0},
                                                   command_id, actor, again.request_hash);
  if (!result.ok()) {
    if (result.status().IsConflict()) {
      return Status::AlreadyExists("direction.code: direction '" + code + "' already exists");
    }
    return result.status();
  }
  if (result->replayed) {
    auto first = log_.ReadRange(result->first_position, 1);
    if (!first.ok()) return first.status();
    if (!IsSameRequest(*result, *first, again)) return KeyReused(command_id);
  }
  return Json{{"direction", code},
              {"position", result->last_position()},
              {"version", result->last_version()},
              {"events", count},
              {"replayed", result->replayed}};
}

Result<PlanService::SystemAppend> PlanService::AppendSystem(const std::string& code,
                                                            const std::string& command_id,
                                                            const std::string& actor,
                                                            const SystemDecide& decide,
                                                            CommandId kind) {
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    // The first attempt decides on the plan as the projections hold it: the
    // append is conditional on that version, so a plan that moved meanwhile
    // is a conflict, decided again once caught up. Catching up first, on
    // every append, cost a fifth of the scheduler's firing pass in lock
    // traffic between its workers.
    if (attempt > 1) JALON_RETURN_IF_ERROR(projections_.CatchUp());
    auto result = RunHere<Result<SystemAppend>>([&](const RunFn&, SystemDone done) {
      AppendSystemAsync(code, command_id, actor, decide, kind, std::move(done));
    });
    if (result.status().IsConflict() && attempt < kAttempts) continue;
    return result;
  }
}

void PlanService::AppendSystemAsync(const std::string& code, const std::string& command_id,
                                    const std::string& actor, const SystemDecide& decide,
                                    CommandId kind, SystemDone done) {
  if (kind == CommandId::kMayRepeat) {
    auto seen = log_.FindCommand(command_id);
    if (!seen.ok()) return done(seen.status());
    if (seen->has_value())
      return done(SystemAppend{(*seen)->count, true, (*seen)->last_position()});
  }
  PlanSlot& slot = Slot(code);
  Result<std::vector<NewEvent>> events = std::vector<NewEvent>();
  uint64_t version = 0;
  bool found = false;
  {
    auto plan_lock = LockIdle(slot);
    slot.working.reset();
    // Decided on the projection in place: a copy of the plan would cost
    // more than the decision (the scheduler visits thousands of plans a
    // pass).
    found = projections_.With(code, [&](const PlanState& current) {
      events = decide(current);
      version = current.version;
    });
    // A system writer validates axes against the same list as a person.
    if (found && events.ok() && orientation_check_) {
      Status refused;
      for (const NewEvent& e : *events) {
        if (e.type != "AxisValidated") continue;
        auto payload = DecodePayload(e.payload);
        refused = payload.ok() ? CheckOrientation(*payload, "AxisValidated.orientation")
                               : payload.status();
        if (!refused.ok()) break;
      }
      if (!refused.ok()) events = std::move(refused);
    }
    // Counted in flight before the lock is let go: a command of the plan
    // decided meanwhile starts from the durable plan, and whichever of the
    // two appends comes second is a conflict.
    if (found && events.ok() && !events->empty()) {
      ++slot.in_flight;
      slot.system_in_flight = true;
    }
  }
  if (!found) return done(NoDirection(code));
  if (!events.ok()) return done(events.status());
  if (events->empty()) return done(SystemAppend{});
  AppendRequest request;
  request.stream = PlanStream(code);
  request.expected_version = version;
  request.command_id = command_id;
  request.actor = actor;
  request.events = std::move(events).value();
  // Not under the plan's lock: the log may answer right here.
  log_.AppendAsync(
      std::move(request), [this, &slot, done = std::move(done)](Result<AppendResult> appended) {
        std::vector<std::shared_ptr<Execution>> deferred;
        {
          std::lock_guard<std::mutex> lock(slot.mu);
          slot.system_in_flight = false;
          deferred.swap(slot.deferred);
          if (--slot.in_flight == 0) slot.idle.notify_all();
        }
        // The commands that waited for it, decided on their own threads.
        for (auto& x : deferred) x->run([this, x] { Attempt(x); });
        if (!appended.ok()) return done(appended.status());
        done(SystemAppend{appended->count, appended->replayed, appended->last_position()});
      });
}

PlanService::PlanSlot& PlanService::Slot(const std::string& code) {
  std::lock_guard<std::mutex> lock(locks_mu_);
  auto& slot = slots_[code];
  if (!slot) slot = std::make_unique<PlanSlot>();
  return *slot;
}

std::unique_lock<std::mutex> PlanService::LockIdle(PlanSlot& slot) {
  std::unique_lock<std::mutex> lock(slot.mu);
  slot.idle.wait(lock, [&slot] { return slot.in_flight == 0; });
  return lock;
}

}  // namespace jalon
