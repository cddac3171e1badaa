// A document for staff as a list of blocks, rendered to Markdown and to a
// self-contained HTML page from the same model, so that the two formats of
// a review document or a brief always say the same thing.
//
// Text is plain text: the renderers escape it for their format.
#pragma once

#include <string>
#include <vector>

namespace jalon::jobs {

class Document {
 public:
  explicit Document(std::string title) : title_(std::move(title)) {}

  // A section heading; level 2 (section) to 4.
  Document& Heading(int level, std::string text);
  Document& Paragraph(std::string text);
  // Text as staff wrote it: paragraphs separated by a blank line, and lines
  // that start with "- ", "* " or "• " as list items.
  Document& Text(std::string text);
  // A short "label: value" line, in bold label.
  Document& Field(std::string label, std::string value);
  // A bulleted list; `empty` is written instead when there are no items.
  Document& List(std::vector<std::string> items, std::string empty = "Aucun élément.");
  Document& Table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows,
                  std::string empty = "Aucun élément.");

  const std::string& title() const { return title_; }
  std::string ToMarkdown() const;
  // A standalone UTF-8 page (lang="fr") with its own print stylesheet (A4).
  std::string ToHtml() const;

 private:
  struct Block {
    enum class Kind { kHeading, kParagraph, kText, kField, kList, kTable } kind;
    int level = 0;
    std::string text, value, empty;
    std::vector<std::string> items;  // list items, or table header
    std::vector<std::vector<std::string>> rows;
  };
  std::string title_;
  std::vector<Block> blocks_;
};

std::string HtmlEscape(const std::string& text);

}  // namespace jalon::jobs
