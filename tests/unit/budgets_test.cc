// Policies that run away must stop with an error naming the budget and the
// rule, never with a clean result, and the evaluator must stay usable.
// Budgets are small so every test ends quickly; nothing here measures time.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy_test_util.h"

namespace moat {
namespace {

using testing::run_policy;
using testing::summarize;

constexpr uint64_t kInstructions = 1'000'000;
constexpr size_t kMemory = 16u << 20;

EvalOptions small_budgets() {
  EvalOptions o = testing::default_options();
  o.budgets.max_instructions = kInstructions;
  o.budgets.max_memory_bytes = kMemory;
  return o;
}

// 10^4 distinct ints, built by comprehensions (there is no range()).
constexpr std::string_view kBigList = R"(
let TEN = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
let HUNDRED = flatten([[a * 10 + b for b in TEN] for a in TEN])
fn ten_thousand() = flatten([[a * 100 + b for b in HUNDRED] for a in HUNDRED])
)";

std::string rule(std::string_view id, std::string_view clauses, std::string_view decls = kBigList) {
  return "package b\n" + std::string(decls) + "\nrule \"" + std::string(id) +
         "\" {\n  title: \"t\" severity: low category: exhaustion\n" + std::string(clauses) + "\n  report \"done\"\n}\n";
}

// The run stopped with exactly one error, which names the rule and says
// which budget ran out.
void expect_stopped(const testing::PolicyRun& run, std::string_view rule_id, std::string_view budget) {
  ASSERT_TRUE(run.compiled) << run.diagnostics;
  ASSERT_EQ(run.result.errors.size(), 1u) << summarize(run);
  const std::string& e = run.result.errors[0];
  EXPECT_TRUE(e.starts_with("doc.json: ")) << e;
  EXPECT_NE(e.find(std::string(rule_id)), std::string::npos) << e;
  EXPECT_NE(e.find(std::string(budget)), std::string::npos) << e;
  EXPECT_FALSE(run.result.ok());
  // A stopped rule never reads as a pass or a finding of its own.
  for (const Finding& f : run.result.findings) EXPECT_NE(f.rule_id, rule_id) << summarize(f);
}

TEST(Budgets, SanityTheBigListIsBig) {
  auto run = run_policy(rule("SIZE", "  where len(ten_thousand()) == 10000"), "{}", small_budgets());
  EXPECT_EQ(summarize(run), "SIZE fail  : done\n");
}

TEST(Budgets, NestedComprehensionHitsTheInstructionBudget) {
  auto run = run_policy(rule("NESTED", "  let big = ten_thousand()\n  where len([[x * y for y in big] for x in big]) > 0"),
                        "{}", small_budgets());
  expect_stopped(run, "rule NESTED", "instruction budget of 1000000 exceeded");
  EXPECT_LE(run.result.instructions, kInstructions + 1);
}

TEST(Budgets, NestedComprehensionHitsTheMemoryBudget) {
  EvalOptions o = small_budgets();
  o.budgets.max_instructions = 2'000'000'000;  // memory runs out first: 10^8 values are 1.6 GB
  auto run = run_policy(rule("NESTED-MEM", "  let big = ten_thousand()\n  where len([[x * y for y in big] for x in big]) > 0"),
                        "{}", o);
  expect_stopped(run, "rule NESTED-MEM", "memory budget of 16777216 bytes exceeded");
}

TEST(Budgets, HugeStringsHitTheMemoryBudget) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"REPEAT", "  let s = repeat(repeat(\"x\", 1000000), 1000)\n  where len(s) > 0"},
      {"REPEAT-CHAIN", "  let s = repeat(\"abcdefgh\", 1000000)\n  let t = repeat(s, 3)\n  where len(t) > 0"},
      {"INTERP", "  let a = repeat(\"x\", 1000000)\n  let b = \"${a}${a}${a}${a}\"\n  let c = \"${b}${b}${b}${b}\"\n  where len(c) > 0"},
      {"CONCAT", "  let a = repeat(\"abcd\", 1000000)\n  let b = a + a\n  let c = b + b\n  where len(c) > 0"},
      {"JOIN", "  let a = repeat(\"x\", 10000)\n  where len(join([a for x in ten_thousand()], \"\")) > 0"},
      {"LISTS", "  let a = ten_thousand()\n  let b = a + a + a + a + a + a + a + a\n  let c = b + b + b + b + b + b + b + b\n  let d = c + c + c + c\n  where len(d) > 0"},
  };
  for (const auto& [id, clauses] : cases) {
    SCOPED_TRACE(id);
    EvalOptions o = small_budgets();
    o.budgets.max_instructions = 100'000'000;
    expect_stopped(run_policy(rule(id, clauses), "{}", o), "rule " + id, "memory budget of 16777216 bytes exceeded");
  }
}

std::string big_input(int n) {
  std::string items;
  for (int i = 0; i < n; ++i) items += (i ? "," : "") + std::to_string(i);
  return R"({"resources": {"r1": {"type": "bulk", "items": [)" + items + "]}}}";
}

