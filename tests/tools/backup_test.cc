// Backup and restore with the real binaries: `jalon backup --url` while
// clients post commands to jalond, then `jalon restore` of each backup. Each
// restored log verifies, ends at the head its BACKUP.json names, and is a
// prefix of the live log (same events, same hashes). Bad targets are refused
// and change nothing.
#include "engine/log/backup.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "engine/log/event_log.h"
#include "engine/util/sha256.h"
#include "engine/util/time.h"
#include "tests/process_util.h"
#include "tests/test_util.h"
#include "tests/tools/binaries.h"
#include "tests/tools/live_daemon.h"

namespace jalon {
namespace {

using nlohmann::json;
using testing::CallJson;
using testing::Jalon;
using testing::LiveDaemon;
using testing::TempDir;

using testing::ReadFile;

std::unique_ptr<EventLog> OpenLog(const std::string& dir, const Clock& clock) {
  EventLogOptions options;
  options.clock = &clock;
  auto log = EventLog::Open(dir, options);
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  return log.ok() ? std::move(log).value() : nullptr;
}

TEST(BackupTest, BackupsUnderWriteLoadRestoreToAPrefixOfTheLog) {
  TempDir dir;
  const std::string config = testing::WriteTestConfig(dir.Sub("jalon.toml"), dir.Sub("data"));
  auto daemon = std::make_unique<LiveDaemon>(testing::kJalond, config, dir.Sub("jalond.log"));
  ASSERT_TRUE(daemon->serving()) << daemon->Log();
  const std::string url = daemon->url();
  ASSERT_EQ(CallJson("POST", url + "/v1/import", "t-admin", ReadFile(testing::kExample)).status,
            201);

  // Four clients record measurements while three backups are taken.
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      for (int k = 0; !stop; ++k) {
        // Distinct dates in the ten years before the plan's period.
        const Instant day = *ParseDate("2006-01-01") + std::chrono::days(k * 4 + c);
        const json cmd = {{"type", "RecordMeasurement"},
                          {"data",
                           {{"direction", "DEJ"},
                            {"indicator", "I1"},
                            {"date", FormatDate(day)},
                            {"value", k % 90}}}};
        if (CallJson("POST", url + "/v1/commands", "t-dej", cmd.dump()).status == 201) ++written;
      }
    });
  }
  std::vector<json> backups;
  for (int b = 0; b < 3; ++b) {
    while (written < (b + 1) * 40) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const std::string to = dir.Sub("backup-" + std::to_string(b));
    auto run = Jalon({"backup", "--to", to, "--url", url, "--token", "t-admin", "--json"});
    ASSERT_EQ(run.code, 0) << run.output;
    backups.push_back(json::parse(run.output));
    EXPECT_TRUE(std::filesystem::exists(to + "/BACKUP.json"));
    EXPECT_FALSE(std::filesystem::exists(to + ".partial"));
    for (const auto& e : std::filesystem::directory_iterator(to))
      EXPECT_EQ(std::filesystem::hard_link_count(e.path()), 1u) << e.path() << " is shared";
  }
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_LT(backups[0]["head_position"], backups[2]["head_position"]) << "taken under load";

  // Refusals: a direction's token, an existing target, a relative path.
  EXPECT_EQ(
      CallJson("POST", url + "/v1/backup", "t-dej", json{{"to", dir.Sub("other")}}.dump()).status,
      403);
  EXPECT_EQ(
      CallJson("POST", url + "/v1/backup", "t-admin", json{{"to", dir.Sub("backup-0")}}.dump())
          .status,
      409);
  EXPECT_EQ(CallJson("POST", url + "/v1/backup", "t-admin", json{{"to", "rel/path"}}.dump()).status,
            400);
  EXPECT_EQ(CallJson("POST", url + "/v1/backup", "t-admin",
                     json{{"to", dir.Sub("x")}, {"extra", 1}}.dump())
                .status,
            400);
  EXPECT_EQ(CallJson("POST", url + "/v1/backup", "t-admin",
                     json{{"to", dir.Sub("no/such/parent")}}.dump())
                .status,
            400);
  auto climbing = CallJson("POST", url + "/v1/backup", "t-admin",
                           json{{"to", dir.Sub("backup-0/../other")}}.dump());
  EXPECT_EQ(climbing.status, 400);
  EXPECT_NE(climbing.body.dump().find("contains '..'"), std::string::npos) << climbing.body;
  auto cli_climbing =
      Jalon({"backup", "--to", dir.Sub("backup-0/../other"), "--url", url, "--token", "t-admin"});
  EXPECT_NE(cli_climbing.code, 0) << cli_climbing.output;
  EXPECT_NE(cli_climbing.output.find("contains '..'"), std::string::npos) << cli_climbing.output;
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("other")));
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("other.partial")));
  ASSERT_EQ(WEXITSTATUS(daemon->Kill(SIGTERM)), 0);

  SystemClock clock;
  auto live = OpenLog(dir.Sub("data"), clock);
  ASSERT_NE(live, nullptr);
  for (size_t b = 0; b < backups.size(); ++b) {
    const std::string into = dir.Sub("restored-" + std::to_string(b));
    auto run = Jalon(
        {"restore", "--from", dir.Sub("backup-" + std::to_string(b)), "--data", into, "--json"});
    ASSERT_EQ(run.code, 0) << run.output;
    auto verify = Jalon({"verify", "--data", into, "--json"});
    ASSERT_EQ(verify.code, 0) << verify.output;
    const json v = json::parse(verify.output);
    EXPECT_EQ(v["head_hash"], backups[b]["head_hash"]);
    EXPECT_EQ(v["head_position"], backups[b]["head_position"]);
    // A prefix of the live log, event for event.
    auto restored = OpenLog(into, clock);
    ASSERT_NE(restored, nullptr);
    const uint64_t head = backups[b]["head_position"];
    for (uint64_t from = 1; from <= head; from += 500) {
      auto a = restored->ReadRange(from, 500);
      auto l = live->ReadRange(from, 500);
      ASSERT_TRUE(a.ok() && l.ok());
      for (size_t i = 0; i < a->size() && i < l->size(); ++i) {
        if ((*a)[i].position > head) break;
        ASSERT_EQ((*a)[i].hash, (*l)[i].hash) << "position " << (*a)[i].position;
      }
    }
    auto after = restored->ReadRange(head + 1, 1);
    ASSERT_TRUE(after.ok());
    EXPECT_TRUE(after->empty()) << "the restored log ends at the backup's head";
  }
  live.reset();

  // Restore refuses a non-empty target and a directory that is no backup,
  // and leaves both as they were.
  auto over = Jalon({"restore", "--from", dir.Sub("backup-0"), "--data", dir.Sub("data")});
  EXPECT_EQ(over.code, 2);
  EXPECT_NE(over.output.find("not empty"), std::string::npos) << over.output;
  auto climbing_restore =
      Jalon({"restore", "--from", dir.Sub("backup-0"), "--data", dir.Sub("backup-0/../r-up")});
  EXPECT_NE(climbing_restore.code, 0) << climbing_restore.output;
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("r-up")));
  auto not_backup = Jalon({"restore", "--from", dir.Sub("data"), "--data", dir.Sub("r-x")});
  EXPECT_EQ(not_backup.code, 2);
  EXPECT_NE(not_backup.output.find("BACKUP.json"), std::string::npos) << not_backup.output;
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("r-x")));
  // A backup whose files were damaged is refused at restore, and nothing is left.
  for (const auto& e : std::filesystem::directory_iterator(dir.Sub("backup-1"))) {
    if (e.path().extension() == ".sst") {
      std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(100);
      f.put('\x5a');
      f.put('\xa5');
      f.put('\x5a');
    }
  }
  auto damaged = Jalon({"restore", "--from", dir.Sub("backup-1"), "--data", dir.Sub("r-d")});
  EXPECT_EQ(damaged.code, 2) << damaged.output;
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("r-d")));
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("r-d.partial")));

  // With the daemon stopped, a backup of the directory itself; it verifies,
  // so the damage done to backup-1's files did not reach the live log.
  auto local = Jalon({"backup", "--to", dir.Sub("backup-local"), "--data", dir.Sub("data")});
  EXPECT_EQ(local.code, 0) << local.output;
  EXPECT_NE(local.output.find("it verifies"), std::string::npos) << local.output;
}

