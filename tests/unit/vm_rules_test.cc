// Rule-level semantics: what a rule reports, where and about what (paths,
// places, subjects, locations, order and de-duplication), and how
// functions, imports, parameters and constants behave inside rules. The
// expression-level rows are in vm_semantics_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "policy_test_util.h"

namespace moat {
namespace {

using testing::first_diagnostic;
using testing::run_policy;
using testing::PolicyRun;
using testing::Source;
using testing::summarize;

constexpr std::string_view kFnDoc = R"({"resources": {
  "fn1": {"type": "aws.lambda.function", "name": "one", "memory_size": 2048, "role": "role1",
          "env": {"A": "x", "SECRET": "hunter2"}, "layers": ["l1", "l2"]},
  "fn2": {"type": "aws.lambda.function", "name": "two", "memory_size": 128, "role": "nope",
          "env": {}, "layers": []},
  "role1": {"type": "aws.iam.role", "admin": true}
}})";

std::string findings(std::string_view policy, std::string_view doc = kFnDoc) {
  return summarize(run_policy(policy, doc));
}

TEST(VmRules, MissingFieldNamesThePath) {
  // The typo case: `memroy_size` is never in the data. The rule does not
  // pass silently; it is UNKNOWN for every function, naming the path.
  std::string policy = R"(package typo
rule "TYPO-1" {
  title: "Large functions" severity: low category: exhaustion
  select f: "aws.lambda.function"
  where f.memroy_size > 1
  report "big"
})";
  PolicyRun run = run_policy(policy, kFnDoc);
  ASSERT_EQ(run.result.findings.size(), 2u) << summarize(run);
  const Finding& f = run.result.findings[0];
  EXPECT_EQ(f.outcome, Outcome::kUnknown);
  EXPECT_EQ(f.subject, "fn1");
  EXPECT_EQ(f.missing_path, "/resources/fn1/memroy_size");
  EXPECT_EQ(f.path, "/resources/fn1/memroy_size");
  EXPECT_EQ(f.message, "cannot decide: 'memroy_size' is missing at /resources/fn1/memroy_size");
  EXPECT_EQ(f.policy_location, "policy.moat:5:9");
  EXPECT_EQ(run.result.findings[1].missing_path, "/resources/fn2/memroy_size");
  EXPECT_EQ(run.result.unknown_count, 2u);

  // Without report_unknown the outcomes are counted, not listed.
  EvalOptions quiet;
  PolicyRun q = run_policy(policy, kFnDoc, quiet);
  EXPECT_TRUE(q.result.findings.empty()) << summarize(q);
  EXPECT_EQ(q.result.unknown_count, 2u);
  EXPECT_TRUE(q.result.ok());
}

TEST(VmRules, ReportPlacesAndSubjects) {
  std::string policy = R"(package t
rule "AT-FIELD" {
  title: "t" severity: low category: flow
  select f: "aws.lambda.function"
  where f.memory_size > 1000
  report "big ${f.name}" at f.memory_size
}
rule "AT-ABSENT" {
  title: "t" severity: low category: flow
  select f: "aws.lambda.function"
  where f.memory_size > 1000
  report "no timeout" at f.timeout
}
rule "DEFAULT" {
  title: "t" severity: low category: flow
  select f: "aws.lambda.function"
  where f.memory_size < 1000
  report "small"
}
rule "MAP-LOOP" {
  title: "t" severity: low category: secrets
  select f: "aws.lambda.function"
  for k, v in f.env
  where k == "SECRET"
  report "secret in ${k}" at v
}
rule "LIST-LOOP" {
  title: "t" severity: low category: flow
  select f: "aws.lambda.function"
  for layer in f.layers
  where layer == "l2"
  report "layer" at layer
}
rule "INDEX" {
  title: "t" severity: low category: flow
  select f: "aws.lambda.function"
  where len(f.layers) > 1
  report "second layer" at f.layers[1]
}
rule "JOIN" {
  title: "t" severity: low category: privilege
  select f: "aws.lambda.function"
  let role = resource(f.role)
  where role.admin
  report "admin role" at role subject f.role
}
rule "SUBJECT-EXPR" {
  title: "t" severity: low category: flow
  select f: "aws.lambda.function"
  where f.name == "one"
  report "named" subject "${f.name}-subject"
}
rule "DOC" {
  title: "t" severity: low category: flow
  for id, r in resources("aws.lambda.function")
  where r.memory_size < 1000
  report "doc-level ${id}" at r.memory_size
}
rule "DOC-NO-PLACE" {
  title: "t" severity: low category: flow
  where count(r in resources("aws.lambda.function")) == 2
  report "two functions"
}
)";
  EXPECT_EQ(findings(policy),
            "AT-ABSENT fail fn1 /resources/fn1/timeout: no timeout\n"
            "AT-FIELD fail fn1 /resources/fn1/memory_size: big one\n"
            "DEFAULT fail fn2 /resources/fn2: small\n"
            "DOC fail fn2 /resources/fn2/memory_size: doc-level fn2\n"
            "DOC-NO-PLACE fail  : two functions\n"
            "INDEX fail fn1 /resources/fn1/layers/1: second layer\n"
            "JOIN unknown fn2 /resources/nope missing=/resources/nope: cannot decide: 'nope' is missing at /resources/nope\n"
            "JOIN fail role1 /resources/role1: admin role\n"
            "LIST-LOOP fail fn1 /resources/fn1/layers/1: layer\n"
            "MAP-LOOP fail fn1 /resources/fn1/env/SECRET: secret in SECRET\n"
            "SUBJECT-EXPR fail one-subject /resources/fn1: named\n");
}

