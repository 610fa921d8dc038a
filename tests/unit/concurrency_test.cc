// One compiled Program, evaluated from 8 threads at once, each through its
// own Evaluator, over Documents shared by all of them: every thread must
// report exactly what a single-threaded run reports. Run under
// ThreadSanitizer by scripts/sanitize.sh (tests named Concurrency.*).
// Nothing here measures time.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bytecode/serialize.h"
#include "documents/event_loader.h"
#include "moat/moat.h"

namespace moat {
namespace {

constexpr int kThreads = 8;
constexpr int kRounds = 3;

CompileResult compile_bench_rules() {
  Engine engine;
  absl::Status added = engine.add_file(std::string(MOAT_SOURCE_DIR) + "/bench/workload/rules.moat");
  EXPECT_TRUE(added.ok()) << added;
  CompileResult compiled = engine.compile();
  EXPECT_TRUE(compiled.ok()) << compiled.format_diagnostics();
  return compiled;
}

// The same rules through bytes, as the precompiled bundled library is
// loaded: such a program builds its regexes on first use, so the threads
// below race to build them.
std::shared_ptr<const Program> load_bench_rules() {
  CompileResult compiled = compile_bench_rules();
  if (!compiled.ok()) return nullptr;
  absl::StatusOr<std::string> bytes = serialize_program(*compiled.program, compiled.diagnostics);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  if (!bytes.ok()) return nullptr;
  absl::StatusOr<LoadedProgram> loaded = deserialize_program(*bytes, compiled.sources);
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  return loaded.ok() ? loaded->program : nullptr;
}

// 1000 resources in the bench workload's shape: functions with and without
// long timeouts and secrets, roles with and without wildcard actions,
// buckets with and without a public access block, routes.
std::string generated_document() {
  std::string json = R"({"format": "moat-bench/1", "resources": {)";
  for (int i = 0; i < 1000; ++i) {
    if (i > 0) json += ",";
    std::string id = "\"R" + std::to_string(i) + "\": ";
    switch (i % 4) {
      case 0:
        json += id + R"({"type": "AWS::Lambda::Function", "name": "fn)" + std::to_string(i) +
                R"(", "runtime": "python3.12", "timeout": )" + std::to_string((i * 7) % 1000) +
                R"(, "environment": {"API_SECRET": ")" + (i % 3 == 0 ? "sk_live_x" : "") +
                R"("}, "role": "R)" + std::to_string(i + 1) + "\"}";
        break;
      case 1:
        json += id + R"({"type": "AWS::IAM::Role", "name": "role)" + std::to_string(i) +
                R"(", "policies": [{"statements": [{"effect": "Allow", "action": )" +
                (i % 3 == 0 ? std::string(R"(["s3:*"])") : std::string(R"("s3:GetObject")")) +
                R"(, "resource": "*"}]}]})";
        break;
      case 2:
        json += id + R"({"type": "AWS::S3::Bucket", "name": "bucket)" + std::to_string(i) + "\"" +
                (i % 3 == 0 ? std::string(R"(, "public_access_block": {"block_public_acls": true,
                  "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true})")
                            : std::string()) +
                "}";
        break;
      default:
        json += id + R"({"type": "AWS::ApiGatewayV2::Route", "api": "Api", "route_key": "GET /r)" +
                std::to_string(i) + R"(", "target": "R)" + std::to_string(i - 3) + "\"" +
                (i % 2 ? std::string(R"(, "authorization_type": "JWT")") : std::string()) + "}";
        break;
    }
  }
  json += "}}";
  return json;
}

// Everything a finding says, one line each, in the evaluator's order.
std::vector<std::string> summarize(const EvalResult& result) {
  std::vector<std::string> lines;
  for (const Finding& f : result.findings) lines.push_back(finding_to_json(f));
  for (const std::string& e : result.errors) lines.push_back("error: " + e);
  lines.push_back("unknown: " + std::to_string(result.unknown_count));
  return lines;
}

