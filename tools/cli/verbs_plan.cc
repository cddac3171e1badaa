// The verbs that write a plan or read it, now or at a past point of the log:
// import, export, apply, show, as-of, dashboard, history, diff; and generate,
// which prints a plan document without touching any log.
#include <iostream>
#include <memory>

#include "engine/plan/generator.h"
#include "tools/cli/text.h"
#include "tools/cli/verbs.h"

namespace jalon::cli {

Verb ImportVerb(CLI::App& app, CommonOptions& common) {
  struct Flags {
    std::string file, command_id;
  };
  auto f = std::make_shared<Flags>();
  auto* command = app.add_subcommand(
      "import", "Import a jalon.plan/1 document, atomically: all of it or nothing");
  command->add_option("file", f->file, "The plan document (JSON), or - for standard input")
      ->required();
  command->add_option("--command-id", f->command_id,
                      "Idempotency key (default: derived from the content)");
  AddCommon(command, common, {.json = true});
  return {
      command, [&common, f] {
        return OnBackend("import", common, [&](Backend& service) {
          auto doc = ReadJsonFile(f->file);
          if (!doc.ok()) return Fail("import", doc.status());
          return PrintResult(
              "import", service.Import(*doc, f->command_id), common.json, [](const Json& j) {
                return std::string(j["replayed"].get<bool>() ? "Already imported: " : "Imported ") +
                       j["direction"].get<std::string>() + ": " +
                       std::to_string(j["events"].get<size_t>()) + " events, up to position " +
                       std::to_string(j["position"].get<uint64_t>()) + ".\n";
              });
        });
      }};
}

Verb ExportVerb(CLI::App& app, CommonOptions& common) {
  struct Flags {
    std::string direction, output;
    TimeTravel when;
  };
  auto f = std::make_shared<Flags>();
  auto* command = app.add_subcommand("export", "Write a plan back as a jalon.plan/1 document");
  AddDirection(command, f->direction);
  command->add_option("-o,--output", f->output, "Write to this file instead of standard output");
  AddTimeTravel(command, f->when);
  AddCommon(command, common, {});
  return {command, [&common, f] {
            return OnBackend("export", common, [&](Backend& service) {
              auto when = ParseTimeQuery(f->when);
              if (!when.ok()) return Fail("export", when.status());
              auto r = service.Export(f->direction, *when);
              if (!r.ok()) return Fail("export", r.status());
              return PrintOrWrite("export", r->dump(2) + "\n", f->output);
            });
          }};
}

Verb ApplyVerb(CLI::App& app, CommonOptions& common) {
  auto file = std::make_shared<std::string>();
  auto* command =
      app.add_subcommand("apply", "Run one command {type, command_id?, expected_version?, data}");
  command->add_option("file", *file, "The command (JSON), or - for standard input")->required();
  AddCommon(command, common, {.json = true});
  return {command, [&common, file] {
            return OnBackend("apply", common, [&](Backend& service) {
              auto doc = ReadJsonFile(*file);
              if (!doc.ok()) return Fail("apply", doc.status());
              return PrintResult("apply", service.Execute(*doc), common.json, EventsText);
            });
          }};
}

Verb ShowVerb(CLI::App& app, CommonOptions& common) {
  struct Flags {
    std::string direction;
    TimeTravel when;
  };
  auto f = std::make_shared<Flags>();
  auto* command = app.add_subcommand("show", "Print a plan's projection, now or at a past point");
  AddDirection(command, f->direction);
  AddTimeTravel(command, f->when);
  AddCommon(command, common, {.json = true});
  return {command, [&common, f] {
            return OnBackend("show", common, [&](Backend& service) {
              auto when = ParseTimeQuery(f->when);
              if (!when.ok()) return Fail("show", when.status());
              return PrintResult("show", service.Show(f->direction, *when), common.json, PlanText);
            });
          }};
}

Verb AsOfVerb(CLI::App& app, CommonOptions& common) {
  struct Flags {
    std::string direction, instant;
  };
  auto f = std::make_shared<Flags>();
  auto* command = app.add_subcommand("as-of", "Print a plan as the log held it at an instant");
  AddDirection(command, f->direction);
  command->add_option("instant", f->instant, "ISO 8601 instant or date")->required();
  AddCommon(command, common, {.json = true});
  return {command, [&common, f] {
            return OnBackend("as-of", common, [&](Backend& service) {
              auto t = ParseInstant(f->instant);
              if (!t.ok()) return Fail("as-of", "instant: " + t.status().message());
              TimeQuery q;
              q.as_of = *t;
              return PrintResult("as-of", service.Show(f->direction, q), common.json, PlanText);
            });
          }};
}

Verb DashboardVerb(CLI::App& app, CommonOptions& common) {
  struct Flags {
    std::string direction, at;
    TimeTravel when;
  };
  auto f = std::make_shared<Flags>();
  auto* command = app.add_subcommand(
      "dashboard", "Execution and performance gauges, per axis, action and indicator");
  AddDirection(command, f->direction);
  command->add_option("--at", f->at, "Query date (default: today), YYYY-MM-DD");
  AddTimeTravel(command, f->when);
  AddCommon(command, common, {.json = true});
  return {command, [&common, f] {
            return OnBackend("dashboard", common, [&](Backend& service) {
              auto when = ParseTimeQuery(f->when);
              if (!when.ok()) return Fail("dashboard", when.status());
              auto at = OptionalInstant("--at", f->at, true);
              if (!at.ok()) return Fail("dashboard", at.status());
              return PrintResult("dashboard", service.Dashboard(f->direction, *at, *when),
                                 common.json, DashboardText);
            });
          }};
}

Verb HistoryVerb(CLI::App& app, CommonOptions& common) {
  struct Flags {
    std::string direction, entity, from, to;
  };
  auto f = std::make_shared<Flags>();
  auto* command =
      app.add_subcommand("history", "The audit trail: who changed what, when, field by field");
  AddDirection(command, f->direction);
  command->add_option("--entity", f->entity,
                      "Only this entity, e.g. axis/A1, action/A1.2, indicator/I1");
  command->add_option("--from", f->from, "Recorded at or after this instant");
  command->add_option("--to", f->to, "Recorded at or before this instant");
  AddCommon(command, common, {.json = true});
  return {command, [&common, f] {
            return OnBackend("history", common, [&](Backend& service) {
              HistoryQuery q;
              q.entity = f->entity;
              auto from = OptionalInstant("--from", f->from, false);
              auto to = OptionalInstant("--to", f->to, false);
              if (!from.ok()) return Fail("history", from.status());
              if (!to.ok()) return Fail("history", to.status());
              q.from = *from;
              q.to = *to;
              return PrintResult("history", service.History(f->direction, q), common.json,
                                 HistoryText);
            });
          }};
}

Verb DiffVerb(CLI::App& app, CommonOptions& common) {
  struct Flags {
    std::string direction, from, to;
  };
  auto f = std::make_shared<Flags>();
  auto* command =
      app.add_subcommand("diff", "What was added, changed and removed between two instants");
  AddDirection(command, f->direction);
  command->add_option("--from", f->from, "Earlier instant (ISO 8601)")->required();
  command->add_option("--to", f->to, "Later instant (ISO 8601)")->required();
  AddCommon(command, common, {.json = true});
  return {command, [&common, f] {
            return OnBackend("diff", common, [&](Backend& service) {
              auto from = ParseInstant(f->from);
              auto to = ParseInstant(f->to);
              if (!from.ok()) return Fail("diff", "--from: " + from.status().message());
              if (!to.ok()) return Fail("diff", "--to: " + to.status().message());
              return PrintResult("diff", service.Diff(f->direction, *from, *to), common.json,
                                 DiffText);
            });
          }};
}

Verb GenerateVerb(CLI::App& app, CommonOptions&) {
  struct Flags {
    std::string direction;
    uint64_t seed = 1;
    GeneratorOptions gen;
  };
  auto f = std::make_shared<Flags>();
  auto* command = app.add_subcommand(
      "generate", "Print a generated jalon.plan/1 document (for demos, tests and benchmarks)");
  AddDirection(command, f->direction);
  command->add_option("--seed", f->seed, "Random seed (the same seed gives the same plan)");
  command->add_option("--name", f->gen.name, "The direction's name");
  command->add_option("--pole", f->gen.pole, "The direction's pole");
  command->add_option("--axes", f->gen.axes, "Progress axes")->check(CLI::Range(1, 50));
  command->add_flag("--monthly", f->gen.monthly, "Measure every indicator monthly");
  return {command, [f] {
            if (!IsValidDirectionCode(f->direction))
              return Fail("generate", "direction: not a direction code");
            std::cout << GeneratePlan(f->direction, f->seed, f->gen).dump(2) << "\n";
            return 0;
          }};
}

}  // namespace jalon::cli
