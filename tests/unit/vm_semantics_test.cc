// The language's run-time semantics, pinned row by row.
//
// Most rows are an expression evaluated over one input document, wrapped
// in a tiny rule:
//   cond(e):  rule "T" { ... where <e> report "hit" }
//             -> "fail" (the rule fired), "clean", "unknown" or "error"
//   value(e): rule "V" { ... let v = <e> where json_encode(v) != "" report "${json_encode(v)}" }
//             -> the JSON text of the value, "unknown:<missing path>" when
//                data was missing, or "error:<message>"
//   text(e):  like value(), but the display text of a string (no quotes)
// Literals are typed statically, so rows that must fail at run time take
// their operands from the document (`input.i1`), where the checker cannot
// see the type.
//
// Principles the rows encode: missing data is never silent (it becomes an
// UNKNOWN outcome naming the path), and errors are never clean.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "policy_test_util.h"

namespace moat {
namespace {

using testing::first_diagnostic;
using testing::one_value;
using testing::run_policy;
using testing::PolicyRun;
using testing::Source;
using testing::summarize;

constexpr std::string_view kDoc = R"({
  "i0": 0, "i1": 1, "i2": 2, "i7": 7, "im": -1,
  "f0": 0.0, "f": 1.5, "fm": -2.5,
  "s": "a", "sb": "b", "se": "", "sB": "B",
  "l": [1, 2, 3], "le": [], "m": {"a": 1, "b": 2}, "me": {},
  "n": null, "t": true, "fa": false,
  "max": 9223372036854775807, "min": -9223372036854775808,
  "p53": 9007199254740993, "f53": 9007199254740992.0,
  "objs": [{"a": 1}, {"a": 2}, {}],
  "kw": {"count": 3, "select": "s", "in": 1},
  "resources": {
    "fn1": {"type": "aws.lambda.function", "name": "one", "memory_size": 128, "role": "role1",
            "env": {"A": "x", "B": "y"}, "list": [10, 20]},
    "fn2": {"type": "aws.lambda.function", "name": "two", "memory_size": 4096, "role": "nope",
            "env": {}, "list": []},
    "role1": {"type": "aws.iam.role", "admin": true}
  }
})";

std::string wrap(std::string_view decls, std::string_view clauses, std::string_view report) {
  return "package t\n" + std::string(decls) + "\nrule \"T\" {\n  title: \"t\" severity: low category: flow\n" +
         std::string(clauses) + "\n  report " + std::string(report) + "\n}\n";
}

std::string only_outcomes(const PolicyRun& run) {
  if (!run.compiled) return "compile error: " + first_diagnostic(run.diagnostics);
  if (!run.create_error.empty()) return "create error: " + run.create_error;
  if (!run.result.errors.empty()) return "stopped: " + run.result.errors[0];
  if (run.result.findings.empty()) return "clean";
  std::string out;
  for (const Finding& f : run.result.findings) out += (out.empty() ? "" : ",") + std::string(outcome_name(f.outcome));
  return out;
}

std::string cond(std::string_view expr, std::string_view decls = "", std::string_view doc = kDoc) {
  return only_outcomes(run_policy(wrap(decls, "  where " + std::string(expr), "\"hit\""), doc));
}

std::string value(std::string_view expr, std::string_view decls = "", std::string_view doc = kDoc) {
  return one_value(run_policy(
      wrap(decls, "  let v = " + std::string(expr) + "\n  where json_encode(v) != \"\"", "\"${json_encode(v)}\""), doc));
}

std::string text(std::string_view expr, std::string_view decls = "", std::string_view doc = kDoc) {
  return one_value(
      run_policy(wrap(decls, "  let v = " + std::string(expr) + "\n  where json_encode(v) != \"\"", "\"${v}\""), doc));
}

struct Row {
  std::string_view expr;
  std::string_view want;
};

void check_values(const std::vector<Row>& rows) {
  for (const Row& r : rows) EXPECT_EQ(value(r.expr), r.want) << "value of: " << r.expr;
}

// ---- arithmetic

