// Policies written to break the compiler: each must yield diagnostics,
// quickly and without a crash, through the public Engine::compile().
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "moat/moat.h"

namespace moat {
namespace {

struct Compiled {
  bool ok = false;
  size_t errors = 0;
  std::vector<std::string> messages;  // "line:col: message" of each error
  std::string formatted;
};

Compiled compile(const std::string& text, CompileOptions options = {}) {
  Engine engine(options);
  engine.add_source("hostile.moat", text);
  CompileResult r = engine.compile();
  Compiled c;
  c.ok = r.ok();
  c.errors = r.diagnostics.error_count();
  for (const Diagnostic& d : r.diagnostics.items()) {
    if (d.severity != Severity::kError) continue;
    LineCol lc = r.sources->file(d.range.file).line_col(d.range.begin);
    c.messages.push_back(std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": " + d.message);
  }
  c.formatted = r.format_diagnostics();
  return c;
}

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string first(const Compiled& c) { return c.messages.empty() ? "(no error)" : c.messages[0]; }

constexpr size_t kN = 100'000;

TEST(HostilePolicy, InvalidUtf8) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"package p\nlet A = \"\xff\"\n", "2:10: invalid UTF-8 byte 0xff in policy source"},
      {"package p\nlet A = \"\xc0\xaf\"\n", "2:10: invalid UTF-8 byte 0xc0 in policy source"},          // overlong '/'
      {"package p\nlet A = \"\xed\xa0\x80\"\n", "2:10: invalid UTF-8 byte 0xed in policy source"},      // surrogate
      {"package p\nlet A = \"caf\xc3\xa9\" # \xe2\x82\n", "2:18: invalid UTF-8 byte 0xe2 in policy source"},  // truncated
      {"\x80package p\n", "1:1: invalid UTF-8 byte 0x80 in policy source"},
  };
  for (const auto& [text, want] : cases) {
    Compiled c = compile(text);
    EXPECT_FALSE(c.ok);
    EXPECT_EQ(c.errors, 1u);
    EXPECT_EQ(first(c), want);
    EXPECT_FALSE(c.formatted.empty());
  }
}

TEST(HostilePolicy, EmptyAndBlankFiles) {
  for (std::string text : {"", "   ", "\n\n\t\r\n"}) {
    Compiled c = compile(text);
    EXPECT_FALSE(c.ok);
    EXPECT_EQ(first(c), "1:1: empty policy file: expected 'package <name>'");
  }
  Compiled comment_only = compile("# nothing but a comment\n");
  EXPECT_FALSE(comment_only.ok);
  EXPECT_EQ(first(comment_only), "2:1: mismatched input 'end of file' expecting 'package'");
}

