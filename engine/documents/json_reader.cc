// The JSON reader: a hand-written single-pass parser that builds Values as it
// goes.
//
// Shape. There is no recursion: containers being built are kept on an
// explicit stack of frames, and their elements or members accumulate on two
// shared scratch vectors. When a container closes, its slice of the scratch
// vector is copied into the arena as one ListRep or MapRep and the slice is
// dropped, so scratch memory is bounded by the widest open path, and nesting
// depth costs nothing but a frame. The main loop alternates between two
// states: "expect a value" and "have a value, attach it to the enclosing
// containers, closing every container that ends here".
//
// Speed. Most bytes in real documents are inside strings, so string scanning
// looks at 16 bytes at a time (SSE2; 8 with portable SWAR) for the only bytes
// that need attention: '"', '\\', control characters and non-ASCII. Strings
// without escapes are copied from the text in one go. Object keys repeat
// enormously ("type", "name" in every resource), so they are interned per
// call (json_key_interner.h): one arena copy per distinct field name, which
// also makes the duplicate-key check of a small object a pointer comparison.
//
// Hardening. Every limit fails with a message and a position; UTF-8 is
// validated everywhere; nothing reads past the end of the text.

#include "documents/json_reader.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdio>
#include <span>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "documents/json_key_interner.h"
#include "documents/json_lexing.h"
#include "documents/source_position.h"
#include "value/build.h"

namespace moat {

using json_detail::EscapeError;
using json_detail::KeyInterner;
using json_detail::KeyPrefix;
using json_detail::copy_to_arena;
using json_detail::key_hash;
using json_detail::key_prefix;
using json_detail::same_key;

std::string JsonError::describe() const {
  return message + " at " + std::to_string(line) + ":" + std::to_string(column);
}

std::string JsonError::message_with_flag() const {
  if (limit.empty()) return message;
  std::string flag = limit;
  for (char& c : flag)
    if (c == '_') c = '-';
  return message + " (--" + flag + ")";
}

namespace {

// ---- String scanning -----------------------------------------------------

// Bytes that end a run of plain string content.
constexpr bool is_string_special(unsigned char c) {
  return c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
}

// For 8 bytes loaded as one word, a mask with the high bit set in every byte
// that is special (and possibly some bytes after the first special one, which
// is harmless because only the first is used). The usual "has zero byte"
// trick: (x - 0x01..) & ~x & 0x80.. flags bytes that are zero.
inline uint64_t special_byte_mask(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  uint64_t t = ((w ^ (kOnes * '"')) - kOnes) | ((w ^ (kOnes * '\\')) - kOnes) | (w - kOnes * 0x20);
  return ((t & ~w) | w) & kHigh;
}

// First byte in [p, end) that is special, or end. With SSE2 (every x86-64)
// 16 bytes are checked per step; one signed compare against 0x20 catches both
// control bytes and non-ASCII bytes (which are negative as signed chars).
inline const char* find_string_special(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (end - p >= 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                               _mm_cmplt_epi8(x, space));
    if (int bits = _mm_movemask_epi8(hit)) return p + std::countr_zero(static_cast<unsigned>(bits));
    p += 16;
  }
#endif
  while (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    if (uint64_t m = special_byte_mask(w)) {
      int bit = std::endian::native == std::endian::little ? std::countr_zero(m) : std::countl_zero(m);
      return p + bit / 8;
    }
    p += 8;
  }
  while (p != end && !is_string_special(static_cast<unsigned char>(*p))) ++p;
  return p;
}

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

inline bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", c);
  return buf;
}

// A key as shown in a message: cut short, control characters replaced.
std::string printable_key(std::string_view key) {
  constexpr size_t kMax = 64;
  std::string out;
  size_t n = key.size();
  if (n > kMax) {
    n = kMax;
    // Do not cut a UTF-8 sequence in half.
    while (n > 0 && (static_cast<unsigned char>(key[n]) & 0xC0) == 0x80) --n;
  }
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(key[i]);
    out.push_back(c < 0x20 || c == 0x7F ? '?' : static_cast<char>(c));
  }
  if (n < key.size()) out += "...";
  return out;
}