TEST(VmSemantics, Arithmetic) {
  check_values({
      {"input.i1 + input.i2", "3"},
      {"input.i7 - input.i2", "5"},
      {"input.i7 * input.i2", "14"},
      {"input.i7 / input.i2", "3"},
      {"-input.i7 / input.i2", "-3"},  // truncates toward zero
      {"input.i7 % input.i2", "1"},
      {"-input.i7 % input.i2", "-1"},
      {"input.f + input.i1", "2.5"},
      {"input.i1 + input.f", "2.5"},
      {"input.f * input.i2", "3.0"},
      {"input.fm - input.f", "-4.0"},
      {"input.i7 / input.f", "4.666666666666667"},
      {"input.f % input.i1", "0.5"},
      {"-input.f", "-1.5"},
      {"-input.im", "1"},
      {"input.s + input.sb", "\"ab\""},
      {"input.se + input.se", "\"\""},
      {"input.l + input.le", "[1,2,3]"},
      {"input.l + [4]", "[1,2,3,4]"},
      {"(input.i7 + input.i1) * input.i2 - input.i7 % input.i2", "15"},
  });
}

TEST(VmSemantics, ArithmeticErrors) {
  check_values({
      {"input.i7 / input.i0", "error:division by zero"},
      {"input.i7 % input.i0", "error:division by zero"},
      {"input.f / input.f0", "error:division by zero"},
      {"input.f % input.f0", "error:division by zero"},
      {"input.i7 / input.f0", "error:division by zero"},
      {"input.max + input.i1", "error:integer overflow"},
      {"input.min - input.i1", "error:integer overflow"},
      {"input.max * input.i2", "error:integer overflow"},
      {"input.min / input.im", "error:integer overflow"},
      {"input.min % input.im", "0"},  // the remainder is representable
      {"-input.min", "error:integer overflow in negation"},
      {"input.max + input.i0", "9223372036854775807"},
      {"input.s + input.i1", "error:operator + cannot combine string \"a\" and int"},
      {"input.i1 + input.s", "error:operator + cannot combine int and string \"a\""},
      {"input.m + input.m", "{\"a\":1,\"b\":2}"},  // a map merge (MapMerge below)
      {"input.l + input.s", "error:operator + cannot combine list and string \"a\""},
      {"input.s * input.i2", "error:operator * cannot combine string \"a\" and int"},
      {"input.l - input.l", "error:operator - cannot combine list and list"},
      {"input.s / input.s", "error:operator / cannot combine string \"a\" and string \"a\""},
      {"input.t % input.i2", "error:operator % cannot combine bool and int"},
      {"input.n + input.i1", "error:operator + cannot combine null and int"},
      {"-input.s", "error:cannot negate a string \"a\""},
      {"-input.l", "error:cannot negate a list"},
  });
}

TEST(VmSemantics, ArithmeticOnUndefined) {
  check_values({
      {"input.zz + 1", "unknown:/zz"},
      {"1 + input.zz", "unknown:/zz"},
      {"input.zz * input.yy", "unknown:/zz"},  // the first missing operand is named
      {"-input.zz", "unknown:/zz"},
      {"input.zz + input.i1 / input.i0", "error:division by zero"},  // errors win over missing
      {"input.i1 / input.i0 + input.zz", "error:division by zero"},
      {"input.m.zz - 1", "unknown:/m/zz"},
  });
}

// ---- comparisons

TEST(VmSemantics, Comparisons) {
  check_values({
      {"input.i1 == input.i1", "true"},
      {"input.i1 != input.i2", "true"},
      {"input.i1 == 1.0", "true"},
      {"input.i1 == input.f", "false"},
      {"input.i1 < input.f", "true"},
      {"input.f <= input.i1", "false"},
      {"input.f >= input.i1", "true"},
      {"input.fm < input.im", "true"},
      {"input.i2 > input.i1", "true"},
      {"input.i2 >= input.i2", "true"},
      // ints and floats compare exactly, not through a rounded double
      {"input.p53 == input.f53", "false"},
      {"input.p53 > input.f53", "true"},
      {"input.f53 < input.p53", "true"},
      {"input.p53 - 1 == input.f53", "true"},
      {"input.max > 9223372036854775807.0", "false"},
      {"input.max < 9223372036854775807.0", "true"},
      {"input.min == -9223372036854775808.0", "true"},
      // strings order by bytes
      {"input.s < input.sb", "true"},
      {"input.sB < input.s", "true"},
      {"input.se < input.s", "true"},
      {"input.s <= input.s", "true"},
      {"\"ab\" < input.sb", "true"},
      {"input.s > \"ab\"", "false"},
      {"input.s == input.sb", "false"},
      {"input.s != input.sb", "true"},
      // equality is deep, map order does not matter, kinds never equal
      {"input.l == [1, 2, 3]", "true"},
      {"input.l == [1, 2]", "false"},
      {"input.l == [1.0, 2, 3]", "true"},
      {"input.m == {b: 2, a: 1}", "true"},
      {"input.m == {a: 1}", "false"},
      {"input.n == null", "true"},
      {"input.t == true", "true"},
      {"input.s == input.i1", "false"},
      {"input.s != input.i1", "true"},
      {"input.le == input.me", "false"},
      {"input.i0 == input.fa", "false"},
      {"input.i0 == input.n", "false"},
  });
}

