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

BuiltinRegistry registry() {
  BuiltinRegistry r;
  register_collection_builtins(r);
  return r;
}

TEST(CollectionBuiltins, Table) {
  std::vector<Case> cases = {
      {"len", {R"("abc")"}, "3"},
      {"len", {R"("é")"}, "2"},
      {"len", {"[1, 2]"}, "2"},
      {"len", {R"({"a": 1})"}, "1"},
      {"len", {"5"}, "!type_error"},
      {"len", {"?missing"}, "?missing"},

      {"keys", {R"({"b": 1, "a": 2})"}, R"(["b", "a"])"},
      {"keys", {"{}"}, "[]"},
      {"keys", {"[]"}, "!type_error"},
      {"keys", {"?missing"}, "?missing"},
      {"values", {R"({"b": 1, "a": [2]})"}, "[1, [2]]"},
      {"values", {R"("a")"}, "!type_error"},
      {"values", {"?missing"}, "?missing"},

      // Pre-order, values not keys, levels 0..depth (the depth-6 walk of SEC-014).
      {"strings_in", {R"({"k": "a", "l": [1, "b", {"m": "c"}], "n": null})", "6"}, R"(["a", "b", "c"])"},
      {"strings_in", {R"("s")", "0"}, R"(["s"])"},
      {"strings_in", {R"(["a", ["b", ["c"]]])", "1"}, R"(["a"])"},
      {"strings_in", {R"(["a", ["b", ["c"]]])", "2"}, R"(["a", "b"])"},
      {"strings_in", {R"(["a", ["b", ["c"]]])", "-1"}, "[]"},
      {"strings_in", {"7", "6"}, "[]"},
      {"strings_in", {"?missing", "6"}, "[]"},
      {"strings_in", {"?unknown", "6"}, "[]"},
      {"strings_in", {"?error", "6"}, "?error"},
      {"strings_in", {"[]", R"("6")"}, "!type_error"},
      {"strings_in", {"[]", "?unknown"}, "?unknown"},

      {"sort", {"[3, 1, 2]"}, "[1, 2, 3]"},
      {"sort", {R"(["b", "a", "c"])"}, R"(["a", "b", "c"])"},
      {"sort", {R"([{"a": 1}, "s", [1], 2, true, null])"}, R"([null, true, 2, "s", [1], {"a": 1}])"},
      {"sort", {"[2.0, 1, 2, 1.0]"}, "[1, 1.0, 2.0, 2]"},
      {"sort", {"{}"}, "!type_error"},
      {"sort", {"?missing"}, "?missing"},

      {"unique", {"[2, 1, 2, 3, 1]"}, "[2, 1, 3]"},
      {"unique", {"[1, 1.0, true]"}, "[1, true]"},
      {"unique", {R"([{"a": 1, "b": 2}, {"b": 2, "a": 1}, [1], [1]])"}, R"([{"a": 1, "b": 2}, [1]])"},
      {"unique", {"[]"}, "[]"},
      {"unique", {R"("aa")"}, "!type_error"},
      {"unique", {"?missing"}, "?missing"},

      {"group", {R"([["a", 1], ["b", 2], ["a", 3]])"}, R"({"a": [1, 3], "b": [2]})"},
      {"group", {R"([["b", {"x": 1}], ["a", null], ["b", [2]]])"}, R"({"b": [{"x": 1}, [2]], "a": [null]})"},
      {"group", {"[]"}, "{}"},
      {"group", {R"([[1, "a"]])"}, "!type_error"},
      {"group", {R"([["a", 1, 2]])"}, "!type_error"},
      {"group", {R"(["a"])"}, "!type_error"},
      {"group", {R"({"a": 1})"}, "!type_error"},
      {"group", {"?missing"}, "?missing"},

      {"union", {"[1, 2]", "[2, 3]"}, "[1, 2, 3]"},
      {"union", {"[1, 1]", "[]"}, "[1]"},
      {"union", {"[1]", "2"}, "!type_error"},
      {"union", {"?missing", "[1]"}, "?missing"},
      {"intersection", {"[1, 2, 3, 2]", "[3, 2]"}, "[2, 3]"},
      {"intersection", {R"(["a"])", R"(["b"])"}, "[]"},
      {"intersection", {"[1.0]", "[1]"}, "[1.0]"},
      {"intersection", {"null", "[1]"}, "!type_error"},
      {"intersection", {"[1]", "?missing"}, "?missing"},
      {"difference", {"[1, 2, 3, 1]", "[2]"}, "[1, 3]"},
      {"difference", {"[1]", "[1]"}, "[]"},
      {"difference", {"[1]", "{}"}, "!type_error"},
      {"difference", {"?missing", "[1]"}, "?missing"},

      {"flatten", {"[[1, 2], 3, [[4]], []]"}, "[1, 2, 3, [4]]"},
      {"flatten", {"[]"}, "[]"},
      {"flatten", {"1"}, "!type_error"},
      {"flatten", {"?missing"}, "?missing"},
      {"reverse", {"[1, 2, 3]"}, "[3, 2, 1]"},
      {"reverse", {"[]"}, "[]"},
      {"reverse", {R"("abc")"}, "!type_error"},
      {"reverse", {"?missing"}, "?missing"},

      {"contains_all", {R"(["a", "b", "c"])", R"(["c", "a"])"}, "true"},
      {"contains_all", {R"(["a"])", R"(["a", "b"])"}, "false"},
      {"contains_all", {"[]", "[]"}, "true"},
      {"contains_all", {"[1]", "1"}, "!type_error"},
      {"contains_all", {"?missing", "[]"}, "?missing"},
      {"contains_any", {"[1, 2]", "[5, 2]"}, "true"},
      {"contains_any", {"[1, 2]", "[5]"}, "false"},
      {"contains_any", {"[1]", "[]"}, "false"},
      {"contains_any", {"[[1, 2]]", "[[1, 2.0]]"}, "true"},
      {"contains_any", {"1", "[]"}, "!type_error"},
      {"contains_any", {"[]", "?missing"}, "?missing"},

      {"get", {R"({"a": 1})", R"("a")", "0"}, "1"},
      {"get", {R"({"a": null})", R"("a")", "0"}, "null"},
      {"get", {R"({"a": 1})", R"("b")", "0"}, "0"},
      {"get", {R"({"a": 1})", "1", "0"}, "!type_error"},
      {"get", {"[1]", R"("a")", "0"}, "!type_error"},
      {"get", {"?missing", R"("a")", "0"}, "?missing"},
  };
  testing::run_table(registry(), "collections", cases);
}

