// Encodings found inside configuration: base64 (user data, inline policies),
// URL and HTML escapes, JSON embedded in strings (IAM policy documents in
// CloudFormation, `jsonencode` output in Terraform plans).
//
// Bad input is an error value ("decode_error"), never a crash; decoded bytes
// need not be UTF-8.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "builtins/builtin.h"
#include "builtins/util.h"
#include "value/build.h"

namespace moat {
namespace {

// --- base64 ----------------------------------------------------------------

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Value of a base64 digit in either alphabet (standard "+/" or URL-safe
// "-_"), or -1.
int base64_digit(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

Value base64_decode(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("base64_decode", "s", "string", a[0]);
  std::string_view s = a[0].as_string();
  size_t pad = 0;
  while (pad < s.size() && pad < 2 && s[s.size() - 1 - pad] == '=') ++pad;
  std::string_view body = s.substr(0, s.size() - pad);
  auto bad = [&](const std::string& why) {
    return ctx.error("decode_error", "base64_decode: " + why);
  };
  // Padding is optional, but when present it must complete the last quantum.
  if ((pad > 0 && s.size() % 4 != 0) || body.size() % 4 == 1) return bad("invalid length");
  std::string out;
  out.reserve(body.size() / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    int d = base64_digit(static_cast<unsigned char>(body[i]));
    if (d < 0) return bad("invalid character at offset " + std::to_string(i));
    acc = (acc << 6) | static_cast<uint32_t>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return make_string(ctx.arena(), out);
}

Value base64_encode(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("base64_encode", "s", "string", a[0]);
  std::string_view s = a[0].as_string();
  size_t total = (s.size() + 2) / 3 * 4;
  if (!reserve_result(ctx, total)) return result_too_large(ctx, "base64_encode");
  std::string out;
  out.reserve(total);
  auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[i])); };
  size_t i = 0;
  for (; i + 3 <= s.size(); i += 3) {
    uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int k = 18; k >= 0; k -= 6) out.push_back(kBase64[(v >> k) & 63]);
  }
  if (size_t rest = s.size() - i) {
    uint32_t v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
    out.push_back(kBase64[(v >> 18) & 63]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kBase64[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return make_string(ctx.arena(), out);
}

// --- URL -------------------------------------------------------------------

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Value url_decode(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("url_decode", "s", "string", a[0]);
  std::string_view s = a[0].as_string();
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 &&
               hex_digit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2])));
      i += 2;
    } else {
      // A '%' not followed by two hex digits is kept: decoding is lenient
      // because the input is data, not something a policy author controls.
      out.push_back(s[i]);
    }
  }
  return make_string(ctx.arena(), out);
}

Value url_encode(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("url_encode", "s", "string", a[0]);
  std::string_view s = a[0].as_string();
  std::string out;
  for (char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      // Space becomes %20, not '+', so the result is right in a path as well
      // as in a query.
      auto b = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back("0123456789ABCDEF"[b >> 4]);
      out.push_back("0123456789ABCDEF"[b & 15]);
    }
  }
  if (!reserve_result(ctx, out.size())) return result_too_large(ctx, "url_encode");
  return make_string(ctx.arena(), out);
}

// --- HTML ------------------------------------------------------------------

// Decodes the entity starting at s[i] == '&' into out; returns its length,
// or 0 when it is not one (the '&' is then kept as text).
size_t html_entity(std::string_view s, size_t i, std::string& out) {
  size_t semi = s.find(';', i + 1);
  // The longest entity handled, "&#x10FFFF;" with leading zeros allowed, is
  // still short; looking no further keeps a text full of '&' linear.
  if (semi == std::string_view::npos || semi - i > 32) return 0;
  std::string_view name = s.substr(i + 1, semi - i - 1);
  static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
      {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", "\xC2\xA0"}};
  for (const auto& [n, text] : kNamed)
    if (name == n) { out.append(text); return semi - i + 1; }
  if (name.size() < 2 || name[0] != '#') return 0;
  bool hex = name[1] == 'x' || name[1] == 'X';
  std::string_view digits = name.substr(hex ? 2 : 1);
  if (digits.empty()) return 0;
  uint32_t cp = 0;
  for (char c : digits) {
    int d = hex ? hex_digit(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
    if (d < 0) return 0;
    cp = std::min<uint32_t>(cp * (hex ? 16 : 10) + static_cast<uint32_t>(d), 0x110000);
  }
  // As in HTML: code points that cannot be characters become U+FFFD.
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  append_utf8(cp, out);
  return semi - i + 1;
}

Value html_unescape(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("html_unescape", "s", "string", a[0]);
  std::string_view s = a[0].as_string();
  if (s.find('&') == std::string_view::npos) return a[0];
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      if (size_t n = html_entity(s, i, out)) { i += n - 1; continue; }
    }
    out.push_back(s[i]);
  }
  return make_string(ctx.arena(), out);
}

