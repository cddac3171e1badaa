#include "jobs/sheet/xlsx_reader.h"

#include <expat.h>
#include <zip.h>

#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <memory>

namespace jalon::jobs {
namespace {

Status Refused(const std::string& why) {
  return Status::InvalidArgument("fichier .xlsx illisible : " + why);
}

// The archive, opened over the uploaded bytes (which must outlive it).
class Archive {
 public:
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;
  ~Archive() {
    if (zip_ != nullptr) zip_discard(zip_);
  }

  static Result<std::unique_ptr<Archive>> Open(std::string_view bytes, const SheetLimits& limits) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr) return Refused("le fichier n'est pas une archive zip");
    zip_t* zip = zip_open_from_source(source, ZIP_RDONLY, &error);
    zip_error_fini(&error);
    if (zip == nullptr) {
      zip_source_free(source);
      return Refused("le fichier n'est pas une archive zip valide");
    }
    auto archive = std::unique_ptr<Archive>(new Archive(zip, limits));
    return archive;
  }

  bool Has(const std::string& name) const { return zip_name_locate(zip_, name.c_str(), 0) >= 0; }

  // The part `name`, uncompressed, read no further than the limits allow
  // (the sizes in the archive's headers are not trusted).
  Result<std::string> Read(const std::string& name) {
    const zip_int64_t index = zip_name_locate(zip_, name.c_str(), 0);
    if (index < 0) return Refused("il manque la partie " + name);
    zip_file_t* file = zip_fopen_index(zip_, static_cast<zip_uint64_t>(index), 0);
    if (file == nullptr) return Refused("la partie " + name + " ne peut pas être décompressée");
    std::string out;
    char buffer[1 << 16];
    Status status = Status::Ok();
    for (;;) {
      const zip_int64_t n = zip_fread(file, buffer, sizeof buffer);
      if (n < 0) {
        status = Refused("la partie " + name + " est endommagée");
        break;
      }
      if (n == 0) break;
      out.append(buffer, static_cast<size_t>(n));
      total_ += static_cast<size_t>(n);
      if (out.size() > limits_.max_entry_bytes || total_ > limits_.max_total_bytes) {
        status = Refused("la partie " + name + " dépasse la taille admise une fois décompressée (" +
                         std::to_string(limits_.max_entry_bytes >> 20) + " Mio)");
        break;
      }
    }
    zip_fclose(file);
    if (!status.ok()) return status;
    return out;
  }

 private:
  Archive(zip_t* zip, const SheetLimits& limits) : zip_(zip), limits_(limits) {}
  zip_t* zip_;
  const SheetLimits& limits_;
  size_t total_ = 0;
};

// A SAX reader over one part. Element and attribute names are given
// without their namespace, so that a prefixed document ("x:row") reads as
// an unprefixed one.
struct XmlHandler {
  std::function<void(std::string_view name, const char** attrs)> start;
  std::function<void(std::string_view name)> end;
  std::function<void(std::string_view text)> text;
  Status failure = Status::Ok();  // set by a callback to stop the parse
};

std::string_view LocalName(const char* name) {
  std::string_view n(name);
  const size_t bar = n.rfind('|');
  return bar == std::string_view::npos ? n : n.substr(bar + 1);
}

// The value of attribute `local` in expat's list, or null.
const char* Attr(const char** attrs, std::string_view local) {
  for (size_t i = 0; attrs[i] != nullptr; i += 2) {
    if (LocalName(attrs[i]) == local) return attrs[i + 1];
  }
  return nullptr;
}

Status ParseXml(const std::string& part, const std::string& xml, XmlHandler& h) {
  std::unique_ptr<XML_ParserStruct, void (*)(XML_Parser)> parser(XML_ParserCreateNS(nullptr, '|'),
                                                                 XML_ParserFree);
  if (!parser) return Status::Internal("cannot create an XML parser");
  XML_Parser p = parser.get();
  struct Context {
    XML_Parser parser;
    XmlHandler* h;
  } context{p, &h};
  XML_SetUserData(p, &context);
  XML_SetElementHandler(
      p,
      [](void* data, const char* name, const char** attrs) {
        auto* c = static_cast<Context*>(data);
        if (c->h->start) c->h->start(LocalName(name), attrs);
        if (!c->h->failure.ok()) XML_StopParser(c->parser, XML_FALSE);
      },
      [](void* data, const char* name) {
        auto* c = static_cast<Context*>(data);
        if (c->h->end) c->h->end(LocalName(name));
        if (!c->h->failure.ok()) XML_StopParser(c->parser, XML_FALSE);
      });
  XML_SetCharacterDataHandler(p, [](void* data, const char* s, int len) {
    auto* c = static_cast<Context*>(data);
    if (c->h->text) c->h->text(std::string_view(s, static_cast<size_t>(len)));
    if (!c->h->failure.ok()) XML_StopParser(c->parser, XML_FALSE);
  });
  // No document type: Office parts never carry one, and refusing it means
  // no entity can be declared, let alone expand.
  XML_SetStartDoctypeDeclHandler(p, [](void* data, const char*, const char*, const char*, int) {
    auto* c = static_cast<Context*>(data);
    c->h->failure = Refused("une déclaration de type de document (DOCTYPE) n'est pas admise");
    XML_StopParser(c->parser, XML_FALSE);
  });
  const XML_Status done = XML_Parse(p, xml.data(), static_cast<int>(xml.size()), XML_TRUE);
  if (!h.failure.ok()) return h.failure;
  if (done != XML_STATUS_OK) {
    return Refused("la partie " + part + " n'est pas du XML valide (ligne " +
                   std::to_string(XML_GetCurrentLineNumber(p)) +
                   ") : " + XML_ErrorString(XML_GetErrorCode(p)));
  }
  return Status::Ok();
}

