// Cells of the CSV files Jalon writes (RFC 4180: fields quoted when they
// hold a comma, a semicolon, a quote or a line break, quotes doubled).
//
// Every text cell goes through CsvTextCell, so that no CSV Jalon writes can
// carry a formula into a spreadsheet ("CSV injection", OWASP): a text that
// begins with a character a spreadsheet reads as the start of a formula
// (= + - @, a tab or a carriage return, or their full-width forms) gets a
// leading single quote, which spreadsheets show as text, and is quoted. A
// number written as a number is not a text cell and is written as it is: a
// negative figure stays a number.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace jalon {

// Whether a spreadsheet could read `text`, as the whole cell, as a formula.
bool StartsLikeFormula(std::string_view text);

// `text` as one CSV field: neutralised (see above), then quoted if needed.
std::string CsvTextCell(std::string_view text);

}  // namespace jalon
