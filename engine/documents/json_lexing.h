// Byte-level pieces of JSON shared by the reader (json_reader.cc), which
// builds values, and the skimmer (source_position.cc), which only walks text
// to find where a member or element starts. Keeping them in one place means
// the two agree on what a string escape decodes to.
#pragma once

#include <cstdint>
#include <string>

#include "value/utf8.h"

namespace moat::json_detail {

// Value of a hex digit, or -1.
inline int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c |= 0x20;  // fold to lower case
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

inline bool is_json_whitespace(unsigned char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// Length (2 to 4) of the well-formed UTF-8 sequence starting at p, whose
// first byte is >= 0x80, or 0 when it is ill-formed or cut off by `end`.
// Follows the Unicode table of well-formed byte sequences, so overlong forms
// (C0, C1, E0 80..9F, F0 80..8F), UTF-8-encoded surrogates (ED A0..BF) and
// code points above U+10FFFF (F4 90.., F5..FF) are all rejected.
inline int utf8_sequence_length(const unsigned char* p, const unsigned char* end) {
  unsigned char c = p[0];
  auto cont = [&](int i, unsigned char lo, unsigned char hi) {
    return end - p > i && p[i] >= lo && p[i] <= hi;
  };
  if (c < 0xC2) return 0;  // stray continuation byte or overlong 2-byte lead
  if (c < 0xE0) return cont(1, 0x80, 0xBF) ? 2 : 0;
  if (c < 0xF0) {
    unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
    unsigned char hi = c == 0xED ? 0x9F : 0xBF;
    return cont(1, lo, hi) && cont(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (c < 0xF5) {
    unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
    return cont(1, lo, hi) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}


enum class EscapeError {
  kNone,
  kTruncated,      // input ends inside the escape
  kUnknown,        // backslash followed by a character JSON does not allow
  kBadHex,         // \u not followed by four hex digits
  kLoneSurrogate,  // \uD800..\uDFFF not forming a high+low pair
};

// Decodes the escape whose backslash is at p[-1], appends its UTF-8 to
// `out` and advances p past it. A surrogate pair (\uD83D\uDE00) is one
// escape. On error p is left unspecified.
inline EscapeError decode_escape(const char*& p, const char* end, std::string& out) {
  if (p == end) return EscapeError::kTruncated;
  char c = *p++;
  switch (c) {
    case '"': out.push_back('"'); return EscapeError::kNone;
    case '\\': out.push_back('\\'); return EscapeError::kNone;
    case '/': out.push_back('/'); return EscapeError::kNone;
    case 'b': out.push_back('\b'); return EscapeError::kNone;
    case 'f': out.push_back('\f'); return EscapeError::kNone;
    case 'n': out.push_back('\n'); return EscapeError::kNone;
    case 'r': out.push_back('\r'); return EscapeError::kNone;
    case 't': out.push_back('\t'); return EscapeError::kNone;
    case 'u': break;
    default: return EscapeError::kUnknown;
  }
  auto read_hex4 = [&](uint32_t* cp) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      if (end - p == i) return EscapeError::kTruncated;
      int h = hex_value(static_cast<unsigned char>(p[i]));
      if (h < 0) return EscapeError::kBadHex;
      v = (v << 4) | static_cast<uint32_t>(h);
    }
    p += 4;
    *cp = v;
    return EscapeError::kNone;
  };
  uint32_t cp = 0;
  if (EscapeError e = read_hex4(&cp); e != EscapeError::kNone) return e;
  if (cp >= 0xDC00 && cp <= 0xDFFF) return EscapeError::kLoneSurrogate;
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    // A high surrogate is only meaningful with a low one right after it.
    if (end - p < 2 || p[0] != '\\' || p[1] != 'u') return EscapeError::kLoneSurrogate;
    p += 2;
    uint32_t lo = 0;
    if (EscapeError e = read_hex4(&lo); e != EscapeError::kNone) return e;
    if (lo < 0xDC00 || lo > 0xDFFF) return EscapeError::kLoneSurrogate;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
  }
  append_utf8(cp, out);
  return EscapeError::kNone;
}

}  // namespace moat::json_detail