// OOXML escapes characters XML cannot hold as _xHHHH_ (ECMA-376, ST_Xstring).
std::string Unescape(std::string s) {
  if (s.find("_x") == std::string::npos) return s;
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned code = 0;
    if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && s[i + 6] == '_' &&
        std::from_chars(s.data() + i + 2, s.data() + i + 6, code, 16).ptr == s.data() + i + 6) {
      if (code < 0x80) {
        out += static_cast<char>(code);
      } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
      } else {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
      }
      i += 6;
      continue;
    }
    out += s[i];
  }
  return out;
}

// "F7" -> column 5 (0-based), row 7. False if it is not a cell reference.
bool ParseCellRef(std::string_view ref, size_t* column, uint32_t* row) {
  size_t i = 0, col = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && i < 3) {
    col = col * 26 + static_cast<size_t>(ref[i] - 'A' + 1);
    ++i;
  }
  if (i == 0 || i == ref.size()) return false;
  uint32_t r = 0;
  auto [end, ec] = std::from_chars(ref.data() + i, ref.data() + ref.size(), r);
  if (ec != std::errc() || end != ref.data() + ref.size() || r == 0) return false;
  *column = col - 1;
  *row = r;
  return true;
}

struct SheetEntry {
  std::string name, rel_id;
  bool hidden = false;
};

Result<std::vector<SheetEntry>> ReadWorkbook(Archive& zip, bool* date1904) {
  auto xml = zip.Read("xl/workbook.xml");
  if (!xml.ok()) return xml.status();
  std::vector<SheetEntry> sheets;
  XmlHandler h;
  h.start = [&](std::string_view name, const char** attrs) {
    if (name == "sheet") {
      const char* n = Attr(attrs, "name");
      const char* id = Attr(attrs, "id");
      const char* state = Attr(attrs, "state");
      if (n == nullptr || id == nullptr) {
        h.failure = Refused("une feuille de xl/workbook.xml n'a pas de nom");
        return;
      }
      sheets.push_back({n, id, state != nullptr && std::string_view(state) != "visible"});
    } else if (name == "workbookPr") {
      const char* d = Attr(attrs, "date1904");
      *date1904 = d != nullptr && (std::string_view(d) == "1" || std::string_view(d) == "true");
    }
  };
  JALON_RETURN_IF_ERROR(ParseXml("xl/workbook.xml", *xml, h));
  return sheets;
}

Result<std::map<std::string, std::string>> ReadRelations(Archive& zip) {
  auto xml = zip.Read("xl/_rels/workbook.xml.rels");
  if (!xml.ok()) return xml.status();
  std::map<std::string, std::string> targets;
  XmlHandler h;
  h.start = [&](std::string_view name, const char** attrs) {
    if (name != "Relationship") return;
    const char* id = Attr(attrs, "Id");
    const char* target = Attr(attrs, "Target");
    if (id == nullptr || target == nullptr) return;
    std::string t = target;
    // Relative to xl/, or absolute from the archive's root.
    t = t.starts_with('/') ? t.substr(1) : "xl/" + t;
    targets[id] = t;
  };
  JALON_RETURN_IF_ERROR(ParseXml("xl/_rels/workbook.xml.rels", *xml, h));
  return targets;
}

Result<std::vector<std::string>> ReadSharedStrings(Archive& zip, const SheetLimits& limits) {
  std::vector<std::string> strings;
  const std::string part = "xl/sharedStrings.xml";
  if (!zip.Has(part)) return strings;
  auto xml = zip.Read(part);
  if (!xml.ok()) return xml.status();
  XmlHandler h;
  int in_t = 0, in_phonetic = 0;
  std::string current;
  h.start = [&](std::string_view name, const char**) {
    if (name == "si") {
      current.clear();
      if (strings.size() >= limits.max_shared_strings)
        h.failure = Refused("trop de textes partagés (au plus " +
                            std::to_string(limits.max_shared_strings) + ")");
    } else if (name == "t") {
      ++in_t;
    } else if (name == "rPh") {
      ++in_phonetic;  // phonetic guides are not part of the text
    }
  };
  h.end = [&](std::string_view name) {
    if (name == "si") strings.push_back(Unescape(std::move(current)));
    if (name == "t") --in_t;
    if (name == "rPh") --in_phonetic;
  };
  h.text = [&](std::string_view s) {
    if (in_t > 0 && in_phonetic == 0 && current.size() < limits.max_cell_bytes) current += s;
  };
  JALON_RETURN_IF_ERROR(ParseXml(part, *xml, h));
  return strings;
}

