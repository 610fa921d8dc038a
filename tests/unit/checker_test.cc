// Static checking: policy text -> the exact diagnostics a user sees.
//
// Each row compiles one file named p.moat and compares its diagnostics as
// "line:col: severity: message" lines (the caret lines are covered by the
// golden files in tests/golden/diagnostics, see DiagnosticsGolden below).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "policy_test_util.h"

namespace moat {
namespace {

// The header lines of the formatted diagnostics, without the file name.
std::vector<std::string> diag_lines(const std::vector<testing::Source>& sources, std::shared_ptr<const Schema> schema = nullptr) {
  Engine engine;
  if (schema) engine.set_schema(schema);
  for (const testing::Source& s : sources) engine.add_source(s.name, s.text);
  CompileResult r = engine.compile();
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics.items()) {
    std::string f = format_diagnostic(*r.sources, d);
    out.push_back(f.substr(0, f.find('\n')));
  }
  // A program is produced exactly when there are no errors.
  EXPECT_EQ(r.ok(), !r.diagnostics.has_errors());
  return out;
}

std::vector<std::string> diags(const std::string& text) {
  std::vector<std::string> lines = diag_lines({{"p.moat", text}});
  for (std::string& l : lines)
    if (l.starts_with("p.moat:")) l = l.substr(7);
  return lines;
}

std::string simple_rule(const std::string& clauses, const std::string& decls = "") {
  // Line 1 package, line 2 decls (may be empty), line 3 rule header, line 4 metadata, clauses from line 5.
  return "package p\n" + decls + "\nrule \"R\" {\n  title: \"t\" severity: low category: flow\n" + clauses + "\n}\n";
}

struct Row {
  std::string name;
  std::string policy;
  std::vector<std::string> want;
};

void check_rows(const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    SCOPED_TRACE(r.name);
    std::vector<std::string> got = diags(r.policy);
    EXPECT_EQ(got, r.want) << r.policy;
  }
}

TEST(Checker, Names) {
  check_rows({
      {"undefined constant with a hint", simple_rule("  where LIMTI > 1\n  report \"x\"", "let LIMIT = 3"),
       {"5:9: error: undefined name 'LIMTI' (did you mean 'LIMIT'?)"}},
      {"undefined local with a hint", simple_rule("  select fun: \"T\"\n  where fum.x > 1\n  report \"x\""),
       {"6:9: error: undefined name 'fum' (did you mean 'fun'?)"}},
      {"undefined with no close name", simple_rule("  where zzzzzz\n  report \"x\""),
       {"5:9: error: undefined name 'zzzzzz'"}},
      {"unknown function with a hint", simple_rule("  where lenn(input.x) > 1\n  report \"x\""),
       {"5:9: error: unknown function 'lenn' (did you mean 'len'?)"}},
      {"a function used as a value", simple_rule("  where len > 1\n  report \"x\""),
       {"5:9: error: 'len' is a function; call it with (...)"}},
      {"a package used as a value", "package p\nimport p as q\nlet A = q\n",
       {"3:9: error: 'q' is a package; use q.<name>"}},
      {"a loop variable out of scope", simple_rule("  where any(x in input.l: true) and x\n  report \"x\""),
       {"5:37: error: undefined name 'x'"}},
      {"duplicate declarations", "package p\nlet A = 1\nlet A = 2\nfn A(x) = x\n",
       {"3:1: error: 'A' is already declared in package p", "4:1: error: 'A' is already declared in package p"}},
      {"duplicate function parameter", "package p\nfn f(x, x) = x\n",
       {"2:9: error: parameter 'x' is declared twice"}},
      {"a function hiding a builtin", "package p\nfn len(x) = 1\n",
       {"2:1: warning: function 'len' hides the builtin of the same name in this package"}},
  });
}