TEST(VmSemantics, ComparisonErrorsAndMissing) {
  check_values({
      {"input.s < input.i1", "error:cannot order string \"a\" and int"},
      {"input.i1 >= input.s", "error:cannot order int and string \"a\""},
      {"input.l < input.l", "error:cannot order list and list"},
      {"input.t < input.fa", "error:cannot order bool and bool"},
      {"input.n < input.i1", "error:cannot order null and int"},
      {"input.m > input.me", "error:cannot order map and map"},
      // a missing value is not null: comparing it cannot be decided
      {"input.zz == null", "unknown:/zz"},
      {"input.zz != null", "unknown:/zz"},
      {"input.zz == input.zz", "unknown:/zz"},
      {"input.zz < 1", "unknown:/zz"},
      {"1 > input.m.zz", "unknown:/m/zz"},
      {"input.zz < input.s", "unknown:/zz"},
      {"input.zz < input.i1 / input.i0", "error:division by zero"},
  });
}

// ---- three-valued logic
// T = true, F = false, M = missing, E = a type error, X = a non-bool.

std::string logic(std::string_view e) {
  std::string s(e);
  auto sub = [&](std::string_view from, std::string_view to) {
    for (size_t p; (p = s.find(from)) != std::string::npos;) s.replace(p, from.size(), to);
  };
  sub("T", "input.t");
  sub("F", "input.fa");
  sub("M", "input.zz");
  sub("E", "(input.s < 1)");
  sub("X", "input.i1");
  return value(s);
}

TEST(VmSemantics, AndTruthTable) {
  const std::vector<Row> rows = {
      {"T and T", "true"},
      {"T and F", "false"},
      {"F and T", "false"},
      {"F and F", "false"},
      {"T and M", "unknown:/zz"},
      {"M and T", "unknown:/zz"},
      {"F and M", "false"},  // false wins whatever the other side is
      {"M and F", "false"},
      {"M and M", "unknown:/zz"},
      // an error is never hidden by the other operand, once evaluated
      {"T and E", "error:cannot order string \"a\" and int"},
      {"E and T", "error:cannot order string \"a\" and int"},
      {"E and F", "error:cannot order string \"a\" and int"},
      {"M and E", "error:cannot order string \"a\" and int"},
      {"E and M", "error:cannot order string \"a\" and int"},
      {"F and E", "false"},  // short-circuit: E is never evaluated
      {"X and T", "error:'and' needs bools, got int"},
      {"T and X", "error:'and' needs bools, got int"},
      {"F and X", "false"},
  };
  for (const Row& r : rows) EXPECT_EQ(logic(r.expr), r.want) << r.expr;
}

TEST(VmSemantics, OrTruthTable) {
  const std::vector<Row> rows = {
      {"T or T", "true"},
      {"T or F", "true"},
      {"F or T", "true"},
      {"F or F", "false"},
      {"T or M", "true"},  // true wins whatever the other side is
      {"M or T", "true"},
      {"F or M", "unknown:/zz"},
      {"M or F", "unknown:/zz"},
      {"M or M", "unknown:/zz"},
      {"T or E", "true"},  // short-circuit: E is never evaluated
      {"E or T", "error:cannot order string \"a\" and int"},
      {"F or E", "error:cannot order string \"a\" and int"},
      {"E or F", "error:cannot order string \"a\" and int"},
      {"M or E", "error:cannot order string \"a\" and int"},
      {"X or F", "error:'or' needs bools, got int"},
      {"F or X", "error:'or' needs bools, got int"},
      {"T or X", "true"},
  };
  for (const Row& r : rows) EXPECT_EQ(logic(r.expr), r.want) << r.expr;
}

TEST(VmSemantics, NotAndPrecedence) {
  const std::vector<Row> rows = {
      {"not T", "false"},
      {"not F", "true"},
      {"not M", "unknown:/zz"},
      {"not E", "error:cannot order string \"a\" and int"},
      {"not X", "error:'not' needs a bool, got int"},
      {"not not T", "true"},
      {"not F and F", "false"},  // (not F) and F
      {"T or F and F", "true"},  // T or (F and F)
      {"not T or T", "true"},    // (not T) or T
      {"(T or F) and F", "false"},
  };
  for (const Row& r : rows) EXPECT_EQ(logic(r.expr), r.want) << r.expr;
}

