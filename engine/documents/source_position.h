// From byte offsets back to places a person can find in a document.
//
// Values carry only the byte offset of their container's '{' or '[' (four
// bytes, no strings), because almost none of them will ever be reported.
// When a finding does need a location, these functions turn an offset into a
// line and column, and walk the JSON text to find where a particular member
// or element starts, without parsing anything else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moat {

struct SourcePosition {
  // 1-based; 0 means unknown. Columns count bytes, and a UTF-8 BOM at the
  // start of the text is not counted (editors do not show it).
  uint32_t line = 0, column = 0;
};

// Position of `offset` in `text` by scanning from the start: for reporting
// one error. Use LineIndex when looking up many offsets in the same text.
// An offset past the end of the text gives the unknown position.
SourcePosition position_at(std::string_view text, uint64_t offset);

// Line starts of a text, for repeated offset -> line:column lookups in
// O(log lines). Keeps only the offsets, not the text.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);
  SourcePosition at(uint64_t offset) const;
  // Byte offset where 1-based `line` starts (after the BOM on line 1), or
  // nullopt past the last line: for quoting a reported line.
  std::optional<uint64_t> line_start(uint32_t line) const;

 private:
  std::vector<uint64_t> line_starts_;
  uint64_t size_ = 0;
};

// Byte offset of the value of member `key` of the JSON object whose '{' is at
// `object_offset`; nullopt if there is no such member or the text there is
// not an object. Keys are compared after decoding escapes. If the key occurs
// more than once (only possible with JsonLimits::allow_duplicate_keys), the
// first occurrence is returned. Skims the text, skipping nested values
// without building them, so the cost is the size of that object.
std::optional<uint64_t> find_member_offset(std::string_view text, uint64_t object_offset,
                                           std::string_view key);

// Every member of the JSON object whose '{' is at `object_offset`, in text
// order: (decoded key, byte offset of its value). Empty if the text there is
// not an object. One skim of the object, for a caller that looks up many
// members of the same large object (find_member_offset per member would
// skim it once per lookup: quadratic in the number of members).
std::vector<std::pair<std::string, uint64_t>> member_offsets(std::string_view text, uint64_t object_offset);

// Byte offset of element `index` (0-based) of the JSON array whose '[' is at
// `array_offset`; nullopt if out of range or not an array.
std::optional<uint64_t> find_element_offset(std::string_view text, uint64_t array_offset,
                                            uint64_t index);

}  // namespace moat