// --- JSON ------------------------------------------------------------------

// Recursive descent over the text, building values in the call's arena.
// Nesting is limited so that hostile input cannot exhaust the stack.
class JsonParser {
 public:
  static constexpr int kMaxDepth = 256;

  JsonParser(CallContext& ctx, std::string_view text) : ctx_(ctx), s_(text) {}

  Value parse() {
    Value v;
    skip_space();
    if (!value(&v, 0)) return failure();
    skip_space();
    if (i_ != s_.size()) {
      fail("unexpected text after the value");
      return failure();
    }
    return v;
  }

 private:
  bool fail(std::string_view what, std::string_view code = "decode_error") {
    if (message_.empty()) {
      code_ = code;
      message_ = "json_parse: " + std::string(what) + " at offset " + std::to_string(i_);
    }
    return false;
  }

  Value failure() { return ctx_.error(code_, message_); }

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }

  bool literal(std::string_view word, Value v, Value* out) {
    if (s_.substr(i_, word.size()) != word) return fail("invalid literal");
    i_ += word.size();
    *out = v;
    return true;
  }

  bool value(Value* out, int depth) {
    if (i_ >= s_.size()) return fail("unexpected end of text");
    switch (s_[i_]) {
      case '{': return object(out, depth + 1);
      case '[': return array(out, depth + 1);
      case '"': return string(out);
      case 't': return literal("true", Value::boolean(true), out);
      case 'f': return literal("false", Value::boolean(false), out);
      case 'n': return literal("null", Value::null(), out);
      default: return number(out);
    }
  }

  bool array(Value* out, int depth) {
    if (depth > kMaxDepth) return fail("nesting deeper than 256", "depth_limit");
    ++i_;  // '['
    std::vector<Value> items;
    skip_space();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      *out = make_list(ctx_.arena(), items);
      return true;
    }
    for (;;) {
      Value v;
      skip_space();
      if (!value(&v, depth)) return false;
      items.push_back(v);
      skip_space();
      if (i_ >= s_.size()) return fail("unterminated array");
      if (s_[i_] == ']') { ++i_; break; }
      if (s_[i_] != ',') return fail("expected ',' or ']'");
      ++i_;
    }
    *out = make_list(ctx_.arena(), items);
    return true;
  }

  bool object(Value* out, int depth) {
    if (depth > kMaxDepth) return fail("nesting deeper than 256", "depth_limit");
    ++i_;  // '{'
    std::vector<Member> members;
    skip_space();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      *out = make_map(ctx_.arena(), members);
      return true;
    }
    for (;;) {
      Member m;
      skip_space();
      if (i_ >= s_.size() || s_[i_] != '"') return fail("expected a string key");
      if (!string(&m.key)) return false;
      skip_space();
      if (i_ >= s_.size() || s_[i_] != ':') return fail("expected ':'");
      ++i_;
      skip_space();
      if (!value(&m.value, depth)) return false;
      members.push_back(m);
      skip_space();
      if (i_ >= s_.size()) return fail("unterminated object");
      if (s_[i_] == '}') { ++i_; break; }
      if (s_[i_] != ',') return fail("expected ',' or '}'");
      ++i_;
    }
    // A repeated key keeps its first position and its last value, as most
    // JSON readers do.
    *out = make_map(ctx_.arena(), members);
    return true;
  }

  bool hex4(uint32_t* cp) {
    if (i_ + 4 > s_.size()) return fail("truncated \\u escape");
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      int d = hex_digit(s_[i_ + k]);
      if (d < 0) return fail("invalid \\u escape");
      v = v * 16 + static_cast<uint32_t>(d);
    }
    i_ += 4;
    *cp = v;
    return true;
  }

  bool string(Value* out) {
    ++i_;  // '"'
    size_t start = i_;
    // Without escapes the value is the text itself: no copy.
    while (i_ < s_.size() && s_[i_] != '"' && s_[i_] != '\\' &&
           static_cast<unsigned char>(s_[i_]) >= 0x20)
      ++i_;
    if (i_ < s_.size() && s_[i_] == '"') {
      *out = Value::string(s_.substr(start, i_ - start));
      ++i_;
      return true;
    }
    std::string text(s_.substr(start, i_ - start));
    while (i_ < s_.size() && s_[i_] != '"') {
      unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c < 0x20) return fail("control character in string");
      if (c != '\\') { text.push_back(static_cast<char>(c)); ++i_; continue; }
      if (++i_ >= s_.size()) break;
      char e = s_[i_++];
      switch (e) {
        case '"': text.push_back('"'); break;
        case '\\': text.push_back('\\'); break;
        case '/': text.push_back('/'); break;
        case 'b': text.push_back('\b'); break;
        case 'f': text.push_back('\f'); break;
        case 'n': text.push_back('\n'); break;
        case 'r': text.push_back('\r'); break;
        case 't': text.push_back('\t'); break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(&cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return fail("unpaired surrogate in \\u escape");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo = 0;
            if (s_.substr(i_, 2) != "\\u") return fail("unpaired surrogate in \\u escape");
            i_ += 2;
            if (!hex4(&lo)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return fail("unpaired surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          append_utf8(cp, text);
          break;
        }
        default: --i_; return fail("invalid escape");
      }
    }
    if (i_ >= s_.size()) return fail("unterminated string");
    ++i_;  // '"'
    *out = make_string(ctx_.arena(), text);
    return true;
  }

  bool number(Value* out) {
    size_t start = i_;
    auto digits = [&] {
      size_t from = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      return i_ > from;
    };
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ < s_.size() && s_[i_] == '0') {
      ++i_;
    } else if (!digits()) {
      i_ = start;
      return fail("unexpected character");
    }
    bool is_float = false;
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (!digits()) return fail("digits expected after '.'");
      is_float = true;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!digits()) return fail("digits expected in exponent");
      is_float = true;
    }
    const char* b = s_.data() + start;
    const char* e = s_.data() + i_;
    if (!is_float) {
      int64_t n;
      auto r = std::from_chars(b, e, n);
      if (r.ec == std::errc() && r.ptr == e) {
        *out = Value::integer(n);
        return true;
      }
      // Too large for int64: read it as a float, like JavaScript would.
    }
    double d;
    auto r = std::from_chars(b, e, d);
    if (r.ec == std::errc::result_out_of_range) {
      d = std::strtod(std::string(b, e).c_str(), nullptr);
      if (std::isinf(d)) {
        i_ = start;
        return fail("number out of range");
      }
    } else if (r.ec != std::errc() || r.ptr != e) {
      i_ = start;
      return fail("invalid number");
    }
    *out = Value::real(d);
    return true;
  }

  CallContext& ctx_;
  std::string_view s_;
  size_t i_ = 0;
  std::string_view code_ = "decode_error";
  std::string message_;
};

