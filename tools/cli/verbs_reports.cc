// The verbs that report on a plan: the evaluation dataset (evaluate), why a
// figure is what it is (explain), the audit flags (audit), and the documents
// staff read, in French (review-doc, brief). Each reads the plan through a
// Backend; none changes the log.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <vector>

#include "jobs/documents/documents.h"
#include "jobs/evaluation/evaluation.h"
#include "tools/cli/text.h"
#include "tools/cli/verbs.h"

namespace jalon::cli {
namespace {

// --format and -o of a document (review-doc, brief).
struct DocumentFlags {
  std::string direction;
  std::string format = "md";
  std::string output;
};

void AddDocumentOutput(CLI::App* verb, DocumentFlags& flags) {
  verb->add_option("--format", flags.format, "md (default), html or json")
      ->check(CLI::IsMember({"md", "html", "json"}));
  verb->add_option("-o,--output", flags.output, "File to write (default: print)");
}

// A review document or brief: printed, or written to -o in one piece.
int WriteDocument(const std::string& verb, const Json& data, const DocumentFlags& flags) {
  auto text = jobs::RenderDocument(data, flags.format);
  if (!text.ok()) return Fail(verb, text.status());
  const int code = PrintOrWrite(verb, *text, flags.output);
  if (code == 0 && !flags.output.empty()) std::cerr << "Document écrit : " << flags.output << "\n";
  return code;
}

int WriteEvaluation(const Json& data, const std::string& format, const std::string& output,
                    const std::string& table) {
  const std::string verb = "evaluate";
  if (format == "json") return PrintOrWrite(verb, data.dump(2) + "\n", output);
  const std::vector<jobs::Table> tables = jobs::EvaluationTables(data);
  if (format == "xlsx") {
    if (output.empty()) return Fail(verb, "-o: required with --format xlsx (the .xlsx file)");
    const std::string tmp = output + ".tmp";
    if (Status s = jobs::WriteXlsx(tables, tmp); !s.ok()) return Fail(verb, s);
    if (std::rename(tmp.c_str(), output.c_str()) != 0)
      return Fail(verb, "-o: cannot write " + output);
    std::cerr << "Classeur écrit : " << output << " (" << tables.size() << " feuilles)\n";
    return 0;
  }
  std::string names;
  for (const jobs::Table& t : tables) {
    if (output.empty() && t.name == table) {
      std::cout << jobs::ToCsv(t);
      return 0;
    }
    names += (names.empty() ? "" : ", ") + t.name;
  }
  if (output.empty())
    return Fail(verb, "--format csv: give -o DIR (one file per table) or --table, one of " + names);
  std::error_code ec;
  std::filesystem::create_directories(output, ec);
  if (ec) return Fail(verb, "-o: " + output + ": " + ec.message());
  for (const jobs::Table& t : tables) {
    if (Status s = WriteFileAtomically(output + "/" + t.name + ".csv", jobs::ToCsv(t)); !s.ok())
      return Fail(verb, "-o: " + s.message());
  }
  std::cerr << "Tables écrites dans " << output << " : " << names << "\n";
  return 0;
}

}  // namespace

Verb EvaluateVerb(CLI::App& app, CommonOptions& common) {
  struct Flags {
    std::string direction, at, format = "json", output, table;
    int cycle = 0;
  };
  auto f = std::make_shared<Flags>();
  auto* command =
      app.add_subcommand("evaluate",
                         "The end-of-cycle evaluation dataset: indicators, actions, axes, reviews, "
                         "reminders and changes, with the events behind each value");
  AddDirection(command, f->direction);
  command->add_option("--at", f->at, "Evaluation date (default: today, or the period's end)");
  command->add_option("--format", f->format, "json, csv (one file per table) or xlsx")
      ->check(CLI::IsMember({"json", "csv", "xlsx"}));
  command->add_option("-o,--output", f->output,
                      "File (json, xlsx) or directory (csv) to write; json prints by default");
  command->add_option("--table", f->table, "With --format csv and no -o: print this table");
  command
      ->add_option("--cycle", f->cycle,
                   "An earlier cycle of the plan, as it ended (1, 2, ...; default: the current)")
      ->check(CLI::Range(1, 999));
  AddCommon(command, common, {.config = true});
  return {command, [&common, f] {
            return OnBackend("evaluate", common, [&](Backend& service) {
              auto at = OptionalInstant("--at", f->at, true);
              if (!at.ok()) return Fail("evaluate", at.status());
              auto r = service.Evaluate(f->direction, *at, f->cycle);
              if (!r.ok()) return Fail("evaluate", r.status());
              return WriteEvaluation(*r, f->format, f->output, f->table);
            });
          }};
}

Verb ExplainVerb(CLI::App& app, CommonOptions& common) {
  struct Flags {
    std::string direction, figure, at;
  };
  auto f = std::make_shared<Flags>();
  auto* command = app.add_subcommand(
      "explain",
      "Why a figure is what it is: the rule, the inputs and their weights, and the "
      "events behind each input");
  AddDirection(command, f->direction);
  command->add_option("figure", f->figure, "The figure: axis/A1")->required();
  command->add_option("--at", f->at, "Query date (default: today, or the period's end)");
  AddCommon(command, common, {.config = true, .json = true});
  return {command, [&common, f] {
            return OnBackend("explain", common, [&](Backend& service) {
              auto at = OptionalInstant("--at", f->at, true);
              if (!at.ok()) return Fail("explain", at.status());
              return PrintResult("explain", service.Explain(f->direction, f->figure, *at),
                                 common.json, ExplainText);
            });
          }};
}

Verb AuditVerb(CLI::App& app, CommonOptions& common) {
  auto direction = std::make_shared<std::string>();
  auto* command = app.add_subcommand(
      "audit",
      "Audit flags: late targets changes, unassessed missions, unvalidated axes, "
      "actions without indicator, unmeasured indicators, late measurements");
  AddDirection(command, *direction);
  AddCommon(command, common, {.config = true, .json = true});
  return {command, [&common, direction] {
            return OnBackend("audit", common, [&](Backend& service) {
              return PrintResult("audit", service.Audit(*direction), common.json, AuditText);
            });
          }};
}

Verb ReviewDocVerb(CLI::App& app, CommonOptions& common) {
  struct Flags : DocumentFlags {
    int review = 0;
    int cycle = 0;
  };
  auto f = std::make_shared<Flags>();
  auto* command = app.add_subcommand(
      "review-doc",
      "The document of a biannual review, in French: the plan as it stood at review N, "
      "what changed since the previous one, late actions, indicators off trajectory, "
      "open reminders, and the hash-chain head for the minutes");
  AddDirection(command, f->direction);
  command
      ->add_option("--review", f->review,
                   "Review number, from 1; the next one not yet held gives a preparatory document")
      ->required()
      ->check(CLI::Range(1, 9999));
  command
      ->add_option("--cycle", f->cycle,
                   "The review of an earlier cycle of the plan (1, 2, ...; default: the current); "
                   "each cycle numbers its reviews from 1")
      ->check(CLI::Range(1, 999));
  AddDocumentOutput(command, *f);
  AddCommon(command, common, {.config = true});
  return {command, [&common, f] {
            return OnBackend("review-doc", common, [&](Backend& service) {
              auto r = service.ReviewDoc(f->direction, f->review, f->cycle);
              if (!r.ok()) return Fail("review-doc", r.status());
              return WriteDocument("review-doc", *r, *f);
            });
          }};
}

Verb BriefVerb(CLI::App& app, CommonOptions& common) {
  struct Flags : DocumentFlags {
    std::string as_of;
    uint64_t position = 0;
    int cycle = 0;
  };
  auto f = std::make_shared<Flags>();
  auto* command = app.add_subcommand(
      "brief",
      "The plan on one page for newcomers, in French: missions, values and ambitions, axes, "
      "key actions and indicators, next dates");
  AddDirection(command, f->direction);
  auto* as_of =
      command->add_option("--as-of", f->as_of, "Show the plan as the log held it then (ISO 8601)");
  auto* position = command
                       ->add_option("--position", f->position,
                                    "Show the plan as the log held it up to this position")
                       ->check(CLI::PositiveNumber);
  command
      ->add_option("--cycle", f->cycle,
                   "An earlier cycle of the plan as it stood at its close (1, 2, ...; default: "
                   "the current), its figures at the end of its period")
      ->check(CLI::Range(1, 999))
      ->excludes(as_of)
      ->excludes(position);
  as_of->excludes(position);
  AddDocumentOutput(command, *f);
  AddCommon(command, common, {.config = true});
  return {command, [&common, f] {
            return OnBackend("brief", common, [&](Backend& service) {
              auto as_of = OptionalInstant("--as-of", f->as_of, false);
              if (!as_of.ok()) return Fail("brief", as_of.status());
              jobs::BriefPoint at{.as_of = *as_of, .cycle = f->cycle};
              if (f->position != 0) at.position = f->position;
              auto r = service.Brief(f->direction, at);
              if (!r.ok()) return Fail("brief", r.status());
              return WriteDocument("brief", *r, *f);
            });
          }};
}

}  // namespace jalon::cli
