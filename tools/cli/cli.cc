#include "tools/cli/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "config/config.h"
#include "engine/log/backup.h"
#include "engine/log/event_log.h"
#include "engine/log/head_witness.h"
#include "engine/log/payload.h"
#include "engine/plan/generator.h"
#include "engine/plan/plan_service.h"
#include "engine/util/json_parse.h"
#include "jobs/documents/documents.h"
#include "jobs/evaluation/evaluation.h"
#include "jobs/scheduler.h"
#include "jobs/simulation.h"
#include "tools/cli/backend.h"
#include "tools/cli/text.h"

namespace jalon::cli {
namespace {

using nlohmann::json;

// Options shared by the verbs; each verb uses the ones it registers.
struct Options {
  std::string data_dir;
  std::string url;    // a running jalond; exclusive with data_dir
  std::string token;  // its bearer token
  bool json = false;
  std::string direction;
  std::string file;
  std::string output;
  std::string command_id;
  std::string as_of, effective_at, at, from, to, entity, instant;
  std::string config;  // --config: jalon.toml for the cycle, reminder and delivery settings
  uint64_t position = 0;
  uint64_t verify_from = 1;
  std::string trusted_hash;
};

// Prints an error for `verb` and returns exit code 2.
int Fail(const std::string& verb, const std::string& message) {
  std::cerr << "jalon " << verb << ": " << message << "\n";
  return 2;
}

int Fail(const std::string& verb, const Status& s) { return Fail(verb, s.message()); }

Result<json> ReadJsonFile(const std::string& path) {
  std::stringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::NotFound(path + ": cannot be read");
    text << in.rdbuf();
  }
  return ParseJson(text.str(), path == "-" ? "standard input" : path);
}

Result<TimeQuery> ParseTimeQuery(const Options& o) {
  TimeQuery q;
  int given = 0;
  if (!o.as_of.empty()) {
    auto t = ParseInstant(o.as_of);
    if (!t.ok()) return Status::InvalidArgument("--as-of: " + t.status().message());
    q.as_of = *t;
    ++given;
  }
  if (o.position > 0) {
    q.position = o.position;
    ++given;
  }
  if (!o.effective_at.empty()) {
    auto t = ParseDate(o.effective_at);
    if (!t.ok()) return Status::InvalidArgument("--effective-at: " + t.status().message());
    q.effective_at = *t;
    ++given;
  }
  if (given > 1)
    return Status::InvalidArgument("give at most one of --as-of, --position, --effective-at");
  return q;
}

Result<std::optional<Instant>> OptionalInstant(const std::string& flag, const std::string& text,
                                               bool date_only) {
  if (text.empty()) return std::optional<Instant>();
  auto t = date_only ? ParseDate(text) : ParseInstant(text);
  if (!t.ok()) return Status::InvalidArgument(flag + ": " + t.status().message());
  return std::optional<Instant>(*t);
}

int Print(const json& j, bool as_json, const std::function<std::string(const json&)>& text) {
  std::cout << (as_json ? j.dump(2) + "\n" : text(j));
  return 0;
}

void AddTimeTravel(CLI::App* verb, Options& o) {
  verb->add_option("--as-of", o.as_of, "Show what the log held at this instant (ISO 8601)");
  verb->add_option("--position", o.position, "Show what the log held up to this position");
  verb->add_option("--effective-at", o.effective_at,
                   "Business date: only events effective by then (YYYY-MM-DD)");
}

int PrintVerify(const json& out, bool as_json) {
  const bool ok = out.value("ok", false);
  if (as_json) {
    std::cout << out.dump(2) << "\n";
  } else if (ok) {
    std::cout << "OK: the hash chain holds. head_position=" << out["head_position"]
              << " head_hash=" << out["head_hash"].get<std::string>() << "\n";
  } else {
    std::cout << "DAMAGED: ";
    if (out.contains("first_bad_position")) {
      std::cout << "first bad position " << out["first_bad_position"] << ": ";
    }
    std::cout << out.value("reason", std::string("unknown")) << "\n  last good position "
              << out["head_position"] << " hash " << out.value("head_hash", std::string()) << "\n";
    if (out.contains("witness_position")) {
      std::cout << "  head witness: position " << out["witness_position"] << " hash "
                << out["witness_hash"].get<std::string>() << "\n";
    }
    if (out.contains("files"))
      std::cout << "  table files: " << out["files"].get<std::string>() << "\n";
    std::cout << "  restore from a backup taken before the damage";
    if (out.value("repairable", false)) {
      std::cout << ", or keep what precedes it and record the loss in the log: jalon repair --data "
                << out.value("dir", std::string("DIR")) << " --accept-loss";
    }
    std::cout << "\n";
  }
  return ok ? 0 : 1;
}

std::string BackupText(const json& j) {
  return "Backup " + j["dir"].get<std::string>() + ": up to position " +
         std::to_string(j["head_position"].get<uint64_t>()) + ", head hash " +
         j["head_hash"].get<std::string>() + ", " +
         std::to_string(j["bytes"].get<uint64_t>() / 1024) + " KiB; it verifies.\n";
}

int Restore(const std::string& from, const std::string& data_dir, bool as_json) {
  auto progress = [](uint64_t done, uint64_t total) {
    if (total >= 100000 && (done % 100000 == 0 || done == total)) {
      std::fprintf(stderr, "\rverifying the restored log: %llu / %llu events",
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
      if (done == total) std::fprintf(stderr, "\n");
    }
  };
  auto info = RestoreBackup(from, data_dir, progress);
  if (!info.ok()) return Fail("restore", info.status());
  json out = info->ToJson();
  out["restored_into"] = std::filesystem::absolute(data_dir).string();
  return Print(out, as_json, [](const json& j) {
    return "Restored " + j["dir"].get<std::string>() + " into " +
           j["restored_into"].get<std::string>() + ": " +
           std::to_string(j["head_position"].get<uint64_t>()) +
           " events; the chain verifies and ends at the backup's head " +
           j["head_hash"].get<std::string>() + ".\n";
  });
}

// On a data directory, verify opens the log read-only: nothing in the
// directory changes (no write-ahead log replayed into a table file, none
// deleted), so that what it reports is what the disk holds, and a second
// look finds the same. Besides the chain it compares the head with the head
// witness and checks every table file's block checksums.
int Verify(const Options& o) {
  if (o.data_dir.empty()) return Fail("verify", "--data: required");
  SystemClock clock;
  EventLogOptions options;
  options.clock = &clock;
  options.allow_damaged = true;
  options.read_only = true;
  auto log = EventLog::Open(o.data_dir, options);
  if (!log.ok() && log.status().IsCorruption()) {
    // Nothing readable to walk: the damage is the answer.
    json out = {{"ok", false},
                {"head_position", 0},
                {"head_hash", ""},
                {"events_checked", 0},
                {"reason", log.status().message()},
                {"dir", o.data_dir}};
    return PrintVerify(out, o.json);
  }
  if (!log.ok()) return Fail("verify", log.status());
  Hash trusted{};
  if (o.verify_from > 1 && !FromHex(o.trusted_hash, &trusted)) {
    return Fail("verify", "--trusted-hash: must be the 64-hex-digit hash of position " +
                              std::to_string(o.verify_from - 1));
  }
  const bool long_log = (*log)->Head().position >= 200000;
  auto progress = [long_log](uint64_t done, uint64_t total) {
    if (long_log) {
      std::fprintf(stderr, "\rverifying: %llu / %llu events", static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total));
    }
  };
  const VerifyReport r = (*log)->Verify(o.verify_from, trusted, progress);
  if (long_log) std::fputc('\n', stderr);
  json out = VerifyJson(r);
  out["dir"] = o.data_dir;
  if (const auto& w = (*log)->witness_at_open()) {
    out["witness_position"] = w->position;
    out["witness_hash"] = ToHex(w->hash);
  }
  if (!(*log)->wal_damage().empty()) out["wal_damage"] = (*log)->wal_damage();
  if (Status damage = (*log)->damage(); !damage.ok()) {
    // The chain holds as far as it goes, but it stops short: of a damaged
    // write-ahead log, or of what the head witness says was acknowledged.
    if (r.ok) {
      out["ok"] = false;
      out["first_bad_position"] = r.head_position + 1;
      out["reason"] = damage.message();
      out["repairable"] = true;
    } else {
      out["reason"] = out["reason"].get<std::string>() + "; " + damage.message();
    }
  }
  if (Status files = (*log)->VerifyFiles(); !files.ok()) {
    out["ok"] = false;
    out["files"] = files.message();
    if (!out.contains("reason")) out["reason"] = files.message();
  }
  return PrintVerify(out, o.json);
}

// `jalon repair --data DIR --accept-loss`: the one way to cut a damaged log.
// Point-in-time recovery keeps what precedes the first bad write-ahead-log
// record, and an event LogTruncated in the stream "system" records, in the
// chain itself, what the head witness says was acknowledged and is gone.
int Repair(const Options& o, bool accept_loss) {
  const std::string verb = "repair";
  if (!o.url.empty()) return Fail(verb, "works on the data directory (--data) of a stopped jalond");
  if (o.data_dir.empty()) return Fail(verb, "--data: required");
  if (!accept_loss) {
    return Fail(verb,
                "--accept-loss: required; repair cuts the log after its last intact event for "
                "good, and records the loss in the log. See first what would be lost with `jalon "
                "verify --data " +
                    o.data_dir + "`, and keep a copy of the directory");
  }
  SystemClock clock;
  // First look without changing anything: is there a loss, and what is it?
  std::string damage, wal_damage;
  LogHead readable;
  std::optional<WitnessRecord> witness;
  {
    EventLogOptions look;
    look.clock = &clock;
    look.allow_damaged = true;
    look.read_only = true;
    auto log = EventLog::Open(o.data_dir, look);
    if (log.ok()) {
      if ((*log)->damage().ok()) {
        json out = {{"repaired", false}, {"head_position", (*log)->Head().position}};
        return Print(out, o.json, [&o](const json& j) {
          return "Nothing to repair: the log in " + o.data_dir +
                 " recovers whole, up to position " +
                 std::to_string(j["head_position"].get<uint64_t>()) +
                 ", and matches its head witness.\n";
        });
      }
      damage = (*log)->damage().message();
      wal_damage = (*log)->wal_damage();
      readable = (*log)->Head();
      witness = (*log)->witness_at_open();
    } else if (log.status().IsCorruption()) {
      damage = log.status().message();  // nothing readable: the files are gone
      witness = HeadWitness::Read(o.data_dir).value_or(std::nullopt);
    } else {
      return Fail(verb, log.status());
    }
  }
  EventLogOptions options;
  options.clock = &clock;
  options.allow_damaged = true;
  options.accept_loss = true;
  auto log = EventLog::Open(o.data_dir, options);
  if (!log.ok()) return Fail(verb, log.status());
  const VerifyReport chain = (*log)->Verify();
  if (!chain.ok) {
    return Fail(verb, "the hash chain is damaged at position " +
                          std::to_string(chain.first_bad_position) + " (" + chain.reason +
                          "): cutting the write-ahead log cannot mend that; restore the latest "
                          "good backup (jalon restore)");
  }
  if (Status files = (*log)->VerifyFiles(); !files.ok()) {
    return Fail(verb, files.message() + ": restore the latest good backup (jalon restore)");
  }
  if (Status health = (*log)->WriteHealth(); !health.ok()) return Fail(verb, health);
  const LogHead head = (*log)->Head();
  const uint64_t lost =
      witness && witness->position > head.position ? witness->position - head.position : 0;
  json record = {{"recovered_position", head.position},
                 {"recovered_hash", ToHex(head.hash)},
                 {"lost_events", lost},
                 {"damage", damage},
                 {"wal_damage", wal_damage.empty() ? (*log)->wal_cut() : wal_damage}};
  if (witness) {
    record["witness_position"] = witness->position;
    record["witness_hash"] = ToHex(witness->hash);
  }
  AppendRequest request;
  request.stream = "system";
  request.actor = LocalActor();
  NewEvent event;
  event.type = "LogTruncated";
  event.effective_at = clock.Now();
  event.payload = EncodePayload(record);
  request.events.push_back(std::move(event));
  auto appended = (*log)->Append(std::move(request));
  if (!appended.ok()) return Fail(verb, appended.status());
  json out = record;
  out["repaired"] = true;
  out["recorded_at_position"] = appended->first_position;
  out["dir"] = o.data_dir;
  return Print(out, o.json, [](const json& j) {
    std::string text = "Repaired " + j["dir"].get<std::string>() +
                       ": the log now ends at position " +
                       std::to_string(j["recovered_position"].get<uint64_t>()) + " (hash " +
                       j["recovered_hash"].get<std::string>() + ").\n";
    if (j.contains("witness_position")) {
      text += "  " + std::to_string(j["lost_events"].get<uint64_t>()) +
              " acknowledged event(s) after it were lost: the head witness recorded position " +
              std::to_string(j["witness_position"].get<uint64_t>()) + " (hash " +
              j["witness_hash"].get<std::string>() + ").\n";
    } else {
      text += "  The directory had no head witness: how many events were lost is unknown.\n";
    }
    if (!j["wal_damage"].get<std::string>().empty()) {
      text += "  Write-ahead log cut: " + j["wal_damage"].get<std::string>() + "\n";
    }
    text += "  The loss is recorded in the log at position " +
            std::to_string(j["recorded_at_position"].get<uint64_t>()) +
            " (LogTruncated, stream system).\n";
    return text;
  });
}

int Replay(const Options& o) {
  SystemClock clock;
  EventLogOptions options;
  options.clock = &clock;
  if (!o.url.empty()) {
    return Fail("replay",
                "works on a data directory (--data) only: a running jalond rebuilds its "
                "projections at startup");
  }
  if (o.data_dir.empty()) return Fail("replay", "--data: required");
  auto log = EventLog::Open(o.data_dir, options);
  if (!log.ok()) return Fail("replay", log.status());
  // From scratch: no snapshot is trusted, every event is applied again.
  Projections fresh(**log);
  const uint64_t head = (*log)->Head().position;
  const auto start = std::chrono::steady_clock::now();
  Status s = fresh.CatchUp([head](uint64_t done, uint64_t) { PrintRebuildProgress(done, head); });
  if (head >= 100000) std::fputc('\n', stderr);
  if (!s.ok()) return Fail("replay", s);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (Status c = fresh.WriteCheckpoint(); !c.ok()) return Fail("replay", c);
  json out = {{"events", head},
              {"directions", fresh.Codes().size()},
              {"seconds", seconds},
              {"events_per_second", seconds > 0 ? static_cast<double>(head) / seconds : 0.0}};
  return Print(out, o.json, [](const json& j) {
    char buf[256];
    std::snprintf(
        buf, sizeof buf, "Rebuilt %zu direction(s) from %llu events in %.2f s (%.0f events/s).\n",
        j["directions"].get<size_t>(), static_cast<unsigned long long>(j["events"].get<uint64_t>()),
        j["seconds"].get<double>(), j["events_per_second"].get<double>());
    return std::string(buf);
  });
}

// Writes `text` to `path` through a temporary file: all of it or nothing.
Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::IOError(path + ": cannot be written");
  }
  return Status::Ok();
}