TEST(HostilePolicy, OversizedPolicy) {
  const std::string big = "package p\n" + repeat("# padding padding padding padding padding padding padding\n", 200'000);
  ASSERT_GT(big.size(), 10u << 20);
  Compiled c = compile(big);
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.errors, 1u);
  EXPECT_EQ(first(c), "1:1: policy file is " + std::to_string(big.size()) +
                          " bytes; the limit is 4194304 (--max-policy-bytes)");

  // A lower limit applies the same way.
  CompileOptions small;
  small.limits.max_policy_bytes = 100;
  Compiled d = compile("package p\n" + repeat("let A = 1\n", 20), small);
  EXPECT_EQ(first(d), "1:1: policy file is 210 bytes; the limit is 100 (--max-policy-bytes)");

  // Reading the file refuses it before loading it.
  std::filesystem::path path = std::filesystem::temp_directory_path() / "moat_hostile_big.moat";
  { std::ofstream(path, std::ios::binary) << big; }
  Engine engine;
  absl::Status st = engine.add_file(path.string());
  std::filesystem::remove(path);
  EXPECT_EQ(st.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(st.message().find("the limit is 4194304"), std::string_view::npos) << st;
}

TEST(HostilePolicy, DeepNesting) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"parens", "package p\nlet X = " + repeat("(", kN) + "1" + repeat(")", kN) + "\n"},
      {"brackets", "package p\nlet X = " + repeat("[", kN) + repeat("]", kN) + "\n"},
      {"maps", "package p\nlet X = " + repeat("{a: ", kN) + "1" + repeat("}", kN) + "\n"},
      {"calls", "package p\nlet X = " + repeat("len(", kN) + "1" + repeat(")", kN) + "\n"},
      {"indexes", "package p\nlet X = [1]" + repeat("[0]", kN) + "\n"},
      {"not", "package p\nlet X = " + repeat("not ", kN) + "true\n"},
      {"negation", "package p\nlet X = " + repeat("-", kN) + "1\n"},
      {"if chain", "package p\nlet X = " + repeat("if true then ", kN) + "1" + repeat(" else 2", kN) + "\n"},
      {"let chain", "package p\nlet X = " + repeat("let a = 1; ", kN) + "a\n"},
      {"sum chain", "package p\nlet X = 1" + repeat("+1", kN) + "\n"},
      {"and chain", "package p\nlet X = true" + repeat(" and true", kN) + "\n"},
      {"coalesce chain", "package p\nlet X = 1" + repeat(" ?? 1", kN) + "\n"},
      {"field chain", "package p\nlet X = input" + repeat(".a", kN) + "\n"},
      {"parens in interpolation", "package p\nlet X = \"${" + repeat("(", kN) + "1" + repeat(")", kN) + "}\"\n"},
      {"not in interpolation", "package p\nlet X = \"${" + repeat("not ", kN) + "true}\"\n"},
      {"unbalanced", "package p\nlet X = " + repeat("(", kN) + "\n"},
  };
  for (const auto& [name, text] : cases) {
    SCOPED_TRACE(name);
    Compiled c = compile(text);
    EXPECT_FALSE(c.ok);
    ASSERT_GE(c.errors, 1u);
    const std::string& m = c.messages[0];
    EXPECT_TRUE(m.find("nest") != std::string::npos || m.find("mismatched") != std::string::npos ||
                m.find("extraneous") != std::string::npos || m.find("missing") != std::string::npos)
        << m;
  }
  // The limit itself: 256 levels compile, 257 do not.
  EXPECT_TRUE(compile("package p\nlet X = " + repeat("[", 200) + repeat("]", 200) + "\n").ok);
  Compiled deep = compile("package p\nlet X = " + repeat("[", 300) + repeat("]", 300) + "\n");
  EXPECT_EQ(first(deep), "2:265: expression nesting exceeds 256 levels");
}

TEST(HostilePolicy, BadTokens) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"package p\nlet A = \"abc\n", "2:9: unterminated string literal"},
      {"package p\nlet A = \"abc", "2:9: unterminated string literal"},
      {"package p\nlet A = r\"abc\nlet B = 1\n", "2:10: unterminated string literal"},
      {std::string("package p\nlet A = 1\0\n", 21), "2:10: unexpected control character U+0000"},
      {"package p\nlet A = 1\x1b[31m\n", "2:10: unexpected control character U+001B"},
      {"package p\nlet A = 1 \xe2\x82\xac 2\n", "2:11: unexpected character '\xe2\x82\xac'"},
  };
  for (const auto& [text, want] : cases) {
    Compiled c = compile(text);
    EXPECT_FALSE(c.ok);
    EXPECT_EQ(first(c), want);
  }
  // An unterminated text block runs to the end of the file.
  Compiled tb = compile("package p\nlet A = \"\"\"abc\nlet B = 1\n");
  EXPECT_FALSE(tb.ok);
}

TEST(HostilePolicy, GarbageIsBoundedInOutput) {
  // Lots of bad input: the number of errors and the size of the report stay
  // bounded (each error prints its source line, so a long line with many
  // errors must not multiply).
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"one long bad line", "package p\nlet A = " + repeat("@", kN) + "\n"},
      {"alternating", "package p\nlet A = " + repeat("1 @ ", kN / 4) + "\n"},
      {"bad lines", "package p\n" + repeat("let = = =\n", kN / 10)},
      {"stray closers", "package p\nlet A = 1" + repeat(")", kN) + "\n"},
      {"keywords", "package p\n" + repeat("rule rule let fn ", kN / 16) + "\n"},
  };
  for (const auto& [name, text] : cases) {
    SCOPED_TRACE(name);
    Compiled c;
    try {
      c = compile(text);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "exception: " << e.what();
      continue;
    }
    EXPECT_FALSE(c.ok);
    EXPECT_GE(c.errors, 1u);
    EXPECT_LE(c.errors, 101u);
    EXPECT_LT(c.formatted.size(), 4 * text.size() + 100'000) << c.errors << " errors";
    // Past 100 syntax errors the parse stops, and says so.
    if (c.errors > 100) {
      EXPECT_NE(c.messages.back().find("too many syntax errors; stopping here"), std::string::npos);
    }
  }
  Compiled many = compile("package p\n" + repeat("let = = =\n", 1000));
  EXPECT_EQ(many.errors, 101u);
  EXPECT_EQ(many.messages.back(), "52:5: too many syntax errors; stopping here");
}

