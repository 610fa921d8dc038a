// Helpers shared by the builtin families.
//
// Results may share bytes with their arguments (a trimmed string points into
// the original), as containers already do: the VM guarantees that arguments
// live at least as long as the call's arena.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "builtins/builtin.h"
#include "value/arena.h"
#include "value/utf8.h"
#include "value/value.h"

namespace moat {

// A Value holds a string's length in 32 bits.
inline constexpr size_t kMaxStringBytes = UINT32_MAX;

// The VM only checks the top-level arguments of a strict builtin; elements of
// a list can still be missing, unknown or an error (an unresolved Ref inside
// a document list), and a builtin that looks at elements must propagate them
// with the same precedence as the VM does. nullptr when all are ordinary.
inline const Value* first_undefined(std::span<const Value> items) {
  const Value* unknown = nullptr;
  const Value* missing = nullptr;
  for (const Value& v : items) {
    if (v.is_error()) return &v;
    if (v.is_unknown() && unknown == nullptr) unknown = &v;
    if (v.is_missing() && missing == nullptr) missing = &v;
  }
  return unknown != nullptr ? unknown : missing;
}

namespace detail {
inline const Value* scan_undefined(const Value& v, const Value** unknown, const Value** missing) {
  switch (v.kind()) {
    case Kind::kError: return &v;
    case Kind::kUnknown:
      if (*unknown == nullptr) *unknown = &v;
      return nullptr;
    case Kind::kMissing:
      if (*missing == nullptr) *missing = &v;
      return nullptr;
    case Kind::kList:
      for (const Value& item : v.as_list())
        if (const Value* e = scan_undefined(item, unknown, missing)) return e;
      return nullptr;
    case Kind::kMap:
      for (const Member& m : v.as_map())
        if (const Value* e = scan_undefined(m.value, unknown, missing)) return e;
      return nullptr;
    default: return nullptr;
  }
}
}  // namespace detail

// Like first_undefined, but also inside nested lists and maps. For builtins
// whose answer depends on whole elements (rendering them as text, comparing
// them): an unknown deep inside must make the answer unknown, not become the
// text "<unknown>" or an element that equals nothing.
inline const Value* first_undefined_deep(std::span<const Value> items) {
  const Value* unknown = nullptr;
  const Value* missing = nullptr;
  for (const Value& v : items)
    if (const Value* e = detail::scan_undefined(v, &unknown, &missing)) return e;
  return unknown != nullptr ? unknown : missing;
}

inline std::span<const Value> items_of(const Value& list) {
  const ListRep& l = list.as_list();
  return {l.items, l.size};
}

// Called before a result of `bytes` bytes is built outside the arena (in a
// std::string that is copied in afterwards): the copy would exceed the budget
// anyway, and checking first keeps the temporary from growing without bound.
// Throws MemoryBudgetExceeded past the budget; returns false when the result
// is longer than any string can be, for the caller to report.
inline bool reserve_result(CallContext& ctx, size_t bytes) {
  const Arena& a = ctx.arena();
  size_t left = a.limit() > a.bytes_used() ? a.limit() - a.bytes_used() : 0;
  if (bytes > left) throw MemoryBudgetExceeded(a.limit());
  return bytes <= kMaxStringBytes;
}

inline Value result_too_large(CallContext& ctx, std::string_view fn) {
  return ctx.error("limit_exceeded",
                   std::string(fn) + ": result would be longer than the largest string (4 GiB)");
}

// Decodes the UTF-8 character at s[i] and sets *len to its length in bytes.
// A byte that does not start a valid sequence (truncated, overlong, a
// surrogate) is one character of its own, decoded to 0x110000 + byte: outside
// Unicode, so it only ever matches itself, and invalid input is walked byte by
// byte instead of being skipped or overrun.
inline uint32_t utf8_decode(std::string_view s, size_t i, size_t* len) {
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[k])); };
  uint32_t c = byte(i);
  *len = 1;
  if (c < 0x80) return c;
  size_t n = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0x110000 + c;
  uint32_t cp = c & (0x7Fu >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0x110000 + c;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0x110000 + c;
  *len = n;
  return cp;
}

inline size_t utf8_char_len(std::string_view s, size_t i) {
  size_t len;
  utf8_decode(s, i, &len);
  return len;
}


}  // namespace moat