Value json_parse(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("json_parse", "s", "string", a[0]);
  return JsonParser(ctx, a[0].as_string()).parse();
}

Value json_encode(CallContext& ctx, std::span<const Value> a) {
  if (const Value* u = first_undefined_deep(a)) return *u;
  std::string out = to_json(a[0]);
  if (!reserve_result(ctx, out.size())) return result_too_large(ctx, "json_encode");
  return make_string(ctx.arena(), out);
}

BuiltinDef def(std::string_view name, Param param, Type result, BuiltinFn fn,
               std::string_view summary, std::string_view example) {
  return {.name = name, .family = "encodings", .params = {param}, .result = result,
          .summary = summary, .example = example, .fn = fn};
}

}  // namespace

void register_encoding_builtins(BuiltinRegistry& r) {
  const Type S = Type::kString;
  const Param s{"s", S};
  r.add(def("base64_decode", s, S, base64_decode,
            "The bytes encoded by s in base64 (standard or URL-safe alphabet, padding optional)",
            "base64_decode(\"aGk=\") == \"hi\" and base64_decode(\"aGk\") == \"hi\""));
  r.add(def("base64_encode", s, S, base64_encode, "s encoded in standard base64 with padding",
            "base64_encode(\"hi\") == \"aGk=\""));
  r.add(def("url_decode", s, S, url_decode,
            "s with %XX escapes decoded and '+' read as a space (malformed escapes kept as is)",
            "url_decode(\"a%20b+c\") == \"a b c\""));
  r.add(def("url_encode", s, S, url_encode,
            "s with every byte other than A-Z a-z 0-9 - _ . ~ written as %XX",
            "url_encode(\"a b/c\") == \"a%20b%2Fc\""));
  r.add(def("html_unescape", s, S, html_unescape,
            "s with the entities &amp; &lt; &gt; &quot; &apos; &nbsp; &#N; &#xN; decoded",
            "html_unescape(\"&lt;b&gt; &amp; &#65;\") == \"<b> & A\""));
  r.add(def("json_parse", s, Type::kAny, json_parse,
            "The value in JSON text s (integers that fit 64 bits are ints, other numbers floats; "
            "nesting is limited to 256 levels)",
            "json_parse(\"{\\\"a\\\": [1, 2.5]}\") == {a: [1, 2.5]}"));
  r.add(def("json_encode", {"x", Type::kAny}, S, json_encode, "x as compact JSON text",
            "json_encode({a: [1, \"b\"]}) == \"{\\\"a\\\":[1,\\\"b\\\"]}\""));
}

}  // namespace moat
