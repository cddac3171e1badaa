#include "tools/cli/common.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "config/config.h"
#include "engine/util/json_parse.h"

namespace jalon::cli {

CLI::App* AddVerbGroup(CLI::App& app, const std::string& name, const std::string& description) {
  CLI::App* group = app.add_subcommand(name, description);
  group->require_subcommand(1);
  return group;
}

void AddCommon(CLI::App* verb, CommonOptions& common, CommonUse use) {
  verb->add_option("-d,--data", common.data_dir, "Data directory of a stopped jalond")
      ->envname("JALON_DATA");
  verb->add_option("-u,--url", common.url, "URL of a running jalond, e.g. http://127.0.0.1:8080")
      ->envname("JALON_URL");
  verb->add_option("-t,--token", common.token, "Bearer token for --url")->envname("JALON_TOKEN");
  if (use.config) {
    verb->add_option("-c,--config", common.config,
                     "jalon.toml for the cycle, reminder and delivery settings (default: the "
                     "shipped defaults)")
        ->envname("JALON_CONFIG");
  }
  if (use.json) AddJsonFlag(verb, common);
}

void AddJsonFlag(CLI::App* verb, CommonOptions& common) {
  verb->add_flag("--json", common.json, "Print JSON instead of text");
}

void AddDirection(CLI::App* verb, std::string& direction) {
  verb->add_option("direction", direction, "Direction code, e.g. DEJ")->required();
}

void AddTimeTravel(CLI::App* verb, TimeTravel& flags) {
  verb->add_option("--as-of", flags.as_of, "Show what the log held at this instant (ISO 8601)");
  verb->add_option("--position", flags.position, "Show what the log held up to this position");
  verb->add_option("--effective-at", flags.effective_at,
                   "Business date: only events effective by then (YYYY-MM-DD)");
}

Result<TimeQuery> ParseTimeQuery(const TimeTravel& flags) {
  TimeQuery q;
  int given = 0;
  if (!flags.as_of.empty()) {
    auto t = ParseInstant(flags.as_of);
    if (!t.ok()) return Status::InvalidArgument("--as-of: " + t.status().message());
    q.as_of = *t;
    ++given;
  }
  if (flags.position > 0) {
    q.position = flags.position;
    ++given;
  }
  if (!flags.effective_at.empty()) {
    auto t = ParseDate(flags.effective_at);
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

int Fail(const std::string& verb, const std::string& message) {
  std::cerr << "jalon " << verb << ": " << message << "\n";
  return 2;
}

int Fail(const std::string& verb, const Status& s) { return Fail(verb, s.message()); }

int Print(const Json& j, bool as_json, const TextOf& text) {
  std::cout << (as_json ? j.dump(2) + "\n" : text(j));
  return 0;
}

int PrintResult(const std::string& verb, const Result<Json>& answer, bool as_json,
                const TextOf& text) {
  if (!answer.ok()) return Fail(verb, answer.status());
  return Print(*answer, as_json, text);
}

Result<Json> ReadJsonFile(const std::string& path) {
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

int PrintOrWrite(const std::string& verb, const std::string& text, const std::string& output) {
  if (output.empty()) {
    std::cout << text;
    return 0;
  }
  Status written = WriteFileAtomically(output, text);
  return written.ok() ? 0 : Fail(verb, "-o: " + written.message());
}

Result<jobs::JobsOptions> JobsSettings(const CommonOptions& common) {
  if (common.config.empty()) return jobs::JobsOptions();
  auto config = LoadConfig(common.config);
  if (!config.ok()) return config.status();
  return config->jobs;
}

Result<std::unique_ptr<Backend>> Connect(const CommonOptions& common) {
  if (!common.url.empty()) return OpenRemote(common.url, common.token);
  auto settings = JobsSettings(common);
  if (!settings.ok()) return settings.status();
  return OpenLocal(common.data_dir, *settings);
}

int OnBackend(const std::string& verb, const CommonOptions& common,
              const std::function<int(Backend&)>& body) {
  auto backend = Connect(common);
  if (!backend.ok()) return Fail(verb, backend.status());
  return body(**backend);
}

}  // namespace jalon::cli