TEST(VmSemantics, WhereOutcomes) {
  // How a where condition turns into an outcome.
  EXPECT_EQ(cond("input.t"), "fail");
  EXPECT_EQ(cond("input.fa"), "clean");
  EXPECT_EQ(cond("input.zz"), "unknown");
  EXPECT_EQ(cond("input.zz > 1"), "unknown");
  EXPECT_EQ(cond("input.fa and input.zz"), "clean");
  EXPECT_EQ(cond("input.t and input.zz"), "unknown");
  EXPECT_EQ(cond("input.t or input.zz"), "fail");
  EXPECT_EQ(cond("input.s < 1"), "error");
  EXPECT_EQ(cond("input.i1"), "error");  // a non-bool where is an error, never clean
  EXPECT_EQ(cond("input.n"), "error");
  EXPECT_EQ(cond("input.s < 1 and input.fa"), "error");
  EXPECT_EQ(cond("all(x in input.l: 1 / (x - 1) > 0)"), "error");
  EXPECT_EQ(cond("\"${input.zz}\" == \"x\""), "unknown");
  EXPECT_EQ(cond("\"${input.i1 / input.i0}\" == \"x\""), "error");
}

// ---- membership, defaults, conditionals, let

TEST(VmSemantics, In) {
  check_values({
      {"input.i2 in input.l", "true"},
      {"input.i7 in input.l", "false"},
      {"input.i7 not in input.l", "true"},
      {"input.i2 not in input.l", "false"},
      {"1.0 in input.l", "true"},
      {"input.i1 in input.le", "false"},
      {"input.n in [null]", "true"},
      {"[1, 2] in [[1, 2]]", "true"},
      {"input.m in [{a: 1, b: 2}]", "true"},
      {"\"a\" in input.m", "true"},
      {"\"z\" in input.m", "false"},
      {"\"z\" not in input.m", "true"},
      {"input.s in input.me", "false"},
      {"input.s in \"cat\"", "true"},
      {"\"dog\" in input.s", "false"},
      {"input.se in input.s", "true"},
      {"input.s not in \"xyz\"", "true"},
      {"input.i1 in input.m", "error:map keys are strings; 'in' got int"},
      {"input.i1 in input.s", "error:'in' a string needs a string, got int"},
      {"input.i1 in input.i2", "error:'in' needs a list, map or string, got int"},
      {"input.i1 not in input.n", "error:'in' needs a list, map or string, got null"},
      {"input.zz in input.l", "unknown:/zz"},
      {"input.zz in input.le", "unknown:/zz"},
      {"1 in input.zz", "unknown:/zz"},
      {"1 not in input.zz", "unknown:/zz"},
      {"\"a\" in input.m.zz", "unknown:/m/zz"},
  });
}

TEST(VmSemantics, Coalesce) {
  check_values({
      {"input.zz ?? 5", "5"},
      {"input.n ?? 5", "5"},
      {"input.i0 ?? 5", "0"},
      {"input.fa ?? true", "false"},
      {"input.se ?? \"d\"", "\"\""},
      {"input.le ?? [1]", "[]"},
      {"input.zz.y.z ?? 5", "5"},
      {"input.m.zz ?? input.m.a", "1"},
      {"input.zz ?? input.yy", "unknown:/yy"},
      {"input.zz ?? input.n", "null"},
      {"input.zz ?? input.yy ?? 3", "3"},
      {"input.i1 / input.i0 ?? 5", "error:division by zero"},  // errors are not defaulted
      {"(input.s < 1) ?? true", "error:cannot order string \"a\" and int"},
      {"input.l[9] ?? -1", "-1"},
      {"input.i1 + input.zz ?? 10", "11"},  // ?? binds tighter than +
  });
}

TEST(VmSemantics, IfAndLet) {
  check_values({
      {"if input.t then 1 else 2", "1"},
      {"if input.fa then 1 else 2", "2"},
      {"if input.zz then 1 else 2", "unknown:/zz"},
      {"if input.i1 then 1 else 2", "error:'if' needs a bool, got int"},
      {"if input.s < 1 then 1 else 2", "error:cannot order string \"a\" and int"},
      {"if input.t then 1 else input.i1 / input.i0", "1"},  // only the chosen branch runs
      {"if input.fa then input.zz else \"x\"", "\"x\""},
      {"if input.fa then 1 else if input.t then 2 else 3", "2"},
      {"let a = input.i7; a * a", "49"},
      {"let a = 1; let b = a + 1; a + b", "3"},
      {"let a = 1; let a = a + 1; a", "2"},  // shadowing
      {"let a = input.zz; a ?? 3", "3"},
      {"let a = input.zz; a + 1", "unknown:/zz"},
      {"let x = input.l; x[0] + x[-1]", "4"},
  });
}

