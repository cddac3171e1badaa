#include "jobs/sheet/sheet_workbook.h"

#include <random>

#include "engine/plan/day.h"
#include "jobs/sheet/sheet_format.h"
#include "jobs/xlsx/xlsx_write.h"

namespace jalon::jobs {
namespace {

struct Formats {
  lxw_format* heading;
  lxw_format* fill;       // the columns a person fills in
  lxw_format* fill_date;  // the same, for a date
  lxw_format* date;
};

template <size_t N>
lxw_worksheet* AddSheet(lxw_workbook* book, std::string_view name,
                        const std::array<std::string_view, N>& headings, size_t first_fill,
                        const Formats& f) {
  lxw_worksheet* sheet = workbook_add_worksheet(book, std::string(name).c_str());
  for (size_t c = 0; c < N; ++c) {
    const auto col = static_cast<lxw_col_t>(c);
    WriteTextCell(sheet, 0, col, headings[c], f.heading);
    worksheet_set_column(sheet, col, col, c == 1 ? 42 : 16, c >= first_fill ? f.fill : nullptr);
  }
  worksheet_freeze_panes(sheet, 1, 1);
  return sheet;
}

void MaybeDate(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, const std::string& iso,
               lxw_format* format) {
  if (iso.empty()) return;
  if (auto d = ParseDate(iso); d.ok()) WriteDateCell(sheet, row, col, *d, format);
}

void WriteActions(lxw_workbook* book, const PlanState& plan, const Formats& f) {
  using namespace sheet::action_col;
  lxw_worksheet* sheet = AddSheet(book, sheet::kActions, sheet::kActionHeadings, kPercent, f);
  lxw_row_t row = 1;
  for (const auto& [id, action] : plan.actions.items()) {
    const std::string status = action.value("status", "");
    if (status == "cancelled" || status == "done") continue;  // nothing more to report
    WriteTextCell(sheet, row, kId, id);
    WriteTextCell(sheet, row, 1, action.value("title", ""));
    WriteTextCell(sheet, row, 2, action.value("owner", ""));
    MaybeDate(sheet, row, 3, action.value("due", ""), f.date);
    const ProgressReport* last = nullptr;
    for (const ProgressReport& r : plan.ProgressOf(id)) {
      if (last == nullptr || r.day >= last->day) last = &r;
    }
    if (last != nullptr) worksheet_write_number(sheet, row, kCurrent, last->percent, nullptr);
    // Date cells in the columns to fill, so that a typed date stays a date.
    worksheet_write_blank(sheet, row, kDate, f.fill_date);
    ++row;
  }
}

void WriteIndicators(lxw_workbook* book, const PlanState& plan, const Formats& f) {
  using namespace sheet::indicator_col;
  lxw_worksheet* sheet = AddSheet(book, sheet::kIndicators, sheet::kIndicatorHeadings, kValue, f);
  lxw_row_t row = 1;
  for (const auto& [id, indicator] : plan.indicators.items()) {
    if (indicator.value("retired", false)) continue;
    WriteTextCell(sheet, row, kId, id);
    WriteTextCell(sheet, row, 1, indicator.value("name", ""));
    WriteTextCell(sheet, row, 2, indicator.value("unit", ""));
    const MeasurementSeries& series = plan.MeasurementsOf(id);
    if (auto last_day = series.LastDay()) {
      const size_t i = series.LatestUpTo(*last_day);
      worksheet_write_number(sheet, row, 3, series.value(i), nullptr);
      WriteDateCell(sheet, row, 4, StartOfDay(*last_day), f.date);
    }
    if (indicator.contains("target") && indicator["target"].is_object()) {
      const Json& target = indicator["target"];
      if (target.contains("value") && target["value"].is_number())
        worksheet_write_number(sheet, row, 5, target["value"].get<double>(), nullptr);
    }
    worksheet_write_blank(sheet, row, kDate, f.fill_date);
    ++row;
  }
}

}  // namespace

std::string NewWorkbookId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "wb-";
  for (int i = 0; i < 24; ++i) s += kHex[rng() % 16];
  return s;
}

Result<std::string> SheetWorkbook(const PlanState& plan, const std::string& workbook_id) {
  return XlsxBytes([&](const std::string& path) -> Status {
    lxw_workbook* book = workbook_new(path.c_str());
    if (book == nullptr) return Status::IOError(path + ": cannot create the workbook");
    Formats f{};
    f.heading = workbook_add_format(book);
    format_set_bold(f.heading);
    format_set_bg_color(f.heading, 0xDDE6F0);
    format_set_text_wrap(f.heading);
    f.fill = workbook_add_format(book);
    format_set_bg_color(f.fill, 0xFFF6D5);
    f.fill_date = workbook_add_format(book);
    format_set_bg_color(f.fill_date, 0xFFF6D5);
    format_set_num_format(f.fill_date, "dd/mm/yyyy");
    f.date = workbook_add_format(book);
    format_set_num_format(f.date, "dd/mm/yyyy");
    WriteActions(book, plan, f);
    WriteIndicators(book, plan, f);
    lxw_worksheet* meta = workbook_add_worksheet(book, std::string(sheet::kMeta).c_str());
    WriteTextCell(meta, 0, 0, "version");
    worksheet_write_number(meta, 0, 1, static_cast<double>(plan.version), nullptr);
    WriteTextCell(meta, 1, 0, "classeur");
    WriteTextCell(meta, 1, 1, workbook_id);
    WriteTextCell(meta, 2, 0, "direction");
    WriteTextCell(meta, 2, 1, plan.code);
    WriteTextCell(meta, 3, 0, "format");
    WriteTextCell(meta, 3, 1, sheet::kFormat);
    worksheet_hide(meta);
    const lxw_error error = workbook_close(book);
    if (error != LXW_NO_ERROR) return Status::IOError(path + ": " + lxw_strerror(error));
    return Status::Ok();
  });
}

}  // namespace jalon::jobs
