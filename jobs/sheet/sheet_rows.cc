#include "jobs/sheet/sheet_rows.h"

#include <charconv>
#include <cmath>

#include "engine/log/payload.h"
#include "engine/plan/day.h"
#include "engine/plan/refusal_fr.h"
#include "engine/util/sha256.h"
#include "jobs/sheet/sheet_format.h"

namespace jalon::jobs {
namespace {

using sheet::kActionHeadings;
using sheet::kIndicatorHeadings;

std::string Quoted(std::string_view s) { return "« " + std::string(s) + " »"; }

SheetError ErrorAt(std::string_view sheet, uint32_t row, std::string_view column,
                   const std::string& rule) {
  std::string message = "Feuille " + std::string(sheet) + ", ligne " + std::to_string(row);
  if (!column.empty()) message += ", colonne " + Quoted(column);
  return {std::string(sheet), row, std::string(column), message + " : " + rule};
}

std::string Trim(std::string_view s) {
  // ASCII blanks and the no-break spaces spreadsheets put in numbers.
  for (;;) {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
      s.remove_prefix(1);
    } else if (!s.empty() &&
               (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
      s.remove_suffix(1);
    } else if (s.starts_with("\xC2\xA0")) {
      s.remove_prefix(2);
    } else if (s.ends_with("\xC2\xA0")) {
      s.remove_suffix(2);
    } else {
      return std::string(s);
    }
  }
}

// A cell as text: a number cell as it is stored ("12.5").
std::string TextOf(const SheetCell& c) { return c.empty() ? std::string() : Trim(c.text); }

bool IsBlank(const SheetCell& c) {
  return c.empty() || (c.kind == SheetCell::Kind::kText && Trim(c.text).empty());
}

// "1 234,5", "60 %", "12.5" -> the number; nullopt if it is not one.
std::optional<double> NumberOf(const SheetCell& c) {
  if (c.kind == SheetCell::Kind::kNumber) return c.number;
  std::string s;
  const std::string t = TextOf(c);
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == ' ') continue;
    if (t.compare(i, 2, "\xC2\xA0") == 0) {
      ++i;
      continue;
    }
    if (t.compare(i, 3, "\xE2\x80\xAF") == 0) {  // narrow no-break space
      i += 2;
      continue;
    }
    s += t[i] == ',' ? '.' : t[i];
  }
  if (s.ends_with('%')) s.pop_back();
  if (s.starts_with('+')) s.erase(0, 1);
  double d = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(d))
    return std::nullopt;
  return d;
}

Json NumberJson(double d) {
  if (d == std::floor(d) && std::fabs(d) < 1e15) return static_cast<int64_t>(d);
  return d;
}

// A date cell: a serial number (days since 1899-12-30, or 1904-01-01), or
// text as jj/mm/aaaa or AAAA-MM-JJ. nullopt if it is neither.
std::optional<std::string> DateOf(const SheetCell& c, bool date1904) {
  if (c.kind == SheetCell::Kind::kNumber) {
    if (c.number < 1 || c.number > 200000) return std::nullopt;
    // 25569 is 1970-01-01 in the 1900 system; 1904 serials are 1462 days less.
    const auto serial = static_cast<int32_t>(std::floor(c.number));
    return DateOfDay(serial - 25569 + (date1904 ? 1462 : 0));
  }
  const std::string t = TextOf(c);
  int d = 0, m = 0, y = 0;
  char tail = 0;
  if (std::sscanf(t.c_str(), "%2d/%2d/%4d%c", &d, &m, &y, &tail) == 3 && y >= 1000) {
    char iso[40];
    std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
    if (ParseDate(iso).ok()) return std::string(iso);
    return std::nullopt;
  }
  if (ParseDate(t).ok()) return t.substr(0, 10);
  return std::nullopt;
}