// Appends about `bytes` of opaque payloads to `log`, random so that
// RocksDB's compression does not shrink them.
void Fill(EventLog& log, size_t bytes) {
  std::mt19937_64 rng(42);
  for (size_t done = 0; done < bytes; done += 64 * 1024) {
    std::string payload(64 * 1024, '\0');
    for (char& c : payload) c = static_cast<char>(rng());
    AppendRequest request;
    request.stream = "test/fill";
    request.actor = "test";
    request.events.push_back({"Filled", 1, Instant{}, std::move(payload)});
    ASSERT_TRUE(log.Append(std::move(request)).ok());
  }
}

// The bytes of the log's files, as the backup counts them.
uint64_t LogBytes(const std::string& dir) {
  uint64_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && !name.starts_with("LOG") && name != "LOCK") {
      bytes += entry.file_size();
    }
  }
  return bytes;
}

struct Unmount {
  std::string path;
  bool on;
  ~Unmount() {
    if (on) ::umount2(path.c_str(), MNT_DETACH);
  }
};

// A backup on the log's filesystem never takes the free space the log keeps
// in reserve for its appends (storage.min_free_mb): it is refused before
// anything is written, while appends are still accepted. On a 16 MiB tmpfs;
// where mounting is not allowed, with a reserve above the free space.
TEST(BackupTest, BackupKeepsTheLogsFreeSpaceReserve) {
  TempDir dir;
  const std::string disk = dir.Sub("disk");
  std::filesystem::create_directories(disk);
  const bool mounted = ::mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=16m") == 0;
  Unmount unmount{disk, mounted};
  std::cout << (mounted ? "disk: a 16 MiB tmpfs\n"
                        : "disk: mounting is not allowed here; a reserve above the free space\n");
  const std::string data = disk + "/data";
  SystemClock clock;
  {
    auto log = OpenLog(data, clock);
    ASSERT_NE(log, nullptr);
    Fill(*log, 2 << 20);
  }
  EventLogOptions options;
  options.clock = &clock;
  options.min_free_bytes = mounted ? uint64_t{4} << 20 : 0;
  auto log = EventLog::Open(data, options);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  const uint64_t needed = LogBytes(data);
  const uint64_t free_bytes = std::filesystem::space(disk).available;
  std::cout << "log " << needed << " bytes, " << free_bytes << " bytes free\n";
  if (mounted) {
    // A ballast leaves the reserve and half the log's size free: room for
    // appends, not for a backup beside them.
    ASSERT_GT(free_bytes, options.min_free_bytes + needed);
    std::ofstream ballast(disk + "/ballast", std::ios::binary);
    const std::string block(free_bytes - options.min_free_bytes - needed / 2, '\0');
    ASSERT_TRUE(ballast.write(block.data(), static_cast<std::streamsize>(block.size())).flush());
    EXPECT_TRUE((*log)->WriteHealth().ok()) << (*log)->WriteHealth().ToString();
  } else {
    // A reserve above the free space (the log is reopened with it).
    log->reset();
    options.min_free_bytes = 2 * free_bytes + needed;
    log = EventLog::Open(data, options);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
  }
  auto refused = CreateBackup(**log, disk + "/backup", clock);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.status().IsUnavailable()) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("kept in reserve for the log"), std::string::npos)
      << refused.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(disk + "/backup"));
  EXPECT_FALSE(std::filesystem::exists(disk + "/backup.partial"));
  if (!mounted) return;
  EXPECT_TRUE((*log)->WriteHealth().ok());
  // On another filesystem the log's reserve does not apply, but the backup
  // must fit: a 1 MiB tmpfs is refused, the temporary directory's disk is not.
  const std::string small = dir.Sub("small");
  std::filesystem::create_directories(small);
  ASSERT_EQ(::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=1m"), 0);
  Unmount unmount_small{small, true};
  auto too_small = CreateBackup(**log, small + "/backup", clock);
  ASSERT_FALSE(too_small.ok());
  EXPECT_NE(too_small.status().message().find("needs about"), std::string::npos)
      << too_small.status().ToString();
  EXPECT_EQ(too_small.status().message().find("reserve"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(small + "/backup.partial"));
  auto elsewhere = CreateBackup(**log, dir.Sub("backup"), clock);
  EXPECT_TRUE(elsewhere.ok()) << elsewhere.status().ToString();
}

TEST(BackupTest, BackupAndRestoreRefusePathsWithDotDot) {
  TempDir dir;
  SystemClock clock;
  auto log = OpenLog(dir.Sub("data"), clock);
  ASSERT_NE(log, nullptr);
  Fill(*log, 64 * 1024);
  std::filesystem::create_directories(dir.Sub("a"));
  for (const std::string& to : {dir.Sub("a/../b"), dir.Sub("a/.."), dir.Sub("../escape")}) {
    auto r = CreateBackup(*log, to, clock);
    ASSERT_FALSE(r.ok()) << to;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
    EXPECT_NE(r.status().message().find("contains '..'"), std::string::npos);
  }
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("b")));
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("b.partial")));
  ASSERT_TRUE(CreateBackup(*log, dir.Sub("backup"), clock).ok());
  auto r = RestoreBackup(dir.Sub("backup"), dir.Sub("a/../restored"));
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("restored")));
}

}  // namespace
}  // namespace jalon
