#include "documents/events/normalize.h"

#include <cstdint>

#include "documents/events/decoders.h"
#include "value/utf8.h"

namespace moat::events {
namespace {

// The text grows by at most a factor of 3 per entity/escape step (an
// unknown reference is kept as is), but a 4 MiB cap on each field's forms
// keeps a hostile field from costing more than its decoded value already did.
constexpr size_t kMaxFormBytes = 4u << 20;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}


// One round of percent-decoding: %XX, %uXXXX (IIS-style, CRS urlDecodeUni),
// and '+' as space when the text is form-encoded (holds a valid escape):
// in text that is not ("9999'+(select ...", "c++") a '+' is itself.
// Malformed escapes stay as they are.
std::string url_decode_uni(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c == '%' && i + 5 < in.size() && (in[i + 1] == 'u' || in[i + 1] == 'U') &&
               hex_value(in[i + 2]) >= 0 && hex_value(in[i + 3]) >= 0 && hex_value(in[i + 4]) >= 0 &&
               hex_value(in[i + 5]) >= 0) {
      uint32_t cp = 0;
      for (int k = 2; k <= 5; ++k) cp = cp * 16 + static_cast<uint32_t>(hex_value(in[i + k]));
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
      append_utf8(cp, out);
      i += 5;
    } else if (c == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

struct NamedEntity {
  std::string_view name;
  char c;
};
// The references that spell characters with a syntactic role in the
// injection grammars (HTML5 names).
constexpr NamedEntity kEntities[] = {
    {"lt", '<'},    {"gt", '>'},    {"amp", '&'},    {"quot", '"'},  {"apos", '\''}, {"sol", '/'},
    {"bsol", '\\'}, {"period", '.'}, {"colon", ':'}, {"semi", ';'},  {"lpar", '('},  {"rpar", ')'},
    {"grave", '`'}, {"dollar", '$'}, {"verbar", '|'}, {"vert", '|'}, {"nbsp", ' '},  {"newline", '\n'},
    {"tab", '\t'},  {"num", '#'},   {"equals", '='}, {"lowbar", '_'}, {"lbrace", '{'}, {"rbrace", '}'},
};

std::string html_decode(std::string_view in) {
  if (in.find('&') == std::string_view::npos) return std::string(in);
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '&') {
      out.push_back(in[i]);
      continue;
    }
    size_t j = i + 1;
    if (j < in.size() && in[j] == '#') {
      bool hex = j + 1 < in.size() && (in[j + 1] == 'x' || in[j + 1] == 'X');
      size_t k = j + (hex ? 2 : 1);
      uint32_t cp = 0;
      size_t digits = 0;
      while (k < in.size() && digits < 8) {
        int d = hex ? hex_value(in[k]) : (in[k] >= '0' && in[k] <= '9' ? in[k] - '0' : -1);
        if (d < 0) break;
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
        ++k;
        ++digits;
      }
      if (digits > 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)) {
        append_utf8(cp, out);
        i = k < in.size() && in[k] == ';' ? k : k - 1;  // the ';' is optional, as browsers accept
        continue;
      }
    } else {
      size_t k = j;
      while (k < in.size() && k - j < 8 && ((in[k] | 0x20) >= 'a' && (in[k] | 0x20) <= 'z')) ++k;
      if (k < in.size() && in[k] == ';') {
        std::string name(in.substr(j, k - j));
        for (char& ch : name) ch = static_cast<char>(ch | 0x20);
        bool found = false;
        for (const NamedEntity& e : kEntities)
          if (e.name == name) {
            out.push_back(e.c);
            found = true;
            break;
          }
        if (found) {
          i = k;
          continue;
        }
      }
    }
    out.push_back('&');
  }
  return out;
}

// ASCII for the lookalike code points of step 3, or 0 to keep the character.
uint32_t fold_code_point(uint32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFF01 + 0x21;   // fullwidth ASCII
  if (cp == 0x3002 || cp == 0xFF61 || cp == 0x2024) return '.';   // ideographic / halfwidth full stop, one dot leader
  if (cp >= 0x2460 && cp <= 0x2468) return '1' + (cp - 0x2460);   // circled 1..9
  if (cp == 0x24EA || cp == 0x24FF) return '0';                   // circled / negative circled zero
  if (cp >= 0x24B6 && cp <= 0x24CF) return 'a' + (cp - 0x24B6);   // circled capital letters
  if (cp >= 0x24D0 && cp <= 0x24E9) return 'a' + (cp - 0x24D0);   // circled small letters
  if (cp >= 0x2776 && cp <= 0x277E) return '1' + (cp - 0x2776);   // dingbat negative circled 1..9
  if (cp == 0x2215 || cp == 0x2044 || cp == 0xEFC8 || cp == 0xF025) return '/';  // CRS 930100 slashes
  if (cp == 0xFE68 || cp == 0x2216) return '\\';                  // small reverse solidus, set minus
  if (cp == 0x00A0 || cp == 0x3000) return ' ';                   // no-break space, ideographic space
  return 0;
}

