#include "jobs/delivery/mime.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <vector>

namespace jalon::jobs::mime {
namespace {

bool PlainAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

// The length of the longest prefix of `text` of at most `max` bytes that
// ends on a UTF-8 character boundary (at least one character).
size_t WholeCharacters(std::string_view text, size_t max) {
  if (text.size() <= max) return text.size();
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  if (n == 0) {  // a character longer than max: keep it whole
    n = 1;
    while (n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) ++n;
  }
  return n;
}

}  // namespace

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string Base64Body(std::string_view utf8) {
  // 57 bytes encode to 76 characters, the longest line RFC 2045 allows.
  std::string out;
  for (size_t i = 0; i < utf8.size(); i += 57) out += Base64(utf8.substr(i, 57)) + "\r\n";
  return out;
}

std::string HeaderText(std::string_view name, std::string_view text) {
  if (PlainAscii(text)) return std::string(text);
  // Each line stays within 78 characters: the first one holds "Name: ",
  // the others a space, then "=?UTF-8?B?" + base64 + "?=" (at most 75).
  std::string out;
  size_t used = name.size() + 2;
  while (!text.empty()) {
    const size_t room = used + 12 + 4 < 78 ? std::min<size_t>(60, (78 - used - 12) / 4 * 4) : 4;
    const size_t n = WholeCharacters(text, room / 4 * 3);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(0, n)) + "?=";
    text.remove_prefix(n);
    used = 1;
  }
  return out;
}

std::string Mailbox(std::string_view name, std::string_view display, std::string_view address) {
  const std::string addr = "<" + std::string(address) + ">";
  if (display.empty()) return std::string(address);
  const bool atoms = std::all_of(display.begin(), display.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '-' || c == '_';
  });
  const std::string phrase = atoms ? std::string(display) : "=?UTF-8?B?" + Base64(display) + "?=";
  const bool fold = name.size() + 2 + phrase.size() + 1 + addr.size() > 78;
  return phrase + (fold ? "\r\n " : " ") + addr;
}

std::string Date(Instant t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = static_cast<std::time_t>(ToMicros(t) / 1000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string DomainOf(std::string_view address) {
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos || at + 1 >= address.size()) return "jalon.invalid";
  std::string domain(address.substr(at + 1));
  for (char& c : domain) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-')
      return "jalon.invalid";
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return domain;
}

}  // namespace jalon::jobs::mime
