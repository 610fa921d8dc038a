// edges_from(id[, kind]) / edges_to(id[, kind]): graph navigation over the
// document's `edges` through the per-document edge index.
//
// Rows are an expression evaluated over one document (the value() shape of
// vm_semantics_test.cc): the JSON text of the value, "unknown:<missing
// path>" when the decision depended on missing data, or "error:<message>".
// The index must answer exactly what a scan of every edge answers, so the
// last tests compare the two on every id and kind of a generated graph.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "policy_test_util.h"
#include "value/build.h"

namespace moat {
namespace {

using testing::one_value;
using testing::PolicyRun;
using testing::run_policy;
using testing::summarize;

constexpr std::string_view kGraph = R"({
  "resources": {
    "Bucket": {"type": "aws.s3.bucket"},
    "Fn": {"type": "aws.lambda.function", "role": "Role", "nope_id": 7},
    "Other": {"type": "aws.lambda.function", "role": "Role"},
    "Role": {"type": "aws.iam.role"},
    "Perm": {"type": "aws.lambda.permission"}
  },
  "edges": [
    {"kind": "execution_role", "from": "Fn", "to": "Role"},
    {"kind": "triggers", "from": "Bucket", "to": "Fn", "event": "s3:ObjectCreated:*"},
    {"kind": "invokes", "from": "Perm", "to": "Fn"},
    {"kind": "execution_role", "from": "Other", "to": "Role"},
    {"kind": "references", "from": "Fn", "to": "Bucket"},
    {"kind": "references", "from": "Fn", "to": "Role"},
    "not an edge",
    {"kind": "references", "from": 3, "to": "Role"},
    {"from": "Fn", "to": "Perm"}
  ]
})";

std::string policy_for(std::string_view expr) {
  return "package t\nrule \"V\" {\n  title: \"t\" severity: low category: flow\n  let v = " + std::string(expr) +
         "\n  where json_encode(v) != \"\"\n  report \"${json_encode(v)}\"\n}\n";
}

std::string value(std::string_view expr, std::string_view doc = kGraph) {
  return one_value(run_policy(policy_for(expr), doc));
}

struct Row {
  std::string_view expr;
  std::string_view want;
};

void check_values(const std::vector<Row>& rows, std::string_view doc = kGraph) {
  for (const Row& r : rows) EXPECT_EQ(value(r.expr, doc), r.want) << "value of: " << r.expr;
}

TEST(Edges, BothDirectionsInDocumentOrder) {
  check_values({
      {"[e.to for e in edges_from(\"Fn\")]", R"(["Role","Bucket","Role","Perm"])"},
      {"[e.from for e in edges_to(\"Fn\")]", R"(["Bucket","Perm"])"},
      {"[e.from for e in edges_to(\"Role\")]", R"(["Fn","Other","Fn"])"},
      {"edges_to(\"Fn\")[0]", R"({"kind":"triggers","from":"Bucket","to":"Fn","event":"s3:ObjectCreated:*"})"},
      // The same edge seen from both ends.
      {"edges_from(\"Bucket\")[0] == edges_to(\"Fn\")[0]", "true"},
  });
}

TEST(Edges, KindFilter) {
  check_values({
      {"[e.to for e in edges_from(\"Fn\", \"references\")]", R"(["Bucket","Role"])"},
      {"[e.to for e in edges_from(\"Fn\", \"execution_role\")]", R"(["Role"])"},
      {"[e.from for e in edges_to(\"Role\", \"execution_role\")]", R"(["Fn","Other"])"},
      {"edges_to(\"Fn\", \"execution_role\")", "[]"},
      {"edges_from(\"Fn\", \"no_such_kind\")", "[]"},
      // A kind computed at run time, from the document.
      {"len(edges_from(\"Fn\", input.edges[4].kind))", "2"},
      // An edge without a kind is listed only when no kind is asked for.
      {"len(edges_to(\"Perm\"))", "1"},
  });
}

TEST(Edges, IdsWithoutEdges) {
  check_values({
      {"edges_from(\"Role\")", "[]"},  // a resource that only receives edges
      {"edges_to(\"Bucket\", \"triggers\")", "[]"},
      {"edges_from(\"NotAResource\")", "[]"},
      {"edges_to(\"\")", "[]"},
      // Elements that are not edges (a string, a non-string endpoint) are skipped.
      {"len(edges_to(\"Role\", \"references\"))", "1"},
  });
}

TEST(Edges, UndefinedArgumentsPropagate) {
  check_values({
      // A missing id: the decision is UNKNOWN and names what was missing,
      // as `e.from == x` over the edges would.
      {"edges_from(resource(\"Fn\").nope)", "unknown:/resources/Fn/nope"},
      {"edges_to(\"Fn\", resource(\"Fn\").nope_kind)", "unknown:/resources/Fn/nope_kind"},
      // Wrong types found at run time are errors, like resource().
      {"edges_from(resource(\"Fn\").nope_id)", "error:edges_from() takes a string id, got int"},
      {"edges_to(\"Fn\", resource(\"Fn\").nope_id)", "error:edges_to() takes a string kind, got int"},
  });
}

TEST(Edges, DocumentsWithoutEdges) {
  check_values({{"edges_from(\"Fn\")", "[]"}, {"edges_to(\"Fn\", \"triggers\")", "[]"}},
               R"({"resources": {"Fn": {"type": "aws.lambda.function"}}})");
  check_values({{"edges_from(\"Fn\")", "[]"}}, R"({"edges": {"not": "a list"}})");
  check_values({{"edges_to(\"Fn\")", "[]"}}, R"([1, 2, 3])");
}

