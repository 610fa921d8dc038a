#include <gtest/gtest.h>

#include <string>

#include "builtin_test_util.h"
#include "builtins/builtin.h"
#include "value/build.h"

namespace moat {
namespace {

using testing::Case;
using testing::call;

BuiltinRegistry registry() {
  BuiltinRegistry r;
  register_string_builtins(r);
  return r;
}

TEST(StringBuiltins, Table) {
  std::vector<Case> cases = {
      {"lower", {R"("AbC-É")"}, R"("abc-É")"},
      {"lower", {"1"}, "!type_error"},
      {"lower", {"?missing"}, "?missing"},
      {"upper", {R"("aBc-1")"}, R"("ABC-1")"},
      {"upper", {"null"}, "!type_error"},
      {"upper", {"?missing"}, "?missing"},

      {"starts_with", {R"("arn:aws")", R"("arn:")"}, "true"},
      {"starts_with", {R"("arn:aws")", R"("aws")"}, "false"},
      {"starts_with", {R"("a")", R"("")"}, "true"},
      {"starts_with", {R"("a")", "1"}, "!type_error"},
      {"starts_with", {"?missing", R"("a")"}, "?missing"},
      {"ends_with", {R"("s3:*")", R"(":*")"}, "true"},
      {"ends_with", {R"("s3")", R"("s3:*")"}, "false"},
      {"ends_with", {"[]", R"("a")"}, "!type_error"},
      {"ends_with", {R"("a")", "?missing"}, "?missing"},
      {"contains", {R"("0.0.0.0/0")", R"("/0")"}, "true"},
      {"contains", {R"("abc")", R"("d")"}, "false"},
      {"contains", {R"(["a"])", R"("a")"}, "!type_error"},
      {"contains", {"?missing", "?unknown"}, "?unknown"},
      {"contains", {"?missing", R"("a")"}, "?missing"},

      {"split", {R"("a,b,,c")", R"(",")"}, R"(["a", "b", "", "c"])"},
      {"split", {R"("")", R"(",")"}, R"([""])"},
      {"split", {R"("abc")", R"("")"}, R"(["a", "b", "c"])"},
      {"split", {R"("aé")", R"("")"}, R"(["a", "é"])"},
      {"split", {R"("a::b")", R"("::")"}, R"(["a", "b"])"},
      {"split", {R"("a")", "1"}, "!type_error"},
      {"split", {"?missing", R"(",")"}, "?missing"},

      {"join", {R"(["a", "b", "c"])", R"("-")"}, R"("a-b-c")"},
      {"join", {"[]", R"("-")"}, R"("")"},
      {"join", {R"(["a"])", R"(", ")"}, R"("a")"},
      {"join", {R"(["a", 1])", R"("-")"}, "!type_error"},
      {"join", {R"("a")", R"("-")"}, "!type_error"},
      {"join", {R"(["a"])", "?missing"}, "?missing"},

      {"trim", {"\"  a b \\n\\t\""}, R"("a b")"},
      {"trim", {R"("   ")"}, R"("")"},
      {"trim", {"1"}, "!type_error"},
      {"trim", {"?missing"}, "?missing"},
      {"trim_prefix", {R"("arn:aws")", R"("arn:")"}, R"("aws")"},
      {"trim_prefix", {R"("aws")", R"("arn:")"}, R"("aws")"},
      {"trim_prefix", {R"("arn:arn:x")", R"("arn:")"}, R"("arn:x")"},
      {"trim_prefix", {"1", R"("a")"}, "!type_error"},
      {"trim_prefix", {"?missing", R"("a")"}, "?missing"},
      {"trim_suffix", {R"("main.tf")", R"(".tf")"}, R"("main")"},
      {"trim_suffix", {R"("main")", R"(".tf")"}, R"("main")"},
      {"trim_suffix", {R"("main")", "false"}, "!type_error"},
      {"trim_suffix", {R"("a")", "?missing"}, "?missing"},

      {"replace", {R"("a-b-c")", R"("-")", R"("_")"}, R"("a_b_c")"},
      {"replace", {R"("aaa")", R"("aa")", R"("b")"}, R"("ba")"},
      {"replace", {R"("abc")", R"("")", R"("x")"}, R"("abc")"},
      {"replace", {R"("abc")", R"("b")", R"("")"}, R"("ac")"},
      {"replace", {R"("abc")", R"("x")", R"("y")"}, R"("abc")"},
      {"replace", {R"("xax")", R"("x")", R"("yy")"}, R"("yyayy")"},
      {"replace", {R"("abc")", R"("b")", "1"}, "!type_error"},
      {"replace", {R"("abc")", "?missing", R"("x")"}, "?missing"},

      {"format", {R"("{} of {}")", "1", R"("two")"}, R"("1 of two")"},
      {"format", {R"("plain")"}, R"("plain")"},
      {"format", {R"("{{}} {}")", R"([1, "a"])"}, R"("{} [1,\"a\"]")"},
      {"format", {R"("v={}")", "null"}, R"("v=null")"},
      {"format", {R"("{} {}")", "1"}, "!format_error"},
      {"format", {R"("{}")", "1", "2"}, "!format_error"},
      {"format", {R"("{x}")", "1"}, "!format_error"},
      {"format", {R"("a } b")"}, "!format_error"},
      {"format", {"1"}, "!type_error"},
      {"format", {R"("{}")", "?missing"}, "?missing"},

      {"substring", {R"("policy")", "2", "4"}, R"("li")"},
      {"substring", {R"("policy")", "2", "100"}, R"("licy")"},
      {"substring", {R"("policy")", "-5", "2"}, R"("po")"},
      {"substring", {R"("policy")", "4", "2"}, R"("")"},
      {"substring", {R"("policy")", "10", "20"}, R"("")"},
      {"substring", {R"("policy")", "1.0", "2"}, "!type_error"},
      {"substring", {R"("policy")", "1", "?missing"}, "?missing"},

      {"index_of", {R"("a.b.c")", R"(".")"}, "1"},
      {"index_of", {R"("abc")", R"("x")"}, "-1"},
      {"index_of", {R"("abc")", R"("")"}, "0"},
      {"index_of", {"1", R"("x")"}, "!type_error"},
      {"index_of", {"?missing", R"("x")"}, "?missing"},

      {"repeat", {R"("ab")", "3"}, R"("ababab")"},
      {"repeat", {R"("ab")", "0"}, R"("")"},
      {"repeat", {R"("")", "1000000"}, R"("")"},
      {"repeat", {R"("ab")", "-1"}, "!range_error"},
      {"repeat", {R"("ab")", "1000001"}, "!range_error"},
      {"repeat", {R"("ab")", "2.0"}, "!type_error"},
      {"repeat", {R"("ab")", "?missing"}, "?missing"},
  };
  testing::run_table(registry(), "strings", cases);
}

TEST(StringBuiltins, RepeatCountsAgainstTheArenaBudget) {
  BuiltinRegistry r = registry();
  Arena arena(1 << 20);
  CallContext ctx(arena, 0);
  Value s = make_string(arena, std::string(100, 'x'));
  EXPECT_THROW(call(r, "repeat", {s, Value::integer(1000000)}, ctx), MemoryBudgetExceeded);
  Value ok = call(r, "repeat", {s, Value::integer(1000)}, ctx);
  ASSERT_TRUE(ok.is_string());
  EXPECT_EQ(ok.as_string().size(), 100000u);
}

TEST(StringBuiltins, ReplaceAndJoinCountAgainstTheArenaBudget) {
  BuiltinRegistry r = registry();
  Arena arena(1 << 20);
  CallContext ctx(arena, 0);
  Value s = make_string(arena, std::string(10000, 'a'));
  Value big = make_string(arena, std::string(1000, 'b'));
  EXPECT_THROW(call(r, "replace", {s, make_string(arena, "a"), big}, ctx), MemoryBudgetExceeded);
  std::vector<Value> items(2000, make_string(arena, ""));
  EXPECT_THROW(call(r, "join", {make_list(arena, items), big}, ctx), MemoryBudgetExceeded);
}

TEST(StringBuiltins, InvalidUtf8IsHandledBytewise) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  std::string bad = "A\xff\xc3(\xe2\x82";
  Value s = Value::string(bad);
  Value lowered = call(r, "lower", {s}, ctx);
  ASSERT_TRUE(lowered.is_string());
  EXPECT_EQ(lowered.as_string(), "a\xff\xc3(\xe2\x82");
  // Splitting into characters walks invalid bytes one at a time.
  Value chars = call(r, "split", {s, Value::string("")}, ctx);
  ASSERT_TRUE(chars.is_list());
  EXPECT_EQ(chars.as_list().size, 6u);
  Value sub = call(r, "substring", {s, Value::integer(1), Value::integer(3)}, ctx);
  ASSERT_TRUE(sub.is_string());
  EXPECT_EQ(sub.as_string(), "\xff\xc3");
}

TEST(StringBuiltins, FormatPropagatesNestedUndefinedValues) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  Value inner[] = {make_missing(arena, Value::null(), Value::null())};
  Value v = call(r, "format", {Value::string("x={}"), make_list(arena, inner)}, ctx);
  EXPECT_TRUE(v.is_missing());
}

TEST(StringBuiltins, JoinPropagatesUndefinedElements) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  Value items[] = {Value::string("a"), make_unknown(arena, "Ref"), Value::string("b")};
  Value v = call(r, "join", {make_list(arena, items), Value::string(",")}, ctx);
  EXPECT_TRUE(v.is_unknown());
}

}  // namespace
}  // namespace moat
