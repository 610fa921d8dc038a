#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "builtin_test_util.h"
#include "builtins/builtin.h"
#include "value/build.h"

namespace moat {
namespace {

using testing::Case;
using testing::call;

BuiltinRegistry registry() {
  BuiltinRegistry r;
  register_number_builtins(r);
  return r;
}

TEST(NumberBuiltins, Table) {
  std::vector<Case> cases = {
      {"abs", {"-3"}, "3"},
      {"abs", {"3"}, "3"},
      {"abs", {"-2.5"}, "2.5"},
      {"abs", {"-9223372036854775808"}, "!overflow_error"},
      {"abs", {R"("-3")"}, "!type_error"},
      {"abs", {"?missing"}, "?missing"},

      {"floor", {"2.7"}, "2"},
      {"floor", {"-2.5"}, "-3"},
      {"floor", {"7"}, "7"},
      {"floor", {"1e300"}, "!overflow_error"},
      {"floor", {"true"}, "!type_error"},
      {"floor", {"?missing"}, "?missing"},
      {"ceil", {"2.1"}, "3"},
      {"ceil", {"-2.5"}, "-2"},
      {"ceil", {"-7"}, "-7"},
      {"ceil", {R"("2")"}, "!type_error"},
      {"ceil", {"?missing"}, "?missing"},
      {"round", {"2.5"}, "3"},
      {"round", {"-2.5"}, "-3"},
      {"round", {"2.4"}, "2"},
      {"round", {"-0.4"}, "0"},
      {"round", {"5"}, "5"},
      {"round", {"-1e19"}, "!overflow_error"},
      {"round", {"null"}, "!type_error"},
      {"round", {"?missing"}, "?missing"},

      {"min", {"[3, 1.5, 2]"}, "1.5"},
      {"min", {"[2, 2.0]"}, "2"},
      {"min", {"[-1]"}, "-1"},
      {"min", {"[]"}, "?missing"},
      {"min", {R"([1, "a"])"}, "!type_error"},
      {"min", {"1"}, "!type_error"},
      {"min", {"?missing"}, "?missing"},
      {"max", {"[3, 1.5, 2]"}, "3"},
      {"max", {"[2.0, 2]"}, "2.0"},
      {"max", {"[]"}, "?missing"},
      {"max", {"[null]"}, "!type_error"},
      {"max", {"?missing"}, "?missing"},

      {"sum", {"[1, 2, 3]"}, "6"},
      {"sum", {"[]"}, "0"},
      {"sum", {"[1, 0.5]"}, "1.5"},
      {"sum", {"[9223372036854775807, 1]"}, "!overflow_error"},
      {"sum", {"[-9223372036854775807, -1]"}, "-9223372036854775808"},
      {"sum", {"[9223372036854775807, 1.0]"}, "9223372036854775808.0"},
      {"sum", {R"(["1"])"}, "!type_error"},
      {"sum", {"?missing"}, "?missing"},

      {"to_int", {R"("42")"}, "42"},
      {"to_int", {R"("-42")"}, "-42"},
      {"to_int", {R"("+7")"}, "7"},
      {"to_int", {R"("3.9")"}, "3"},
      {"to_int", {"-2.7"}, "-2"},
      {"to_int", {"5"}, "5"},
      {"to_int", {R"("-9223372036854775808")"}, "-9223372036854775808"},
      {"to_int", {R"("9223372036854775808")"}, "!conversion_error"},
      {"to_int", {"1e300"}, "!conversion_error"},
      {"to_int", {R"("abc")"}, "!conversion_error"},
      {"to_int", {R"("")"}, "!conversion_error"},
      {"to_int", {R"(" 1")"}, "!conversion_error"},
      {"to_int", {R"("0x10")"}, "!conversion_error"},
      {"to_int", {R"("nan")"}, "!conversion_error"},
      {"to_int", {"true"}, "!type_error"},
      {"to_int", {"?missing"}, "?missing"},

      {"to_float", {R"("2.5")"}, "2.5"},
      {"to_float", {"2"}, "2.0"},
      {"to_float", {R"("1e3")"}, "1000.0"},
      {"to_float", {R"("-3")"}, "-3.0"},
      {"to_float", {R"("1e999")"}, "!conversion_error"},
      {"to_float", {R"("1.")"}, "!conversion_error"},
      {"to_float", {R"("inf")"}, "!conversion_error"},
      {"to_float", {"[]"}, "!type_error"},
      {"to_float", {"?missing"}, "?missing"},

      {"to_number", {R"("3")"}, "3"},
      {"to_number", {R"("3.5")"}, "3.5"},
      {"to_number", {R"("-0")"}, "0"},
      {"to_number", {R"("1E2")"}, "100.0"},
      {"to_number", {R"("99999999999999999999")"}, "1e20"},
      {"to_number", {"4.25"}, "4.25"},
      {"to_number", {R"("3 apples")"}, "!conversion_error"},
      {"to_number", {"{}"}, "!type_error"},
      {"to_number", {"?missing"}, "?missing"},
  };
  testing::run_table(registry(), "numbers", cases);
}

TEST(NumberBuiltins, NanIsNotAnInt) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  Value nan = Value::real(std::numeric_limits<double>::quiet_NaN());
  for (const char* name : {"floor", "ceil", "round"}) {
    Value v = call(r, name, {nan}, ctx);
    ASSERT_TRUE(v.is_error()) << name;
    EXPECT_EQ(v.as_error().code, "overflow_error");
  }
  Value v = call(r, "to_int", {nan}, ctx);
  ASSERT_TRUE(v.is_error());
  EXPECT_EQ(v.as_error().code, "conversion_error");
}

TEST(NumberBuiltins, ListsPropagateUndefinedElements) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  Value items[] = {Value::integer(1), make_missing(arena, Value::null(), Value::null()),
                   make_unknown(arena, "Ref")};
  Value list = make_list(arena, items);
  for (const char* name : {"sum", "min", "max"}) EXPECT_TRUE(call(r, name, {list}, ctx).is_unknown()) << name;
}

}  // namespace
}  // namespace moat