// ---- The parser ----------------------------------------------------------

// Objects up to this many members are checked for duplicate keys by a linear
// scan (pointer compares when keys are shared); larger ones get a hash
// table, so a 100,000-member object is not quadratic.
constexpr size_t kLinearKeyCheck = 16;
// Members past this many in one object do not add their keys to the intern
// table (see KeyInterner).
constexpr size_t kInternedMembers = 64;

struct Frame {
  uint32_t start;          // first index of this container in values_/members_
  uint32_t source_offset;  // of the '{' or '['
  bool is_map;
  bool indexed = false;     // has a duplicate-key table in key_tables_[depth]
  bool keys_shared = true;  // every key so far came from the intern table
};

class Parser {
 public:
  Parser(std::string_view text, Arena& arena, const JsonLimits& limits, JsonError* error, JsonStrings strings)
      : text_(text),
        begin_(text.data()),
        end_(text.data() + text.size()),
        arena_(arena),
        limits_(limits),
        // Value lengths and container sizes are 32-bit.
        max_string_bytes_(std::min<size_t>(limits.max_string_bytes, UINT32_MAX)),
        max_nodes_(std::min<size_t>(limits.max_nodes, UINT32_MAX - 1)),
        view_text_(strings == JsonStrings::kViewText),
        error_(error) {}

  bool parse(Value* out);

 private:
  const char* skip_ws(const char* p) const {
    while (p != end_ && static_cast<unsigned char>(*p) <= ' ' &&
           json_detail::is_json_whitespace(static_cast<unsigned char>(*p)))
      ++p;
    return p;
  }

  uint32_t offset32(const char* p) const {
    uint64_t o = static_cast<uint64_t>(p - begin_);
    return o >= UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(o);
  }

  const char* parse_string(const char* p, std::string_view* out);
  const char* parse_string_rest(const char* start, const char* p, std::string_view* out);
  const char* parse_key(const char* p);
  bool key_is_new(Frame& f, std::string_view key, uint64_t hash, bool shared);
  const char* parse_number(const char* p, Value* out);
  const char* parse_literal(const char* p, Value* out);
  const char* unexpected_character(const char* p);
  const char* escape_error(const char* open, const char* backslash, EscapeError e);
  Value finish_list(const Frame& f);
  Value finish_map(const Frame& f);

  // Records the error. Returns nullptr, the helpers' failure result (and
  // false in parse()), so that every error site is `return fail(...)`.
  const char* fail(const char* at, std::string message) {
    if (error_ != nullptr) {
      error_->message = std::move(message);
      error_->limit.clear();
      error_->offset = static_cast<uint64_t>(at - begin_);
      SourcePosition pos = position_at(text_, error_->offset);
      error_->line = pos.line;
      error_->column = pos.column;
    }
    return nullptr;
  }
  // A limit stopped the read: `limit` names it (JsonError::limit).
  const char* fail_limit(const char* at, const char* limit, std::string message) {
    fail(at, std::move(message));
    if (error_ != nullptr) error_->limit = limit;
    return nullptr;
  }
  // For "expected X" at p: the end of the input and invalid UTF-8 have
  // messages of their own.
  const char* fail_end_or(const char* p, const char* message) {
    if (p == end_) return fail(p, "unexpected end of input");
    if (static_cast<unsigned char>(*p) >= 0x80 && !valid_utf8_at(p)) return unexpected_character(p);
    return fail(p, message);
  }
  bool valid_utf8_at(const char* p) const {
    return json_detail::utf8_sequence_length(reinterpret_cast<const unsigned char*>(p),
                                             reinterpret_cast<const unsigned char*>(end_)) != 0;
  }

  std::string_view text_;
  const char* begin_;
  const char* end_;
  Arena& arena_;
  const JsonLimits& limits_;
  size_t max_string_bytes_;
  size_t max_nodes_;
  bool view_text_;  // strings without escapes may point into text_
  JsonError* error_;

