// Regular expressions (RE2: linear time, no backtracking) and globs.
//
// A pattern written as a literal is compiled once, by the PrepareFn, when the
// policy is compiled; a bad literal is then a compile error at the argument
// instead of an error value on every evaluation. Patterns computed at run
// time go through the evaluation's regex cache.
#include <re2/re2.h>

#include <memory>
#include <string>
#include <vector>

#include "builtins/builtin.h"
#include "builtins/util.h"
#include "value/build.h"

namespace moat {
namespace {

// More matches than any sane policy inspects; past it regex_find_all fails
// loudly rather than building a huge list or silently truncating it.
constexpr size_t kMaxFindAll = 10000;

re2::StringPiece piece(std::string_view s) { return re2::StringPiece(s.data(), s.size()); }

std::unique_ptr<re2::RE2> compile(std::string_view pattern, std::string* error) {
  re2::RE2::Options opts;
  opts.set_log_errors(false);  // errors are reported as values, not on stderr
  auto re = std::make_unique<re2::RE2>(piece(pattern), opts);
  if (!re->ok()) {
    *error = re->error();
    return nullptr;
  }
  return re;
}

// PrepareFn for a builtin whose argument `Pat` is a pattern and, if `Rewrite`
// is not -1, whose argument `Rewrite` is a replacement using \N groups.
template <int Pat, int Rewrite = -1>
std::shared_ptr<const void> prepare_regex(std::span<const Value* const> args, std::string* error) {
  if (args.size() <= Pat || args[Pat] == nullptr || !args[Pat]->is_string()) return nullptr;
  std::unique_ptr<re2::RE2> re = compile(args[Pat]->as_string(), error);
  if (!re) {
    *error = "invalid regular expression: " + *error;
    return nullptr;
  }
  if constexpr (Rewrite >= 0) {
    if (args.size() > Rewrite && args[Rewrite] != nullptr && args[Rewrite]->is_string() &&
        !re->CheckRewriteString(piece(args[Rewrite]->as_string()), error)) {
      *error = "invalid replacement: " + *error;
      return nullptr;
    }
  }
  return std::shared_ptr<const re2::RE2>(std::move(re));
}

// The compiled pattern for this call, or nullptr with *err set.
const re2::RE2* pattern_arg(CallContext& ctx, std::span<const Value> a, size_t i,
                            std::string_view fn, Value* err) {
  if (!a[i].is_string()) {
    *err = ctx.type_error(fn, "pattern", "string", a[i]);
    return nullptr;
  }
  if (const void* p = ctx.prepared()) return static_cast<const re2::RE2*>(p);
  std::string e;
  const re2::RE2* re = ctx.regex(a[i].as_string(), &e);
  if (re == nullptr)
    *err = ctx.error("regex_error", std::string(fn) + ": invalid regular expression: " + e);
  return re;
}

// Offset of a submatch in s. RE2 may report an empty match in empty text
// with a null pointer; `fallback` is the position it must then be at.
size_t offset_in(std::string_view s, const re2::StringPiece& m, size_t fallback) {
  return m.data() == nullptr ? fallback : static_cast<size_t>(m.data() - s.data());
}

Value matches(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("matches", "s", "string", a[0]);
  Value err;
  const re2::RE2* re = pattern_arg(ctx, a, 1, "matches", &err);
  if (re == nullptr) return err;
  return Value::boolean(ctx.partial_match(*re, a[0].as_string()));
}

Value regex_find(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("regex_find", "s", "string", a[0]);
  Value err;
  const re2::RE2* re = pattern_arg(ctx, a, 1, "regex_find", &err);
  if (re == nullptr) return err;
  std::string_view s = a[0].as_string();
  re2::StringPiece m;
  if (!re->Match(piece(s), 0, s.size(), re2::RE2::UNANCHORED, &m, 1))
    return make_missing(ctx.arena(), Value::null(), a[1]);
  return Value::string(s.substr(offset_in(s, m, 0), m.size()));
}

// Calls on_match(start, end) for each successive non-overlapping match, and
// on_skip(start, end) for the text between them, with the conventions of
// RE2::GlobalReplace (and Go, Python): an empty match right where the
// previous match ended is not a match; the scan then steps over one
// character. Returns false when on_match asks to stop.
template <class OnMatch, class OnSkip>
bool for_each_match(const re2::RE2& re, std::string_view s, re2::StringPiece* vec, int nvec,
                    OnMatch on_match, OnSkip on_skip) {
  size_t pos = 0;
  size_t last_end = 0;
  bool any = false;
  while (pos <= s.size()) {
    if (!re.Match(piece(s), pos, s.size(), re2::RE2::UNANCHORED, vec, nvec)) break;
    size_t start = offset_in(s, vec[0], pos);
    size_t end = start + vec[0].size();
    if (start > pos) on_skip(pos, start);
    if (vec[0].empty() && any && start == last_end) {
      if (start >= s.size()) { pos = start; break; }
      size_t next = start + utf8_char_len(s, start);
      on_skip(start, next);
      pos = next;
      continue;
    }
    if (!on_match(start, end)) return false;
    pos = end;
    last_end = end;
    any = true;
  }
  if (pos < s.size()) on_skip(pos, s.size());
  return true;
}

Value regex_find_all(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("regex_find_all", "s", "string", a[0]);
  Value err;
  const re2::RE2* re = pattern_arg(ctx, a, 1, "regex_find_all", &err);
  if (re == nullptr) return err;
  std::string_view s = a[0].as_string();
  std::vector<Value> found;
  re2::StringPiece m;
  bool complete = for_each_match(
      *re, s, &m, 1,
      [&](size_t start, size_t end) {
        if (found.size() == kMaxFindAll) return false;
        found.push_back(Value::string(s.substr(start, end - start)));
        return true;
      },
      [](size_t, size_t) {});
  if (!complete)
    return ctx.error("limit_exceeded", "regex_find_all: more than " +
                                           std::to_string(kMaxFindAll) + " matches");
  return make_list(ctx.arena(), found);
}

Value regex_replace(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("regex_replace", "s", "string", a[0]);
  Value err;
  const re2::RE2* re = pattern_arg(ctx, a, 1, "regex_replace", &err);
  if (re == nullptr) return err;
  if (!a[2].is_string()) return ctx.type_error("regex_replace", "repl", "string", a[2]);
  std::string_view s = a[0].as_string();
  re2::StringPiece rewrite = piece(a[2].as_string());
  std::string e;
  if (!re->CheckRewriteString(rewrite, &e))
    return ctx.error("regex_error", "regex_replace: invalid replacement: " + e);
  // The replacement may quote groups, so the result can far outgrow s: check
  // its size against the budget as it grows.
  int nvec = 1 + re2::RE2::MaxSubmatch(rewrite);
  std::vector<re2::StringPiece> vec(nvec);
  std::string out;
  bool replaced = false;
  bool fits = for_each_match(
      *re, s, vec.data(), nvec,
      [&](size_t, size_t) {
        re->Rewrite(&out, rewrite, vec.data(), nvec);
        replaced = true;
        return reserve_result(ctx, out.size());
      },
      [&](size_t start, size_t end) { out.append(s.substr(start, end - start)); });
  if (!fits) return result_too_large(ctx, "regex_replace");
  if (!replaced) return a[0];
  return make_string(ctx.arena(), out);
}

// --- Globs -----------------------------------------------------------------
//
// `*` any run of characters (including none and including '/'), `?` one
// character, `[abc]`, `[a-z]`, `[!x]` (or `[^x]`) one character of (or not
// of) a class, `\c` the character c. Characters are UTF-8 code points, so `?`
// matches "é" as a whole.

struct GlobToken {
  enum Op : uint8_t { kLiteral, kAnyChar, kStar, kClass } op;
  bool negate = false;
  uint32_t cp = 0;             // kLiteral
  uint32_t first_range = 0;    // kClass: ranges[first_range, first_range + n_ranges)
  uint32_t n_ranges = 0;
};

struct Glob {
  std::vector<GlobToken> tokens;
  std::vector<std::pair<uint32_t, uint32_t>> ranges;  // inclusive