// A review document or brief: printed, or written to -o in one piece.
int WriteDocument(const std::string& verb, const json& data, const std::string& format,
                  const std::string& output) {
  auto text = jobs::RenderDocument(data, format);
  if (!text.ok()) return Fail(verb, text.status());
  if (output.empty()) {
    std::cout << *text;
    return 0;
  }
  Status s = WriteFileAtomically(output, *text);
  if (!s.ok()) return Fail(verb, "-o: " + s.message());
  std::cerr << "Document écrit : " << output << "\n";
  return 0;
}

int WriteEvaluation(const json& data, const std::string& format, const std::string& output,
                    const std::string& table) {
  const std::string verb = "evaluate";
  if (format == "json") {
    if (output.empty()) {
      std::cout << data.dump(2) << "\n";
      return 0;
    }
    Status s = WriteFileAtomically(output, data.dump(2) + "\n");
    return s.ok() ? 0 : Fail(verb, "-o: " + s.message());
  }
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

// The jobs' settings from --config (or JALON_CONFIG), else the defaults.
Result<jobs::JobsOptions> JobsSettings(const Options& o) {
  if (o.config.empty()) return jobs::JobsOptions();
  auto config = LoadConfig(o.config);
  if (!config.ok()) return config.status();
  return config->jobs;
}

struct SimulateFlags {
  std::string from = "2016-01-01", to = "2020-12-31", plans = "config/demo";
  uint64_t seed = 1;
  double late_share = 0.2;
};

int Simulate(const Options& o, const SimulateFlags& f) {
  const std::string verb = "demo simulate";
  if (!o.url.empty()) return Fail(verb, "works on a data directory (--data), not against jalond");
  if (o.data_dir.empty()) return Fail(verb, "--data: required (a new or simulated directory)");
  auto from = ParseDate(f.from);
  auto to = ParseDate(f.to);
  if (!from.ok()) return Fail(verb, "--from: " + from.status().message());
  if (!to.ok()) return Fail(verb, "--to: " + to.status().message());
  auto settings = JobsSettings(o);
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
  auto log = EventLog::Open(o.data_dir, log_options);
  if (!log.ok()) return Fail(verb, log.status());
  if ((*log)->Head().position == 0 && options.plans.empty())
    return Fail(verb, "--plans: no *.json plan in " + f.plans);
  Projections projections(**log);
  if (Status s = projections.Start(); !s.ok()) return Fail(verb, s);
  PlanService service(**log, projections, clock);
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
  return Print(*summary, o.json, [](const json& j) {
    return SimulationText(j) + "  Remise : " + j["delivery"].get<std::string>() + "\n";
  });
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{
      "jalon: the Jalon command-line client. Every verb works against a running jalond "
      "(--url URL --token TOKEN, or JALON_URL and JALON_TOKEN) or on the data directory of a "
      "stopped one (--data DIR)."};
  app.require_subcommand(1);
  Options o;

  auto data = [&o](CLI::App* verb) {
    verb->add_option("-d,--data", o.data_dir, "Data directory of a stopped jalond")
        ->envname("JALON_DATA");
    verb->add_option("-u,--url", o.url, "URL of a running jalond, e.g. http://127.0.0.1:8080")
        ->envname("JALON_URL");
    verb->add_option("-t,--token", o.token, "Bearer token for --url")->envname("JALON_TOKEN");
  };
  auto json_flag = [&o](CLI::App* verb) {
    verb->add_flag("--json", o.json, "Print JSON instead of text");
  };
  auto direction = [&o](CLI::App* verb) {
    verb->add_option("direction", o.direction, "Direction code, e.g. DEJ")->required();
  };

  auto* import = app.add_subcommand(
      "import", "Import a jalon.plan/1 document, atomically: all of it or nothing");
  import->add_option("file", o.file, "The plan document (JSON), or - for standard input")
      ->required();
  import->add_option("--command-id", o.command_id,
                     "Idempotency key (default: derived from the content)");
  data(import);
  json_flag(import);

  auto* export_ = app.add_subcommand("export", "Write a plan back as a jalon.plan/1 document");
  direction(export_);
  export_->add_option("-o,--output", o.output, "Write to this file instead of standard output");
  AddTimeTravel(export_, o);
  data(export_);

  auto* apply =
      app.add_subcommand("apply", "Run one command {type, command_id?, expected_version?, data}");
  apply->add_option("file", o.file, "The command (JSON), or - for standard input")->required();
  data(apply);
  json_flag(apply);

  auto* show = app.add_subcommand("show", "Print a plan's projection, now or at a past point");
  direction(show);
  AddTimeTravel(show, o);
  data(show);
  json_flag(show);

  auto* as_of = app.add_subcommand("as-of", "Print a plan as the log held it at an instant");
  direction(as_of);
  as_of->add_option("instant", o.instant, "ISO 8601 instant or date")->required();
  data(as_of);
  json_flag(as_of);

  auto* dashboard = app.add_subcommand(
      "dashboard", "Execution and performance gauges, per axis, action and indicator");
  direction(dashboard);
  dashboard->add_option("--at", o.at, "Query date (default: today), YYYY-MM-DD");
  AddTimeTravel(dashboard, o);
  data(dashboard);
  json_flag(dashboard);

  auto* history =
      app.add_subcommand("history", "The audit trail: who changed what, when, field by field");
  direction(history);
  history->add_option("--entity", o.entity,
                      "Only this entity, e.g. axis/A1, action/A1.2, indicator/I1");
  history->add_option("--from", o.from, "Recorded at or after this instant");
  history->add_option("--to", o.to, "Recorded at or before this instant");
  data(history);
  json_flag(history);

  auto* diff =
      app.add_subcommand("diff", "What was added, changed and removed between two instants");
  direction(diff);
  diff->add_option("--from", o.from, "Earlier instant (ISO 8601)")->required();
  diff->add_option("--to", o.to, "Later instant (ISO 8601)")->required();
  data(diff);
  json_flag(diff);

  auto* verify = app.add_subcommand(
      "verify", "Check the event log's hash chain from position 1 (or a checkpoint)");
  data(verify);
  json_flag(verify);
  verify->add_option("--from", o.verify_from, "Start at this position (a trusted checkpoint + 1)")
      ->check(CLI::PositiveNumber);
  verify->add_option("--trusted-hash", o.trusted_hash, "Hash of position FROM - 1 when --from > 1");

  auto* repair = app.add_subcommand(
      "repair",
      "The one way to cut a damaged log: keep what precedes the first damaged record of the "
      "write-ahead log, and record in the log itself (LogTruncated, stream system) what the head "
      "witness says was acknowledged and is lost. On the data directory of a stopped jalond");
  bool accept_loss = false;
  repair->add_option("-d,--data", o.data_dir, "Data directory of a stopped jalond")
      ->envname("JALON_DATA");
  repair->add_flag("--accept-loss", accept_loss,
                   "Required: the events after the damage are given up for good");
  json_flag(repair);

  auto* backup = app.add_subcommand(
      "backup",
      "Back the whole log up into a new directory, while jalond runs (--url, admin token) or "
      "on a stopped one's directory (--data); the backup verifies before it is kept");
  std::string backup_to, restore_from;
  backup->add_option("--to", backup_to, "The backup directory to create (must not exist)")
      ->required();
  data(backup);
  json_flag(backup);
  auto* restore = app.add_subcommand(
      "restore",
      "Restore a backup into an empty data directory; the result must verify and end at the "
      "backup's head");
  restore->add_option("--from", restore_from, "The backup directory")->required();
  restore->add_option("-d,--data", o.data_dir, "The data directory to create (must be empty)")
      ->required();
  json_flag(restore);

  auto* replay =
      app.add_subcommand("replay", "Rebuild every projection from the log, from scratch");
  data(replay);
  json_flag(replay);

  auto* generate = app.add_subcommand(
      "generate", "Print a generated jalon.plan/1 document (for demos, tests and benchmarks)");
  uint64_t seed = 1;
  GeneratorOptions gen;
  direction(generate);
  generate->add_option("--seed", seed, "Random seed (the same seed gives the same plan)");
  generate->add_option("--name", gen.name, "The direction's name");
  generate->add_option("--pole", gen.pole, "The direction's pole");
  generate->add_option("--axes", gen.axes, "Progress axes")->check(CLI::Range(1, 50));
  generate->add_flag("--monthly", gen.monthly, "Measure every indicator monthly");

  auto config_flag = [&o](CLI::App* verb) {
    verb->add_option("-c,--config", o.config,
                     "jalon.toml for the cycle, reminder and delivery settings (default: the "
                     "shipped defaults)")
        ->envname("JALON_CONFIG");
  };
  auto* schedule = app.add_subcommand("schedule", "The plan cycle's scheduled occurrences");
  schedule->require_subcommand(1);
  auto* preview = schedule->add_subcommand(
      "preview",
      "Every occurrence of a plan's cycle: nominal date, working-day date and why it moved");
  direction(preview);
  preview->add_option("--from", o.from, "Only occurrences from this date (YYYY-MM-DD)");
  preview->add_option("--to", o.to, "Only occurrences up to this date (YYYY-MM-DD)");
  data(preview);
  config_flag(preview);
  json_flag(preview);

  auto* reminders = app.add_subcommand(
      "reminders", "A plan's reminders: state, escalation level and delivery history");
  direction(reminders);
  data(reminders);
  config_flag(reminders);
  json_flag(reminders);

  auto* evaluate =
      app.add_subcommand("evaluate",
                         "The end-of-cycle evaluation dataset: indicators, actions, axes, reviews, "
                         "reminders and changes, with the events behind each value");
  std::string format = "json", table;
  direction(evaluate);
  evaluate->add_option("--at", o.at, "Evaluation date (default: today, or the period's end)");
  evaluate->add_option("--format", format, "json, csv (one file per table) or xlsx")
      ->check(CLI::IsMember({"json", "csv", "xlsx"}));
  evaluate->add_option("-o,--output", o.output,
                       "File (json, xlsx) or directory (csv) to write; json prints by default");
  evaluate->add_option("--table", table, "With --format csv and no -o: print this table");
  data(evaluate);
  config_flag(evaluate);

  auto* explain = app.add_subcommand(
      "explain",
      "Why a figure is what it is: the rule, the inputs and their weights, and the "
      "events behind each input");
  std::string figure;
  direction(explain);
  explain->add_option("figure", figure, "The figure: axis/A1")->required();
  explain->add_option("--at", o.at, "Query date (default: today, or the period's end)");
  data(explain);
  config_flag(explain);
  json_flag(explain);

  auto* audit = app.add_subcommand(
      "audit",
      "Audit flags: late targets changes, unassessed missions, unvalidated axes, "
      "actions without indicator, unmeasured indicators, late measurements");
  direction(audit);
  data(audit);
  config_flag(audit);
  json_flag(audit);

  auto* review_doc = app.add_subcommand(
      "review-doc",
      "The document of a biannual review, in French: the plan as it stood at review N, "
      "what changed since the previous one, late actions, indicators off trajectory, "
      "open reminders, and the hash-chain head for the minutes");
  int review_number = 0;
  std::string doc_format = "md";
  direction(review_doc);
  review_doc
      ->add_option("--review", review_number,
                   "Review number, from 1; the next one not yet held gives a preparatory document")
      ->required()
      ->check(CLI::Range(1, 9999));
  review_doc->add_option("--format", doc_format, "md (default), html or json")
      ->check(CLI::IsMember({"md", "html", "json"}));
  review_doc->add_option("-o,--output", o.output, "File to write (default: print)");
  data(review_doc);
  config_flag(review_doc);

  auto* brief = app.add_subcommand(
      "brief",
      "The plan on one page for newcomers, in French: missions, values and ambitions, axes, "
      "key actions and indicators, next dates");
  direction(brief);
  brief->add_option("--as-of", o.as_of, "Show the plan as the log held it then (ISO 8601)");
  brief->add_option("--format", doc_format, "md (default), html or json")
      ->check(CLI::IsMember({"md", "html", "json"}));
  brief->add_option("-o,--output", o.output, "File to write (default: print)");
  data(brief);
  config_flag(brief);

  auto* demo = app.add_subcommand("demo", "The demo city");
  demo->require_subcommand(1);
  SimulateFlags sim;
  auto* simulate = demo->add_subcommand(
      "simulate",
      "Run the demo city through its cycle on a simulated clock; resumes where it stopped");
  simulate->add_option("--from", sim.from, "First simulated day (default 2016-01-01)");
  simulate->add_option("--to", sim.to, "Last simulated day (default 2020-12-31)");
  simulate->add_option("--plans", sim.plans,
                       "Directory of jalon.plan/1 documents to start from (default config/demo)");
  simulate->add_option("--seed", sim.seed, "Random seed: the same seed gives the same city");
  simulate
      ->add_option("--late-share", sim.late_share,
                   "Share of the data the directions record late (0 to 1)")
      ->check(CLI::Range(0.0, 1.0));
  data(simulate);
  config_flag(simulate);
  json_flag(simulate);

  auto* token = app.add_subcommand("token", "Token helpers for jalon.toml");
  auto* token_hash = token->add_subcommand(
      "hash", "Read a token on standard input and print its SHA-256, as [[tokens]] sha256 expects");
  token->require_subcommand(1);
  std::string token_name = "NAME", token_role = "ROLE";
  token_hash->add_option("--name", token_name, "Name to put in the printed [[tokens]] block");
  token_hash->add_option(
      "--role", token_role,
      "Role to put in the printed block (admin, steering, auditor, direction:CODE)");

  CLI11_PARSE(app, argc, argv);

  if (token_hash->parsed()) {
    std::string secret;
    std::getline(std::cin, secret);
    if (secret.empty())
      return Fail("token hash",
                  "standard input: give the token, e.g. printf %s 'secret' | jalon token hash");
    std::cout << "[[tokens]]\nname = \"" << token_name << "\"\nrole = \"" << token_role
              << "\"\nsha256 = \"" << ToHex(Sha256(secret)) << "\"\n";
    return 0;
  }
  if (generate->parsed()) {
    if (!IsValidDirectionCode(o.direction))
      return Fail("generate", "direction: not a direction code");
    std::cout << GeneratePlan(o.direction, seed, gen).dump(2) << "\n";
    return 0;
  }
  std::string verb = app.get_subcommands().front()->get_name();
  if (preview->parsed()) verb = "schedule preview";
  if (!o.url.empty() && !o.data_dir.empty()) {
    return Fail(verb,
                "--url and --data: give one (JALON_URL and JALON_DATA count as given); unset one");
  }
  if (replay->parsed()) return Replay(o);
  if (repair->parsed()) return Repair(o, accept_loss);
  if (restore->parsed()) return Restore(restore_from, o.data_dir, o.json);
  if (simulate->parsed()) return Simulate(o, sim);
  if (verify->parsed() && o.url.empty()) return Verify(o);
  if (verify->parsed() && o.verify_from > 1)
    return Fail(verb, "--from: works on a data directory (--data) only");

  std::unique_ptr<Backend> backend;
  if (!o.url.empty()) {
    backend = OpenRemote(o.url, o.token);
  } else {
    auto settings = JobsSettings(o);
    if (!settings.ok()) return Fail(verb, settings.status());
    auto opened = OpenLocal(o.data_dir, *settings);
    if (!opened.ok()) return Fail(verb, opened.status());
    backend = std::move(opened).value();
  }
  Backend& service = *backend;
  if (backup->parsed()) {
    auto r = service.Backup(backup_to);
    if (!r.ok()) return Fail(verb, r.status());
    return Print(*r, o.json, BackupText);
  }
  if (verify->parsed()) {
    auto r = service.Verify();
    if (!r.ok()) return Fail(verb, r.status());
    return PrintVerify(*r, o.json);
  }

  auto when = ParseTimeQuery(o);
  if (!when.ok()) return Fail(verb, when.status());

  if (import->parsed()) {
    auto doc = ReadJsonFile(o.file);
    if (!doc.ok()) return Fail(verb, doc.status());
    auto r = service.Import(*doc, o.command_id);
    if (!r.ok()) return Fail(verb, r.status());
    return Print(*r, o.json, [](const json& j) {
      return std::string(j["replayed"].get<bool>() ? "Already imported: " : "Imported ") +
             j["direction"].get<std::string>() + ": " + std::to_string(j["events"].get<size_t>()) +
             " events, up to position " + std::to_string(j["position"].get<uint64_t>()) + ".\n";
    });
  }
  if (export_->parsed()) {
    auto r = service.Export(o.direction, *when);
    if (!r.ok()) return Fail(verb, r.status());
    const std::string text = r->dump(2) + "\n";
    if (o.output.empty()) {
      std::cout << text;
      return 0;
    }
    Status written = WriteFileAtomically(o.output, text);
    return written.ok() ? 0 : Fail(verb, "-o: " + written.message());
  }
  if (apply->parsed()) {
    auto doc = ReadJsonFile(o.file);
    if (!doc.ok()) return Fail(verb, doc.status());
    auto r = service.Execute(*doc);
    if (!r.ok()) return Fail(verb, r.status());
    return Print(*r, o.json, EventsText);
  }
  if (show->parsed() || as_of->parsed()) {
    TimeQuery q = *when;
    if (as_of->parsed()) {
      auto t = ParseInstant(o.instant);
      if (!t.ok()) return Fail(verb, "instant: " + t.status().message());
      q = TimeQuery{};
      q.as_of = *t;
    }
    auto r = service.Show(o.direction, q);
    if (!r.ok()) return Fail(verb, r.status());
    return Print(*r, o.json, PlanText);
  }
  if (dashboard->parsed()) {
    auto at = OptionalInstant("--at", o.at, true);
    if (!at.ok()) return Fail(verb, at.status());
    auto r = service.Dashboard(o.direction, *at, *when);
    if (!r.ok()) return Fail(verb, r.status());
    return Print(*r, o.json, DashboardText);
  }
  if (history->parsed()) {
    HistoryQuery q;
    q.entity = o.entity;
    auto from = OptionalInstant("--from", o.from, false);
    auto to = OptionalInstant("--to", o.to, false);
    if (!from.ok()) return Fail(verb, from.status());
    if (!to.ok()) return Fail(verb, to.status());
    q.from = *from;
    q.to = *to;
    auto r = service.History(o.direction, q);
    if (!r.ok()) return Fail(verb, r.status());
    return Print(*r, o.json, HistoryText);
  }
  if (diff->parsed()) {
    auto from = ParseInstant(o.from);
    auto to = ParseInstant(o.to);
    if (!from.ok()) return Fail(verb, "--from: " + from.status().message());
    if (!to.ok()) return Fail(verb, "--to: " + to.status().message());
    auto r = service.Diff(o.direction, *from, *to);
    if (!r.ok()) return Fail(verb, r.status());
    return Print(*r, o.json, DiffText);
  }
  if (preview->parsed()) {
    auto from = OptionalInstant("--from", o.from, true);
    auto to = OptionalInstant("--to", o.to, true);
    if (!from.ok()) return Fail(verb, from.status());
    if (!to.ok()) return Fail(verb, to.status());
    auto r = service.Schedule(o.direction, *from, *to);
    if (!r.ok()) return Fail(verb, r.status());
    return Print(*r, o.json, ScheduleText);
  }
  if (evaluate->parsed()) {
    auto at = OptionalInstant("--at", o.at, true);
    if (!at.ok()) return Fail(verb, at.status());
    auto r = service.Evaluate(o.direction, *at);
    if (!r.ok()) return Fail(verb, r.status());
    return WriteEvaluation(*r, format, o.output, table);
  }
  if (review_doc->parsed()) {
    auto r = service.ReviewDoc(o.direction, review_number);
    if (!r.ok()) return Fail(verb, r.status());
    return WriteDocument(verb, *r, doc_format, o.output);
  }
  if (brief->parsed()) {
    auto as_of = OptionalInstant("--as-of", o.as_of, false);
    if (!as_of.ok()) return Fail(verb, as_of.status());
    auto r = service.Brief(o.direction, *as_of);
    if (!r.ok()) return Fail(verb, r.status());
    return WriteDocument(verb, *r, doc_format, o.output);
  }
  if (audit->parsed()) {
    auto r = service.Audit(o.direction);
    if (!r.ok()) return Fail(verb, r.status());
    return Print(*r, o.json, AuditText);
  }
  if (explain->parsed()) {
    auto at = OptionalInstant("--at", o.at, true);
    if (!at.ok()) return Fail(verb, at.status());
    auto r = service.Explain(o.direction, figure, *at);
    if (!r.ok()) return Fail(verb, r.status());
    return Print(*r, o.json, ExplainText);
  }
  if (reminders->parsed()) {
    auto r = service.Reminders(o.direction);
    if (!r.ok()) return Fail(verb, r.status());
    return Print(*r, o.json, RemindersText);
  }
  return 2;
}

}  // namespace jalon::cli
