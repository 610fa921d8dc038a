#include "documents/yaml_scalars.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <limits>

namespace moat {
namespace {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A decimal float that from_chars found out of range: overflow or underflow,
// told apart by the decimal exponent of the first significant digit.
double out_of_range(std::string_view s, bool negative) {
  int64_t exponent = 0, lead = 0;
  size_t i = 0;
  bool seen_point = false, significant = false;
  for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; ++i) {
    if (s[i] == '.') { seen_point = true; continue; }
    if (!is_digit(s[i])) continue;
    if (s[i] != '0') significant = true;
    if (!seen_point && significant) ++lead;               // integer digits from the first nonzero
    if (seen_point && !significant) --lead;               // zeros right after the point
  }
  if (i < s.size()) {
    bool neg_exp = false;
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg_exp = s[i++] == '-';
    for (; i < s.size(); ++i) exponent = std::min<int64_t>(exponent * 10 + (s[i] - '0'), 1'000'000'000);
    if (neg_exp) exponent = -exponent;
  }
  double mag = exponent + lead > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  return negative ? -mag : mag;
}

// Numbers of the YAML 1.2 core schema (see yaml_reader.h). False: a string.
bool resolve_number(std::string_view s, Value* out) {
  size_t i = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') negative = s[i++] == '-';
  std::string_view body = s.substr(i);
  if (body == ".inf" || body == ".Inf" || body == ".INF") {
    *out = Value::real(negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity());
    return true;
  }
  if (s == ".nan" || s == ".NaN" || s == ".NAN") {
    *out = Value::real(std::numeric_limits<double>::quiet_NaN());
    return true;
  }
  if (i == 0 && s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    int base = s[1] == 'x' ? 16 : 8;
    uint64_t u = 0;
    auto [end, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), u, base);
    if (ec != std::errc() || end != s.data() + s.size() || u > uint64_t{INT64_MAX}) return false;
    *out = Value::integer(static_cast<int64_t>(u));
    return true;
  }
  // [-+]? ( \.[0-9]+ | [0-9]+ (\.[0-9]*)? ) ([eE][-+]?[0-9]+)?
  size_t p = i, int_digits = 0, frac_digits = 0;
  while (p < s.size() && is_digit(s[p])) ++p, ++int_digits;
  bool point = p < s.size() && s[p] == '.';
  if (point) {
    ++p;
    while (p < s.size() && is_digit(s[p])) ++p, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  bool exponent = p < s.size() && (s[p] == 'e' || s[p] == 'E');
  if (exponent) {
    ++p;
    if (p < s.size() && (s[p] == '+' || s[p] == '-')) ++p;
    if (p == s.size() || !is_digit(s[p])) return false;
    while (p < s.size() && is_digit(s[p])) ++p;
  }
  if (p != s.size()) return false;
  const char* digits = s.data() + i;
  const char* end = s.data() + s.size();
  if (!point && !exponent) {
    if (int_digits > 1 && body[0] == '0') return false;  // "0123" stays a string (account ids)
    uint64_t u = 0;
    auto [stop, ec] = std::from_chars(digits, end, u);
    constexpr uint64_t kMinMagnitude = uint64_t{1} << 63;  // |INT64_MIN|
    if (ec == std::errc() && stop == end && (negative ? u <= kMinMagnitude : u < kMinMagnitude)) {
      *out = Value::integer(negative ? static_cast<int64_t>(~u + 1) : static_cast<int64_t>(u));
      return true;
    }
    // Too large for int64: a float, as in the JSON reader.
  }
  double d = 0;
  auto [stop, ec] = std::from_chars(digits, end, d);
  if (ec == std::errc::result_out_of_range) {
    *out = Value::real(out_of_range(body, negative));
    return true;
  }
  if (ec != std::errc() || stop != end) return false;
  *out = Value::real(negative ? -d : d);
  return true;
}

}  // namespace

bool resolve_plain_scalar(std::string_view s, bool yaml11, Value* out) {
  if (s.empty()) {
    *out = Value::null();
    return true;
  }
  auto any = [&](std::initializer_list<std::string_view> words) {
    for (std::string_view w : words)
      if (s == w) return true;
    return false;
  };
  switch (s[0]) {
    case '~':
    case 'n':
    case 'N':
      if (any({"~", "null", "Null", "NULL"})) {
        *out = Value::null();
        return true;
      }
      break;
    case 't': case 'T': case 'f': case 'F': case 'y': case 'Y': case 'o': case 'O':
      break;
    case '+': case '-': case '.': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return resolve_number(s, out);
    default:
      return false;
  }
  if (any({"true", "True", "TRUE"}) || (yaml11 && any({"yes", "Yes", "YES", "on", "On", "ON"}))) {
    *out = Value::boolean(true);
    return true;
  }
  if (any({"false", "False", "FALSE"}) || (yaml11 && any({"no", "No", "NO", "off", "Off", "OFF"}))) {
    *out = Value::boolean(false);
    return true;
  }
  return false;
}

}  // namespace moat
