// The verbs of the plan cycle's jobs and around them: the cycle's schedule
// (schedule preview), a plan's reminders, the demo city run on a simulated
// clock (demo simulate), and the token hash for jalon.toml (token hash).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "engine/log/event_log.h"
#include "engine/people/people_service.h"
#include "engine/util/sha256.h"
#include "jobs/demo/demo_people.h"
#include "jobs/scheduler.h"
#include "jobs/simulation.h"
#include "tools/cli/text.h"
#include "tools/cli/verbs.h"

namespace jalon::cli {
namespace {

struct SimulateFlags {
  std::string from = "2016-01-01", to = "2020-12-31", plans = "config/demo";
  uint64_t seed = 1;
  double late_share = 0.2;
};

int Simulate(const CommonOptions& common, const SimulateFlags& f) {
  const std::string verb = "demo simulate";
  if (!common.url.empty())
    return Fail(verb, "works on a data directory (--data), not against jalond");
  if (common.data_dir.empty()) return Fail(verb, "--data: required (a new or simulated directory)");
  auto from = ParseDate(f.from);
  auto to = ParseDate(f.to);
  if (!from.ok()) return Fail(verb, "--from: " + from.status().message());
  if (!to.ok()) return Fail(verb, "--to: " + to.status().message());
  auto settings = JobsSettings(common);
  if (!settings.ok()) return Fail(verb, settings.status());
  jobs::SimulationOptions options;
  options.from = DayOf(*from);
  options.to = DayOf(*to);
  options.seed = f.seed;
  options.late_share = f.late_share;
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(f.plans, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  if (ec) return Fail(verb, "--plans: " + f.plans + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) {
    auto doc = ReadJsonFile(file);
    if (!doc.ok()) return Fail(verb, doc.status());
    options.plans.push_back(std::move(doc).value());
  }
  SimulatedClock clock(*from);
  EventLogOptions log_options;
  log_options.clock = &clock;
  auto log = EventLog::Open(common.data_dir, log_options);
  if (!log.ok()) return Fail(verb, log.status());
  if ((*log)->Head().position == 0 && options.plans.empty())
    return Fail(verb, "--plans: no *.json plan in " + f.plans);
  Projections projections(**log);
  if (Status s = projections.Start(); !s.ok()) return Fail(verb, s);
  PlanService service(**log, projections, clock);
  PeopleService people(**log, clock);
  if (Status s = people.Load(); !s.ok()) return Fail(verb, s);
  if (Status s = jobs::AddDemoPeople(people, "simulation/import"); !s.ok()) return Fail(verb, s);
  options.actor = jobs::DemoActor;
  jobs::Scheduler scheduler(service, clock, *settings, jobs::MakeChannel(settings->delivery));
  options.progress = [](int32_t day, const jobs::TickStats& t) {
    std::fprintf(
        stderr, "\rsimulation : %s — %llu échéances, %llu relances émises, %llu messages remis   ",
        DateOfDay(day).c_str(), static_cast<unsigned long long>(t.fired),
        static_cast<unsigned long long>(t.issued), static_cast<unsigned long long>(t.delivered));
  };
  auto summary = jobs::Simulate(service, clock, scheduler, options);
  std::fputc('\n', stderr);
  if (!summary.ok()) return Fail(verb, summary.status());
  projections.WriteCheckpoint().PermitUncheckedError();
  (*summary)["delivery"] = settings->delivery.channel == "maildir" ? settings->delivery.maildir
                                                                   : settings->delivery.channel;
  return Print(*summary, common.json, [](const Json& j) {
    return SimulationText(j) + "  Remise : " + j["delivery"].get<std::string>() + "\n";
  });
}

}  // namespace

Verb SchedulePreviewVerb(CLI::App& app, CommonOptions& common) {
  struct Flags {
    std::string direction, from, to;
  };
  auto f = std::make_shared<Flags>();
  auto* schedule = AddVerbGroup(app, "schedule", "The plan cycle's scheduled occurrences");
  auto* command = schedule->add_subcommand(
      "preview",
      "Every occurrence of a plan's cycle: nominal date, working-day date and why it moved");
  AddDirection(command, f->direction);
  command->add_option("--from", f->from,
                      "Only occurrences that fire on or after this date (YYYY-MM-DD)");
  command->add_option("--to", f->to,
                      "Only occurrences that fire on or before this date (YYYY-MM-DD)");
  AddCommon(command, common, {.config = true, .json = true});
  return {command, [&common, f] {
            const std::string verb = "schedule preview";
            return OnBackend(verb, common, [&](Backend& service) {
              auto from = OptionalInstant("--from", f->from, true);
              auto to = OptionalInstant("--to", f->to, true);
              if (!from.ok()) return Fail(verb, from.status());
              if (!to.ok()) return Fail(verb, to.status());
              return PrintResult(verb, service.Schedule(f->direction, *from, *to), common.json,
                                 ScheduleText);
            });
          }};
}

Verb RemindersVerb(CLI::App& app, CommonOptions& common) {
  auto direction = std::make_shared<std::string>();
  auto* command = app.add_subcommand(
      "reminders", "A plan's reminders: state, escalation level and delivery history");
  AddDirection(command, *direction);
  AddCommon(command, common, {.config = true, .json = true});
  return {command, [&common, direction] {
            return OnBackend("reminders", common, [&](Backend& service) {
              return PrintResult("reminders", service.Reminders(*direction), common.json,
                                 RemindersText);
            });
          }};
}

Verb DemoSimulateVerb(CLI::App& app, CommonOptions& common) {
  auto sim = std::make_shared<SimulateFlags>();
  auto* demo = AddVerbGroup(app, "demo", "The demo city");
  auto* command = demo->add_subcommand(
      "simulate",
      "Run the demo city through its cycle on a simulated clock; resumes where it stopped");
  command->add_option("--from", sim->from, "First simulated day (default 2016-01-01)");
  command->add_option("--to", sim->to, "Last simulated day (default 2020-12-31)");
  command->add_option("--plans", sim->plans,
                      "Directory of jalon.plan/1 documents to start from (default config/demo)");
  command->add_option("--seed", sim->seed, "Random seed: the same seed gives the same city");
  command
      ->add_option("--late-share", sim->late_share,
                   "Share of the data the directions record late (0 to 1)")
      ->check(CLI::Range(0.0, 1.0));
  AddCommon(command, common, {.config = true, .json = true});
  return {command, [&common, sim] { return Simulate(common, *sim); }};
}

Verb TokenHashVerb(CLI::App& app, CommonOptions&) {
  struct Flags {
    std::string name = "NAME", role = "ROLE";
  };
  auto f = std::make_shared<Flags>();
  auto* token = AddVerbGroup(app, "token", "Token helpers for jalon.toml");
  auto* command = token->add_subcommand(
      "hash", "Read a token on standard input and print its SHA-256, as [[tokens]] sha256 expects");
  command->add_option("--name", f->name, "Name to put in the printed [[tokens]] block");
  command->add_option(
      "--role", f->role,
      "Role to put in the printed block (admin, steering, auditor, direction:CODE)");
  return {command, [f] {
            std::string secret;
            std::getline(std::cin, secret);
            if (secret.empty())
              return Fail(
                  "token hash",
                  "standard input: give the token, e.g. printf %s 'secret' | jalon token hash");
            std::cout << "[[tokens]]\nname = \"" << f->name << "\"\nrole = \"" << f->role
                      << "\"\nsha256 = \"" << ToHex(Sha256(secret)) << "\"\n";
            return 0;
          }};
}

}  // namespace jalon::cli