TEST(CollectionBuiltins, SetOperationsPropagateUndefinedElements) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  Value with_unknown[] = {Value::integer(1), make_unknown(arena, "Ref")};
  Value with_error[] = {make_error(arena, "boom", "boom")};
  Value a = make_list(arena, with_unknown);
  Value b = make_list(arena, with_error);
  for (const char* name : {"union", "intersection", "difference", "contains_all", "contains_any"}) {
    EXPECT_TRUE(call(r, name, {a, make_list(arena, {})}, ctx).is_unknown()) << name;
    EXPECT_TRUE(call(r, name, {a, b}, ctx).is_error()) << name;
  }
  for (const char* name : {"sort", "unique"}) EXPECT_TRUE(call(r, name, {a}, ctx).is_unknown()) << name;
  // Also when the undefined value is inside an element.
  Value nested[] = {make_list(arena, with_unknown)};
  Value n = make_list(arena, nested);
  EXPECT_TRUE(call(r, "unique", {n}, ctx).is_unknown());
  EXPECT_TRUE(call(r, "contains_any", {make_list(arena, {}), n}, ctx).is_unknown());
  // Moving elements around needs no decision about them.
  EXPECT_TRUE(call(r, "reverse", {a}, ctx).is_list());
  EXPECT_TRUE(call(r, "len", {a}, ctx).is_int());
}

TEST(CollectionBuiltins, SetOperationsAreNotQuadratic) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  constexpr int kN = 200000;
  std::vector<Value> xs, ys;
  for (int i = 0; i < kN; ++i) {
    xs.push_back(make_string(arena, "item-" + std::to_string(i)));
    ys.push_back(Value::integer(i % 1000));
  }
  Value a = make_list(arena, xs), b = make_list(arena, ys);
  auto start = std::chrono::steady_clock::now();
  Value u = call(r, "unique", {b}, ctx);
  Value d = call(r, "difference", {a, a}, ctx);
  Value all = call(r, "contains_all", {a, a}, ctx);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(u.is_list());
  EXPECT_EQ(u.as_list().size, 1000u);
  ASSERT_TRUE(d.is_list());
  EXPECT_EQ(d.as_list().size, 0u);
  EXPECT_TRUE(all.as_bool());
  EXPECT_LT(secs, 2.0);
}

TEST(CollectionBuiltins, SortIsStable) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  Value items[] = {Value::real(1.0), Value::integer(0), Value::integer(1), Value::real(0.0)};
  Value v = call(r, "sort", {make_list(arena, items)}, ctx);
  EXPECT_EQ(to_json(v), "[0,0.0,1.0,1]");
}

}  // namespace
}  // namespace moat
