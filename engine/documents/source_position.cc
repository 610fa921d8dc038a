#include "documents/source_position.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "documents/json_lexing.h"

namespace moat {
namespace {

bool starts_with_bom(std::string_view text) {
  return text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0;
}

SourcePosition make_position(uint64_t line, uint64_t offset, uint64_t line_start) {
  // Inside the BOM (offset < line_start) counts as column 1.
  uint64_t column = offset >= line_start ? offset - line_start + 1 : 1;
  return {static_cast<uint32_t>(std::min<uint64_t>(line, UINT32_MAX)),
          static_cast<uint32_t>(std::min<uint64_t>(column, UINT32_MAX))};
}

// Walks JSON text that is expected to be well formed (it was read before),
// but checks every step so that text which is not cannot make it read out of
// bounds: any surprise ends the walk.
class Skimmer {
 public:
  Skimmer(std::string_view text, uint64_t offset)
      : begin_(text.data()),
        p_(text.data() + std::min<uint64_t>(offset, text.size())),
        end_(text.data() + text.size()) {}

  uint64_t offset() const { return static_cast<uint64_t>(p_ - begin_); }

  void skip_ws() {
    while (p_ != end_ && json_detail::is_json_whitespace(static_cast<unsigned char>(*p_))) ++p_;
  }

  // Consumes `c` (after whitespace) if it is next.
  bool eat(char c) {
    skip_ws();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  bool at(char c) {
    skip_ws();
    return p_ != end_ && *p_ == c;
  }

  // At a '"': moves past the string. When `decoded` is given it receives the
  // string's contents with escapes decoded.
  bool skip_string(std::string* decoded = nullptr) {
    if (p_ == end_ || *p_ != '"') return false;
    ++p_;
    if (decoded != nullptr) decoded->clear();
    for (;;) {
      const char* run = p_;
      while (p_ != end_ && *p_ != '"' && *p_ != '\\') ++p_;
      if (p_ == end_) return false;
      if (decoded != nullptr) decoded->append(run, p_);
      if (*p_ == '"') {
        ++p_;
        return true;
      }
      ++p_;  // the backslash
      if (decoded != nullptr) {
        if (json_detail::decode_escape(p_, end_, *decoded) != json_detail::EscapeError::kNone)
          return false;
      } else {
        if (p_ == end_) return false;
        ++p_;  // the escaped character; \uXXXX digits are plain bytes
      }
    }
  }

  // At the first byte of a value: moves past it. Containers are skipped by
  // counting brackets (strings can contain brackets, so they are skipped as
  // strings), which needs no recursion however deep the nesting.
  bool skip_value() {
    skip_ws();
    if (p_ == end_) return false;
    if (*p_ == '"') return skip_string();
    if (*p_ != '{' && *p_ != '[') {
      while (p_ != end_ && *p_ != ',' && *p_ != '}' && *p_ != ']' &&
             !json_detail::is_json_whitespace(static_cast<unsigned char>(*p_)))
        ++p_;
      return true;
    }
    uint64_t depth = 0;
    while (p_ != end_) {
      char c = *p_;
      if (c == '"') {
        if (!skip_string()) return false;
        continue;
      }
      ++p_;
      if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return true;
      }
    }
    return false;
  }

 private:
  const char* begin_;
  const char* p_;
  const char* end_;
};

}  // namespace

SourcePosition position_at(std::string_view text, uint64_t offset) {
  if (offset > text.size()) return {};
  uint64_t line = 1;
  uint64_t line_start = starts_with_bom(text) ? 3 : 0;
  const char* p = text.data();
  const char* end = p + offset;
  while (const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p))) {
    p = static_cast<const char*>(nl) + 1;
    ++line;
    line_start = static_cast<uint64_t>(p - text.data());
  }
  return make_position(line, offset, line_start);
}

LineIndex::LineIndex(std::string_view text) : size_(text.size()) {
  line_starts_.push_back(starts_with_bom(text) ? 3 : 0);
  const char* p = text.data();
  const char* end = p + text.size();
  while (const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p))) {
    p = static_cast<const char*>(nl) + 1;
    line_starts_.push_back(static_cast<uint64_t>(p - text.data()));
  }
}

SourcePosition LineIndex::at(uint64_t offset) const {
  if (offset > size_) return {};
  // The last line starting at or before offset (the first line always
  // qualifies, even for an offset inside the BOM).
  auto it = std::upper_bound(line_starts_.begin() + 1, line_starts_.end(), offset);
  uint64_t line = static_cast<uint64_t>(it - line_starts_.begin());
  return make_position(line, offset, line_starts_[line - 1]);
}

std::optional<uint64_t> LineIndex::line_start(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return std::nullopt;
  return line_starts_[line - 1];
}

std::optional<uint64_t> find_member_offset(std::string_view text, uint64_t object_offset,
                                           std::string_view key) {
  Skimmer s(text, object_offset);
  if (object_offset >= text.size() || !s.eat('{') || s.at('}')) return std::nullopt;
  std::string name;
  for (;;) {
    s.skip_ws();
    if (!s.skip_string(&name) || !s.eat(':')) return std::nullopt;
    s.skip_ws();
    if (name == key) return s.offset() < text.size() ? std::optional(s.offset()) : std::nullopt;
    if (!s.skip_value() || !s.eat(',')) return std::nullopt;
  }
}

std::vector<std::pair<std::string, uint64_t>> member_offsets(std::string_view text, uint64_t object_offset) {
  std::vector<std::pair<std::string, uint64_t>> out;
  Skimmer s(text, object_offset);
  if (object_offset >= text.size() || !s.eat('{') || s.at('}')) return out;
  std::string name;
  for (;;) {
    s.skip_ws();
    if (!s.skip_string(&name) || !s.eat(':')) return out;
    s.skip_ws();
    if (s.offset() >= text.size()) return out;
    out.emplace_back(name, s.offset());
    if (!s.skip_value() || !s.eat(',')) return out;
  }
}

std::optional<uint64_t> find_element_offset(std::string_view text, uint64_t array_offset,
                                            uint64_t index) {
  Skimmer s(text, array_offset);
  if (array_offset >= text.size() || !s.eat('[') || s.at(']')) return std::nullopt;
  for (uint64_t i = 0;; ++i) {
    s.skip_ws();
    if (i == index) return s.offset() < text.size() ? std::optional(s.offset()) : std::nullopt;
    if (!s.skip_value() || !s.eat(',')) return std::nullopt;
  }
}

}  // namespace moat
