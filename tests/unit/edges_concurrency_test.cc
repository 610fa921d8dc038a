// The edge index is built lazily, by whichever evaluation first calls
// edges_from/edges_to on a document. Eight threads evaluate one program
// over one freshly loaded document at once (so they race to build the
// index) and must each report what a single-threaded run reports. Run
// under ThreadSanitizer by scripts/sanitize.sh (tests named Concurrency.*).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "moat/moat.h"

namespace moat {
namespace {

constexpr int kThreads = 8;

// Functions triggered by buckets, each with a role; every fifth role is
// shared with the next function.
std::string graph_document() {
  std::string resources, edges;
  for (int i = 0; i < 400; ++i) {
    bool shares = i % 5 == 1;  // uses the role of the function before it
    std::string fn = "Fn" + std::to_string(i), role = "Role" + std::to_string(shares ? i - 1 : i);
    std::string bucket = "Bucket" + std::to_string(i);
    if (i) resources += ",", edges += ",";
    resources += "\"" + fn + R"(": {"type": "aws.lambda.function"}, ")" + bucket + R"(": {"type": "aws.s3.bucket"})";
    if (!shares) resources += ", \"" + role + R"(": {"type": "aws.iam.role"})";
    edges += R"({"kind": "execution_role", "from": ")" + fn + R"(", "to": ")" + role + "\"},";
    edges += R"({"kind": "triggers", "from": ")" + bucket + R"(", "to": ")" + fn + "\"}";
  }
  return R"({"resources": {)" + resources + R"(}, "edges": [)" + edges + "]}";
}

constexpr const char* kPolicy = R"(package t
rule "SHARED-ROLE" {
  title: "A role used by several functions"
  severity: low
  category: privilege
  select id, r: aws.iam.role
  let users = [e.from for e in edges_to(id, "execution_role")]
  where len(users) > 1
  report "role ${id} is used by ${join(users, ", ")}"
}
rule "TRIGGERED" {
  title: "A function with its triggers"
  severity: info
  category: flow
  select id, f: aws.lambda.function
  let sources = [e.from for e in edges_to(id, "triggers")]
  where len(sources) > 0 and len(edges_from(id)) == 1
  report "function ${id} is triggered by ${join(sources, ", ")}"
}
)";

std::vector<std::string> lines_of(const EvalResult& result) {
  std::vector<std::string> lines;
  for (const Finding& f : result.findings) lines.push_back(finding_to_json(f));
  for (const std::string& e : result.errors) lines.push_back("error: " + e);
  return lines;
}

TEST(Concurrency, EightThreadsBuildAndShareOneEdgeIndex) {
  Engine engine;
  engine.add_source("edges.moat", kPolicy);
  CompileResult compiled = engine.compile();
  ASSERT_TRUE(compiled.ok()) << compiled.format_diagnostics();
  const std::string json = graph_document();

  auto reference_doc = Document::from_json(json, "graph.json");
  ASSERT_TRUE(reference_doc.ok()) << reference_doc.status();
  EvalOptions options;
  auto reference_eval = Evaluator::create(compiled.program, options);
  ASSERT_TRUE(reference_eval.ok()) << reference_eval.status();
  const std::vector<std::string> expected = lines_of(reference_eval->evaluate(**reference_doc));
  ASSERT_EQ(expected.size(), 80u + 400u);  // 80 shared roles, 400 triggered functions

  // A fresh document: its index is not built until the threads ask for it.
  auto shared_doc = Document::from_json(json, "graph.json");
  ASSERT_TRUE(shared_doc.ok()) << shared_doc.status();
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto evaluator = Evaluator::create(compiled.program, options);
      if (!evaluator.ok()) return;
      for (int round = 0; round < 3; ++round) got[t] = lines_of(evaluator->evaluate(**shared_doc));
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(got[t], expected) << "thread " << t;
}

}  // namespace
}  // namespace moat