// ---- quantifiers

TEST(VmSemantics, Quantifiers) {
  check_values({
      {"any(x in input.l: x > 2)", "true"},
      {"any(x in input.l: x > 5)", "false"},
      {"any(x in input.le: true)", "false"},
      {"all(x in input.l: x > 0)", "true"},
      {"all(x in input.l: x > 1)", "false"},
      {"all(x in input.le: false)", "true"},
      {"none(x in input.l: x > 5)", "true"},
      {"none(x in input.l: x > 2)", "false"},
      {"none(x in input.le: true)", "true"},
      {"count(x in input.l)", "3"},
      {"count(x in input.l: x >= 2)", "2"},
      {"count(x in input.le)", "0"},
      {"count(x in input.le: true)", "0"},
      {"count(x in input.m)", "2"},
      {"count(x in input.me)", "0"},
      // one variable over a map binds the values; two bind key and value
      {"any(v in input.m: v == 2)", "true"},
      {"any(v in input.m: v == \"a\")", "false"},
      {"any(k, v in input.m: k == \"b\" and v == 2)", "true"},
      {"all(k, v in input.m: k in [\"a\", \"b\"] and v > 0)", "true"},
      {"count(k, v in input.m: v > 1)", "1"},
      {"any(i, x in input.l: i == 2 and x == 3)", "true"},
      {"all(i, x in input.l: x == i + 1)", "true"},
      // nesting
      {"any(x in input.l: all(y in input.l: x >= y))", "true"},
      {"count(x in input.l: any(y in input.l: x * 2 == y))", "1"},
  });
}

TEST(VmSemantics, QuantifiersOverMissingData) {
  check_values({
      // a decisive element wins over missing ones; otherwise unknown
      {"any(o in input.objs: o.a == 2)", "true"},
      {"any(o in input.objs: o.a == 5)", "unknown:/objs/2/a"},
      {"all(o in input.objs: o.a > 1)", "false"},
      {"all(o in input.objs: o.a > 0)", "unknown:/objs/2/a"},
      {"none(o in input.objs: o.a == 1)", "false"},
      {"none(o in input.objs: o.a == 5)", "unknown:/objs/2/a"},
      {"count(o in input.objs: o.a >= 1)", "unknown:/objs/2/a"},
      {"count(o in input.objs)", "3"},
      // a missing or unusable collection
      {"any(x in input.zz: true)", "unknown:/zz"},
      {"all(x in input.zz: true)", "unknown:/zz"},
      {"none(x in input.zz: true)", "unknown:/zz"},
      {"count(x in input.zz)", "unknown:/zz"},
      {"any(x in input.s: true)", "error:cannot iterate over a string \"a\""},
      {"count(x in input.i1)", "error:cannot iterate over a int"},
      {"all(x in input.n: true)", "error:cannot iterate over a null"},
      // conditions that are not bools, or fail
      {"any(x in input.l: x)", "error:a quantifier condition must be a bool, got int"},
      {"all(x in input.l: 1 / (x - 1) > 0)", "error:division by zero"},
      {"any(x in input.l: 1 / (x - 1) > 0)", "error:division by zero"},
      {"none(x in input.l: 1 / (x - 1) > 0)", "error:division by zero"},
      {"count(x in input.l: 1 / (x - 1) > 0)", "error:division by zero"},
      {"any(x in input.l: x == 1 or 1 / (x - 1) > 0)", "true"},  // decided before the error
  });
}

// ---- comprehensions

TEST(VmSemantics, Comprehensions) {
  check_values({
      {"[x * 2 for x in input.l]", "[2,4,6]"},
      {"[x for x in input.l if x != 2]", "[1,3]"},
      {"[x for x in input.le]", "[]"},
      {"[x for x in input.l if false]", "[]"},
      {"[i for i, x in input.l]", "[0,1,2]"},
      {"[k for k, v in input.m]", "[\"a\",\"b\"]"},
      {"[v for v in input.m]", "[1,2]"},
      {"[[x * y for y in input.l] for x in [1, 2]]", "[[1,2,3],[2,4,6]]"},
      {"[x for x in [x * 10 for x in input.l] if x > 10]", "[20,30]"},
      {"{k: v * 10 for k, v in input.m}", "{\"a\":10,\"b\":20}"},
      {"{k: v for k, v in input.m if v > 1}", "{\"b\":2}"},
      {"{\"k${x}\": x for x in input.l}", "{\"k1\":1,\"k2\":2,\"k3\":3}"},
      {"{\"k\": x for x in input.l}", "{\"k\":3}"},  // a repeated key keeps the last value
      {"{k: v for k, v in input.me}", "{}"},
      {"len([x for x in input.l if x > 1])", "2"},
  });
}

