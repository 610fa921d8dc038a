// Byte-level decoders for event fields: base64, percent-decoding, gzip,
// byte arrays, and UTF-8 repair. They work on std::string and never throw
// on bad input: a failed decode returns false and says why.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "value/value.h"

namespace moat::events {

// Standard or URL-safe alphabet, padding optional, CR/LF ignored.
bool base64_decode(std::string_view in, std::string* out, std::string* why);

// Percent-decoding; with `plus_is_space`, '+' becomes ' ' (form encoding, as
// Python's unquote_plus). Malformed escapes are kept as they are.
std::string url_decode(std::string_view in, bool plus_is_space);

// Whether the bytes start with the gzip magic number.
bool looks_gzipped(std::string_view bytes);

// Inflates gzip data (every member, when several are concatenated). Fails
// when the data is corrupt or the output would exceed `max_out` bytes.
bool gunzip(std::string_view in, size_t max_out, std::string* out, std::string* why);

// A JSON array of byte values (0..255, or -128..127 as Java sends them) as
// bytes. Fails when an item is not an integer in range.
bool bytes_from_list(const Value& list, std::string* out, std::string* why);

// Replaces every byte that is not part of valid UTF-8 with U+FFFD. Returns
// whether anything was replaced.
bool repair_utf8(std::string* s);

}  // namespace moat::events
