// The periodic update workbook (DESIGN.md, "Spreadsheets"): its sheets,
// their heading rows in order, and the hidden sheet's cells. The writer
// (sheet_workbook.h) and the rules that read an upload (sheet_rows.h) both
// include this, so that the two cannot drift apart.
#pragma once

#include <array>
#include <string_view>

namespace jalon::jobs::sheet {

inline constexpr std::string_view kActions = "actions";
inline constexpr std::string_view kIndicators = "indicateurs";
// Hidden: A1 "version" B1 the plan's version; A2 "classeur" B2 the
// workbook's id; A3 "direction" B3 the direction's code; A4 "format" B4
// kFormat.
inline constexpr std::string_view kMeta = "jalon";
inline constexpr std::string_view kFormat = "jalon.fiche/1";

inline constexpr std::array<std::string_view, 8> kActionHeadings = {
    "action", "intitulé", "pilote", "échéance", "avancement actuel", "nouvel avancement",
    "date",   "note"};
inline constexpr std::array<std::string_view, 10> kIndicatorHeadings = {
    "indicateur",      "nom",  "unité",  "dernière valeur", "date de la dernière valeur", "cible",
    "nouvelle valeur", "date", "source", "commentaire"};

// Columns (0 = A) the rules read.
namespace action_col {
inline constexpr size_t kId = 0, kCurrent = 4, kPercent = 5, kDate = 6, kNote = 7;
}
namespace indicator_col {
inline constexpr size_t kId = 0, kValue = 6, kDate = 7, kSource = 8, kComment = 9;
}

}  // namespace jalon::jobs::sheet