Status ReadSheet(Archive& zip, const std::string& part, const std::vector<std::string>& shared,
                 const SheetLimits& limits, SheetTable* table) {
  auto xml = zip.Read(part);
  if (!xml.ok()) return xml.status();
  XmlHandler h;
  uint32_t row = 0;
  size_t column = 0;
  std::string type, value, inline_text;
  bool in_value = false, in_inline = false, has_formula = false;
  h.start = [&](std::string_view name, const char** attrs) {
    if (name == "row") {
      const char* r = Attr(attrs, "r");
      uint32_t n = 0;
      if (r != nullptr) {
        std::string_view v(r);
        if (std::from_chars(v.data(), v.data() + v.size(), n).ec != std::errc() || n == 0) {
          h.failure = Refused("numéro de ligne invalide dans la feuille " + table->name);
          return;
        }
      }
      row = r != nullptr ? n : row + 1;
      column = 0;
      if (row > limits.max_rows) {
        h.failure = Status::InvalidArgument(
            "Feuille " + table->name + " : trop de lignes (au plus " +
            std::to_string(limits.max_rows) + ", ligne d'intitulés comprise)");
      }
    } else if (name == "c") {
      const char* r = Attr(attrs, "r");
      const char* t = Attr(attrs, "t");
      uint32_t ref_row = 0;
      size_t ref_column = 0;
      if (r != nullptr) {
        if (!ParseCellRef(r, &ref_column, &ref_row) || ref_row != row) {
          h.failure = Refused(std::string("référence de cellule invalide « ") + r +
                              "» dans la feuille " + table->name);
          return;
        }
        column = ref_column;
      }
      type = t == nullptr ? "n" : t;
      value.clear();
      inline_text.clear();
      has_formula = false;
    } else if (name == "v") {
      in_value = true;
    } else if (name == "is") {
      in_inline = true;
    } else if (name == "f") {
      has_formula = true;
    }
  };
  h.end = [&](std::string_view name) {
    if (name == "v") in_value = false;
    if (name == "is") in_inline = false;
    if (name != "c") return;
    SheetCell cell;
    if (type == "inlineStr") {
      cell.kind = SheetCell::Kind::kText;
      cell.text = Unescape(inline_text);
    } else if (value.empty()) {
      cell.kind = has_formula ? SheetCell::Kind::kFormulaWithoutValue : SheetCell::Kind::kEmpty;
    } else if (type == "s") {
      size_t index = 0;
      if (std::from_chars(value.data(), value.data() + value.size(), index).ec != std::errc() ||
          index >= shared.size()) {
        h.failure = Refused("texte partagé introuvable dans la feuille " + table->name);
        return;
      }
      cell.kind = SheetCell::Kind::kText;
      cell.text = shared[index];
    } else if (type == "str" || type == "e" || type == "b") {
      cell.kind = SheetCell::Kind::kText;
      cell.text = Unescape(value);
    } else {
      double d = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), d);
      if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(d)) {
        h.failure = Refused("nombre invalide dans la feuille " + table->name);
        return;
      }
      cell.kind = SheetCell::Kind::kNumber;
      cell.number = d;
      cell.text = value;
    }
    if (column < limits.max_columns && !cell.empty()) {
      auto& cells = table->rows[row];
      if (cells.size() <= column) cells.resize(column + 1);
      cells[column] = std::move(cell);
    }
    ++column;
  };
  h.text = [&](std::string_view s) {
    if (in_value && value.size() < limits.max_cell_bytes) value += s;
    if (in_inline && inline_text.size() < limits.max_cell_bytes) inline_text += s;
  };
  return ParseXml(part, *xml, h);
}

}  // namespace

bool LooksLikeZip(std::string_view bytes) { return bytes.starts_with("PK\x03\x04"); }

Result<SheetUpload> ReadXlsx(std::string_view bytes, const std::set<std::string>& wanted,
                             const SheetLimits& limits) {
  auto zip = Archive::Open(bytes, limits);
  if (!zip.ok()) return zip.status();
  SheetUpload upload;
  auto sheets = ReadWorkbook(**zip, &upload.date1904);
  if (!sheets.ok()) return sheets.status();
  auto targets = ReadRelations(**zip);
  if (!targets.ok()) return targets.status();
  std::vector<std::string> shared;
  bool shared_read = false;
  for (const SheetEntry& s : *sheets) {
    if (!wanted.contains(s.name)) continue;
    auto target = targets->find(s.rel_id);
    if (target == targets->end()) return Refused("la feuille " + s.name + " n'a pas de contenu");
    if (!shared_read) {
      auto strings = ReadSharedStrings(**zip, limits);
      if (!strings.ok()) return strings.status();
      shared = std::move(strings).value();
      shared_read = true;
    }
    SheetTable table;
    table.name = s.name;
    table.hidden = s.hidden;
    JALON_RETURN_IF_ERROR(ReadSheet(**zip, target->second, shared, limits, &table));
    upload.sheets.push_back(std::move(table));
  }
  return upload;
}

}  // namespace jalon::jobs
