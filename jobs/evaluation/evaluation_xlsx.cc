#include "jobs/evaluation/evaluation_xlsx.h"

#include "engine/util/time.h"
#include "jobs/xlsx/xlsx_write.h"

namespace jalon::jobs {

Status WriteXlsx(const std::vector<Table>& tables, const std::string& path) {
  lxw_workbook* book = workbook_new(path.c_str());
  if (book == nullptr) return Status::IOError(path + ": cannot create the workbook");
  lxw_format* header = workbook_add_format(book);
  format_set_bold(header);
  format_set_bg_color(header, 0xDDE6F0);
  lxw_format* date = workbook_add_format(book);
  format_set_num_format(date, "dd/mm/yyyy");
  lxw_format* percent = workbook_add_format(book);
  format_set_num_format(percent, "0.00%");
  for (const Table& t : tables) {
    lxw_worksheet* sheet = workbook_add_worksheet(book, t.name.c_str());
    for (size_t c = 0; c < t.columns.size(); ++c) {
      worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), t.columns[c].title.c_str(),
                             header);
      worksheet_set_column(sheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), 18,
                           nullptr);
    }
    worksheet_freeze_panes(sheet, 1, 0);
    for (size_t r = 0; r < t.rows.size(); ++r) {
      const auto row = static_cast<lxw_row_t>(r + 1);
      for (size_t c = 0; c < t.columns.size(); ++c) {
        const auto col = static_cast<lxw_col_t>(c);
        const Json& v = t.rows[r].contains(t.columns[c].key) ? t.rows[r][t.columns[c].key] : Json();
        if (v.is_null()) continue;
        switch (t.columns[c].type) {
          case Column::Type::kInteger:
          case Column::Type::kNumber:
            if (v.is_number()) {
              worksheet_write_number(sheet, row, col, v.get<double>(), nullptr);
              continue;
            }
            break;
          case Column::Type::kPercent:
            if (v.is_number()) {
              worksheet_write_number(sheet, row, col, v.get<double>() / 100.0, percent);
              continue;
            }
            break;
          case Column::Type::kDate:
            if (v.is_string()) {
              if (auto d = ParseDate(v.get<std::string>()); d.ok()) {
                WriteDateCell(sheet, row, col, *d, date);
                continue;
              }
            }
            break;
          case Column::Type::kText:
            break;
        }
        const std::string text = v.is_string()    ? v.get<std::string>()
                                 : v.is_boolean() ? (v.get<bool>() ? "oui" : "non")
                                                  : v.dump();
        WriteTextCell(sheet, row, col, text);
      }
    }
  }
  const lxw_error error = workbook_close(book);
  if (error != LXW_NO_ERROR) {
    return Status::IOError(path + ": " + lxw_strerror(error));
  }
  return Status::Ok();
}

}  // namespace jalon::jobs
