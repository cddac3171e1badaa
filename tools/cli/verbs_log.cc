// The verbs that look after the event log itself: verify its hash chain,
// repair a damaged one, back it up, restore a backup, and replay it into
// fresh projections. Verify, repair, restore and replay open the log of a
// stopped jalond directly; verify and backup also work against a running one.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "engine/log/backup.h"
#include "engine/log/event_log.h"
#include "engine/log/head_witness.h"
#include "engine/log/payload.h"
#include "tools/cli/verbs.h"

namespace jalon::cli {
namespace {

struct VerifyFlags {
  uint64_t from = 1;         // --from: the first position to check
  std::string trusted_hash;  // --trusted-hash: the hash of position from - 1
};

// Prints a verify report ({ok, head_position, ...}, see VerifyJson) and
// returns its exit code: 0 the chain holds, 1 it is damaged.
int PrintVerify(const Json& out, bool as_json) {
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

std::string BackupText(const Json& j) {
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
  Json out = info->ToJson();
  out["restored_into"] = std::filesystem::absolute(data_dir).string();
  return Print(out, as_json, [](const Json& j) {
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
int VerifyDirectory(const CommonOptions& common, const VerifyFlags& f) {
  if (common.data_dir.empty()) return Fail("verify", "--data: required");
  SystemClock clock;
  EventLogOptions options;
  options.clock = &clock;
  options.allow_damaged = true;
  options.read_only = true;
  auto log = EventLog::Open(common.data_dir, options);
  if (!log.ok() && log.status().IsCorruption()) {
    // Nothing readable to walk: the damage is the answer.
    Json out = {{"ok", false},
                {"head_position", 0},
                {"head_hash", ""},
                {"events_checked", 0},
                {"reason", log.status().message()},
                {"dir", common.data_dir}};
    return PrintVerify(out, common.json);
  }
  if (!log.ok()) return Fail("verify", log.status());
  Hash trusted{};
  if (f.from > 1 && !FromHex(f.trusted_hash, &trusted)) {
    return Fail("verify", "--trusted-hash: must be the 64-hex-digit hash of position " +
                              std::to_string(f.from - 1));
  }
  const bool long_log = (*log)->Head().position >= 200000;
  auto progress = [long_log](uint64_t done, uint64_t total) {
    if (long_log) {
      std::fprintf(stderr, "\rverifying: %llu / %llu events", static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total));
    }
  };
  const VerifyReport r = (*log)->Verify(f.from, trusted, progress);
  if (long_log) std::fputc('\n', stderr);
  Json out = VerifyJson(r);
  out["dir"] = common.data_dir;
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
  return PrintVerify(out, common.json);
}

// `jalon repair --data DIR --accept-loss`: the one way to cut a damaged log.
// Point-in-time recovery keeps what precedes the first bad write-ahead-log
// record, and an event LogTruncated in the stream "system" records, in the
// chain itself, what the head witness says was acknowledged and is gone.
int Repair(const CommonOptions& common, bool accept_loss) {
  const std::string verb = "repair";
  if (!common.url.empty())
    return Fail(verb, "works on the data directory (--data) of a stopped jalond");
  if (common.data_dir.empty()) return Fail(verb, "--data: required");
  if (!accept_loss) {
    return Fail(verb,
                "--accept-loss: required; repair cuts the log after its last intact event for "
                "good, and records the loss in the log. See first what would be lost with `jalon "
                "verify --data " +
                    common.data_dir + "`, and keep a copy of the directory");
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
    auto log = EventLog::Open(common.data_dir, look);
    if (log.ok()) {
      if ((*log)->damage().ok()) {
        Json out = {{"repaired", false}, {"head_position", (*log)->Head().position}};
        return Print(out, common.json, [&common](const Json& j) {
          return "Nothing to repair: the log in " + common.data_dir +
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
      witness = HeadWitness::Read(common.data_dir).value_or(std::nullopt);
    } else {
      return Fail(verb, log.status());
    }
  }
  EventLogOptions options;
  options.clock = &clock;
  options.allow_damaged = true;
  options.accept_loss = true;
  auto log = EventLog::Open(common.data_dir, options);
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
  Json record = {{"recovered_position", head.position},
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
  Json out = record;
  out["repaired"] = true;
  out["recorded_at_position"] = appended->first_position;
  out["dir"] = common.data_dir;
  return Print(out, common.json, [](const Json& j) {
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

int Replay(const CommonOptions& common) {
  SystemClock clock;
  EventLogOptions options;
  options.clock = &clock;
  if (!common.url.empty()) {
    return Fail("replay",
                "works on a data directory (--data) only: a running jalond rebuilds its "
                "projections at startup");
  }
  if (common.data_dir.empty()) return Fail("replay", "--data: required");
  auto log = EventLog::Open(common.data_dir, options);
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
  Json out = {{"events", head},
              {"directions", fresh.Codes().size()},
              {"seconds", seconds},
              {"events_per_second", seconds > 0 ? static_cast<double>(head) / seconds : 0.0}};
  return Print(out, common.json, [](const Json& j) {
    char buf[256];
    std::snprintf(
        buf, sizeof buf, "Rebuilt %zu direction(s) from %llu events in %.2f s (%.0f events/s).\n",
        j["directions"].get<size_t>(), static_cast<unsigned long long>(j["events"].get<uint64_t>()),
        j["seconds"].get<double>(), j["events_per_second"].get<double>());
    return std::string(buf);
  });
}

}  // namespace

Verb VerifyVerb(CLI::App& app, CommonOptions& common) {
  auto f = std::make_shared<VerifyFlags>();
  auto* command = app.add_subcommand(
      "verify", "Check the event log's hash chain from position 1 (or a checkpoint)");
  AddCommon(command, common, {.json = true});
  command->add_option("--from", f->from, "Start at this position (a trusted checkpoint + 1)")
      ->check(CLI::PositiveNumber);
  command->add_option("--trusted-hash", f->trusted_hash,
                      "Hash of position FROM - 1 when --from > 1");
  return {command, [&common, f] {
            if (common.url.empty()) return VerifyDirectory(common, *f);
            if (f->from > 1)
              return Fail("verify", "--from: works on a data directory (--data) only");
            return OnBackend("verify", common, [&](Backend& service) {
              auto r = service.Verify();
              if (!r.ok()) return Fail("verify", r.status());
              return PrintVerify(*r, common.json);
            });
          }};
}

Verb RepairVerb(CLI::App& app, CommonOptions& common) {
  auto accept_loss = std::make_shared<bool>(false);
  auto* command = app.add_subcommand(
      "repair",
      "The one way to cut a damaged log: keep what precedes the first damaged record of the "
      "write-ahead log, and record in the log itself (LogTruncated, stream system) what the head "
      "witness says was acknowledged and is lost. On the data directory of a stopped jalond");
  command->add_option("-d,--data", common.data_dir, "Data directory of a stopped jalond")
      ->envname("JALON_DATA");
  command->add_flag("--accept-loss", *accept_loss,
                    "Required: the events after the damage are given up for good");
  AddJsonFlag(command, common);
  return {command, [&common, accept_loss] { return Repair(common, *accept_loss); }};
}

Verb BackupVerb(CLI::App& app, CommonOptions& common) {
  auto backup_to = std::make_shared<std::string>();
  auto* command = app.add_subcommand(
      "backup",
      "Back the whole log up into a new directory, while jalond runs (--url, admin token) or "
      "on a stopped one's directory (--data); the backup verifies before it is kept");
  command->add_option("--to", *backup_to, "The backup directory to create (must not exist)")
      ->required();
  AddCommon(command, common, {.json = true});
  return {command, [&common, backup_to] {
            const std::string verb = "backup";
            return OnBackend(verb, common, [&](Backend& service) {
              auto r = service.Backup(*backup_to);
              if (!r.ok()) return Fail(verb, r.status());
              return Print(*r, common.json, BackupText);
            });
          }};
}

Verb RestoreVerb(CLI::App& app, CommonOptions& common) {
  auto restore_from = std::make_shared<std::string>();
  auto* command = app.add_subcommand(
      "restore",
      "Restore a backup into an empty data directory; the result must verify and end at the "
      "backup's head");
  command->add_option("--from", *restore_from, "The backup directory")->required();
  command->add_option("-d,--data", common.data_dir, "The data directory to create (must be empty)")
      ->required();
  AddJsonFlag(command, common);
  return {command,
          [&common, restore_from] { return Restore(*restore_from, common.data_dir, common.json); }};
}

Verb ReplayVerb(CLI::App& app, CommonOptions& common) {
  auto* command =
      app.add_subcommand("replay", "Rebuild every projection from the log, from scratch");
  AddCommon(command, common, {.json = true});
  return {command, [&common] { return Replay(common); }};
}

}  // namespace jalon::cli