// Token soup and mutated real policies: whatever the parser's error
// recovery builds must not crash the later passes or throw out of compile().
// Deterministic (a fixed LCG), so a failure reproduces.
TEST(HostilePolicy, RandomTokenSoup) {
  static const std::vector<std::string> kTokens = {
      "package", "import", "as", "param", "let", "fn", "rule", "select", "for", "in", "where", "report",
      "at", "subject", "if", "then", "else", "and", "or", "not", "true", "false", "null", "any", "all",
      "none", "count", "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "|", "=", "==", "!=", "<", "<=",
      ">", ">=", "+", "-", "*", "/", "%", "??", "x", "y", "f", "input", "p", "len", "resource", "resources",
      "1", "2.5", "\"s\"", "'q'", "\"${x}\"", "\"${\"", "r\"raw\"", "\"\"\"tb\"\"\"", "\"", "#c\n", "\n", "title",
      "severity", "low", "category", "flow", "\"R\"", "int", "string"};
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  for (int round = 0; round < 3000; ++round) {
    std::string text = next(4) ? "package p\n" : "";
    size_t n = 1 + next(60);
    for (size_t i = 0; i < n; ++i) text += kTokens[next(kTokens.size())] + " ";
    try {
      Compiled c = compile(text);
      for (const std::string& m : c.messages)
        if (m.find("internal error") != std::string::npos) ADD_FAILURE() << m << " for: " << text;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "exception " << e.what() << " for: " << text;
    }
  }
}

TEST(HostilePolicy, MutatedPolicies) {
  const std::string base =
      "package m\nimport m as alias\nparam limit: int = 3 \"doc\"\nlet K = [x * 2 for x in [1, 2] if x > 0]\n"
      "fn f(a, b) = if a > b then {k: a} else {k: b}\n"
      "rule \"R-1\" {\n  title: \"t\" severity: low category: flow\n  select r: \"T\" | \"U\"\n"
      "  for k, v in r.tags ?? {}\n  let z = f(v, limit).k\n  where any(q in K: q == z) and not (z in [1])\n"
      "  report \"${r.name} ${z}\" at v subject k\n}\n";
  ASSERT_TRUE(compile(base).ok) << compile(base).formatted;
  uint64_t state = 12345;
  auto next = [&](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  for (int round = 0; round < 3000; ++round) {
    std::string text = base;
    for (int edits = 1 + static_cast<int>(next(3)); edits > 0; --edits) {
      size_t at = next(text.size());
      size_t len = 1 + next(8);
      switch (next(3)) {
        case 0: text.erase(at, len); break;                              // delete a few bytes
        case 1: text.insert(at, text.substr(next(text.size()), len)); break;  // copy bytes elsewhere
        default: std::swap(text[at], text[next(text.size())]); break;    // swap two bytes
      }
    }
    try {
      Compiled c = compile(text);
      for (const std::string& m : c.messages)
        if (m.find("internal error") != std::string::npos) ADD_FAILURE() << m << " for: " << text;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "exception " << e.what() << " for: " << text;
    }
  }
}

TEST(HostilePolicy, ManyDeclarationsCompile) {
  // Large but honest policies still compile.
  std::string text = "package p\nlet L = [" + repeat("1, ", kN) + "1]\n";
  for (int i = 0; i < 2000; ++i)
    text += "rule \"R" + std::to_string(i) + "\" { title: \"t\" severity: low category: flow where len(L) > " +
            std::to_string(i) + " report \"x\" }\n";
  Compiled c = compile(text);
  EXPECT_TRUE(c.ok) << c.formatted.substr(0, 500);
}

}  // namespace
}  // namespace moat
