// The CLI11 application: the verbs in the order `jalon --help` lists them,
// and the dispatch to the one the command line names.
#include "tools/cli/cli.h"

#include <CLI/CLI.hpp>
#include <vector>

#include "tools/cli/verbs.h"

namespace jalon::cli {

int Main(int argc, char** argv) {
  CLI::App app{
      "jalon: the Jalon command-line client. Every verb works against a running jalond "
      "(--url URL --token TOKEN, or JALON_URL and JALON_TOKEN) or on the data directory of a "
      "stopped one (--data DIR)."};
  app.require_subcommand(1);
  CommonOptions common;
  // clang-format off
  const std::vector<Verb> verbs = {
      ImportVerb(app, common),
      ExportVerb(app, common),
      ApplyVerb(app, common),
      ShowVerb(app, common),
      AsOfVerb(app, common),
      DashboardVerb(app, common),
      HistoryVerb(app, common),
      DiffVerb(app, common),
      VerifyVerb(app, common),
      RepairVerb(app, common),
      BackupVerb(app, common),
      RestoreVerb(app, common),
      ReplayVerb(app, common),
      GenerateVerb(app, common),
      SchedulePreviewVerb(app, common),
      RemindersVerb(app, common),
      EvaluateVerb(app, common),
      ExplainVerb(app, common),
      AuditVerb(app, common),
      ReviewDocVerb(app, common),
      BriefVerb(app, common),
      DemoSimulateVerb(app, common),
      TokenHashVerb(app, common),
      PersonVerb(app, common),
      OrientationsVerb(app, common),
  };
  // clang-format on

  CLI11_PARSE(app, argc, argv);

  for (const Verb& verb : verbs) {
    if (!verb.command->parsed()) continue;
    if (!common.url.empty() && !common.data_dir.empty()) {
      // Named as typed first; `schedule preview` is named in full.
      std::string name = app.get_subcommands().front()->get_name();
      if (name == "schedule") name = "schedule preview";
      return Fail(
          name, "--url and --data: give one (JALON_URL and JALON_DATA count as given); unset one");
    }
    return verb.run();
  }
  return 2;
}

}  // namespace jalon::cli