TEST(Checker, Calls) {
  check_rows({
      {"builtin arity", simple_rule("  where len(input.a, input.b) > 1\n  report \"x\""),
       {"5:9: error: len() takes 1 argument(s), got 2"}},
      {"variadic arity", simple_rule("  where format() == \"\"\n  report \"x\""),
       {"5:9: error: format() takes at least 1 argument(s), got 0"}},
      {"builtin argument type", simple_rule("  where starts_with(1, \"a\")\n  report \"x\""),
       {"5:21: error: starts_with(): argument 's' must be string, got int"}},
      {"second argument type", simple_rule("  where contains(input.s, [1])\n  report \"x\""),
       {"5:27: error: contains(): argument 'sub' must be string, got list"}},
      {"user function arity", simple_rule("  where f(1, 2)\n  report \"x\"", "fn f(x) = x > 0"),
       {"5:9: error: f() takes 1 argument(s), got 2"}},
      {"unknown package alias", simple_rule("  where q.f(1)\n  report \"x\""),
       {"5:9: error: unknown package alias 'q' (add 'import <package> as q')"}},
      {"resource() arity and type", simple_rule("  where has(resource(1))\n  report \"x\""),
       {"5:22: error: resource() takes a string, got int"}},
      {"resources() needs a literal type", simple_rule("  where len(resources(input.t)) > 0\n  report \"x\""),
       {"5:23: error: resources() needs a literal type name so rules can be indexed"}},
      {"a bad regex literal is caught at compile time", simple_rule("  where matches(input.s, \"(\")\n  report \"x\""),
       {"5:26: error: matches(): invalid regular expression: missing ): ("}},
  });
}

TEST(Checker, Types) {
  check_rows({
      {"non-bool where", simple_rule("  where 1 + 2\n  report \"x\""),
       {"5:9: error: a 'where' condition must be a bool, but this is a int"}},
      {"string where", simple_rule("  where \"yes\"\n  report \"x\""),
       {"5:9: error: a 'where' condition must be a bool, but this is a string"}},
      {"operator mismatch", simple_rule("  where \"a\" + 1 == \"a1\"\n  report \"x\""),
       {"5:9: error: operator + cannot combine string and int"}},
      {"ordering a list", simple_rule("  where [1] < [2]\n  report \"x\""),
       {"5:9: error: operator < cannot combine list and list"}},
      {"and on a non-bool", simple_rule("  where input.t and 3\n  report \"x\""),
       {"5:21: error: the right operand of 'and' must be a bool, but this is a int"}},
      {"not on a string", simple_rule("  where not \"a\"\n  report \"x\""),
       {"5:13: error: the operand of 'not' must be a bool, but this is a string"}},
      {"negating a string", simple_rule("  where -\"a\" == 1\n  report \"x\""),
       {"5:9: error: cannot negate a string"}},
      {"in on an int", simple_rule("  where 1 in 2\n  report \"x\""),
       {"5:14: error: 'in' needs a list, map or string on the right, got int"}},
      {"iterating an int", simple_rule("  where any(x in 5: true)\n  report \"x\""),
       {"5:18: error: cannot iterate over a int"}},
      {"quantifier without a condition", simple_rule("  where any(x in input.l)\n  report \"x\""),
       {"5:9: error: any(...) needs a condition: any(x in xs: condition)"}},
      {"field of a literal", simple_rule("  where 3.x == 1\n  report \"x\""),
       {"5:9: error: cannot read field 'x' of a int"}},
      {"list index type", simple_rule("  where [1][\"a\"] == 1\n  report \"x\""),
       {"5:13: error: list index must be an int, got string"}},
      {"report message type", simple_rule("  where true\n  report 5"),
       {"6:10: error: the report message must be a string"}},
      {"subject type", simple_rule("  where true\n  report \"x\" subject 5"),
       {"6:22: error: the subject must be a string"}},
      {"comparing kinds that never match is a warning", simple_rule("  where input.t or 1 == \"a\"\n  report \"x\""),
       {"5:20: warning: comparing a int with a string is always false"}},
      {"a default of another type is a warning", simple_rule("  where (input.x ?? 1) == \"a\" or (1 ?? \"a\") == 1\n  report \"x\""),
       {"5:35: warning: the default (string) has a different type than the value (int)"}},
      {"a default does not type an unknown value", simple_rule("  where (input.x ?? 1) + \"s\" == \"1s\"\n  report \"x\""), {}},
  });
}