TEST(VmRules, SelectWithIdAndSubjectFallback) {
  std::string policy = R"(package t
rule "ID" {
  title: "t" severity: low category: flow
  select id, f: "aws.lambda.function"
  where f.memory_size > 1000
  report "${id} is big"
}
rule "FALLBACK" {
  title: "t" severity: low category: flow
  select f: "aws.lambda.function"
  report "x" subject "${f.owner}"
})";
  // A subject that cannot be computed falls back to the resource id.
  EXPECT_EQ(findings(policy),
            "FALLBACK fail fn1 /resources/fn1: x\n"
            "FALLBACK fail fn2 /resources/fn2: x\n"
            "ID fail fn1 /resources/fn1: fn1 is big\n");
}

TEST(VmRules, FindingLocations) {
  // Line and column of the reported place in the input document.
  std::string policy = R"(package t
rule "R" {
  title: "t" severity: low category: flow
  select f: "aws.lambda.function"
  for k, v in f.env
  where k == "SECRET"
  report "secret" at v
}
rule "S" {
  title: "t" severity: low category: flow
  select f: "aws.lambda.function"
  where f.memory_size > 1000
  report "big"
})";
  PolicyRun run = run_policy(policy, kFnDoc);
  ASSERT_EQ(run.result.findings.size(), 2u) << summarize(run);
  const Finding& r = run.result.findings[0];
  ASSERT_TRUE(r.location.has_value());
  EXPECT_EQ(r.location->file, "doc.json");
  EXPECT_EQ(r.location->line, 3u);
  EXPECT_EQ(r.location->column, 39u);  // the value "hunter2"
  EXPECT_EQ(r.policy_location, "policy.moat:7:3");
  const Finding& s = run.result.findings[1];
  ASSERT_TRUE(s.location.has_value());
  EXPECT_EQ(s.location->line, 2u);  // the resource object
  EXPECT_EQ(s.location->column, 10u);
}

TEST(VmRules, DeterministicOrderAndDedupe) {
  // Two identical hits on one place are one finding; findings are sorted by
  // rule id, subject and path whatever the document order.
  std::string policy = R"(package t
rule "B" {
  title: "t" severity: low category: flow
  select f: "aws.lambda.function"
  for layer in f.layers
  where true
  report "has layers"
}
rule "A" {
  title: "t" severity: low category: flow
  select r: "aws.iam.role" | "aws.lambda.function"
  report "any"
})";
  std::string doc = R"({"resources": {
    "z": {"type": "aws.lambda.function", "layers": [1, 2, 3]},
    "b": {"type": "aws.iam.role"},
    "a": {"type": "aws.lambda.function", "layers": []}
  }})";
  std::string want =
      "A fail a /resources/a: any\n"
      "A fail b /resources/b: any\n"
      "A fail z /resources/z: any\n"
      "B fail z /resources/z: has layers\n";
  EXPECT_EQ(findings(policy, doc), want);
  EXPECT_EQ(findings(policy, doc), want);  // same again
}

TEST(VmRules, ForOverMissingOrBadCollections) {
  std::string policy = R"(package t
rule "R" {
  title: "t" severity: low category: flow
  select f: "aws.lambda.function"
  for x in f.things
  where x > 1
  report "x"
}
rule "S" {
  title: "t" severity: low category: flow
  select f: "aws.lambda.function"
  for x in f.name
  where true
  report "x"
})";
  EXPECT_EQ(findings(policy),
            "R unknown fn1 /resources/fn1/things missing=/resources/fn1/things: cannot decide: 'things' is missing at /resources/fn1/things\n"
            "R unknown fn2 /resources/fn2/things missing=/resources/fn2/things: cannot decide: 'things' is missing at /resources/fn2/things\n"
            "S error fn1 /resources/fn1: cannot iterate over a string \"one\"\n"
            "S error fn2 /resources/fn2: cannot iterate over a string \"two\"\n");
}

// ---- functions, packages, constants, params

