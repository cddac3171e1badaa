// Helpers shared by the tests: temporary directories that clean up after
// themselves, and a log opener with a simulated clock.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "engine/log/event_log.h"
#include "engine/util/sha256.h"

namespace jalon::testing {

// The whole content of a file ("" if it cannot be read).
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "jalon-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::unique_ptr<EventLog> OpenLogOrDie(const std::string& dir, const Clock& clock,
                                              bool allow_damaged = false) {
  EventLogOptions options;
  options.clock = &clock;
  options.allow_damaged = allow_damaged;
  auto log = EventLog::Open(dir, options);
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  if (!log.ok()) return nullptr;
  return std::move(log).value();
}

inline NewEvent MakeEvent(std::string type, std::string payload, Instant effective = Instant{}) {
  NewEvent e;
  e.type = std::move(type);
  e.payload = std::move(payload);
  e.effective_at = effective;
  return e;
}

inline AppendRequest MakeRequest(std::string stream, std::string command_id, int events = 1,
                                 std::optional<uint64_t> expected = std::nullopt) {
  AppendRequest r;
  r.stream = std::move(stream);
  r.command_id = std::move(command_id);
  r.actor = "test";
  r.expected_version = expected;
  for (int i = 0; i < events; ++i) {
    r.events.push_back(
        MakeEvent("TestEvent", r.stream + "#" + r.command_id + "#" + std::to_string(i)));
  }
  return r;
}

// Every file under `dir` by name, with its size and SHA-256: what a check
// that must change nothing compares before and after.
inline std::map<std::string, std::string> Fingerprint(const std::string& dir) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string bytes = ReadFile(entry.path().string());
    out[fs::relative(entry.path(), dir).string()] =
        std::to_string(bytes.size()) + ":" + ToHex(Sha256(bytes));
  }
  return out;
}

// The largest file of `dir` whose name ends with `ext` ("" if none): the
// live write-ahead log (".log") or the largest table file (".sst").
inline std::string LargestFile(const std::string& dir, const std::string& ext) {
  namespace fs = std::filesystem;
  std::string best;
  uintmax_t size = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > ext.size() && name.ends_with(ext) && entry.file_size() >= size) {
      best = entry.path().string();
      size = entry.file_size();
    }
  }
  return best;
}

// Flips the bits of `mask` in the byte at `offset` of `path`, as a failing
// disk would; false if the file could not be changed.
inline bool FlipBit(const std::string& path, uint64_t offset, char mask = 0x10) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ mask));
  return f.good();
}

}  // namespace jalon::testing
