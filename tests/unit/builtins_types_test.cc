#include <gtest/gtest.h>

#include "builtin_test_util.h"
#include "builtins/builtin.h"
#include "value/build.h"

namespace moat {
namespace {

using testing::Case;
using testing::call;

BuiltinRegistry registry() {
  BuiltinRegistry r;
  register_type_builtins(r);
  return r;
}

TEST(TypeBuiltins, Table) {
  std::vector<Case> cases = {
      {"type_of", {"null"}, R"("null")"},
      {"type_of", {"true"}, R"("bool")"},
      {"type_of", {"1"}, R"("int")"},
      {"type_of", {"1.5"}, R"("float")"},
      {"type_of", {R"("a")"}, R"("string")"},
      {"type_of", {"[]"}, R"("list")"},
      {"type_of", {"{}"}, R"("map")"},
      {"type_of", {"?missing"}, R"("missing")"},
      {"type_of", {"?unknown"}, R"("unknown")"},
      {"type_of", {"?error"}, R"("error")"},

      {"is_null", {"null"}, "true"},
      {"is_null", {"0"}, "false"},
      {"is_null", {"?missing"}, "false"},  // a missing value is not a null
      {"is_null", {"?unknown"}, "?unknown"},
      {"is_null", {"?error"}, "!test_error"},
      {"is_bool", {"false"}, "true"},
      {"is_bool", {"0"}, "false"},
      {"is_bool", {"?missing"}, "false"},  // a missing value is not a bool
      {"is_bool", {"?unknown"}, "?unknown"},
      {"is_bool", {"?error"}, "!test_error"},
      {"is_int", {"3"}, "true"},
      {"is_int", {"3.0"}, "false"},
      {"is_int", {"?missing"}, "false"},  // a missing value is not a int
      {"is_int", {"?unknown"}, "?unknown"},
      {"is_int", {"?error"}, "!test_error"},
      {"is_float", {"3.0"}, "true"},
      {"is_float", {"3"}, "false"},
      {"is_float", {"?missing"}, "false"},  // a missing value is not a float
      {"is_float", {"?unknown"}, "?unknown"},
      {"is_float", {"?error"}, "!test_error"},
      {"is_number", {"3"}, "true"},
      {"is_number", {"0.5"}, "true"},
      {"is_number", {R"("3")"}, "false"},
      {"is_number", {"?missing"}, "false"},  // a missing value is not a number
      {"is_number", {"?unknown"}, "?unknown"},
      {"is_number", {"?error"}, "!test_error"},
      {"is_string", {R"("a")"}, "true"},
      {"is_string", {"[]"}, "false"},
      {"is_string", {"?missing"}, "false"},  // a missing value is not a string
      {"is_string", {"?unknown"}, "?unknown"},
      {"is_string", {"?error"}, "!test_error"},
      {"is_string", {"?unknown"}, "?unknown"},
      {"is_list", {"[1]"}, "true"},
      {"is_list", {"{}"}, "false"},
      {"is_list", {"?missing"}, "false"},  // a missing value is not a list
      {"is_list", {"?unknown"}, "?unknown"},
      {"is_list", {"?error"}, "!test_error"},
      {"is_map", {R"({"a": 1})"}, "true"},
      {"is_map", {"[]"}, "false"},
      {"is_map", {"?missing"}, "false"},  // a missing value is not a map
      {"is_map", {"?unknown"}, "?unknown"},
      {"is_map", {"?error"}, "!test_error"},

      {"has", {"1"}, "true"},
      {"has", {"null"}, "true"},
      {"has", {"?missing"}, "false"},
      {"has", {"?unknown"}, "true"},
      {"has", {"?error"}, "!test_error"},
      {"is_missing", {"?missing"}, "true"},
      {"is_missing", {"null"}, "false"},
      {"is_missing", {"?unknown"}, "false"},
      {"is_missing", {"?error"}, "!test_error"},
      {"is_unknown", {"?unknown"}, "true"},
      {"is_unknown", {"1"}, "false"},
      {"is_unknown", {"?missing"}, "false"},
      {"is_unknown", {"?error"}, "!test_error"},

      {"default", {"1", "5"}, "1"},
      {"default", {"false", "5"}, "false"},
      {"default", {"null", "5"}, "5"},
      {"default", {"?missing", "5"}, "5"},
      {"default", {"?missing", "?missing"}, "?missing"},
      {"default", {"?unknown", "5"}, "?unknown"},
      {"default", {"?error", "5"}, "!test_error"},
      {"default", {"1", "?missing"}, "1"},

      {"to_string", {R"("abc")"}, R"("abc")"},
      {"to_string", {"12"}, R"("12")"},
      {"to_string", {"1.5"}, R"("1.5")"},
      {"to_string", {"null"}, R"("null")"},
      {"to_string", {R"([1, "a", {"b": true}])"}, R"("[1,\"a\",{\"b\":true}]")"},
      {"to_string", {"?missing"}, "?missing"},
  };
  // Every kind is a valid argument to these.
  testing::run_table(registry(), "types", cases,
                     {"type_of", "is_null", "is_bool", "is_int", "is_float", "is_number",
                      "is_string", "is_list", "is_map", "has", "is_missing", "is_unknown",
                      "default", "to_string"});
}

TEST(TypeBuiltins, StrictnessIsDeclared) {
  BuiltinRegistry r = registry();
  // The kind tests see missing values so they can answer false for them.
  for (std::string_view name : {"type_of", "has", "is_missing", "is_unknown", "default", "is_null", "is_bool",
                                "is_int", "is_float", "is_number", "is_string", "is_list", "is_map"})
    EXPECT_FALSE(r.find(name)->strict) << name;
  for (std::string_view name : {"to_string"})
    EXPECT_TRUE(r.find(name)->strict) << name;
}

TEST(TypeBuiltins, ToStringPropagatesNestedUndefinedValues) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  Value inner[] = {Value::integer(1), make_unknown(arena, "Ref")};
  Member m[] = {{Value::string("a"), make_list(arena, inner)}};
  EXPECT_TRUE(call(r, "to_string", {make_map(arena, m)}, ctx).is_unknown());
}

TEST(TypeBuiltins, ToStringKeepsInvalidUtf8) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  std::string bad = "a\xff\xc3";
  Value v = call(r, "to_string", {Value::string(bad)}, ctx);
  ASSERT_TRUE(v.is_string());
  EXPECT_EQ(v.as_string(), bad);
}

}  // namespace
}  // namespace moat