TEST(VmSemantics, TypePredicatesOnMissingData) {
  // A missing value is not a string: the kind tests decide, so where
  // clauses and filters over optional fields stay decided.
  EXPECT_EQ(cond("is_string(input.zz)"), "clean");
  EXPECT_EQ(cond("not is_map(input.zz) and not is_list(input.m.zz) and not is_null(input.zz)"), "fail");
  EXPECT_EQ(cond("is_int(input.zz) or is_float(input.zz) or is_number(input.zz) or is_bool(input.zz)"), "clean");
  check_values({
      {"[o for o in input.objs if is_int(o.a)]", "[{\"a\":1},{\"a\":2}]"},
      {"is_string(input.l[7])", "false"},
      {"is_number(input.i1 / input.i0)", "error:division by zero"},  // errors still propagate
  });
}

TEST(VmSemantics, ComprehensionsWithSeveralClauses) {
  check_values({
      // Several `for`s nest left to right, as in Python.
      {"[x * 10 + y for x in [1, 2] for y in [1, 2]]", "[11,12,21,22]"},
      {"[x * 10 + y for x in [1, 2] for y in [1, 2] if y >= x]", "[11,12,22]"},
      {"[x * 10 + y for x in [1, 2] if x > 1 for y in [1, 2]]", "[21,22]"},
      {"[a for s in [[1, 2], [], [3]] for a in s]", "[1,2,3]"},
      {"[k + \"=\" + to_string(v) for r in resources(\"aws.lambda.function\") for k, v in r.env]",
       "[\"A=x\",\"B=y\"]"},
      {"[[i, j] for i, x in input.l for j, y in input.l if i + j == 2]", "[[0,2],[1,1],[2,0]]"},
      {"[x for xs in [[1], [2]] for ys in [[xs]] for x in ys[0]]", "[1,2]"},
      {"{k + to_string(x): x for k, v in input.m for x in [v, v * 10]}", "{\"a1\":1,\"a10\":10,\"b2\":2,\"b20\":20}"},
      {"count(x in [a for s in [[1, 2], [3]] for a in s]: x > 1)", "2"},
      // `let` names a value for the later clauses and the element.
      {"[d for x in input.l let d = x * 2 if d > 2]", "[4,6]"},
      {"[n for o in input.objs let n = o.a ?? 0 if n > 0]", "[1,2]"},
      {"[[x, y, z] for x in [1] let y = x + 1 for z in [y, y + 1]]", "[[1,2,2],[1,2,3]]"},
      // Undefined values in later clauses make the whole comprehension undefined.
      {"[a for o in input.objs for a in o.zz]", "unknown:/objs/0/zz"},
      {"[a for o in input.objs for a in [o] if a.a > 1]", "unknown:/objs/2/a"},
      {"[a for o in input.l for a in o]", "error:cannot iterate over a int"},
      {"[a for o in input.l let a = o / (o - 1)]", "error:division by zero"},
      {"[a for o in input.objs for a in o.zz ?? []]", "[]"},
  });
}

TEST(VmSemantics, ComprehensionsOverMissingData) {
  check_values({
      {"[o for o in input.objs if o.a > 1]", "unknown:/objs/2/a"},  // the filter could not decide
      {"[o.a for o in input.objs]", "unknown:/objs/2/a"},          // an element is missing
      {"[o.a ?? 0 for o in input.objs]", "[1,2,0]"},
      {"[x for x in input.zz]", "unknown:/zz"},
      {"{k: v for k, v in input.zz}", "unknown:/zz"},
      {"[x for x in input.s]", "error:cannot iterate over a string \"a\""},
      {"[x for x in input.l if x]", "error:a comprehension filter must be a bool, got int"},
      {"[x for x in input.l if 1 / (x - 1) > 0]", "error:division by zero"},
      {"{x: 1 for x in input.l}", "error:map keys must be strings, got int"},
      {"{k: 1 for k in input.m}", "error:map keys must be strings, got int"},
      {"{k: 1 for k, v in input.m if v > input.zz}", "unknown:/zz"},
  });
}

// ---- strings and interpolation

