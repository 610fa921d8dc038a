#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "builtin_test_util.h"
#include "builtins/builtin.h"
#include "value/build.h"

namespace moat {
namespace {

using testing::Case;
using testing::call;
using testing::call_prepared;

BuiltinRegistry registry() {
  BuiltinRegistry r;
  register_regex_builtins(r);
  return r;
}

TEST(RegexBuiltins, Table) {
  std::vector<Case> cases = {
      {"matches", {R"("prod-db-01")", R"("^prod-\\w+-\\d+$")"}, "true"},
      {"matches", {R"("xprod-db")", R"("^prod")"}, "false"},
      {"matches", {R"("a.b")", R"("b")"}, "true"},
      {"matches", {R"("ABC")", R"("(?i)abc")"}, "true"},
      {"matches", {R"("ABC")", R"("abc")"}, "false"},
      {"matches", {R"("")", R"("")"}, "true"},
      {"matches", {R"("abc")", R"("(")"}, "!regex_error"},
      {"matches", {R"("abc")", "1"}, "!type_error"},
      {"matches", {"1", R"("a")"}, "!type_error"},
      {"matches", {"?missing", R"("a")"}, "?missing"},
      {"matches", {R"("a")", "?missing"}, "?missing"},

      {"regex_find", {R"("v1.24.3")", R"("\\d+\\.\\d+")"}, R"("1.24")"},
      {"regex_find", {R"("abc")", R"("\\d")"}, "?missing"},
      {"regex_find", {R"("abc")", R"("x*")"}, R"("")"},
      {"regex_find", {R"("Key=1")", R"j("(?i)key=(\\d)")j"}, R"("Key=1")"},
      {"regex_find", {R"("abc")", R"("[")"}, "!regex_error"},
      {"regex_find", {"[]", R"("a")"}, "!type_error"},
      {"regex_find", {"?missing", R"("a")"}, "?missing"},

      {"regex_find_all", {R"("a1b22c333")", R"("\\d+")"}, R"(["1", "22", "333"])"},
      {"regex_find_all", {R"("abc")", R"("\\d")"}, "[]"},
      {"regex_find_all", {R"("abc")", R"("x*")"}, R"(["", "", "", ""])"},
      {"regex_find_all", {R"("baaac")", R"("a*")"}, R"(["", "aaa", ""])"},
      {"regex_find_all", {R"("aaaa")", R"("aa")"}, R"(["aa", "aa"])"},
      {"regex_find_all", {R"("éé")", R"("")"}, R"(["", "", ""])"},
      {"regex_find_all", {R"("k=v")", R"j("(\\w)=(\\w)")j"}, R"(["k=v"])"},
      {"regex_find_all", {R"("abc")", R"("a{2,1}")"}, "!regex_error"},
      {"regex_find_all", {R"("abc")", "{}"}, "!type_error"},
      {"regex_find_all", {R"("abc")", "?missing"}, "?missing"},

      {"regex_replace", {R"("key=value")", R"j("(\\w+)=(\\w+)")j", R"("\\2=\\1")"}, R"("value=key")"},
      {"regex_replace", {R"("a-b-c")", R"("-")", R"("_")"}, R"("a_b_c")"},
      {"regex_replace", {R"("abc")", R"("x*")", R"("-")"}, R"("-a-b-c-")"},
      {"regex_replace", {R"("abc")", R"("x")", R"("-")"}, R"("abc")"},
      {"regex_replace", {R"("ABC abc")", R"("(?i)b")", R"("[\\0]")"}, R"("A[B]C a[b]c")"},
      {"regex_replace", {R"("abc")", R"j("(b)")j", R"("\\2")"}, "!regex_error"},
      {"regex_replace", {R"("abc")", R"("(b")", R"("x")"}, "!regex_error"},
      {"regex_replace", {R"("abc")", R"("b")", "1"}, "!type_error"},
      {"regex_replace", {"?missing", R"("b")", R"("x")"}, "?missing"},

      {"glob_match", {R"("arn:aws:s3:::logs-2024")", R"("arn:aws:s3:::logs-*")"}, "true"},
      {"glob_match", {R"("arn:aws:s3:::logs")", R"("arn:aws:s3:::logs-*")"}, "false"},
      {"glob_match", {R"("a/b/c")", R"("a*c")"}, "true"},
      {"glob_match", {R"("")", R"("*")"}, "true"},
      {"glob_match", {R"("")", R"("")"}, "true"},
      {"glob_match", {R"("a")", R"("")"}, "false"},
      {"glob_match", {R"("abc")", R"("a?c")"}, "true"},
      {"glob_match", {R"("ac")", R"("a?c")"}, "false"},
      {"glob_match", {R"("aéc")", R"("a?c")"}, "true"},
      {"glob_match", {R"("b1")", R"("[a-c]?")"}, "true"},
      {"glob_match", {R"("d1")", R"("[a-c]?")"}, "false"},
      {"glob_match", {R"("x")", R"("[!a-c]")"}, "true"},
      {"glob_match", {R"("b")", R"("[!a-c]")"}, "false"},
      {"glob_match", {R"("b")", R"("[^abc]")"}, "false"},
      {"glob_match", {R"("]")", R"("[]a]")"}, "true"},
      {"glob_match", {R"("-")", R"("[a-]")"}, "true"},
      {"glob_match", {R"("é")", R"("[à-ê]")"}, "true"},
      {"glob_match", {R"("a*b")", R"("a\\*b")"}, "true"},
      {"glob_match", {R"("axb")", R"("a\\*b")"}, "false"},
      {"glob_match", {R"("a?")", R"("a\\?")"}, "true"},
      {"glob_match", {R"("[x]")", R"("\\[x\\]")"}, "true"},
      {"glob_match", {R"("mississippi")", R"("*sip*")"}, "true"},
      {"glob_match", {R"("mississippi")", R"("m*iss*ppi")"}, "true"},
      {"glob_match", {R"("mississippi")", R"("m*iss*ppx")"}, "false"},
      {"glob_match", {R"("abc")", R"("[abc")"}, "!glob_error"},
      {"glob_match", {R"("abc")", R"("abc\\")"}, "!glob_error"},
      {"glob_match", {R"("abc")", R"("[c-a]")"}, "!glob_error"},
      {"glob_match", {R"("abc")", "null"}, "!type_error"},
      {"glob_match", {"?missing", R"("*")"}, "?missing"},
  };
  testing::run_table(registry(), "regex", cases);
}

TEST(RegexBuiltins, RegexFindMissingNamesThePattern) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  Value v = call(r, "regex_find", {Value::string("abc"), Value::string("\\d")}, ctx);
  ASSERT_TRUE(v.is_missing());
  EXPECT_TRUE(v.as_missing().container.is_null());
  ASSERT_TRUE(v.as_missing().key.is_string());
  EXPECT_EQ(v.as_missing().key.as_string(), "\\d");
}

TEST(RegexBuiltins, PrepareRejectsBadLiterals) {
  BuiltinRegistry r = registry();
  Value s = Value::string("x");
  Value bad = Value::string("(");
  Value good = Value::string("(a)");
  Value bad_rewrite = Value::string("\\2");
  std::string error;
  EXPECT_EQ(r.find("matches")->prepare(std::vector<const Value*>{nullptr, &bad}, &error), nullptr);
  EXPECT_NE(error.find("invalid regular expression"), std::string::npos) << error;
  error.clear();
  EXPECT_EQ(r.find("regex_replace")->prepare(std::vector<const Value*>{nullptr, &good, &bad_rewrite}, &error),
            nullptr);
  EXPECT_NE(error.find("invalid replacement"), std::string::npos) << error;
  error.clear();
  Value bad_glob = Value::string("[a");
  EXPECT_EQ(r.find("glob_match")->prepare(std::vector<const Value*>{&s, &bad_glob}, &error), nullptr);
  EXPECT_NE(error.find("invalid glob"), std::string::npos) << error;
  // A pattern that is not a constant is left to run time.
  error.clear();
  EXPECT_EQ(r.find("matches")->prepare(std::vector<const Value*>{&s, nullptr}, &error), nullptr);
  EXPECT_TRUE(error.empty());
  EXPECT_NE(r.find("matches")->prepare(std::vector<const Value*>{nullptr, &good}, &error), nullptr);
  EXPECT_TRUE(error.empty());
}

TEST(RegexBuiltins, FindAllIsCapped) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  Value ok = call(r, "regex_find_all", {make_string(arena, std::string(10000, 'a')), Value::string("a")}, ctx);
  ASSERT_TRUE(ok.is_list());
  EXPECT_EQ(ok.as_list().size, 10000u);
  Value over = call(r, "regex_find_all", {make_string(arena, std::string(10001, 'a')), Value::string("a")}, ctx);
  ASSERT_TRUE(over.is_error());
  EXPECT_EQ(over.as_error().code, "limit_exceeded");
}

TEST(RegexBuiltins, RememberedMatchesStayRightWhilePatternsChurn) {
  // An evaluator's matches() remembers answers per regex and text;
  // patterns that are not literals come from a bounded cache whose RE2s are
  // freed when it is cleared (and a new RE2 may then reuse an old one's
  // address). Every answer must still be the pattern's own, across
  // documents too.
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  ctx.remember_matches(true);
  for (int round = 0; round < 3; ++round, ctx.forget_answers())
    for (int i = 0; i < 600; ++i) {
      // Pattern i matches "k<i>" and nothing else among the texts used.
      Value pattern = make_string(arena, "^k" + std::to_string(i) + "$");
      for (int j : {i, i + 1}) {
        Value text = make_string(arena, "k" + std::to_string(j));
        Value got = call(r, "matches", {text, pattern}, ctx);
        ASSERT_TRUE(got.is_bool());
        EXPECT_EQ(got.as_bool(), j == i) << "pattern " << i << " text k" << j;
      }
    }
  // Long texts are matched each time, not remembered.
  std::string hay(10000, 'x');
  EXPECT_TRUE(call(r, "matches", {make_string(arena, hay + "y"), Value::string("y$")}, ctx).as_bool());
  EXPECT_FALSE(call(r, "matches", {make_string(arena, hay), Value::string("y$")}, ctx).as_bool());
}

TEST(RegexBuiltins, ReplaceCountsAgainstTheArenaBudget) {
  BuiltinRegistry r = registry();
  Arena arena(1 << 20);
  CallContext ctx(arena, 0);
  Value s = make_string(arena, std::string(10000, 'a'));
  Value repl = make_string(arena, std::string(1000, 'b'));
  EXPECT_THROW(call(r, "regex_replace", {s, Value::string("a"), repl}, ctx), MemoryBudgetExceeded);
}

TEST(RegexBuiltins, GlobHasNoBacktrackingBlowup) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  Value s = make_string(arena, std::string(100000, 'a'));
  auto start = std::chrono::steady_clock::now();
  Value v = call(r, "glob_match", {s, Value::string("a*a*a*a*a*a*a*a*a*a*b")}, ctx);
  Value w = call(r, "glob_match", {s, Value::string("*a*a*a*a*a*a*a*a*a*a")}, ctx);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(v.is_bool() && !v.as_bool());
  EXPECT_TRUE(w.is_bool() && w.as_bool());
  EXPECT_LT(secs, 1.0);
}

TEST(RegexBuiltins, InvalidUtf8DoesNotCrash) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  Value s = Value::string("a\xff\xc3z");
  for (const char* name : {"matches", "regex_find", "regex_find_all"}) {
    Value v = call(r, name, {s, Value::string("")}, ctx);
    EXPECT_FALSE(v.is_error()) << name;
  }
  Value all = call(r, "regex_find_all", {s, Value::string("")}, ctx);
  ASSERT_TRUE(all.is_list());
  EXPECT_EQ(all.as_list().size, 5u);  // one empty match per byte boundary
  Value rep = call(r, "regex_replace", {s, Value::string("z"), Value::string("y")}, ctx);
  ASSERT_TRUE(rep.is_string());
  EXPECT_EQ(rep.as_string(), "a\xff\xc3y");
  // An invalid byte in a glob matches only that byte; '?' takes it whole.
  EXPECT_TRUE(call(r, "glob_match", {s, Value::string("a??z")}, ctx).as_bool());
  EXPECT_TRUE(call(r, "glob_match", {s, Value::string("a\xff*")}, ctx).as_bool());
  EXPECT_FALSE(call(r, "glob_match", {s, Value::string("a\xfe*")}, ctx).as_bool());
  // A pattern that is not UTF-8 is a regex error, not a crash.
  Value bad = call(r, "matches", {s, Value::string("\xff")}, ctx);
  ASSERT_TRUE(bad.is_error());
  EXPECT_EQ(bad.as_error().code, "regex_error");
}

}  // namespace
}  // namespace moat
