// The pieces of an Internet message that must survive any mail relay and
// read correctly in any client: RFC 2047 encoded-words for non-ASCII header
// text, base64 for the UTF-8 body (OpenSSL's encoder), the RFC 5322 date,
// and the domain that Message-IDs are made under.
//
// Pure functions: thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "engine/util/time.h"

namespace jalon::jobs::mime {

// Standard base64 (RFC 4648) of `bytes`, on one line.
std::string Base64(std::string_view bytes);

// The body of a message in base64, as lines of 76 characters ending in CRLF
// (RFC 2045): 7-bit clean, so that no relay rewrites it.
std::string Base64Body(std::string_view utf8);

// The value of an unstructured header (Subject): `text` itself if it is
// printable ASCII, else RFC 2047 "B" encoded-words of at most 75
// characters, each holding whole UTF-8 characters, folded onto CRLF + space
// continuation lines. `name` is the header's name, for the first line's
// length.
std::string HeaderText(std::string_view name, std::string_view text);

// "display <address>" for the header `name` (From, To): the display name
// as an encoded-word when it is not plain ASCII words, folded before the
// address if the line would pass 78 characters; the bare address if the
// display name is empty.
std::string Mailbox(std::string_view name, std::string_view display, std::string_view address);

// "Wed, 04 May 2016 10:00:00 +0000" (RFC 5322 3.3), independent of the
// locale.
std::string Date(Instant t);

// The domain of `address` ("ville.example" for "jalon@ville.example"), in
// lower case; "jalon.invalid" if it has none a Message-ID may use.
std::string DomainOf(std::string_view address);

}  // namespace jalon::jobs::mime