TEST(Edges, FindingsPointIntoTheEdgesList) {
  PolicyRun run = run_policy(
      "package t\nrule \"P\" {\n  title: \"t\" severity: low category: flow\n  select id, f: aws.lambda.function\n"
      "  for e in edges_to(id, \"invokes\")\n  report \"${e.from}\" at e\n}\n",
      kGraph);
  ASSERT_TRUE(run.compiled) << run.diagnostics;
  ASSERT_EQ(run.result.findings.size(), 1u) << summarize(run);
  EXPECT_EQ(run.result.findings[0].path, "/edges/2");
  EXPECT_EQ(run.result.findings[0].message, "Perm");
}

TEST(Edges, UnknownIdIsUnknown) {
  // Loaders put unknown values (an unresolved Ref) in documents; the JSON
  // reader never does, so the document is built directly.
  Arena arena;
  auto str = [&](std::string_view s) { return make_string(arena, s); };
  Member edge_members[] = {{str("kind"), str("triggers")}, {str("from"), str("Bucket")}, {str("to"), str("Fn")}};
  Value edge = make_map(arena, edge_members);
  Value edges = make_list(arena, std::span<const Value>(&edge, 1));
  Member fn_members[] = {{str("type"), str("aws.lambda.function")},
                         {str("trigger"), make_unknown(arena, "unresolved Ref to parameter Source")}};
  Member resource_members[] = {{str("Fn"), make_map(arena, fn_members)}};
  Member root_members[] = {{str("resources"), make_map(arena, resource_members)}, {str("edges"), edges}};
  Value root = make_map(arena, root_members);
  std::shared_ptr<const Document> doc = Document::from_value(std::move(arena), root, "built.json");

  Engine engine;
  engine.add_source("p.moat",
                    "package t\nrule \"U\" {\n  title: \"t\" severity: low category: flow\n"
                    "  select f: aws.lambda.function\n  where len(edges_from(f.trigger)) > 0\n  report \"x\"\n}\n"
                    "rule \"K\" {\n  title: \"t\" severity: low category: flow\n"
                    "  select f: aws.lambda.function\n  where len(edges_to(\"Fn\", f.trigger)) > 0\n  report \"x\"\n}\n");
  CompileResult compiled = engine.compile();
  ASSERT_TRUE(compiled.ok()) << compiled.format_diagnostics();
  auto evaluator = Evaluator::create(compiled.program, testing::default_options());
  ASSERT_TRUE(evaluator.ok()) << evaluator.status();
  EvalResult result = evaluator->evaluate(*doc);
  ASSERT_EQ(result.findings.size(), 2u);
  for (const Finding& f : result.findings) {
    EXPECT_EQ(f.outcome, Outcome::kUnknown) << f.rule_id;
    EXPECT_NE(f.message.find("unresolved Ref to parameter Source"), std::string::npos) << f.message;
  }
}

TEST(Edges, CheckerReportsArityAndTypes) {
  struct Case {
    std::string_view expr;
    std::string_view want;
  };
  const Case cases[] = {
      {"edges_from()", "edges_from() takes 1 or 2 arguments (id, optional kind), got 0"},
      {"edges_to(\"a\", \"b\", \"c\")", "edges_to() takes 1 or 2 arguments (id, optional kind), got 3"},
      {"edges_from(1)", "edges_from(): argument 'id' must be string, got int"},
      {"edges_to(\"a\", [\"triggers\"])", "edges_to(): argument 'kind' must be string, got list"},
  };
  for (const Case& c : cases) EXPECT_EQ(value(c.expr), "compile error: error: " + std::string(c.want)) << c.expr;
  // The result is statically a list: using it as a string is caught too.
  EXPECT_NE(value("edges_from(\"Fn\") + \"s\"").find("compile error"), std::string::npos);
}

// A graph of 60 nodes and 6 kinds with repeated, reversed and self edges.
std::string generated_graph() {
  static const char* kKinds[] = {"triggers", "invokes", "references", "execution_role", "notifies", "applies_to"};
  std::string json = R"({"edges": [)";
  for (int i = 0; i < 600; ++i) {
    if (i) json += ",";
    int from = (i * 7) % 60, to = (i * 13 + i / 60) % 60;
    json += R"({"kind": ")" + std::string(kKinds[(i * 5) % 6]) + R"(", "from": "N)" + std::to_string(from) +
            R"(", "to": "N)" + std::to_string(to) + R"(", "n": )" + std::to_string(i) + "}";
  }
  return json + "]}";
}

TEST(Edges, IndexAnswersWhatAScanAnswers) {
  // For every node and kind (plus an absent node and kind), the indexed
  // call and the comprehension over every edge must give the same list.
  PolicyRun run = run_policy(
      "package t\n"
      "let IDS = unique([e.from for e in input.edges] + [e.to for e in input.edges]) + [\"absent\"]\n"
      "let KINDS = unique([e.kind for e in input.edges]) + [\"absent\"]\n"
      "rule \"EQ\" {\n  title: \"t\" severity: low category: flow\n"
      "  for id in IDS\n  for k in KINDS\n"
      "  where edges_from(id) != [e for e in input.edges if e.from == id]\n"
      "     or edges_to(id) != [e for e in input.edges if e.to == id]\n"
      "     or edges_from(id, k) != [e for e in input.edges if e.from == id and e.kind == k]\n"
      "     or edges_to(id, k) != [e for e in input.edges if e.to == id and e.kind == k]\n"
      "  report \"index and scan differ for ${id} ${k}\"\n}\n"
      "rule \"COVER\" {\n  title: \"t\" severity: low category: flow\n"
      "  where sum([len(edges_from(id)) for id in IDS]) != len(input.edges)\n  report \"not every edge indexed\"\n}\n",
      generated_graph());
  ASSERT_TRUE(run.compiled) << run.diagnostics;
  EXPECT_EQ(summarize(run), "");
}

}  // namespace
}  // namespace moat
