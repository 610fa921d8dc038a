// Value: the VM's representation of data, 16 bytes, trivially copyable.
//
// Design (see docs/architecture.md):
// - Scalars are stored inline; strings, lists and maps point at immutable
//   storage owned by an Arena (a document's, an evaluation's or a
//   program's). Copying a Value never allocates and never counts references.
// - Three kinds mean "no ordinary value here", and they are kept apart
//   because users must be able to tell them apart:
//     kMissing  the data is absent (a field that is not there). Carries the
//               container and key where it went missing, so an UNKNOWN
//               outcome can name the path.
//     kUnknown  the data is present but cannot be known before deployment
//               (an unresolved Ref, `${env:X}`, a Terraform value known
//               after apply). Carries the loader's reason.
//     kError    evaluation went wrong (a type error, a bad regex). Carries a
//               message; it is never turned into a clean result.
//   Operators propagate them (errors first, then unknowns, then missing);
//   `and`/`or` follow Kleene logic so `false and missing` is still false.
// - Maps keep insertion order (deterministic iteration) and get a hash index
//   once they are large, so joins by key are O(1).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace moat {

enum class Kind : uint8_t {
  kNull,
  kBool,
  kInt,
  kFloat,
  kString,
  kList,
  kMap,
  kMissing,
  kUnknown,
  kError,
};

// Name used in messages and by type_of(): "null", "bool", "int", ...
std::string_view kind_name(Kind k);

struct ListRep;
struct MapRep;
struct MissingRep;
struct UnknownRep;
struct ErrorRep;

class Value {
 public:
  constexpr Value() : kind_(Kind::kNull), len_(0), i_(0) {}

  static constexpr Value null() { return Value(); }
  static Value boolean(bool b) { Value v(Kind::kBool); v.i_ = b ? 1 : 0; return v; }
  static Value integer(int64_t i) { Value v(Kind::kInt); v.i_ = i; return v; }
  static Value real(double d) { Value v(Kind::kFloat); v.d_ = d; return v; }
  // The bytes must outlive the value (arena, document or program storage).
  static Value string(std::string_view s) {
    Value v(Kind::kString);
    v.s_ = s.data();
    v.len_ = static_cast<uint32_t>(s.size());
    return v;
  }
  static Value list(const ListRep* l) { Value v(Kind::kList); v.l_ = l; return v; }
  static Value map(const MapRep* m) { Value v(Kind::kMap); v.m_ = m; return v; }
  static Value missing(const MissingRep* m) { Value v(Kind::kMissing); v.miss_ = m; return v; }
  static Value unknown(const UnknownRep* u) { Value v(Kind::kUnknown); v.unk_ = u; return v; }
  static Value error(const ErrorRep* e) { Value v(Kind::kError); v.err_ = e; return v; }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_int() const { return kind_ == Kind::kInt; }
  bool is_float() const { return kind_ == Kind::kFloat; }
  bool is_number() const { return kind_ == Kind::kInt || kind_ == Kind::kFloat; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_list() const { return kind_ == Kind::kList; }
  bool is_map() const { return kind_ == Kind::kMap; }
  bool is_missing() const { return kind_ == Kind::kMissing; }
  bool is_unknown() const { return kind_ == Kind::kUnknown; }
  bool is_error() const { return kind_ == Kind::kError; }
  // Missing, unknown or error: not an ordinary value.
  bool is_undefined() const { return kind_ >= Kind::kMissing; }

  bool as_bool() const { return i_ != 0; }
  int64_t as_int() const { return i_; }
  double as_float() const { return d_; }
  double as_number() const { return kind_ == Kind::kInt ? static_cast<double>(i_) : d_; }
  std::string_view as_string() const { return {s_, len_}; }
  const ListRep& as_list() const { return *l_; }
  const MapRep& as_map() const { return *m_; }
  const MissingRep& as_missing() const { return *miss_; }
  const UnknownRep& as_unknown() const { return *unk_; }
  const ErrorRep& as_error() const { return *err_; }

  // Identity of a container (for path lookup); nullptr for scalars.
  const void* identity() const {
    return (kind_ == Kind::kList || kind_ == Kind::kMap || kind_ == Kind::kUnknown) ? l_ : nullptr;
  }

 private:
  explicit constexpr Value(Kind k) : kind_(k), len_(0), i_(0) {}

  Kind kind_;
  uint32_t len_;
  union {
    int64_t i_;
    double d_;
    const char* s_;
    const ListRep* l_;
    const MapRep* m_;
    const MissingRep* miss_;
    const UnknownRep* unk_;
    const ErrorRep* err_;
  };
};
static_assert(sizeof(Value) == 16, "Value must stay 16 bytes");

struct ListRep {
  uint32_t size = 0;
  // Byte offset of the '[' in the document's source text, or kNoOffset.
  uint32_t source_offset = UINT32_MAX;
  const Value* items = nullptr;