  bool in_class(const GlobToken& t, uint32_t cp) const {
    bool in = false;
    for (uint32_t i = t.first_range; i < t.first_range + t.n_ranges && !in; ++i)
      in = ranges[i].first <= cp && cp <= ranges[i].second;
    return in != t.negate;
  }

  bool token_matches(const GlobToken& t, uint32_t cp) const {
    switch (t.op) {
      case GlobToken::kLiteral: return t.cp == cp;
      case GlobToken::kAnyChar: return true;
      case GlobToken::kClass: return in_class(t, cp);
      case GlobToken::kStar: return false;
    }
    return false;
  }

  // Greedy matching that remembers only the last star: when a later token
  // fails, that star takes one more character and matching resumes after it.
  // Earlier stars never need revisiting (the last one can absorb anything
  // they would), so this is O(len(s) * tokens) with no exponential case.
  bool match(std::string_view s) const {
    const size_t n = tokens.size();
    size_t p = 0, i = 0;
    size_t star = SIZE_MAX, star_i = 0;
    while (i < s.size()) {
      if (p < n && tokens[p].op == GlobToken::kStar) {
        star = p++;
        star_i = i;
        continue;
      }
      if (p < n) {
        size_t len;
        uint32_t cp = utf8_decode(s, i, &len);
        if (token_matches(tokens[p], cp)) {
          ++p;
          i += len;
          continue;
        }
      }
      if (star == SIZE_MAX) return false;
      p = star + 1;
      star_i += utf8_char_len(s, star_i);
      i = star_i;
    }
    while (p < n && tokens[p].op == GlobToken::kStar) ++p;
    return p == n;
  }
};

// Parses a glob; false with *error set on a bad pattern.
bool parse_glob(std::string_view pat, Glob* g, std::string* error) {
  size_t i = 0;
  auto next_char = [&](uint32_t* cp) {
    size_t len;
    *cp = utf8_decode(pat, i, &len);
    i += len;
  };
  // One class member, possibly escaped; false at a trailing backslash.
  auto member = [&](uint32_t* cp) {
    if (pat[i] == '\\') {
      if (++i == pat.size()) return false;
    }
    next_char(cp);
    return true;
  };
  while (i < pat.size()) {
    char c = pat[i];
    GlobToken t{};
    if (c == '*') {
      ++i;
      if (!g->tokens.empty() && g->tokens.back().op == GlobToken::kStar) continue;
      t.op = GlobToken::kStar;
    } else if (c == '?') {
      ++i;
      t.op = GlobToken::kAnyChar;
    } else if (c == '\\') {
      if (++i == pat.size()) { *error = "pattern ends with a lone backslash"; return false; }
      t.op = GlobToken::kLiteral;
      next_char(&t.cp);
    } else if (c == '[') {
      size_t open = i++;
      t.op = GlobToken::kClass;
      if (i < pat.size() && (pat[i] == '!' || pat[i] == '^')) { t.negate = true; ++i; }
      t.first_range = static_cast<uint32_t>(g->ranges.size());
      bool first = true;
      // A ']' right after '[' or '[!' is a member, as in POSIX globs.
      while (i < pat.size() && (pat[i] != ']' || first)) {
        first = false;
        uint32_t lo, hi;
        if (!member(&lo)) break;
        hi = lo;
        if (i + 1 < pat.size() && pat[i] == '-' && pat[i + 1] != ']') {
          ++i;
          if (!member(&hi)) break;
          if (hi < lo) {
            *error = "bad range in character class at offset " + std::to_string(open);
            return false;
          }
        }
        g->ranges.emplace_back(lo, hi);
      }
      if (i >= pat.size()) {
        *error = "unterminated character class at offset " + std::to_string(open);
        return false;
      }
      ++i;  // ']'
      t.n_ranges = static_cast<uint32_t>(g->ranges.size()) - t.first_range;
    } else {
      t.op = GlobToken::kLiteral;
      next_char(&t.cp);
    }
    g->tokens.push_back(t);
  }
  return true;
}

std::shared_ptr<const void> prepare_glob(std::span<const Value* const> args, std::string* error) {
  if (args.size() < 2 || args[1] == nullptr || !args[1]->is_string()) return nullptr;
  auto g = std::make_shared<Glob>();
  if (!parse_glob(args[1]->as_string(), g.get(), error)) {
    *error = "invalid glob: " + *error;
    return nullptr;
  }
  return std::shared_ptr<const Glob>(std::move(g));
}

Value glob_match(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("glob_match", "s", "string", a[0]);
  if (!a[1].is_string()) return ctx.type_error("glob_match", "pattern", "string", a[1]);
  if (const void* p = ctx.prepared())
    return Value::boolean(static_cast<const Glob*>(p)->match(a[0].as_string()));
  Glob g;
  std::string e;
  if (!parse_glob(a[1].as_string(), &g, &e))
    return ctx.error("glob_error", "glob_match: invalid glob: " + e);
  return Value::boolean(g.match(a[0].as_string()));
}

}  // namespace

void register_regex_builtins(BuiltinRegistry& r) {
  const Type S = Type::kString;
  r.add({.name = "matches", .family = "regex", .params = {{"s", S}, {"pattern", S}},
         .result = Type::kBool,
         .summary = "Whether pattern (RE2 syntax) matches somewhere in s; anchor with ^ and $, "
                    "(?i) for case-insensitive",
         .example = "matches(\"prod-db-01\", r\"^prod-\\w+-\\d+$\") and matches(\"ABC\", \"(?i)b\")",
         .fn = matches, .prepare = prepare_regex<1>});
  r.add({.name = "regex_find", .family = "regex", .params = {{"s", S}, {"pattern", S}},
         .result = S,
         .summary = "The first match of pattern in s, or a missing value when there is none",
         .example = "regex_find(\"v1.24.3\", r\"\\d+\\.\\d+\") == \"1.24\" and "
                    "is_missing(regex_find(\"abc\", r\"\\d\"))",
         .fn = regex_find, .prepare = prepare_regex<1>});
  r.add({.name = "regex_find_all", .family = "regex", .params = {{"s", S}, {"pattern", S}},
         .result = Type::kList,
         .summary = "Every non-overlapping match of pattern in s, in order (an error past 10000 "
                    "matches)",
         .example = "regex_find_all(\"a1b22c333\", r\"\\d+\") == [\"1\", \"22\", \"333\"]",
         .fn = regex_find_all, .prepare = prepare_regex<1>});
  r.add({.name = "regex_replace", .family = "regex",
         .params = {{"s", S}, {"pattern", S}, {"repl", S}}, .result = S,
         .summary = "s with every match of pattern replaced by repl, where \\0 is the match and "
                    "\\1 to \\9 its groups",
         .example = "regex_replace(\"key=value\", r\"(\\w+)=(\\w+)\", r\"\\2=\\1\") == "
                    "\"value=key\"",
         .fn = regex_replace, .prepare = prepare_regex<1, 2>});
  r.add({.name = "glob_match", .family = "regex", .params = {{"s", S}, {"pattern", S}},
         .result = Type::kBool,
         .summary = "Whether all of s matches the glob pattern: * any run of characters, ? one "
                    "character, [a-z] [!x] classes, \\ escapes",
         .example = "glob_match(\"arn:aws:s3:::logs-2024\", \"arn:aws:s3:::logs-*\") and "
                    "glob_match(\"b1\", \"[a-c]?\")",
         .fn = glob_match, .prepare = prepare_glob});
}

}  // namespace moat