  size_t nodes_ = 0;
  std::vector<Frame> stack_;
  std::vector<Value> values_;
  std::vector<Member> members_;
  std::vector<std::vector<uint64_t>> key_tables_;  // by depth, reused
  std::string unescaped_;                          // strings with escapes
  KeyInterner interner_;
};

bool Parser::parse(Value* out) {
  const char* p = begin_;
  if (end_ - p >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
  stack_.reserve(64);
  values_.reserve(256);
  members_.reserve(256);

  for (;;) {
    // State 1: a value starts here.
    p = skip_ws(p);
    if (p == end_) return fail(p, "unexpected end of input");
    if (++nodes_ > max_nodes_)
      return fail_limit(p, "max_nodes", "document has more than " + std::to_string(max_nodes_) + " values");
    Value v;
    char c = *p;
    if (c == '"') {
      std::string_view s;
      if (!(p = parse_string(p + 1, &s))) return false;
      // A string without escapes is the text itself when the caller keeps
      // the text as long as the values (a Document does, for locations).
      bool in_text = s.data() != unescaped_.data();
      v = Value::string(view_text_ && in_text ? s : copy_to_arena(arena_, s));
    } else if (c == '{' || c == '[') {
      if (stack_.size() >= limits_.max_depth)
        return fail_limit(p, "max_depth", "nesting depth exceeds " + std::to_string(limits_.max_depth));
      bool is_map = c == '{';
      uint32_t start = static_cast<uint32_t>(is_map ? members_.size() : values_.size());
      stack_.push_back(Frame{start, offset32(p), is_map});
      p = skip_ws(p + 1);
      if (p != end_ && *p == (is_map ? '}' : ']')) {
        ++p;
        v = is_map ? finish_map(stack_.back()) : finish_list(stack_.back());
        stack_.pop_back();
      } else {
        if (is_map && !(p = parse_key(p))) return false;
        continue;
      }
    } else if (c == '-' || is_digit(c)) {
      if (!(p = parse_number(p, &v))) return false;
    } else {
      if (!(p = parse_literal(p, &v))) return false;
    }

    // State 2: v is complete. Attach it to its container; if that container
    // ends here too, v becomes the container and we go round again.
    for (;;) {
      p = skip_ws(p);
      if (stack_.empty()) {
        if (p != end_) return fail_end_or(p, "unexpected data after the top-level value");
        *out = v;
        return true;
      }
      const Frame& f = stack_.back();
      if (f.is_map) {
        members_.back().value = v;
        if (p != end_ && *p == ',') {
          const char* comma = p;
          p = skip_ws(p + 1);
          if (p != end_ && *p == '}') return fail(comma, "trailing comma before '}'");
          if (!(p = parse_key(p))) return false;
          break;
        }
        if (p == end_ || *p != '}') return fail_end_or(p, "expected ',' or '}' after object member");
        v = finish_map(f);
      } else {
        values_.push_back(v);
        if (p != end_ && *p == ',') {
          const char* comma = p;
          p = skip_ws(p + 1);
          if (p != end_ && *p == ']') return fail(comma, "trailing comma before ']'");
          break;
        }
        if (p == end_ || *p != ']') return fail_end_or(p, "expected ',' or ']' after array element");
        v = finish_list(f);
      }
      ++p;
      stack_.pop_back();
    }
  }
}

Value Parser::finish_list(const Frame& f) {
  std::span<const Value> items(values_.data() + f.start, values_.size() - f.start);
  Value v = make_list(arena_, items, f.source_offset);
  values_.resize(f.start);
  return v;
}

Value Parser::finish_map(const Frame& f) {
  std::span<const Member> members(members_.data() + f.start, members_.size() - f.start);
  Value v = limits_.allow_duplicate_keys ? make_map(arena_, members, f.source_offset)
                                         : make_map_unique(arena_, members, f.source_offset);
  members_.resize(f.start);
  return v;
}

// string = '"' char* '"'. p is just past the opening quote. Returns the
// position after the closing quote; *out views the text itself when there
// were no escapes, else unescaped_ (valid until the next string).
//
// Split in two so that the common case, plain ASCII up to the closing
// quote, is inlined where strings are read; anything else continues in
// parse_string_rest from the first special byte.
inline const char* Parser::parse_string(const char* p, std::string_view* out) {
  const char* q = find_string_special(p, end_);
  if (q != end_ && *q == '"' && static_cast<size_t>(q - p) <= max_string_bytes_) [[likely]] {
    *out = std::string_view(p, static_cast<size_t>(q - p));
    return q + 1;
  }
  return parse_string_rest(p, q, out);
}

// `start` is just past the opening quote, p at the first special byte.
const char* Parser::parse_string_rest(const char* start, const char* p, std::string_view* out) {
  const char* open = start - 1;
  const char* run = start;  // start of the plain bytes not yet in unescaped_
  bool escaped = false;
  for (;; p = find_string_special(p, end_)) {
    if (p == end_) return fail(open, "unterminated string");
    // Stop as soon as the decoded string is too long, before copying more
    // of it: a 200 MB string of escapes must not cost 200 MB first.
    if ((escaped ? unescaped_.size() : 0) + static_cast<size_t>(p - run) > max_string_bytes_)
      return fail_limit(open, "max_string_bytes", "string exceeds " + std::to_string(max_string_bytes_) + " bytes");
    unsigned char c = static_cast<unsigned char>(*p);
    if (c == '"') break;
    if (c >= 0x80) {
      int n = json_detail::utf8_sequence_length(reinterpret_cast<const unsigned char*>(p),
                                                reinterpret_cast<const unsigned char*>(end_));
      if (n == 0) return fail(p, "invalid UTF-8 byte " + hex_byte(c));
      p += n;
    } else if (c == '\\') {
      if (!escaped) {
        unescaped_.clear();
        escaped = true;
      }
      unescaped_.append(run, p);
      const char* backslash = p++;
      if (EscapeError e = json_detail::decode_escape(p, end_, unescaped_); e != EscapeError::kNone)
        return escape_error(open, backslash, e);
      run = p;
    } else {
      return fail(p, "control character " + hex_byte(c) + " in string (must be escaped)");
    }
  }
  if (escaped) {
    unescaped_.append(run, p);
    *out = unescaped_;
  } else {
    *out = std::string_view(start, static_cast<size_t>(p - start));
  }
  if (out->size() > max_string_bytes_)
    return fail_limit(open, "max_string_bytes", "string exceeds " + std::to_string(max_string_bytes_) + " bytes");
  return p + 1;
}

// `open` is the string's opening quote, `backslash` the escape's start.
const char* Parser::escape_error(const char* open, const char* backslash, EscapeError e) {
  switch (e) {
    case EscapeError::kTruncated: return fail(open, "unterminated string");
    case EscapeError::kUnknown: {
      unsigned char c = static_cast<unsigned char>(backslash[1]);
      if (c >= 0x20 && c < 0x7F) return fail(backslash, std::string("invalid escape '\\") + char(c) + "' in string");
      return fail(backslash, "invalid escape '\\' followed by byte " + hex_byte(c));
    }
    case EscapeError::kBadHex: return fail(backslash, "invalid \\u escape: expected 4 hex digits");
    case EscapeError::kLoneSurrogate:
      return fail(backslash, "lone surrogate '" + std::string(backslash, 6) + "' in string");
    case EscapeError::kNone: break;
  }
  return fail(backslash, "invalid escape");
}

// member = string ws ':' (the value follows). p is where the key should
// start; returns the position after the ':'.
const char* Parser::parse_key(const char* p) {
  if (p == end_ || *p != '"') return fail_end_or(p, "expected '\"' to begin an object key");
  const char* key_at = p;
  std::string_view raw;
  if (!(p = parse_string(p + 1, &raw))) return nullptr;
  // A key without escapes is a view of the text, readable up to end_.
  KeyPrefix prefix = key_prefix(raw, raw.data() == unescaped_.data() ? nullptr : end_);
  uint64_t hash = key_hash(raw, prefix);
  Frame& f = stack_.back();
  bool may_add = members_.size() - f.start < kInternedMembers;
  auto [key, shared] = interner_.intern(raw, prefix, hash, arena_, may_add);
  if (!limits_.allow_duplicate_keys && !key_is_new(f, key, hash, shared))
    return fail(key_at, "duplicate key '" + printable_key(key) + "'");
  f.keys_shared = f.keys_shared && shared;
  members_.push_back(Member{Value::string(key), Value()});
  p = skip_ws(p);
  if (p == end_ || *p != ':') return fail_end_or(p, "expected ':' after object key");
  return p + 1;
}

// Whether object `f` (the innermost) has no member named `key` yet; if it
// has a duplicate-key table, `key` is added to it (it is about to be
// appended). When all keys involved are shared, pointers are compared.
bool Parser::key_is_new(Frame& f, std::string_view key, uint64_t hash, bool shared) {
  const Member* members = members_.data() + f.start;
  size_t n = members_.size() - f.start;
  bool by_pointer = shared && f.keys_shared;
  if (!f.indexed) {
    if (n < kLinearKeyCheck) {
      if (by_pointer) {
        for (size_t i = 0; i < n; ++i)
          if (members[i].key.as_string().data() == key.data()) return false;
      } else {
        for (size_t i = 0; i < n; ++i)
          if (same_key(members[i].key.as_string(), key)) return false;
      }
      return true;
    }
    f.indexed = true;
    size_t depth = stack_.size() - 1;
    if (key_tables_.size() <= depth) key_tables_.resize(depth + 1);
    key_tables_[depth].clear();
  }
  // Open addressing, kept under half full. An entry is the member's index + 1
  // (0 = empty) in the low half and its hash's high half above, so that most
  // probes are settled without loading the member and its key.
  std::vector<uint64_t>& table = key_tables_[stack_.size() - 1];
  auto entry = [](size_t index, uint64_t h) { return (h & 0xFFFFFFFF00000000ull) | (index + 1); };
  if ((n + 1) * 2 > table.size()) {
    size_t cap = 64;
    while (cap < (n + 1) * 4) cap <<= 1;
    table.assign(cap, 0);
    for (size_t i = 0; i < n; ++i) {
      uint64_t h = key_hash(members[i].key.as_string());
      size_t slot = h & (cap - 1);
      while (table[slot] != 0) slot = (slot + 1) & (cap - 1);
      table[slot] = entry(i, h);
    }
  }
  size_t mask = table.size() - 1;
  size_t slot = hash & mask;
  for (; table[slot] != 0; slot = (slot + 1) & mask) {
    if ((table[slot] ^ hash) >> 32 != 0) continue;
    std::string_view other = members[(table[slot] & 0xFFFFFFFFu) - 1].key.as_string();
    if (by_pointer ? other.data() == key.data() : same_key(other, key)) return false;
  }
  table[slot] = entry(n, hash);
  return true;
}

// number = '-'? int frac? exp?   int = '0' | [1-9][0-9]*
const char* Parser::parse_number(const char* p, Value* out) {
  const char* start = p;
  bool negative = *p == '-';
  if (negative) ++p;
  const char* int_begin = p;
  uint64_t mantissa = 0;  // wraps past 19 digits; only used when it cannot
  if (p != end_ && *p == '0') {
    ++p;
    if (p != end_ && is_digit(*p)) return fail(start, "leading zeros are not allowed in numbers");
  } else if (p != end_ && is_digit(*p)) {
    do mantissa = mantissa * 10 + static_cast<uint64_t>(*p++ - '0');
    while (p != end_ && is_digit(*p));
  } else {
    return fail_end_or(p, "expected digit after '-'");
  }
  size_t int_digits = static_cast<size_t>(p - int_begin);
  bool integral = true;
  if (p != end_ && *p == '.') {
    ++p;
    if (p == end_ || !is_digit(*p)) return fail_end_or(p, "expected digit after '.'");
    while (p != end_ && is_digit(*p)) ++p;
    integral = false;
  }
  const char* exp_begin = nullptr;
  if (p != end_ && (*p == 'e' || *p == 'E')) {
    ++p;
    exp_begin = p;
    if (p != end_ && (*p == '+' || *p == '-')) ++p;
    if (p == end_ || !is_digit(*p)) return fail_end_or(p, "expected digit in exponent");
    while (p != end_ && is_digit(*p)) ++p;
    integral = false;
  }

  // 19 digits always fit in uint64 (10^19 - 1 < 2^64), so no overflow yet.
  if (integral && int_digits <= 19) {
    constexpr uint64_t kMinMagnitude = uint64_t{1} << 63;  // |INT64_MIN|
    if (!negative && mantissa < kMinMagnitude) {
      *out = Value::integer(static_cast<int64_t>(mantissa));
      return p;
    }
    if (negative && mantissa <= kMinMagnitude) {
      // Negate in unsigned arithmetic: -2^63 has no positive int64 twin.
      *out = Value::integer(static_cast<int64_t>(~mantissa + 1));
      return p;
    }
  }

  double d = 0;
  auto [end, ec] = std::from_chars(start, p, d);
  if (ec == std::errc::result_out_of_range) {
    // from_chars reports underflow and overflow alike. Tell them apart by
    // the decimal exponent of the first significant digit: underflow
    // (1e-400) quietly becomes zero, overflow (1e400) is an error.
    int64_t exponent = 0;
    if (exp_begin != nullptr) {
      const char* e = exp_begin;
      bool exp_negative = *e == '-';
      if (*e == '+' || *e == '-') ++e;
      for (; e != p; ++e) exponent = std::min<int64_t>(exponent * 10 + (*e - '0'), 1'000'000'000);
      if (exp_negative) exponent = -exponent;
    }
    int64_t first_significant = static_cast<int64_t>(int_digits) - 1;
    for (const char* q = int_begin; q != p && *q != 'e' && *q != 'E'; ++q) {
      if (*q == '.') continue;
      if (*q != '0') break;
      --first_significant;
    }
    if (exponent + first_significant > 0) return fail(start, "number out of range");
    d = negative ? -0.0 : 0.0;
  } else if (ec != std::errc() || end != p) {
    return fail(start, "invalid number");  // not reached: the grammar was checked above
  }
  *out = Value::real(d);
  return p;
}

const char* Parser::parse_literal(const char* p, Value* out) {
  const char* start = p;
  while (p != end_ && is_word_char(*p)) ++p;
  std::string_view word(start, static_cast<size_t>(p - start));
  if (word == "true") {
    *out = Value::boolean(true);
  } else if (word == "false") {
    *out = Value::boolean(false);
  } else if (word == "null") {
    *out = Value::null();
  } else if (word.empty()) {
    return unexpected_character(start);
  } else {
    if (word.size() > 32) word = word.substr(0, 32);
    return fail(start, "invalid literal '" + std::string(word) + "'");
  }
  return p;
}

const char* Parser::unexpected_character(const char* p) {
  unsigned char c = static_cast<unsigned char>(*p);
  if (c >= 0x80) {
    int n = json_detail::utf8_sequence_length(reinterpret_cast<const unsigned char*>(p),
                                              reinterpret_cast<const unsigned char*>(end_));
    if (n == 0) return fail(p, "invalid UTF-8 byte " + hex_byte(c));
    return fail(p, "unexpected character '" + std::string(p, static_cast<size_t>(n)) + "'");
  }
  if (c < 0x20 || c == 0x7F) return fail(p, "unexpected character " + hex_byte(c));
  return fail(p, std::string("unexpected character '") + char(c) + "'");
}

}  // namespace

bool read_json(std::string_view text, Arena& arena, const JsonLimits& limits, Value* out,
               JsonError* error, JsonStrings strings) {
  Parser parser(text, arena, limits, error, strings);
  return parser.parse(out);
}

}  // namespace moat