TEST(VmSemantics, Interpolation) {
  const std::vector<Row> rows = {
      {"\"${input.s}|${input.i1}|${input.f}|${input.n}|${input.t}|${input.fa}\"", "a|1|1.5|null|true|false"},
      {"\"${input.l}|${input.m}|${input.le}|${input.me}\"", "[1,2,3]|{\"a\":1,\"b\":2}|[]|{}"},
      {"\"${input.fm}|${1.0}|${2.5e3}|${-0.0}|${input.max}\"", "-2.5|1.0|2500.0|-0.0|9223372036854775807"},
      {"\"${input.objs}\"", "[{\"a\":1},{\"a\":2},{}]"},
      {"\"${input.s}${input.s}\"", "aa"},
      {"\"<${input.se}>\"", "<>"},
      {"\"${input.i1 + input.i2} items\"", "3 items"},
      {"\"tab\\there \\u{e9} \\$ \\\\ \\\"q\\\"\"", "tab\there \u00e9 $ \\ \"q\""},
      {"\"\\${input.s}\"", "${input.s}"},
      {"r\"a\\nb${x}\"", "a\\nb${x}"},  // raw: no escapes, no interpolation
      {"\"\"\"\n    line1\n      line2 ${x}\n    \"\"\"", "line1\n  line2 ${x}"},  // text block: dedented, literal
      // undefined values do not turn into text inside an expression
      {"\"x${input.zz}y\"", "unknown:/zz"},
      {"\"x${input.i1 / input.i0}y\"", "error:division by zero"},
  };
  for (const Row& r : rows) EXPECT_EQ(text(r.expr), r.want) << r.expr;
}

TEST(VmSemantics, StringsInsideInterpolation) {
  // Inside "${...}" a string is written "...", '...' or \"...\".
  EXPECT_EQ(text("\"${join([input.s, input.sb], \", \")}\""), "a, b");
  EXPECT_EQ(text("\"<${replace(input.s, \"a\", \"}\")}>\""), "<}>");
  EXPECT_EQ(text("\"${input.s + \"${input.sb + \"!\"}\"}\""), "ab!");  // nested interpolation
  EXPECT_EQ(text("\"${'\"' + input.s}\""), "\"a");
  EXPECT_EQ(text("\"${{k: \"}\"}.k}\""), "}");
  EXPECT_EQ(text("\"${if input.t then 'yes' else 'no'}\""), "yes");
  EXPECT_EQ(text("\"${input.s + \\\"!\\\"}\""), "a!");
  EXPECT_EQ(text("\"${join([input.s, 'b'], '-')}\""), "a-b");
  EXPECT_EQ(text("'single ${input.sb}'"), "single b");
}

TEST(VmSemantics, ReportMessages) {
  // A report message may mention absent data: the finding still fires and
  // says what was missing. An error in the message makes the outcome an
  // error, never a finding with "<error>" in its text.
  PolicyRun run = run_policy(wrap("", "  where input.t", "\"name=${input.zz} ok=${input.s}\""), kDoc);
  ASSERT_EQ(run.result.findings.size(), 1u) << summarize(run);
  EXPECT_EQ(run.result.findings[0].outcome, Outcome::kFail);
  EXPECT_EQ(run.result.findings[0].message, "name=<missing> ok=a");

  run = run_policy(wrap("", "  where input.t", "\"div=${input.i1 / input.i0}\""), kDoc);
  ASSERT_EQ(run.result.findings.size(), 1u) << summarize(run);
  EXPECT_EQ(run.result.findings[0].outcome, Outcome::kError);
  EXPECT_EQ(run.result.findings[0].message, "division by zero");
}

// ---- access

// The tail of the error for a field of a non-map, which `??` does not catch.
const std::string kNotAMap =
    "; this is an error, and errors are never absorbed (not even by '?\?'): guard the read, e.g. 'is_map(input) and ...'";

