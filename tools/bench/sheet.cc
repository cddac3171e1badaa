// jalon-bench sheet: a filled update sheet of `rows` rows (half progress
// reports, half measurements) previewed and applied through the routes
// (POST /v1/plans/{d}/sheet, then ?apply=1, dispatched in-process: the
// parsing, checking and the one durable append, without a socket), against
// the raw baseline of the same commands decided on a scratch copy and
// appended as one synced batch (the import path), and against the same
// commands run one by one through PlanService::Execute (POST /v1/commands
// without HTTP).
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>

#include "engine/http/auth.h"
#include "engine/http/router.h"
#include "engine/log/payload.h"
#include "engine/plan/generator.h"
#include "engine/plan/plan_io.h"
#include "engine/plan/plan_service.h"
#include "engine/plan/projections.h"
#include "jobs/sheet/sheet_api.h"
#include "jobs/sheet/sheet_format.h"
#include "jobs/xlsx/xlsx_write.h"
#include "tools/bench/bench.h"
#include "tools/bench/benchmarks.h"

namespace jalon::bench {
namespace {

using jalon::Command;
using jalon::Json;

// The filled workbook: the first `half` open actions and live indicators,
// as a person fills it (dates as date cells), with the hidden sheet.
std::string FilledWorkbook(const jalon::PlanState& plan, int round, size_t half,
                           std::vector<Command>* commands) {
  const std::string date =
      "2020-02-" + std::string(round < 9 ? "0" : "") + std::to_string(round + 1);
  auto bytes = jalon::jobs::XlsxBytes([&](const std::string& path) -> jalon::Status {
    lxw_workbook* book = workbook_new(path.c_str());
    lxw_format* date_format = workbook_add_format(book);
    format_set_num_format(date_format, "dd/mm/yyyy");
    const jalon::Instant day = jalon::ParseDate(date).value();
    auto headings = [&](lxw_worksheet* s, const auto& names) {
      for (size_t c = 0; c < names.size(); ++c)
        jalon::jobs::WriteTextCell(s, 0, static_cast<lxw_col_t>(c), names[c]);
    };
    lxw_worksheet* actions = workbook_add_worksheet(book, "actions");
    headings(actions, jalon::jobs::sheet::kActionHeadings);
    lxw_row_t row = 1;
    for (const auto& [id, a] : plan.actions.items()) {
      if (row > half) break;
      if (a.value("status", "") == "done" || a.value("status", "") == "cancelled") continue;
      const double percent = 10 + (row * 7 + round) % 80;
      jalon::jobs::WriteTextCell(actions, row, 0, id);
      worksheet_write_number(actions, row, 5, percent, nullptr);
      jalon::jobs::WriteDateCell(actions, row, 6, day, date_format);
      jalon::jobs::WriteTextCell(actions, row, 7, "Point d'étape");
      commands->push_back({"ReportProgress",
                           {},
                           {},
                           {},
                           {{"direction", plan.code},
                            {"action", id},
                            {"date", date},
                            {"percent", percent},
                            {"note", "Point d'étape"}}});
      ++row;
    }
    lxw_worksheet* indicators = workbook_add_worksheet(book, "indicateurs");
    headings(indicators, jalon::jobs::sheet::kIndicatorHeadings);
    row = 1;
    for (const auto& [id, i] : plan.indicators.items()) {
      if (row > half) break;
      const double value = 3 + (row * 13 + round) % 97;
      jalon::jobs::WriteTextCell(indicators, row, 0, id);
      worksheet_write_number(indicators, row, 6, value, nullptr);
      jalon::jobs::WriteDateCell(indicators, row, 7, day, date_format);
      jalon::jobs::WriteTextCell(indicators, row, 8, "Tableau de suivi");
      commands->push_back({"RecordMeasurement",
                           {},
                           {},
                           {},
                           {{"direction", plan.code},
                            {"indicator", id},
                            {"date", date},
                            {"value", value},
                            {"source", "Tableau de suivi"}}});
      ++row;
    }
    lxw_worksheet* meta = workbook_add_worksheet(book, "jalon");
    jalon::jobs::WriteTextCell(meta, 0, 0, "version");
    worksheet_write_number(meta, 0, 1, static_cast<double>(plan.version), nullptr);
    jalon::jobs::WriteTextCell(meta, 1, 0, "classeur");
    jalon::jobs::WriteTextCell(meta, 1, 1, "wb-bench" + std::to_string(round));
    worksheet_hide(meta);
    return workbook_close(book) == LXW_NO_ERROR ? jalon::Status::Ok()
                                                : jalon::Status::IOError("workbook");
  });
  return bytes.ok() ? *bytes : std::string();
}

}  // namespace

int Sheet(const std::string& base, size_t rows, int rounds) {
  TempDir dir(base);
  jalon::SimulatedClock clock(jalon::ParseInstant("2020-06-30T08:00:00Z").value());
  jalon::EventLogOptions log_options;
  log_options.clock = &clock;
  auto log = jalon::EventLog::Open(dir.path, log_options);
  if (!log.ok()) return 1;
  jalon::Projections projections(**log);
  if (!projections.Start().ok()) return 1;
  jalon::PlanService service(**log, projections, clock);
  jalon::GeneratorOptions options;
  options.axes = 10;
  options.actions_per_axis = static_cast<int>(rows / 10);  // some are done: not all are listed
  options.indicators_per_axis = static_cast<int>(rows / 20 + 1);
  const std::string code = "D00001";
  if (!service.Import(jalon::GeneratePlan(code, 1, options), "bench").ok()) return 1;
  jalon::http::Authenticator auth({{"bench", "admin", jalon::Sha256("bench-token")}});
  jalon::http::Router router;
  jalon::jobs::RegisterSheetRoutes(router, service, auth);

  int failures = 0;
  std::vector<double> preview_ms, apply_ms, batch_ms, execute_ms;
  for (int round = 0; round < rounds; ++round) {
    auto plan = service.State(code, {});
    if (!plan.ok()) return 1;
    std::vector<Command> commands;
    const std::string filled = FilledWorkbook(*plan, round * 2, rows / 2, &commands);
    jalon::http::Request req;
    req.method = "POST";
    req.path = "/v1/plans/" + code + "/sheet";
    req.headers["authorization"] = "Bearer bench-token";
    req.body = filled;
    auto start = SteadyClock::now();
    const jalon::http::Response preview = router.Dispatch(req);
    preview_ms.push_back(Seconds(SteadyClock::now() - start) * 1000);
    const Json p = Json::parse(preview.body, nullptr, false);
    if (preview.status != 200 || p["errors"].size() != 0 || p["commands"] != commands.size()) {
      std::fprintf(stderr, "preview: %d %s\n", preview.status, preview.body.substr(0, 400).c_str());
      ++failures;
    }
    req.query["apply"] = "1";
    start = SteadyClock::now();
    const jalon::http::Response applied = router.Dispatch(req);
    apply_ms.push_back(Seconds(SteadyClock::now() - start) * 1000);
    if (applied.status != 201) {
      std::fprintf(stderr, "apply: %d %s\n", applied.status, applied.body.substr(0, 400).c_str());
      ++failures;
    }

    // Baseline: the same commands, on another day, decided on a scratch
    // copy and appended as one synced batch.
    plan = service.State(code, {});
    std::vector<Command> again;
    FilledWorkbook(*plan, round * 2 + 1, rows / 2, &again);
    start = SteadyClock::now();
    jalon::PlanState scratch = *plan;
    jalon::Decision all;
    for (const Command& c : again) {
      auto d = jalon::Decide(scratch, c, clock.Now());
      if (!d.ok()) {
        ++failures;
        break;
      }
      all.stream = d->stream;
      for (jalon::NewEvent& e : d->events) {
        jalon::Event applied_event;
        applied_event.type = e.type;
        applied_event.version = scratch.version + 1;
        (void)scratch.Apply(applied_event, jalon::DecodePayload(e.payload).value());
        all.events.push_back(std::move(e));
      }
    }
    auto appended = service.AppendSystem(code, "bench-batch-" + std::to_string(round), "bench",
                                         [&](const jalon::PlanState&) { return all.events; });
    if (!appended.ok() || !service.CatchUpTo(appended->position).ok()) ++failures;
    batch_ms.push_back(Seconds(SteadyClock::now() - start) * 1000);

    // The same commands one by one, as POST /v1/commands runs them.
    std::vector<Command> third;
    plan = service.State(code, {});
    FilledWorkbook(*plan, round * 2 + 20, rows / 2, &third);
    start = SteadyClock::now();
    for (Command& c : third) {
      if (!service.Execute(std::move(c), "bench").ok()) ++failures;
    }
    execute_ms.push_back(Seconds(SteadyClock::now() - start) * 1000);
    std::fprintf(stderr,
                 "round %d: preview %.0f ms, apply %.0f ms, batch %.0f ms, one by one %.0f ms\n",
                 round + 1, preview_ms.back(), apply_ms.back(), batch_ms.back(), execute_ms.back());
  }
  const double preview = Percentile(preview_ms, 0.5), apply = Percentile(apply_ms, 0.5);
  const double batch = Percentile(batch_ms, 0.5), execute = Percentile(execute_ms, 0.5);
  std::vector<Command> sized;
  const size_t bytes = FilledWorkbook(*service.State(code, {}), 0, rows / 2, &sized).size();
  std::printf(
      "case=sheet rows=%zu rounds=%d bytes_xlsx=%zu preview_ms=%.1f apply_ms=%.1f "
      "raw_batch_ms=%.1f raw_one_by_one_ms=%.1f ratio=%.2f "
      "ratio_one_by_one=%.2f failures=%d\n",
      rows, rounds, bytes, preview, apply, batch, execute, apply / batch, apply / execute,
      failures);
  return failures == 0 ? 0 : 1;
}

}  // namespace jalon::bench
