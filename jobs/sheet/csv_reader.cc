#include "jobs/sheet/csv_reader.h"

#include <csv.h>

#include <memory>

namespace jalon::jobs {
namespace {

struct Reading {
  const SheetLimits* limits;
  SheetTable table;
  uint32_t row = 1;
  std::vector<SheetCell> cells;
  Status failure = Status::Ok();
};

void OnField(void* field, size_t size, void* data) {
  auto* r = static_cast<Reading*>(data);
  if (!r->failure.ok()) return;
  SheetCell cell;
  if (size > r->limits->max_cell_bytes) {
    r->failure =
        Status::InvalidArgument("ligne " + std::to_string(r->row) + " : une cellule dépasse " +
                                std::to_string(r->limits->max_cell_bytes) + " octets");
    return;
  }
  if (size > 0) {
    cell.kind = SheetCell::Kind::kText;
    cell.text.assign(static_cast<const char*>(field), size);
  }
  if (r->cells.size() < r->limits->max_columns) r->cells.push_back(std::move(cell));
}

void OnRow(int, void* data) {
  auto* r = static_cast<Reading*>(data);
  if (!r->failure.ok()) return;
  if (r->row > r->limits->max_rows) {
    r->failure =
        Status::InvalidArgument("trop de lignes (au plus " + std::to_string(r->limits->max_rows) +
                                ", ligne d'intitulés comprise)");
    return;
  }
  r->table.rows[r->row++] = std::move(r->cells);
  r->cells.clear();
}

}  // namespace

bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return false;
    i += n + 1;
  }
  return true;
}

Result<SheetTable> ReadCsv(std::string_view bytes, const SheetLimits& limits) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  if (!IsUtf8(bytes)) {
    return Status::InvalidArgument(
        "le fichier CSV n'est pas en UTF-8 : enregistrez-le au format « CSV UTF-8 »");
  }
  if (bytes.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument(
        "le fichier CSV contient des octets nuls : ce n'est pas du texte");
  }
  const std::string_view heading = bytes.substr(0, bytes.find_first_of("\r\n"));
  const unsigned char separator = heading.find(';') != std::string_view::npos ? ';' : ',';
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    return Status::Internal("cannot initialise the CSV parser");
  }
  std::unique_ptr<csv_parser, void (*)(csv_parser*)> owner(&parser, csv_free);
  csv_set_delim(&parser, separator);
  Reading r;
  r.limits = &limits;
  const size_t read = csv_parse(&parser, bytes.data(), bytes.size(), OnField, OnRow, &r);
  if (r.failure.ok() && read != bytes.size()) {
    return Status::InvalidArgument("ligne " + std::to_string(r.row) + " : guillemets mal fermés (" +
                                   csv_strerror(csv_error(&parser)) + ")");
  }
  if (r.failure.ok() && csv_fini(&parser, OnField, OnRow, &r) != 0) {
    return Status::InvalidArgument("ligne " + std::to_string(r.row) +
                                   " : guillemets mal fermés à la fin du fichier");
  }
  if (!r.failure.ok()) return r.failure;
  return std::move(r.table);
}

}  // namespace jalon::jobs