// Steps 3 and 4 in one pass.
std::string fold(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size();) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      if (c != 0) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : static_cast<char>(c));
      ++i;
      continue;
    }
    // Overlong two-byte forms of ASCII (C0/C1 lead bytes) are what %c0%ae
    // decodes to; old decoders (IIS) read them as the ASCII character, and
    // kept only the low six bits of the second byte, so %c0%2f is '/' too
    // (CRS 930100 lists both spellings).
    // A C0/C1 before an ASCII byte ("%c0%5c") is dropped, as lenient
    // decoders do, leaving the ASCII byte.
    unsigned char next = i + 1 < in.size() ? static_cast<unsigned char>(in[i + 1]) : 0;
    if ((c == 0xC0 || c == 0xC1) && i + 1 < in.size()) {
      char a = static_cast<char>(next < 0x80 ? next : ((c & 0x1F) << 6) | (next & 0x3F));
      if (a != 0) out.push_back(a >= 'A' && a <= 'Z' ? static_cast<char>(a | 0x20) : a);
      i += 2;
      continue;
    }
    // Longer overlong forms of ASCII (%e0%80%ae, %f0%80%80%af, and the 5-
    // and 6-byte %f8.. %fc.. sequences of old UTF-8): decoded to the ASCII
    // character, as the decoders they target did (dotdotpwn's encodings).
    if (c == 0xE0 || c == 0xF0 || c == 0xF8 || c == 0xFC) {
      size_t len = c == 0xE0 ? 3 : c == 0xF0 ? 4 : c == 0xF8 ? 5 : 6;
      bool overlong = i + len <= in.size();
      uint32_t v = 0;
      for (size_t k = 1; overlong && k < len; ++k) {
        unsigned char b = static_cast<unsigned char>(in[i + k]);
        overlong = (b & 0xC0) == 0x80;
        v = (v << 6) | (b & 0x3F);
      }
      if (overlong && v < 0x80) {
        if (v != 0) out.push_back(v >= 'A' && v <= 'Z' ? static_cast<char>(v | 0x20) : static_cast<char>(v));
        i += len;
        continue;
      }
    }
    size_t n = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = n != 0 && i + n <= in.size();
    uint32_t cp = c & (0x7Fu >> n);
    for (size_t k = 1; valid && k < n; ++k) {
      unsigned char b = static_cast<unsigned char>(in[i + k]);
      valid = (b & 0xC0) == 0x80;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (!valid) {  // kept byte for byte: the loader already made values valid UTF-8
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    uint32_t a = fold_code_point(cp);
    if (a != 0) {
      out.push_back(static_cast<char>(a));
    } else {
      out.append(in.substr(i, n));
    }
    i += n;
  }
  return out;
}

}  // namespace

std::string normalize_text(std::string_view raw) {
  if (raw.size() > kMaxFormBytes) raw = raw.substr(0, kMaxFormBytes);
  std::string s(raw);
  for (int round = 0; round < 3; ++round) {
    bool form = false;  // a valid %XX escape: the text is percent-encoded
    for (size_t i = 0; i + 2 < s.size() && !form; ++i)
      form = s[i] == '%' && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0;
    if (!form && s.find("%u") == std::string::npos && s.find("%U") == std::string::npos) break;
    std::string next = url_decode_uni(s, form);
    if (next == s) break;
    s = std::move(next);
  }
  s = html_decode(s);
  s = fold(s);
  // Percent-decoding makes arbitrary bytes (%c0 alone, %ff): findings quote
  // this text and reports must stay valid UTF-8.
  repair_utf8(&s);
  return s;
}

std::string sql_form(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  auto space = [&out] {
    if (!out.empty() && out.back() != ' ') out.push_back(' ');
  };
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '/' && i + 1 < in.size() && in[i + 1] == '*') {
      // MySQL runs the body of /*! ... */ and /*!50000 ... */: keep it.
      if (i + 2 < in.size() && in[i + 2] == '!') {
        i += 3;
        while (i < in.size() && in[i] >= '0' && in[i] <= '9') ++i;
        --i;
        space();
        continue;
      }
      size_t end = in.find("*/", i + 2);
      i = end == std::string_view::npos ? in.size() : end + 1;
      space();
      continue;
    }
    if (c == '*' && i + 1 < in.size() && in[i + 1] == '/') {  // the end of a kept /*! body
      ++i;
      space();
      continue;
    }
    if ((c == '-' && i + 1 < in.size() && in[i + 1] == '-') || c == '#') {
      size_t end = in.find('\n', i);
      i = end == std::string_view::npos ? in.size() : end;
      space();
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      space();
      continue;
    }
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace moat::events
