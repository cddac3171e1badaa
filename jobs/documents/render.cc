#include "jobs/documents/render.h"

#include <sstream>

namespace jalon::jobs {
namespace {

// Backslash-escapes the characters that Markdown would read as markup.
std::string MarkdownEscape(const std::string& text, bool in_table) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\':
      case '*':
      case '_':
      case '`':
      case '[':
      case ']':
      case '<':
      case '>':
      case '#':
      case '|':
        out += '\\';
        out += c;
        break;
      case '\n':
        out += in_table ? "<br>" : "  \n";
        break;
      case '\r':
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A line of text escaped so that Markdown reads it as text, not as the
// start of a list or a heading.
std::string MarkdownLine(const std::string& line) {
  std::string out = MarkdownEscape(line, false);
  const size_t digits = out.find_first_not_of("0123456789");
  if (digits > 0 && digits != std::string::npos && (out[digits] == '.' || out[digits] == ')')) {
    out.insert(digits, "\\");
  } else if (!out.empty() && (out[0] == '+' || out[0] == '-' || out[0] == '=')) {
    out.insert(0, "\\");
  }
  return out;
}

// Paragraph text keeps its line breaks as <br>.
std::string HtmlText(const std::string& text) {
  std::string out = HtmlEscape(text);
  std::string with_breaks;
  for (char c : out) {
    if (c == '\n') {
      with_breaks += "<br>";
    } else if (c != '\r') {
      with_breaks += c;
    }
  }
  return with_breaks;
}

// A staff's text cut into paragraphs (lines kept) and lists (items), in
// order.
struct TextPart {
  bool list = false;
  std::vector<std::string> lines;
};

std::vector<TextPart> TextParts(const std::string& text) {
  std::vector<TextPart> parts;
  bool open = false;  // whether the last part still takes lines
  size_t at = 0;
  while (at <= text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    at = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos) {
      open = false;
      continue;
    }
    std::string item;
    for (const char* bullet : {"- ", "* ", "\u2022 "}) {
      if (line.compare(first, std::string(bullet).size(), bullet) == 0)
        item = line.substr(first + std::string(bullet).size());
    }
    const bool is_item = !item.empty();
    if (!open || parts.back().list != is_item) parts.push_back({is_item, {}});
    parts.back().lines.push_back(is_item ? item : line.substr(first));
    open = true;
  }
  return parts;
}

constexpr const char* kStyle = R"css(
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1b1b1b; max-width: 52rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 1.6rem; border-bottom: 3px solid #000091; padding-bottom: .3rem; }
h2 { font-size: 1.25rem; color: #000091; margin-top: 2rem; }
h3 { font-size: 1.05rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid #929292; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eeeef8; }
p.field { margin: .2rem 0; }
p.empty { color: #3a3a3a; font-style: italic; }
@page { size: A4; margin: 18mm 15mm; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; }
               tr { break-inside: avoid; } }
)css";

}  // namespace

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Document& Document::Heading(int level, std::string text) {
  blocks_.push_back({Block::Kind::kHeading, level, std::move(text), {}, {}, {}, {}});
  return *this;
}

Document& Document::Paragraph(std::string text) {
  blocks_.push_back({Block::Kind::kParagraph, 0, std::move(text), {}, {}, {}, {}});
  return *this;
}

Document& Document::Text(std::string text) {
  blocks_.push_back({Block::Kind::kText, 0, std::move(text), {}, {}, {}, {}});
  return *this;
}

Document& Document::Field(std::string label, std::string value) {
  blocks_.push_back({Block::Kind::kField, 0, std::move(label), std::move(value), {}, {}, {}});
  return *this;
}

Document& Document::List(std::vector<std::string> items, std::string empty) {
  blocks_.push_back({Block::Kind::kList, 0, {}, {}, std::move(empty), std::move(items), {}});
  return *this;
}

Document& Document::Table(std::vector<std::string> header,
                          std::vector<std::vector<std::string>> rows, std::string empty) {
  blocks_.push_back(
      {Block::Kind::kTable, 0, {}, {}, std::move(empty), std::move(header), std::move(rows)});
  return *this;
}

std::string Document::ToMarkdown() const {
  std::ostringstream o;
  o << "# " << MarkdownEscape(title_, false) << "\n";
  Block::Kind previous = Block::Kind::kHeading;
  for (const Block& b : blocks_) {
    // Consecutive fields stay one paragraph (hard line breaks between them).
    if (!(b.kind == Block::Kind::kField && previous == Block::Kind::kField)) o << "\n";
    previous = b.kind;
    switch (b.kind) {
      case Block::Kind::kHeading:
        o << std::string(b.level, '#') << ' ' << MarkdownEscape(b.text, false) << "\n";
        break;
      case Block::Kind::kParagraph:
        o << MarkdownEscape(b.text, false) << "\n";
        break;
      case Block::Kind::kText: {
        bool first = true;
        for (const TextPart& part : TextParts(b.text)) {
          if (!first) o << "\n";
          first = false;
          for (size_t i = 0; i < part.lines.size(); ++i) {
            if (part.list) {
              o << "- " << MarkdownEscape(part.lines[i], false) << "\n";
            } else {
              o << MarkdownLine(part.lines[i]) << (i + 1 < part.lines.size() ? "  \n" : "\n");
            }
          }
        }
        break;
      }
      case Block::Kind::kField:
        o << "**" << MarkdownEscape(b.text, false) << "** : " << MarkdownEscape(b.value, false)
          << "  \n";
        break;
      case Block::Kind::kList:
        if (b.items.empty()) o << '*' << MarkdownEscape(b.empty, false) << "*\n";
        for (const std::string& item : b.items) o << "- " << MarkdownEscape(item, false) << "\n";
        break;
      case Block::Kind::kTable:
        if (b.rows.empty()) {
          o << '*' << MarkdownEscape(b.empty, false) << "*\n";
          break;
        }
        o << '|';
        for (const std::string& h : b.items) o << ' ' << MarkdownEscape(h, true) << " |";
        o << "\n|";
        for (size_t i = 0; i < b.items.size(); ++i) o << " --- |";
        o << "\n";
        for (const auto& row : b.rows) {
          o << '|';
          for (size_t i = 0; i < b.items.size(); ++i)
            o << ' ' << (i < row.size() ? MarkdownEscape(row[i], true) : "") << " |";
          o << "\n";
        }
        break;
    }
  }
  return o.str();
}

std::string Document::ToHtml() const {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<title>" << HtmlEscape(title_) << "</title>\n<style>" << kStyle << "</style>\n"
    << "</head>\n<body>\n<main>\n<h1>" << HtmlEscape(title_) << "</h1>\n";
  for (const Block& b : blocks_) {
    switch (b.kind) {
      case Block::Kind::kHeading:
        o << "<h" << b.level << '>' << HtmlEscape(b.text) << "</h" << b.level << ">\n";
        break;
      case Block::Kind::kParagraph:
        o << "<p>" << HtmlText(b.text) << "</p>\n";
        break;
      case Block::Kind::kText:
        for (const TextPart& part : TextParts(b.text)) {
          if (part.list) {
            o << "<ul>\n";
            for (const std::string& item : part.lines) o << "<li>" << HtmlEscape(item) << "</li>\n";
            o << "</ul>\n";
            continue;
          }
          o << "<p>";
          for (size_t i = 0; i < part.lines.size(); ++i)
            o << (i ? "<br>" : "") << HtmlEscape(part.lines[i]);
          o << "</p>\n";
        }
        break;
      case Block::Kind::kField:
        o << "<p class=\"field\"><strong>" << HtmlEscape(b.text)
          << "</strong> : " << HtmlText(b.value) << "</p>\n";
        break;
      case Block::Kind::kList:
        if (b.items.empty()) {
          o << "<p class=\"empty\">" << HtmlEscape(b.empty) << "</p>\n";
          break;
        }
        o << "<ul>\n";
        for (const std::string& item : b.items) o << "<li>" << HtmlText(item) << "</li>\n";
        o << "</ul>\n";
        break;
      case Block::Kind::kTable:
        if (b.rows.empty()) {
          o << "<p class=\"empty\">" << HtmlEscape(b.empty) << "</p>\n";
          break;
        }
        o << "<table>\n<thead><tr>";
        for (const std::string& h : b.items) o << "<th scope=\"col\">" << HtmlEscape(h) << "</th>";
        o << "</tr></thead>\n<tbody>\n";
        for (const auto& row : b.rows) {
          o << "<tr>";
          for (size_t i = 0; i < b.items.size(); ++i)
            o << "<td>" << (i < row.size() ? HtmlText(row[i]) : "") << "</td>";
          o << "</tr>\n";
        }
        o << "</tbody>\n</table>\n";
        break;
    }
  }
  o << "</main>\n</body>\n</html>\n";
  return o.str();
}

}  // namespace jalon::jobs
