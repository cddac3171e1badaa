#include "jobs/xlsx/xlsx_write.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace jalon::jobs {

Result<std::string> XlsxBytes(const std::function<Status(const std::string& path)>& write) {
  char path[] = "/tmp/jalon-xlsx-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return Status::IOError("cannot create a temporary file for a workbook");
  close(fd);
  const Status written = write(path);
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  unlink(path);
  if (!written.ok()) return written;
  return bytes.str();
}

void WriteDateCell(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, Instant date,
                   lxw_format* format) {
  const auto ymd = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(date)};
  lxw_datetime dt = {static_cast<int>(ymd.year()),
                     static_cast<int>(unsigned(ymd.month())),
                     static_cast<int>(unsigned(ymd.day())),
                     0,
                     0,
                     0};
  worksheet_write_datetime(sheet, row, col, &dt, format);
}

void WriteTextCell(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, std::string_view text,
                   lxw_format* format) {
  // worksheet_write_string stores a string cell: even "=1+1" stays text.
  const std::string s(text);
  worksheet_write_string(sheet, row, col, s.c_str(), format);
}

}  // namespace jalon::jobs