// `reference` gives the single-threaded findings; `program` is then
// evaluated from every thread (they may be the same program).
void expect_threads_agree(const std::shared_ptr<const Program>& reference, const std::shared_ptr<const Program>& program,
                          const std::vector<std::shared_ptr<const Document>>& docs) {
  ASSERT_NE(reference, nullptr);
  ASSERT_NE(program, nullptr);

  EvalOptions options;
  options.report_unknown = true;
  options.now = 1'800'000'000;

  // The reference: one thread, one evaluator, each document once.
  std::vector<std::vector<std::string>> expected;
  {
    auto evaluator = Evaluator::create(reference, options);
    ASSERT_TRUE(evaluator.ok()) << evaluator.status();
    for (const auto& doc : docs) expected.push_back(summarize(evaluator->evaluate(*doc)));
  }
  size_t with_findings = 0;
  for (const auto& lines : expected) with_findings += lines.size() > 1;  // the last line is the unknown count
  ASSERT_GE(with_findings + 1, docs.size()) << "all documents but at most one should have findings";

  // Each thread: its own evaluator, every document kRounds times, starting
  // at a different document so threads meet the same document at once.
  std::vector<std::vector<std::vector<std::string>>> got(kThreads);
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto evaluator = Evaluator::create(program, options);
      if (!evaluator.ok()) {
        failures[t] = std::string(evaluator.status().message());
        return;
      }
      for (int round = 0; round < kRounds; ++round)
        for (size_t i = 0; i < docs.size(); ++i) {
          size_t d = (i + t) % docs.size();
          got[t].push_back(summarize(evaluator->evaluate(*docs[d])));
          if (got[t].back() != expected[d])
            failures[t] = "thread " + std::to_string(t) + " round " + std::to_string(round) + " document " +
                          docs[d]->name() + " differs from the single-threaded run";
        }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[t], "");
    EXPECT_EQ(got[t].size(), static_cast<size_t>(kRounds) * docs.size());
  }
}

std::vector<std::shared_ptr<const Document>> workload_documents() {
  std::vector<std::shared_ptr<const Document>> docs;
  auto sample = Document::from_json_file(std::string(MOAT_SOURCE_DIR) + "/bench/workload/sample.json");
  EXPECT_TRUE(sample.ok()) << sample.status();
  if (sample.ok()) docs.push_back(*sample);
  auto generated = Document::from_json(generated_document(), "generated.json");
  EXPECT_TRUE(generated.ok()) << generated.status();
  if (generated.ok()) docs.push_back(*generated);
  return docs;
}

TEST(Concurrency, EightThreadsShareOneProgramAndDocuments) {
  std::shared_ptr<const Program> program = compile_bench_rules().program;
  expect_threads_agree(program, program, workload_documents());
}

// The single-threaded reference run would build every regex before the
// threads start, so the threads get a program of their own, fresh from
// its bytes.
TEST(Concurrency, EightThreadsShareOneLoadedProgram) {
  expect_threads_agree(load_bench_rules(), load_bench_rules(), workload_documents());
}

// The bundled library (loaded precompiled) over Lambda events: the first
// signature match builds the program's joined signature index, which the
// threads race to build, and each evaluator keeps its own memo of it.
std::shared_ptr<const Program> bundled_library() {
  Engine engine;
  absl::Status added = engine.add_bundled_library();
  EXPECT_TRUE(added.ok()) << added;
  CompileResult compiled = engine.compile();
  EXPECT_TRUE(compiled.ok()) << compiled.format_diagnostics();
  return compiled.program;
}

TEST(Concurrency, EightThreadsShareTheJoinedSignatureIndex) {
  // API Gateway requests whose query parameters carry SQL, command, path
  // and SSRF payloads (and one benign request), so several rules' sets
  // match in the same texts.
  const char* payloads[] = {"1' OR '1'='1' --", "x; cat /etc/passwd", "../../etc/shadow",
                            "http://169.254.169.254/latest/meta-data/", "$(whoami)", "plain words"};
  std::vector<std::shared_ptr<const Document>> docs;
  for (const char* p : payloads) {
    std::string q;
    for (const char* c = p; *c; ++c) q += (*c == '"' || *c == '\\') ? std::string("\\") + *c : std::string(1, *c);
    std::string event = R"({"resource": "/items", "path": "/items", "httpMethod": "GET", "headers": {"Host": "x"},
      "queryStringParameters": {"q": ")" + q + R"(", "next": ")" + q + R"("},
      "requestContext": {"httpMethod": "GET", "stage": "prod", "requestId": "r"}, "body": null})";
    auto doc = load_event(event, std::string("event: ") + p);
    ASSERT_TRUE(doc.ok()) << doc.status();
    docs.push_back(*doc);
  }
  expect_threads_agree(bundled_library(), bundled_library(), docs);
}

}  // namespace
}  // namespace moat
