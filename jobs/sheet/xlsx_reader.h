// Reads the cells of an .xlsx workbook (Office Open XML, as Excel,
// LibreOffice or openpyxl save it) with libzip and expat: the sheet names
// and hidden states from xl/workbook.xml, their parts through
// xl/_rels/workbook.xml.rels, shared strings, inline strings, numbers, and
// the cached value of a formula cell. Styles are not read: the sheet rules
// know which columns hold dates.
//
// Bounded (SheetLimits): every part is read up to max_entry_bytes whatever
// its header claims, a document type declaration is refused (no entity can
// expand), and a sheet may not go past max_rows. Errors are
// kInvalidArgument with a French message for the person who uploaded it.
//
// Pure function; thread-safe.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "engine/util/status.h"
#include "jobs/sheet/sheet_table.h"

namespace jalon::jobs {

// Whether `bytes` begins like a zip archive (an .xlsx).
bool LooksLikeZip(std::string_view bytes);

// The sheets named in `wanted` (others are skipped unread).
Result<SheetUpload> ReadXlsx(std::string_view bytes, const std::set<std::string>& wanted,
                             const SheetLimits& limits = {});

}  // namespace jalon::jobs