TEST(Checker, Metadata) {
  auto r = [](const std::string& meta) {
    return "package p\nrule \"R\" {\n" + meta + "\n  where true\n  report \"x\"\n}\n";
  };
  check_rows({
      {"bad severity", r("  title: \"t\" severity: hgih category: flow"),
       {"3:24: error: unknown severity 'hgih' (did you mean 'high'?); expected one of: critical, high, medium, low, info"}},
      {"bad category", r("  title: \"t\" severity: low category: privlege"),
       {"3:38: error: unknown category 'privlege' (did you mean 'privilege'?); expected one of: injection, "
        "authentication, privilege, monitoring, secrets, exhaustion, flow, obsolete"}},
      {"severity as a string works", r("  title: \"t\" severity: \"low\" category: \"flow\""), {}},
      {"missing title", r("  severity: low category: flow"), {"2:6: error: rule 'R' has no 'title'"}},
      {"missing everything", r(""),
       {"2:6: error: rule 'R' has no 'title'", "2:6: error: rule 'R' has no 'severity'",
        "2:6: error: rule 'R' has no 'category'"}},
      {"unknown metadata key", r("  titel: \"t\" severity: low category: flow"),
       {"2:6: error: rule 'R' has no 'title'", "3:3: error: unknown metadata 'titel' (did you mean 'title'?)"}},
      {"metadata given twice", r("  title: \"t\" title: \"u\" severity: low category: flow"),
       {"3:14: error: metadata 'title' is given twice"}},
      {"title must be a literal", r("  title: 3 severity: low category: flow"),
       {"3:10: error: metadata 'title' must be a string literal"}},
      {"title must not interpolate", r("  title: \"a${1}\" severity: low category: flow"),
       {"3:10: error: metadata 'title' must be a string literal"}},
      {"tags must be strings", r("  title: \"t\" severity: low category: flow tags: [\"a\", 1]"),
       {"3:55: error: metadata 'tags' must be a list of strings"}},
      {"extra keys are fine", r("  title: \"t\" severity: low category: flow description: \"d\" remediation: \"r\" references: [\"u\"]"),
       {}},
  });
}

TEST(Checker, RulesAndCycles) {
  check_rows({
      {"duplicate rule ids",
       "package p\nrule \"R\" { title: \"t\" severity: low category: flow report \"x\" }\n"
       "rule \"R\" { title: \"t\" severity: low category: flow report \"y\" }\n",
       {"3:6: error: rule id 'R' is already used"}},
      {"empty rule id", "package p\nrule \"\" { title: \"t\" severity: low category: flow report \"x\" }\n",
       {"2:6: error: a rule needs an id"}},
      {"mutual recursion", "package p\nfn f(x) = g(x)\nfn g(x) = f(x)\n",
       {"3:11: error: recursion is not allowed (termination is guaranteed by construction): p.f -> p.g -> p.f"}},
      {"self recursion", "package p\nfn f(x) = if x > 0 then f(x - 1) else 0\n",
       {"2:25: error: recursion is not allowed (termination is guaranteed by construction): p.f -> p.f"}},
      {"constant cycle", "package p\nlet A = B + 1\nlet B = A + 1\n",
       {"3:9: error: recursion is not allowed (termination is guaranteed by construction): p.A -> p.B -> p.A"}},
      {"constant through a function", "package p\nlet A = f(1)\nfn f(x) = x + A\n",
       {"3:15: error: recursion is not allowed (termination is guaranteed by construction): p.A -> p.f -> p.A"}},
  });
}

TEST(Checker, ImportsAndParams) {
  check_rows({
      {"unknown import", "package p\nimport polcies\n", {"2:1: error: unknown package 'polcies'"}},
      {"alias used twice", "package p\nimport p as a\nimport p as a\n", {"3:1: error: import alias 'a' is used twice"}},
      {"unknown param type", "package p\nparam n: integer = 3\n",
       {"2:10: error: unknown parameter type 'integer'; expected int, float, number, string, bool, list, map or any"}},
      {"param default of the wrong type", "package p\nparam n: int = \"x\"\n",
       {"2:16: error: default of parameter 'n' must be int, got string"}},
      {"param default not literal", "package p\nparam n: int = 1 + 2\n",
       {"2:16: error: a parameter default must be a literal value"}},
      {"param default list", "package p\nparam n: list = [1, \"a\", {b: -2}]\n", {}},
      {"an int default for a float param", "package p\nparam r: float = 1\n", {}},
  });
}

TEST(Checker, ImportsAcrossFiles) {
  std::vector<testing::Source> files = {
      {"lib.moat", "package lib\nfn twice(x) = x * 2\nlet K = 1\n"},
      {"main.moat",
       "package main\nimport lib\nimport lbi\nlet A = lib.twise(1) + lib.Q\n"},
  };
  EXPECT_EQ(diag_lines(files),
            (std::vector<std::string>{
                "main.moat:3:1: error: unknown package 'lbi' (did you mean 'lib'?)",
                "main.moat:4:9: error: package 'lib' has no function 'twise' (did you mean 'twice'?)",
                "main.moat:4:24: error: package has no parameter or constant 'Q'",
            }));
}

