// The verbs of `jalon`, one function each. A function registers its verb's
// subcommand and options on `app` and returns the Verb that runs it (common.h);
// `common` must outlive the Verb. Main (cli.cc) registers them in the order
// `jalon --help` lists them.
#pragma once

#include "tools/cli/common.h"

namespace jalon::cli {

// A plan, now and in the past (verbs_plan.cc).
Verb ImportVerb(CLI::App& app, CommonOptions& common);
Verb ExportVerb(CLI::App& app, CommonOptions& common);
Verb ApplyVerb(CLI::App& app, CommonOptions& common);
Verb ShowVerb(CLI::App& app, CommonOptions& common);
Verb AsOfVerb(CLI::App& app, CommonOptions& common);
Verb DashboardVerb(CLI::App& app, CommonOptions& common);
Verb HistoryVerb(CLI::App& app, CommonOptions& common);
Verb DiffVerb(CLI::App& app, CommonOptions& common);
Verb GenerateVerb(CLI::App& app, CommonOptions& common);

// The event log itself: its integrity, its backups, its projections
// (verbs_log.cc).
Verb VerifyVerb(CLI::App& app, CommonOptions& common);
Verb RepairVerb(CLI::App& app, CommonOptions& common);
Verb BackupVerb(CLI::App& app, CommonOptions& common);
Verb RestoreVerb(CLI::App& app, CommonOptions& common);
Verb ReplayVerb(CLI::App& app, CommonOptions& common);

// The plan cycle's jobs, the demo city and the tokens (verbs_jobs.cc).
Verb SchedulePreviewVerb(CLI::App& app, CommonOptions& common);
Verb RemindersVerb(CLI::App& app, CommonOptions& common);
Verb DemoSimulateVerb(CLI::App& app, CommonOptions& common);
Verb TokenHashVerb(CLI::App& app, CommonOptions& common);

// The people who sign in, and the city's political orientations
// (verbs_people.cc).
Verb PersonVerb(CLI::App& app, CommonOptions& common);
Verb OrientationsVerb(CLI::App& app, CommonOptions& common);

// Reports on a plan: evaluation, figures, audit and documents
// (verbs_reports.cc).
Verb EvaluateVerb(CLI::App& app, CommonOptions& common);
Verb ExplainVerb(CLI::App& app, CommonOptions& common);
Verb AuditVerb(CLI::App& app, CommonOptions& common);
Verb ReviewDocVerb(CLI::App& app, CommonOptions& common);
Verb BriefVerb(CLI::App& app, CommonOptions& common);

}  // namespace jalon::cli