TEST(Budgets, NestedQuantifiersOverALargeInputList) {
  const std::string doc = big_input(100'000);
  auto run = run_policy(rule("QUANT",
                             "  select r: \"bulk\"\n"
                             "  where any(x in r.items: any(y in r.items: x + y == -1))",
                             ""),
                        doc, small_budgets());
  expect_stopped(run, "rule QUANT", "instruction budget of 1000000 exceeded");

  // The same shape over a `for` clause, with a count inside.
  run = run_policy(rule("FOR",
                        "  select r: \"bulk\"\n"
                        "  for x in r.items\n"
                        "  where count(y in r.items: y < x) > 99999",
                        ""),
                   doc, small_budgets());
  expect_stopped(run, "rule FOR", "instruction budget of 1000000 exceeded");
}

TEST(Budgets, WallClockBudget) {
  EvalOptions o = small_budgets();
  o.budgets.max_instructions = UINT64_MAX / 2;
  o.budgets.max_memory_bytes = 256u << 20;  // far more than 1 ms of work can use
  o.budgets.max_wall_ms = 1;
  auto run = run_policy(rule("SLOW", "  let big = ten_thousand()\n  where len([[x * y for y in big] for x in big]) > 0"),
                        "{}", o);
  expect_stopped(run, "rule SLOW", "time budget of 1 ms exceeded");
}

TEST(Budgets, CallDepth) {
  std::string fns;
  for (int i = 0; i < 12; ++i) fns += "fn f" + std::to_string(i) + "(x) = f" + std::to_string(i + 1) + "(x) + 1\n";
  fns += "fn f12(x) = x\n";
  EvalOptions o = small_budgets();
  o.budgets.max_call_depth = 8;
  auto run = run_policy(rule("DEEP", "  where f0(1) > 0", fns), "{}", o);
  expect_stopped(run, "rule DEEP", "call depth budget of 8 exceeded");

  o.budgets.max_call_depth = 13;
  EXPECT_EQ(summarize(run_policy(rule("DEEP", "  where f0(1) == 13", fns), "{}", o)), "DEEP fail  : done\n");
}

TEST(Budgets, ConstantsAreNotBlamedOnARule) {
  // A runaway constant is computed before any rule runs.
  const std::string decls = std::string(kBigList) + "let HUGE = [[x * y for y in ten_thousand()] for x in ten_thousand()]\n";
  auto run = run_policy(rule("INNOCENT", "  where len(HUGE) > 0", decls), "{}", small_budgets());
  ASSERT_EQ(run.result.errors.size(), 1u) << summarize(run);
  EXPECT_NE(run.result.errors[0].find("computing constants: instruction budget of 1000000 exceeded"), std::string::npos)
      << run.result.errors[0];
  EXPECT_EQ(run.result.errors[0].find("INNOCENT"), std::string::npos) << run.result.errors[0];

  // A policy with constants and no rules at all.
  run = run_policy("package b\n" + decls, "{}", small_budgets());
  ASSERT_EQ(run.result.errors.size(), 1u) << summarize(run);
  EXPECT_NE(run.result.errors[0].find("computing constants: instruction budget"), std::string::npos) << run.result.errors[0];

  // Memory, too.
  EvalOptions o = small_budgets();
  o.budgets.max_instructions = 100'000'000;
  run = run_policy("package b\nlet S = repeat(repeat(\"x\", 1000000), 100)\n", "{}", o);
  ASSERT_EQ(run.result.errors.size(), 1u) << summarize(run);
  EXPECT_NE(run.result.errors[0].find("computing constants: memory budget"), std::string::npos) << run.result.errors[0];
}

TEST(Budgets, EvaluatorIsReusableAfterAStop) {
  // One evaluator, three documents: the runaway one stops, the others are
  // evaluated normally with a fresh budget each.
  Engine engine;
  engine.add_source("b.moat", rule("MAYBE",
                                   "  select r: \"bulk\"\n"
                                   "  where len([[x * y for y in r.items] for x in r.items]) > 3",
                                   ""));
  CompileResult c = engine.compile();
  ASSERT_TRUE(c.ok()) << c.format_diagnostics();
  auto eval = Evaluator::create(c.program, small_budgets());
  ASSERT_TRUE(eval.ok());
  auto small = Document::from_json(big_input(10), "small.json");
  auto big = Document::from_json(big_input(100'000), "big.json");
  ASSERT_TRUE(small.ok() && big.ok());
  for (int round = 0; round < 2; ++round) {
    EvalResult r1 = eval->evaluate(**small);
    EXPECT_TRUE(r1.ok());
    ASSERT_EQ(r1.findings.size(), 1u);
    EXPECT_EQ(r1.findings[0].rule_id, "MAYBE");
    EvalResult r2 = eval->evaluate(**big);
    ASSERT_EQ(r2.errors.size(), 1u);
    EXPECT_NE(r2.errors[0].find("big.json: rule MAYBE: "), std::string::npos) << r2.errors[0];
  }
}

TEST(Budgets, FindingsBeforeTheStopAreKept) {
  // Rules run in order; what was decided before the stop stays reported,
  // and the stop itself is an error, not a pass.
  std::string policy = "package b\n" + std::string(kBigList) +
                       "rule \"A-FIRST\" {\n  title: \"t\" severity: low category: flow\n  where true\n  report \"early\"\n}\n"
                       "rule \"B-RUNAWAY\" {\n  title: \"t\" severity: low category: flow\n"
                       "  where len([[x * y for y in ten_thousand()] for x in ten_thousand()]) > 0\n  report \"late\"\n}\n";
  auto run = run_policy(policy, "{}", small_budgets());
  EXPECT_EQ(summarize(run),
            "A-FIRST fail  : early\n"
            "ERROR doc.json: rule B-RUNAWAY: instruction budget of 1000000 exceeded (--max-instructions) (at policy.moat:5:30)\n");
}

}  // namespace
}  // namespace moat