std::string Folded(std::string_view s) {
  std::string out;
  for (char c : Trim(s)) out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

template <size_t N>
bool HeadingsMatch(const SheetTable& t, const std::array<std::string_view, N>& headings) {
  for (size_t c = 0; c < N; ++c) {
    if (Folded(TextOf(t.At(1, c))) != headings[c]) return false;
  }
  return true;
}

template <size_t N>
std::string HeadingList(const std::array<std::string_view, N>& headings) {
  std::string s;
  for (std::string_view h : headings) s += (s.empty() ? "" : ", ") + std::string(h);
  return s;
}

// The text of a free-text cell, or an error.
std::optional<std::string> FreeText(const SheetCell& c, std::string_view sheet, uint32_t row,
                                    std::string_view column, std::vector<SheetError>* errors) {
  if (c.kind == SheetCell::Kind::kFormulaWithoutValue) {
    errors->push_back(ErrorAt(sheet, row, column,
                              "formule sans valeur calculée : saisissez la valeur elle-même"));
    return std::nullopt;
  }
  std::string t = TextOf(c);
  if (t.empty()) return std::nullopt;
  return t;
}

struct RowShape {
  std::string_view sheet;
  std::string_view type;
  std::string_view id_field;
  size_t id_col, amount_col, date_col;
  std::string_view amount_field;
  std::vector<std::pair<size_t, std::string_view>> texts;  // column -> data field
  std::string_view amount_rule;
  bool percent;
};

const RowShape& ActionShape() {
  using namespace sheet::action_col;
  static const RowShape s{sheet::kActions,
                          "ReportProgress",
                          "action",
                          kId,
                          kPercent,
                          kDate,
                          "percent",
                          {{kNote, "note"}},
                          "doit être un nombre entre 0 et 100",
                          true};
  return s;
}

const RowShape& IndicatorShape() {
  using namespace sheet::indicator_col;
  static const RowShape s{sheet::kIndicators,
                          "RecordMeasurement",
                          "indicator",
                          kId,
                          kValue,
                          kDate,
                          "value",
                          {{kSource, "source"}, {kComment, "comment"}},
                          "doit être un nombre",
                          false};
  return s;
}

template <size_t N>
void ReadRows(const SheetTable& t, const RowShape& shape,
              const std::array<std::string_view, N>& headings, const std::string& direction,
              const std::string& today, bool date1904, std::vector<SheetRow>* out) {
  for (const auto& [number, cells] : t.rows) {
    if (number == 1) continue;
    bool filled =
        !IsBlank(t.At(number, shape.amount_col)) || !IsBlank(t.At(number, shape.date_col));
    for (const auto& [col, field] : shape.texts) filled = filled || !IsBlank(t.At(number, col));
    if (!filled) continue;  // nothing to record on this row
    SheetRow row;
    row.sheet = shape.sheet;
    row.row = number;
    auto& errors = row.errors;
    Json data = {{"direction", direction}};
    const std::string id = TextOf(t.At(number, shape.id_col));
    if (id.empty()) {
      errors.push_back(ErrorAt(shape.sheet, number, headings[shape.id_col], "à remplir"));
    }
    data[std::string(shape.id_field)] = id;
    const SheetCell& amount = t.At(number, shape.amount_col);
    const std::string_view amount_heading = headings[shape.amount_col];
    if (IsBlank(amount)) {
      errors.push_back(ErrorAt(shape.sheet, number, amount_heading,
                               "à remplir, puisque la ligne porte une date ou un texte"));
    } else if (amount.kind == SheetCell::Kind::kFormulaWithoutValue) {
      errors.push_back(ErrorAt(shape.sheet, number, amount_heading,
                               "formule sans valeur calculée : saisissez la valeur elle-même"));
    } else if (auto n = NumberOf(amount); !n || (shape.percent && (*n < 0 || *n > 100))) {
      errors.push_back(
          ErrorAt(shape.sheet, number, amount_heading, std::string(shape.amount_rule)));
    } else {
      data[std::string(shape.amount_field)] = NumberJson(*n);
    }
    const SheetCell& date = t.At(number, shape.date_col);
    if (IsBlank(date)) {
      data["date"] = today;
    } else if (auto d = DateOf(date, date1904)) {
      data["date"] = *d;
    } else {
      errors.push_back(ErrorAt(shape.sheet, number, headings[shape.date_col],
                               "doit être une date (jj/mm/aaaa)"));
    }
    for (const auto& [col, field] : shape.texts) {
      if (auto text = FreeText(t.At(number, col), shape.sheet, number, headings[col], &errors))
        data[std::string(field)] = *text;
    }
    if (errors.empty()) {
      Command c;
      c.type = shape.type;
      c.data = std::move(data);
      row.command = std::move(c);
    }
    out->push_back(std::move(row));
  }
}

std::string_view ColumnOfField(const SheetRow& row, const std::string& field) {
  const bool actions = row.sheet == sheet::kActions;
  static const std::map<std::string, size_t> kAction = {
      {"action", 0}, {"percent", 5}, {"date", 6}, {"note", 7}};
  static const std::map<std::string, size_t> kIndicator = {
      {"indicator", 0}, {"value", 6}, {"date", 7}, {"source", 8}, {"comment", 9}};
  const auto& map = actions ? kAction : kIndicator;
  auto it = map.find(field);
  if (it == map.end()) return {};
  return actions ? kActionHeadings[it->second] : kIndicatorHeadings[it->second];
}

bool AlreadyRecorded(const PlanState& plan, const Command& c) {
  const Json& d = c.data;
  const int32_t day = DayOf(d["date"].get<std::string>());
  if (c.type == "ReportProgress") {
    const std::string note = d.value("note", "");
    for (const ProgressReport& r : plan.ProgressOf(d["action"].get<std::string>())) {
      if (r.day == day && r.percent == d["percent"].get<double>() && r.note == note) return true;
    }
    return false;
  }
  const MeasurementSeries& series = plan.MeasurementsOf(d["indicator"].get<std::string>());
  const size_t i = series.Find(day);
  return i != MeasurementSeries::npos && series.value(i) == d["value"].get<double>();
}

bool ValidId(const std::string& s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

}  // namespace

Json SheetError::ToJson() const {
  return {{"sheet", sheet}, {"row", row}, {"column", column}, {"message", message}};
}

size_t SheetRows::errors() const {
  size_t n = 0;
  for (const SheetRow& r : rows) n += r.errors.size();
  return n;
}

Result<SheetRows> ReadSheetRows(const SheetUpload& upload, const std::string& direction,
                                Instant today) {
  SheetRows out;
  out.direction = direction;
  const std::string today_iso = FormatDate(today);
  bool known = false;
  for (const SheetTable& t : upload.sheets) {
    const bool as_actions =
        upload.from_csv ? HeadingsMatch(t, kActionHeadings) : t.name == sheet::kActions;
    const bool as_indicators =
        upload.from_csv ? HeadingsMatch(t, kIndicatorHeadings) : t.name == sheet::kIndicators;
    if (as_actions || as_indicators) {
      const std::string_view name = as_actions ? sheet::kActions : sheet::kIndicators;
      if (as_actions ? !HeadingsMatch(t, kActionHeadings) : !HeadingsMatch(t, kIndicatorHeadings)) {
        return Status::InvalidArgument(
            "Feuille " + std::string(name) +
            ", ligne 1 : les intitulés de colonnes doivent être, "
            "dans cet ordre : " +
            (as_actions ? HeadingList(kActionHeadings) : HeadingList(kIndicatorHeadings)));
      }
      known = true;
      if (as_actions) {
        ReadRows(t, ActionShape(), kActionHeadings, direction, today_iso, upload.date1904,
                 &out.rows);
      } else {
        ReadRows(t, IndicatorShape(), kIndicatorHeadings, direction, today_iso, upload.date1904,
                 &out.rows);
      }
    } else if (t.name == sheet::kMeta && !upload.from_csv) {
      const std::string code = TextOf(t.At(3, 1));
      if (!code.empty() && code != direction) {
        return Status::InvalidArgument("cette fiche est celle de la direction " + code +
                                       ", pas de " + direction);
      }
      if (auto v = NumberOf(t.At(1, 1)); v && *v >= 0)
        out.workbook_version = static_cast<uint64_t>(*v);
      if (const std::string id = TextOf(t.At(2, 1)); ValidId(id)) out.workbook_id = id;
    }
  }
  if (!known) {
    return Status::InvalidArgument(
        upload.from_csv ? "la ligne d'intitulés du CSV doit être celle des actions (" +
                              HeadingList(kActionHeadings) + ") ou celle des indicateurs (" +
                              HeadingList(kIndicatorHeadings) + ")"
                        : "le classeur n'a ni feuille « actions » ni feuille « indicateurs »");
  }
  Json all = Json::array();
  for (const SheetRow& r : out.rows) {
    all.push_back({r.sheet, r.row, r.command ? Json{r.command->type, r.command->data} : Json()});
  }
  const std::string digest =
      ToHex(Sha256(all.dump(-1, ' ', false, Json::error_handler_t::replace)));
  if (out.workbook_id.empty()) out.workbook_id = "contenu-" + digest.substr(0, 24);
  out.batch_id = "fiche-" + out.workbook_id + "-" + digest.substr(0, 16);
  for (SheetRow& r : out.rows) {
    if (r.command) {
      r.command->command_id =
          "fiche-" + out.workbook_id + "-" + r.sheet + "-" + std::to_string(r.row);
    }
  }
  return out;
}

SheetCheck CheckSheetRows(const PlanState& plan, SheetRows& rows, Instant now) {
  SheetCheck check;
  PlanState scratch = plan;
  for (SheetRow& row : rows.rows) {
    if (!row.command) continue;
    if (AlreadyRecorded(scratch, *row.command)) {
      row.already_recorded = true;
      ++check.already_recorded;
      continue;
    }
    auto decision = Decide(scratch, *row.command, now);
    if (!decision.ok()) {
      auto [field, rule] = SplitFieldError(decision.status().message());
      const std::string head = field.substr(0, field.find_first_of(".["));
      row.errors.push_back(
          ErrorAt(row.sheet, row.row, ColumnOfField(row, head), FrenchRefusal(rule)));
      continue;
    }
    check.decision.stream = decision->stream;
    for (NewEvent& e : decision->events) {
      Event applied;
      applied.type = e.type;
      applied.position = scratch.last_position + 1;
      applied.version = scratch.version + 1;
      auto payload = DecodePayload(e.payload);
      if (!payload.ok() || !scratch.Apply(applied, *payload).ok()) {
        row.errors.push_back(ErrorAt(row.sheet, row.row, {}, "refusé par le modèle du plan"));
        break;
      }
      check.decision.events.push_back(std::move(e));
    }
    ++check.commands;
  }
  return check;
}

Json SheetRowsJson(const SheetRows& rows, const SheetCheck& check, uint64_t plan_version) {
  Json list = Json::array(), errors = Json::array();
  for (const SheetRow& r : rows.rows) {
    Json row = {{"sheet", r.sheet}, {"row", r.row}};
    Json row_errors = Json::array();
    for (const SheetError& e : r.errors) {
      row_errors.push_back(e.ToJson());
      errors.push_back(e.ToJson());
    }
    if (r.command) {
      row["command_id"] = r.command->command_id;
      row["command"] = {{"type", r.command->type}, {"data", r.command->data}};
    }
    row["status"] = !r.errors.empty()    ? "erreur"
                    : r.already_recorded ? "déjà enregistrée"
                                         : "à enregistrer";
    row["errors"] = std::move(row_errors);
    list.push_back(std::move(row));
  }
  const bool stale = rows.workbook_version && *rows.workbook_version != plan_version;
  Json out = {{"direction", rows.direction},
              {"workbook_id", rows.workbook_id},
              {"command_id", rows.batch_id},
              {"workbook_version", rows.workbook_version ? Json(*rows.workbook_version) : Json()},
              {"plan_version", plan_version},
              {"stale", stale},
              {"rows", std::move(list)},
              {"commands", check.commands},
              {"already_recorded", check.already_recorded},
              {"errors", std::move(errors)}};
  if (stale) {
    out["notice"] = "Le plan a changé depuis le téléchargement de la fiche (version " +
                    std::to_string(*rows.workbook_version) + ", aujourd'hui " +
                    std::to_string(plan_version) +
                    ") : chaque ligne est vérifiée sur le plan tel qu'il est maintenant.";
  }
  return out;
}

}  // namespace jalon::jobs