  const Value* begin() const { return items; }
  const Value* end() const { return items + size; }
};

struct Member {
  Value key;  // always a string
  Value value;
};

// The member whose value `v` is (a pointer MapRep::find returned).
inline const Member* member_of(const Value* v) {
  return reinterpret_cast<const Member*>(reinterpret_cast<const char*>(v) - offsetof(Member, value));
}

struct MapRep {
  // Maps with more members than this also have an index: an open-addressing
  // table of member index + 1 (0 = empty) of index_slots(size) entries,
  // stored just before `members` (one allocation), so small maps, most of a
  // document, carry no index fields at all (16 bytes a map).
  static constexpr uint32_t kIndexThreshold = 12;
  static uint32_t index_slots(uint32_t size) { return std::bit_ceil(size * 2); }

  uint32_t size = 0;
  uint32_t source_offset = UINT32_MAX;
  const Member* members = nullptr;

  const Member* begin() const { return members; }
  const Member* end() const { return members + size; }
  const uint32_t* index() const {
    return size > kIndexThreshold ? reinterpret_cast<const uint32_t*>(members) - index_slots(size) : nullptr;
  }
  // nullptr when absent.
  const Value* find(std::string_view key) const;
};
static_assert(sizeof(MapRep) == 16, "MapRep must stay 16 bytes");

// The container that lacked the key (a map or list value, or null when the
// missing value did not come from a lookup) and the key (string or int).
struct MissingRep {
  Value container;
  Value key;
};

struct UnknownRep {
  std::string_view reason;  // e.g. "unresolved Ref to parameter DbPassword"
};

struct ErrorRep {
  std::string_view code;     // stable: "type_error", "regex_error", ...
  std::string_view message;  // human readable
};

// Whether n bytes at x and y (sizeof(Word) <= n <= 2 * sizeof(Word)) are
// equal: one load from each end of each, overlapping in the middle.
template <typename Word>
inline bool same_bytes_by_ends(const char* x, const char* y, size_t n) {
  Word x0, y0, x1, y1;
  std::memcpy(&x0, x, sizeof(Word));
  std::memcpy(&y0, y, sizeof(Word));
  std::memcpy(&x1, x + n - sizeof(Word), sizeof(Word));
  std::memcpy(&y1, y + n - sizeof(Word), sizeof(Word));
  return ((x0 ^ y0) | (x1 ^ y1)) == 0;
}

// Whether two texts are the same bytes. Inline, without a call for the
// short texts field names and table entries are: the interpreter compares
// a field's name with the member its inline cache points at, and a string
// with a table's entries, millions of times in a large scan, and
// string_view's operator== was an out-of-line compare() and memcmp each time.
inline bool same_text(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  if (n > 16) return std::memcmp(a.data(), b.data(), n) == 0;
  if (n >= 8) return same_bytes_by_ends<uint64_t>(a.data(), b.data(), n);
  if (n >= 4) return same_bytes_by_ends<uint32_t>(a.data(), b.data(), n);
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// Hash used by map indexes; stable within a process run.
inline uint64_t hash_key(std::string_view s) {
  uint64_t h = 1469598103934665603ull ^ s.size();
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  while (n--) h = (h ^ *p++) * 0x100000001b3ull;
  return h ^ (h >> 32);
}

// Equality in the language's sense: 1 == 1.0; containers compare deeply.
// Undefined values are never equal to anything (callers handle them first).
bool values_equal(const Value& a, const Value& b);
// Total order used by sort(), unique() and deterministic output: by kind
// (null < bool < number < string < list < map), then by content.
int compare_values(const Value& a, const Value& b);

// JSON text of a value. Missing/unknown/error render as tagged strings
// ("<missing>", "<unknown: reason>", "<error: message>").
void write_json(const Value& v, std::string& out);
std::string to_json(const Value& v);
// Text used by string interpolation: strings as-is, everything else as JSON.
void append_display(const Value& v, std::string& out);

}  // namespace moat