TEST(Checker, SyntaxErrors) {
  check_rows({
      {"no package", "rule \"R\" { title: \"t\" severity: low category: flow report \"x\" }\n",
       {"1:1: error: mismatched input 'rule' expecting 'package'"}},
      {"no report", "package p\nrule \"R\" { title: \"t\" severity: low category: flow where true }\n",
       {"2:63: error: extraneous input '}' expecting {'let', 'select', 'for', 'where', 'report'}"}},
      {"unterminated string", "package p\nlet A = \"abc\n", {"2:9: error: unterminated string literal"}},
      {"unknown escape", "package p\nlet A = \"a\\qb\"\n", {"2:11: error: unknown escape sequence '\\q'"}},
      {"bad unicode escape", "package p\nlet A = \"\\u00e9\"\n", {"2:10: error: invalid unicode escape; write \\u{XXXX}"}},
      {"empty interpolation", "package p\nlet A = \"a${ }b\"\n", {"2:11: error: empty '${}' in string"}},
      {"unterminated interpolation", "package p\nlet A = \"a${1\"\n", {"2:11: error: unterminated '${' in string"}},
      {"stray character", "package p\nlet A = 1 @ 2\n", {"2:11: error: unexpected character '@'"}},
  });
}

TEST(Checker, KeywordsWhereNamesAreAllowed) {
  check_rows({
      {"keywords as map keys", simple_rule("  let m = {where: 1, subject: 2, fn: 3, at: 4, src: 5, select: 6, in: 7}\n  report \"x\""), {}},
      {"keywords in a dotted resource type", simple_rule("  select r: aws.events.rule | aws.x.select\n  report \"x\""), {}},
      {"keywords after a dot", simple_rule("  where input.for.where\n  report \"x\""), {}},
  });
}

TEST(Checker, KeywordsWhereNamesAreExpectedSaySo) {
  check_rows({
      {"a keyword as a constant", "package p\nlet where = 1\n",
       {"2:5: error: mismatched input 'where' expecting ID: 'where' is a keyword; quote it (\"where\") or choose another name"}},
      {"a keyword as a parameter", "package p\nfn f(subject) = 1\n",
       {"2:6: error: extraneous input 'subject' expecting {')', ID}: 'subject' is a keyword; quote it (\"subject\") or choose another name"}},
      {"a keyword in its place is not the problem", "rule \"R\" { title: \"t\" severity: low category: flow report \"x\" }\n",
       {"1:1: error: mismatched input 'rule' expecting 'package'"}},
  });
}

TEST(Checker, LocalsShadowingBuiltinsWarn) {
  const std::string tail = "; calls to values(...) still reach the builtin, but a different name avoids confusion";
  check_rows({
      {"a function parameter", "package p\nfn f(values) = values(values)\n",
       {"2:6: warning: 'values' shadows the builtin values()" + tail}},
      {"a let and a loop variable",
       simple_rule("  for keys in input.l\n  let len = 1\n  where any(lower in [1]: true)\n  report \"x\""),
       {"5:7: warning: 'keys' shadows the builtin keys(); calls to keys(...) still reach the builtin, but a different name avoids confusion",
        "6:7: warning: 'len' shadows the builtin len(); calls to len(...) still reach the builtin, but a different name avoids confusion",
        "7:13: warning: 'lower' shadows the builtin lower(); calls to lower(...) still reach the builtin, but a different name avoids confusion"}},
      {"ordinary names do not warn", "package p\nfn f(vals) = values(vals)\n", {}},
  });
}

TEST(Checker, ComprehensionClauses) {
  check_rows({
      {"later clauses see earlier variables",
       simple_rule("  where len([a for s in input.l let t = s.actions for a in t if a != \"*\"]) > 0\n  report \"x\""), {}},
      {"a later collection is type checked",
       simple_rule("  where len([a for s in input.l for a in 1]) > 0\n  report \"x\""),
       {"5:42: error: cannot iterate over a int"}},
      {"a later if must be a bool", simple_rule("  where len([s for s in input.l if 1]) > 0\n  report \"x\""),
       {"5:36: error: the 'if' of a comprehension must be a bool, but this is a int"}},
      {"clause variables are scoped to the comprehension",
       simple_rule("  where len([a for s in input.l for a in s]) > 0 and a\n  report \"x\""),
       {"5:54: error: undefined name 'a'"}},
      {"map + map is a map", simple_rule("  where len({a: 1} + {b: 2}) == 2\n  report \"x\""), {}},
      {"map + list is still an error", simple_rule("  where len({a: 1} + [2]) == 2\n  report \"x\""),
       {"5:13: error: operator + cannot combine map and list"}},
  });
}

