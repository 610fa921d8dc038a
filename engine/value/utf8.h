// UTF-8 helpers shared by the parser, the loaders and the builtins.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moat {

// Offset of the first byte that is not part of a valid UTF-8 sequence
// (overlongs, surrogates and code points past U+10FFFF are invalid).
std::optional<size_t> find_invalid_utf8(std::string_view s);
// Appends code point `cp` (at most U+10FFFF; callers check) as UTF-8.
// Inline: JSON string decoding calls it per escaped character.
inline void append_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}
std::string hex_byte(unsigned char c);

}  // namespace moat