TEST(VmSemantics, FieldAndIndexAccess) {
  check_values({
      {"input.m.a", "1"},
      {"input.m[\"b\"]", "2"},
      {"input.m[input.s]", "1"},
      {"input.kw.count + input.kw.in", "4"},  // keywords are field names after a dot
      {"input.kw.select", "\"s\""},
      {"input.m.zz", "unknown:/m/zz"},
      {"input.zz.y.z", "unknown:/zz"},
      {"input.m[\"zz\"]", "unknown:/m/zz"},
      {"input.me.a", "unknown:/me/a"},
      {"input.objs[2].a", "unknown:/objs/2/a"},
      {"input.n.x", "unknown:"},  // missing, but null has no place in the document to name
      {"input.i1.x", "error:cannot read field 'x' of a int" + kNotAMap},
      {"input.s.x", "error:cannot read field 'x' of a string" + kNotAMap},
      {"input.l.x", "error:cannot read field 'x' of a list" + kNotAMap},
      {"input.t.x", "error:cannot read field 'x' of a bool" + kNotAMap},
      {"input.m[input.i1]", "error:map index must be a string, got int"},
      {"input.l[0]", "1"},
      {"input.l[2]", "3"},
      {"input.l[-1]", "3"},
      {"input.l[-3]", "1"},
      {"input.l[3]", "unknown:/l/3"},
      {"input.l[-4]", "unknown:/l/-4"},
      {"input.le[0]", "unknown:/le/0"},
      {"input.l[input.s]", "error:list index must be an int, got string"},
      {"input.l[input.f]", "error:list index must be an int, got float"},
      {"input.l[input.zz]", "unknown:/zz"},
      {"input.zz[0]", "unknown:/zz"},
      {"input.s[0]", "\"a\""},
      {"input.s[-1]", "\"a\""},
      {"input.s[1]", "unknown:"},
      {"input.i1[0]", "error:cannot index a int"},
      {"input.n[0]", "unknown:"},
      {"input.objs[0].a + input.objs[-2].a", "3"},
  });
}

TEST(VmSemantics, FieldOfANonMapIsAnErrorThatCoalesceDoesNotCatch) {
  // The document root is a list: reading a field of it is an error, never
  // absorbed by ??, and the message says so and how to guard it.
  constexpr std::string_view kListDoc = R"([{"type": "x"}])";
  EXPECT_EQ(value("input.resources ?? {}", "", kListDoc), "error:cannot read field 'resources' of a list" + kNotAMap);
  EXPECT_EQ(value("is_map(input) and len(input.resources ?? {}) > 0", "", kListDoc), "false");
  EXPECT_EQ(value("if is_map(input) then input.resources ?? {} else {}", "", kListDoc), "{}");
}

TEST(VmSemantics, KeywordsAsMapKeys) {
  check_values({
      {"{where: 1, subject: 2, fn: 3, at: 4, src: 5}", "{\"where\":1,\"subject\":2,\"fn\":3,\"at\":4,\"src\":5}"},
      {"{select: input.s, count: 2, in: 3, true: 4, null: 5}.select", "\"a\""},
      {"[{for: x} for x in input.l][0]", "{\"for\":1}"},
      {"{if: 1, let: 2}[\"let\"] + {not: 3}.not", "5"},
  });
}

TEST(VmSemantics, MapMerge) {
  check_values({
      {"input.m + {b: 3, c: 4}", "{\"a\":1,\"b\":3,\"c\":4}"},  // the right side wins, new keys follow
      {"{c: 4, b: 3} + input.m", "{\"c\":4,\"b\":2,\"a\":1}"},
      {"input.me + input.me", "{}"},
      {"{a: {x: 1}} + {a: {y: 2}}", "{\"a\":{\"y\":2}}"},  // not recursive
      {"keys(resources(\"aws.lambda.function\") + resources(\"aws.iam.role\"))", "[\"fn1\",\"fn2\",\"role1\"]"},
      {"input.m + input.zz", "unknown:/zz"},
      {"input.m + input.l", "error:operator + cannot combine map and list"},
  });
  // Statically typed operands are checked at compile time: map + map is fine.
  EXPECT_EQ(value("{a: 1} + {b: 2}"), "{\"a\":1,\"b\":2}");
}

TEST(VmSemantics, ResourceJoins) {
  check_values({
      {"resource(\"role1\").admin", "true"},
      {"resource(\"fn1\").name", "\"one\""},
      {"resource(resource(\"fn1\").role).admin", "true"},
      {"resource(\"nope\")", "unknown:/resources/nope"},
      {"resource(\"nope\").admin", "unknown:/resources/nope"},
      {"has(resource(\"nope\"))", "false"},
      {"resource(input.i1)", "error:resource() takes a string id, got int"},
      {"resource(input.zz)", "unknown:/zz"},
      {"keys(resources(\"aws.lambda.function\"))", "[\"fn1\",\"fn2\"]"},
      {"resources(\"aws.s3.bucket\")", "{}"},
      {"[r.name for id, r in resources(\"aws.lambda.function\")]", "[\"one\",\"two\"]"},
      {"[id for id, r in resources(\"aws.lambda.function\") if r.memory_size > 1000]", "[\"fn2\"]"},
      {"count(r in resources(\"aws.iam.role\"))", "1"},
  });
}

// ---- whole rules: select, for, joins, places, subjects


}  // namespace
}  // namespace moat
