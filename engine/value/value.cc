#include "value/value.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <charconv>
#include <bit>
#include <cmath>
#include <cstdio>

namespace moat {

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kFloat: return "float";
    case Kind::kString: return "string";
    case Kind::kList: return "list";
    case Kind::kMap: return "map";
    case Kind::kMissing: return "missing";
    case Kind::kUnknown: return "unknown";
    case Kind::kError: return "error";
  }
  return "?";
}

namespace {
int kind_rank(Kind k) {
  switch (k) {
    case Kind::kNull: return 0;
    case Kind::kBool: return 1;
    case Kind::kInt:
    case Kind::kFloat: return 2;
    case Kind::kString: return 3;
    case Kind::kList: return 4;
    case Kind::kMap: return 5;
    case Kind::kMissing: return 6;
    case Kind::kUnknown: return 7;
    case Kind::kError: return 8;
  }
  return 9;
}

// An int against a float, exactly: converting the int to a double would
// make 2^53 + 1 equal to 2^53. `d` is not NaN.
int compare_int_float(int64_t i, double d) {
  if (d >= 9223372036854775808.0) return -1;  // 2^63: above every int64
  if (d < -9223372036854775808.0) return 1;
  double t = std::trunc(d);  // now exactly representable as an int64
  int64_t ti = static_cast<int64_t>(t);
  if (i != ti) return i < ti ? -1 : 1;
  return d > t ? -1 : (d < t ? 1 : 0);
}

int compare_numbers(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() < b.as_int() ? -1 : (a.as_int() > b.as_int() ? 1 : 0);
  double x = a.as_number(), y = b.as_number();
  if (std::isnan(x) || std::isnan(y)) return std::isnan(x) - std::isnan(y);
  if (a.is_int()) return compare_int_float(a.as_int(), y);
  if (b.is_int()) return -compare_int_float(b.as_int(), x);
  return x < y ? -1 : (x > y ? 1 : 0);
}
}  // namespace

bool values_equal(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
    if (std::isnan(a.as_number()) || std::isnan(b.as_number())) return false;
    return compare_numbers(a, b) == 0;
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::kNull: return true;
    case Kind::kBool: return a.as_bool() == b.as_bool();
    case Kind::kString: return a.as_string() == b.as_string();
    case Kind::kList: {
      const ListRep& x = a.as_list();
      const ListRep& y = b.as_list();
      if (&x == &y) return true;
      if (x.size != y.size) return false;
      for (uint32_t i = 0; i < x.size; ++i)
        if (!values_equal(x.items[i], y.items[i])) return false;
      return true;
    }
    case Kind::kMap: {
      const MapRep& x = a.as_map();
      const MapRep& y = b.as_map();
      if (&x == &y) return true;
      if (x.size != y.size) return false;
      for (const Member& m : x) {
        const Value* o = y.find(m.key.as_string());
        if (o == nullptr || !values_equal(m.value, *o)) return false;
      }
      return true;
    }
    default: return false;
  }
}

int compare_values(const Value& a, const Value& b) {
  int ra = kind_rank(a.kind()), rb = kind_rank(b.kind());
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.kind()) {
    case Kind::kNull: return 0;
    case Kind::kBool: return int(a.as_bool()) - int(b.as_bool());
    case Kind::kInt:
    case Kind::kFloat: return compare_numbers(a, b);
    case Kind::kString: {
      int c = a.as_string().compare(b.as_string());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case Kind::kList: {
      const ListRep& x = a.as_list();
      const ListRep& y = b.as_list();
      for (uint32_t i = 0; i < x.size && i < y.size; ++i)
        if (int c = compare_values(x.items[i], y.items[i])) return c;
      return x.size < y.size ? -1 : (x.size > y.size ? 1 : 0);
    }
    case Kind::kMap: {
      const MapRep& x = a.as_map();
      const MapRep& y = b.as_map();
      for (uint32_t i = 0; i < x.size && i < y.size; ++i) {
        if (int c = compare_values(x.members[i].key, y.members[i].key)) return c;
        if (int c = compare_values(x.members[i].value, y.members[i].value)) return c;
      }
      return x.size < y.size ? -1 : (x.size > y.size ? 1 : 0);
    }
    default: return 0;
  }
}

namespace {
void write_string(std::string_view s, std::string& out) {
  out.push_back('"');
  // Plain bytes are copied a run at a time; only the few that need an
  // escape are looked at one by one (reports are mostly such strings).
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
#ifdef __SSE2__
    // Sixteen bytes at a time while none needs an escape.
    while (s.size() - i >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      const __m128i special = _mm_or_si128(
          _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
          _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F)));  // v <= 0x1F
      if (const int bits = _mm_movemask_epi8(special)) {
        i += static_cast<size_t>(std::countr_zero(static_cast<unsigned>(bits)));
        break;
      }
      i += 16;
    }
    if (i >= s.size()) break;
#endif
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void write_float(double d, std::string& out) {
  if (std::isnan(d) || std::isinf(d)) { out += "null"; return; }
  // Shortest text that reads back as the same double.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  std::string_view s(buf, static_cast<size_t>(res.ptr - buf));
  out += s;
  if (s.find_first_of(".eE") == std::string_view::npos) out += ".0";
}
}  // namespace

void write_json(const Value& v, std::string& out) {
  switch (v.kind()) {
    case Kind::kNull: out += "null"; break;
    case Kind::kBool: out += v.as_bool() ? "true" : "false"; break;
    case Kind::kInt: out += std::to_string(v.as_int()); break;
    case Kind::kFloat: write_float(v.as_float(), out); break;
    case Kind::kString: write_string(v.as_string(), out); break;
    case Kind::kList: {
      out.push_back('[');
      bool first = true;
      for (const Value& item : v.as_list()) {
        if (!first) out.push_back(',');
        first = false;
        write_json(item, out);
      }
      out.push_back(']');
      break;
    }
    case Kind::kMap: {
      out.push_back('{');
      bool first = true;
      for (const Member& m : v.as_map()) {
        if (!first) out.push_back(',');
        first = false;
        write_string(m.key.as_string(), out);
        out.push_back(':');
        write_json(m.value, out);
      }
      out.push_back('}');
      break;
    }
    case Kind::kMissing: write_string("<missing>", out); break;
    case Kind::kUnknown: write_string("<unknown: " + std::string(v.as_unknown().reason) + ">", out); break;
    case Kind::kError: write_string("<error: " + std::string(v.as_error().message) + ">", out); break;
  }
}

std::string to_json(const Value& v) {
  std::string out;
  write_json(v, out);
  return out;
}

void append_display(const Value& v, std::string& out) {
  switch (v.kind()) {
    case Kind::kString: out.append(v.as_string()); break;
    case Kind::kMissing: out += "<missing>"; break;
    case Kind::kUnknown: out += "<unknown>"; break;
    case Kind::kError: out += "<error>"; break;
    default: write_json(v, out);
  }
}

}  // namespace moat