TEST(VmRules, UserFunctionsAndImports) {
  std::vector<Source> sources = {
      {"lib.moat", R"(package lib
param limit: int = 1000
let SUFFIX = "-lib"
fn big(f) = f.memory_size > limit
fn label(f) = f.name + SUFFIX
fn twice(x) = x * 2
)"},
      {"main.moat", R"(package main
import lib
import lib as l2
let LIMIT2 = lib.limit * 2
fn quad(x) = lib.twice(lib.twice(x))
rule "M" {
  title: "t" severity: low category: flow
  select f: "aws.lambda.function"
  where lib.big(f) and quad(1) == 4 and l2.twice(LIMIT2) == 4000
  report "${lib.label(f)} ${lib.SUFFIX} ${l2.limit}"
}
)"},
  };
  PolicyRun run = run_policy(sources, kFnDoc);
  EXPECT_EQ(summarize(run), "M fail fn1 /resources/fn1: one-lib -lib 1000\n");
}

TEST(VmRules, FunctionsSeeMissingArguments) {
  std::string policy = R"(package t
fn size(f) = f.memory_size ?? 0
fn first_layer(f) = f.layers[0]
rule "R" {
  title: "t" severity: low category: flow
  select f: "aws.lambda.function"
  where size(f) > 1000 or first_layer(f) == "l9"
  report "x"
})";
  EXPECT_EQ(findings(policy),
            "R fail fn1 /resources/fn1: x\n"
            "R unknown fn2 /resources/fn2/layers/0 missing=/resources/fn2/layers/0: cannot decide: '0' is missing at /resources/fn2/layers/0\n");
}

constexpr std::string_view kParamPolicy = R"(package p
param max_memory: int = 1000 "Largest size"
param names: list = ["one"]
param ratio: float = 0.5
param label: string = "L"
rule "P" {
  title: "t" severity: low category: flow
  select f: "aws.lambda.function"
  where f.memory_size > max_memory and f.name in names and ratio < 1
  report "${label} ${f.name} ${max_memory} ${ratio}"
})";

TEST(VmRules, ParamsDefaultsAndOverrides) {
  EXPECT_EQ(findings(kParamPolicy), "P fail fn1 /resources/fn1: L one 1000 0.5\n");

  EvalOptions o = testing::default_options();
  o.params = {{"max_memory", "100"}, {"p.names", R"(["one", "two"])"}, {"label", "prod"}, {"ratio", "0"}};
  EXPECT_EQ(summarize(run_policy(kParamPolicy, kFnDoc, o)),
            "P fail fn1 /resources/fn1: prod one 100 0.0\n"
            "P fail fn2 /resources/fn2: prod two 100 0.0\n");
}

TEST(VmRules, ParamOverrideErrors) {
  struct Case {
    std::vector<std::pair<std::string, std::string>> params;
    std::string want;
  };
  const std::vector<Case> cases = {
      {{{"max_memory", "\"big\""}}, "create error: parameter 'p.max_memory' expects int, got string '\"big\"'"},
      {{{"max_memory", "1.5"}}, "create error: parameter 'p.max_memory' expects int, got float '1.5'"},
      {{{"max_memory", "lots"}}, "create error: parameter 'p.max_memory' expects int, got string 'lots'"},
      {{{"names", "3"}}, "create error: parameter 'p.names' expects list, got int '3'"},
      {{{"max_memroy", "5"}}, "create error: unknown parameter 'max_memroy' (did you mean 'max_memory'?)"},
      {{{"q.max_memory", "5"}}, "create error: unknown parameter 'q.max_memory' (did you mean 'max_memory'?)"},
  };
  for (const Case& c : cases) {
    EvalOptions o = testing::default_options();
    o.params = c.params;
    EXPECT_EQ(summarize(run_policy(kParamPolicy, kFnDoc, o)), c.want) << c.params[0].first << "=" << c.params[0].second;
  }
}

TEST(VmRules, ParamWithoutDefaultMustBeSet) {
  std::string policy = R"(package p
param stage: string
rule "P" {
  title: "t" severity: low category: flow
  where stage == "prod"
  report "prod"
})";
  EXPECT_EQ(summarize(run_policy(policy, "{}")),
            "create error: parameter 'p.stage' has no default; set it with --param stage=VALUE");
  EvalOptions o = testing::default_options();
  o.params = {{"stage", "prod"}};
  EXPECT_EQ(summarize(run_policy(policy, "{}", o)), "P fail  : prod\n");
}

TEST(VmRules, ConstantsDependOnTheDocument) {
  std::string policy = R"(package t
let NAMES = [r.name for id, r in resources("aws.lambda.function")]
let TOTAL = sum([r.memory_size for id, r in resources("aws.lambda.function")])
let BAD = 1 / len(resources("aws.s3.bucket"))
rule "C" {
  title: "t" severity: low category: flow
  where len(NAMES) == 2 and TOTAL == 2176
  report "${NAMES}"
}
rule "E" {
  title: "t" severity: low category: flow
  where BAD > 0
  report "never"
})";
  EXPECT_EQ(findings(policy),
            "C fail  : [\"one\",\"two\"]\n"
            "E error  : division by zero\n");
}

}  // namespace
}  // namespace moat
