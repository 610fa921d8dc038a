// UTF-8 helpers shared by the parser and the loaders.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moat {

// Offset of the first byte that is not part of a valid UTF-8 sequence
// (overlongs, surrogates and code points past U+10FFFF are invalid).
std::optional<size_t> find_invalid_utf8(std::string_view s);
void append_utf8(uint32_t cp, std::string& out);
std::string hex_byte(unsigned char c);

}  // namespace moat