TEST(Checker, ThreeIndependentMistakesAreAllReported) {
  const std::string policy =
      "package p\n"
      "let LIMIT = 10\n"
      "rule \"R1\" {\n"
      "  title: \"t\" severity: hgih category: flow\n"
      "  select f: \"aws.lambda.function\"\n"
      "  where f.size > LIMTI\n"
      "  report \"x\"\n"
      "}\n"
      "rule \"R2\" {\n"
      "  title: \"t\" severity: low category: flow\n"
      "  where len(1, 2) > 0\n"
      "  report \"y\"\n"
      "}\n";
  Engine engine;
  engine.add_source("policies/three.moat", policy);
  CompileResult r = engine.compile();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics.error_count(), 3u);
  std::string text = r.format_diagnostics();
  EXPECT_NE(text.find("policies/three.moat:4:24: error: unknown severity 'hgih' (did you mean 'high'?)"), std::string::npos) << text;
  EXPECT_NE(text.find("policies/three.moat:6:18: error: undefined name 'LIMTI' (did you mean 'LIMIT'?)"), std::string::npos) << text;
  EXPECT_NE(text.find("policies/three.moat:11:9: error: len() takes 1 argument(s), got 2"), std::string::npos) << text;
  // In source order.
  EXPECT_LT(text.find(":4:24:"), text.find(":6:18:"));
  EXPECT_LT(text.find(":6:18:"), text.find(":11:9:"));
}

TEST(Checker, SchemaWarnsAboutMisspelledFields) {
  auto schema = Schema::parse(R"({"moat_schema": 1, "resources": {
      "aws.lambda.function": {"fields": {"name": "string", "memory_size": "int",
                                         "environment": {"type": "map", "values": "string"}}}}})",
                              "schema.json");
  ASSERT_TRUE(schema.ok()) << schema.status();
  const std::string policy =
      "package p\n"
      "rule \"R\" {\n"
      "  title: \"t\" severity: low category: flow\n"
      "  select f: \"aws.lambda.function\"\n"
      "  where f.memroy_size > 1024 and f.memory_size > 1 and f.environment.X == \"y\"\n"
      "  report \"x\"\n"
      "}\n"
      "rule \"S\" {\n"
      "  title: \"t\" severity: low category: flow\n"
      "  select g: \"aws.lamda.function\"\n"
      "  report \"x\"\n"
      "}\n";
  EXPECT_EQ(diag_lines({{"p.moat", policy}}, *schema),
            (std::vector<std::string>{
                "p.moat:5:9: warning: field 'memroy_size' is not defined for aws.lambda.function in the schema (did "
                "you mean 'memory_size'?); the rule would read a missing value",
                "p.moat:10:13: warning: resource type 'aws.lamda.function' is not in the schema (did you mean "
                "'aws.lambda.function'?); the rule would never run",
            }));
  // Warnings do not stop compilation, and without a schema there are none.
  EXPECT_TRUE(diag_lines({{"p.moat", policy}}).empty());
}

// ---- golden files: tests/golden/diagnostics/NAME.moat -> NAME.expected
// (the full formatted output: file:line:col, source line, caret). Regenerate
// with MOAT_UPDATE_GOLDEN=1.

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(DiagnosticsGolden, AllFiles) {
  const std::filesystem::path root = MOAT_SOURCE_DIR;
  const std::filesystem::path dir = root / "tests/golden/diagnostics";
  std::vector<std::filesystem::path> policies;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".moat") policies.push_back(entry.path());
  std::sort(policies.begin(), policies.end());
  ASSERT_GE(policies.size(), 5u) << "golden policies missing from " << dir;
  const bool update = std::getenv("MOAT_UPDATE_GOLDEN") != nullptr;
  for (const auto& policy : policies) {
    SCOPED_TRACE(policy.filename().string());
    Engine engine;
    // A relative name keeps the output independent of the checkout path.
    engine.add_source("tests/golden/diagnostics/" + policy.filename().string(), read_file(policy));
    CompileResult r = engine.compile();
    std::string actual = r.format_diagnostics();
    std::filesystem::path expected_path = policy;
    expected_path.replace_extension(".expected");
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << actual;
      continue;
    }
    ASSERT_TRUE(std::filesystem::exists(expected_path)) << "missing " << expected_path << " (run with MOAT_UPDATE_GOLDEN=1)";
    EXPECT_EQ(read_file(expected_path), actual);
    EXPECT_FALSE(actual.empty()) << "a golden policy should produce diagnostics";
  }
}

}  // namespace
}  // namespace moat
