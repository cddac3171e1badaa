// The evaluation dataset (evaluation.h) cut into flat tables, one per sheet
// or CSV file, with the French column titles staff read in the spreadsheet
// and the web UI. The tables are plain values built from the dataset's JSON;
// the CSV and XLSX writers (evaluation_csv.h, evaluation_xlsx.h) and the
// screens all read them, so every format shows the same rows and columns.
//
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace jalon::jobs {

using Json = nlohmann::json;

// One table of the dataset, for CSV and XLSX.
struct Column {
  std::string key;    // the JSON key of the row
  std::string title;  // in French, for the spreadsheet
  enum class Type { kText, kInteger, kNumber, kPercent, kDate } type = Type::kText;
  // For a column of codes ("output", "increase", "achieved") or of yes/no
  // ("yes_no": true and false): the group of French labels
  // (jobs/documents/labels.h) its cells are written in, the same in the CSV,
  // the XLSX and the screens. The spreadsheets are read by staff; the JSON
  // dataset keeps the codes.
  std::string labels = {};
};
struct Table {
  std::string name;  // file and sheet name: "indicateurs", ...
  std::vector<Column> columns;
  std::vector<Json> rows;  // objects keyed by Column::key
};

// The dataset's tables: plan, axes, indicators, measurements, target
// changes, actions, reviews, reminders, changes.
std::vector<Table> EvaluationTables(const Json& data);

// The tables as JSON for screens: [{name, columns: [{key, title, type}],
// rows: [[value, ...]]}], type one of text|integer|number|percent|date. The
// web UI shows them with the spreadsheet's own French titles.
Json TablesJson(const std::vector<Table>& tables);

}  // namespace jalon::jobs
