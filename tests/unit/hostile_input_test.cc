// Inputs written to break the loaders (issue 7, docs/hardening.md "Hostile
// inputs"): each must end in bounded time and memory with a clear error
// that names the limit or the problem and says where, or load cleanly when
// the input is legal but nasty (reference cycles, variable loops). The
// tests assert the messages, never a time. Inputs of hundreds of megabytes
// or tens of thousands of resources are in the HostileInputHeavy suite,
// which the sanitizer build leaves out.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "documents/event_loader.h"
#include "documents/load_deadline.h"
#include "documents/template_loader.h"
#include "event_test_util.h"
#include "moat/scan.h"
#include "policy_test_util.h"

namespace moat {
namespace {

using ::testing::HasSubstr;

constexpr size_t kDeep = 100'000;

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// The error of loading `text` as `name`; "(loaded)" when it loaded.
std::string load_error(std::string text, std::string name, const TemplateOptions& options = {}) {
  auto loaded = load_template(std::move(text), std::move(name), options);
  return loaded.ok() ? "(loaded)" : std::string(loaded.status().message());
}

// ---- nesting ---------------------------------------------------------------

TEST(HostileInput, JsonNested100kDeep) {
  EXPECT_EQ(load_error(repeat("[", kDeep) + repeat("]", kDeep), "t.json"),
            "t.json:1:513: nesting depth exceeds 512 (--max-depth)");
  EXPECT_EQ(load_error(repeat("{\"a\":", kDeep) + "1" + repeat("}", kDeep), "t.json"),
            "t.json:1:2561: nesting depth exceeds 512 (--max-depth)");
}

TEST(HostileInput, YamlFlowNested100kDeep) {
  EXPECT_EQ(load_error(repeat("[", kDeep) + repeat("]", kDeep) + "\n", "t.yaml"),
            "t.yaml:1:513: nesting depth exceeds 512 (--max-depth)");
  // (A text starting with '{' is read as JSON, so the flow maps sit under a key.)
  EXPECT_EQ(load_error("k: " + repeat("{a: ", kDeep) + "1" + repeat("}", kDeep) + "\n", "t.yaml"),
            "t.yaml:1:2048: nesting depth exceeds 512 (--max-depth)");
}

TEST(HostileInput, YamlBlockNested100kDeep) {
  // Compact block sequences nest on one line: "- - - ... x".
  EXPECT_EQ(load_error(repeat("- ", kDeep) + "x\n", "t.yaml"), "t.yaml:1:1025: nesting depth exceeds 512 (--max-depth)");
  // Block maps need one more column per level, so 100,000 of them would be
  // 5 GB of indentation: 1,000 levels (500 KB) reach the limit all the same.
  std::string maps;
  for (size_t i = 0; i < 1000; ++i) maps += std::string(i, ' ') + "a:\n";
  EXPECT_EQ(load_error(maps, "t.yaml"), "t.yaml:513:513: nesting depth exceeds 512 (--max-depth)");
}

TEST(HostileInput, DepthLimitIsConfigurable) {
  TemplateOptions options;
  options.max_depth = 2000;
  EXPECT_EQ(load_error(repeat("[", 1500) + repeat("]", 1500), "t.json", options), "(loaded)");
  EXPECT_EQ(load_error(repeat("[", 2500) + repeat("]", 2500), "t.json", options),
            "t.json:1:2001: nesting depth exceeds 2000 (--max-depth)");
  // Above 10,000 the limit is lowered to 10,000: recursive consumers of
  // documents (the JSON writer) overflow the stack somewhere past 20,000.
  options.max_depth = 1'000'000;
  EXPECT_EQ(load_error(repeat("[", kDeep) + repeat("]", kDeep), "t.json", options),
            "t.json:1:10001: nesting depth exceeds 10000 (--max-depth)");
}

// ---- size of the document ----------------------------------------------------

TEST(HostileInput, YamlAliasBomb) {
  // Billion laughs: nine levels of nine aliases, 9^9 strings once expanded.
  std::string bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + std::string(1, c) + " [" + repeat("*" + prev + ", ", 8) + "*" + prev + "]\n";
  }
  EXPECT_EQ(load_error(bomb, "bomb.yaml"), "bomb.yaml:7:8: YAML alias expansion exceeds 1000000 nodes (--max-alias-expansion)");
  TemplateOptions options;
  options.max_alias_expansion = 100;
  EXPECT_EQ(load_error(bomb, "bomb.yaml", options),
            "bomb.yaml:3:8: YAML alias expansion exceeds 100 nodes (--max-alias-expansion)");
}

TEST(HostileInput, NodeAndStringLimitsNameTheirFlags) {
  TemplateOptions options;
  options.max_nodes = 1000;
  std::string many = "[" + repeat("1,", 2000) + "1]";
  EXPECT_EQ(load_error(many, "t.json", options), "t.json:1:2000: document has more than 1000 values (--max-nodes)");
  EXPECT_THAT(load_error(many, "t.yaml", options), HasSubstr("document has more than 1000 values (--max-nodes)"));

  options = {};
  options.max_string_bytes = 16;
  EXPECT_EQ(load_error(R"({"k": "0123456789abcdefXYZ"})", "t.json", options),
            "t.json:1:7: string exceeds 16 bytes (--max-string-bytes)");
  // Escapes are decoded before the length counts; the reader stops as soon
  // as the decoded string is too long.
  EXPECT_EQ(load_error(R"({"k": ")" + repeat("\\u0041", 100) + "\"}", "t.json", options),
            "t.json:1:7: string exceeds 16 bytes (--max-string-bytes)");
  EXPECT_EQ(load_error("k: 0123456789abcdefXYZ\n", "t.yaml", options),
            "t.yaml:1:4: string exceeds 16 bytes (--max-string-bytes)");
}

TEST(HostileInput, InputSizeLimitNamesItsFlag) {
  TemplateOptions options;
  options.max_file_bytes = 10;
  EXPECT_EQ(load_error("{\"a\": [1, 2, 3]}", "t.json", options),
            "t.json: input is 16 bytes; the limit is 10 (--max-input-bytes)");
}

// ---- malformed text ----------------------------------------------------------

TEST(HostileInput, InvalidUtf8InTemplates) {
  const std::string json =
      "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\", "
      "\"Properties\": {\"BucketName\": \"x\xff\xfey\"}}}}";
  EXPECT_EQ(load_error(json, "t.json"), "t.json:1:122: invalid UTF-8 byte 0xff");
  const std::string yaml =
      "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n"
      "    Properties:\n      BucketName: x\xc3\x28y\n";
  EXPECT_EQ(load_error(yaml, "t.yaml"), "t.yaml:6:20: invalid UTF-8 byte 0xc3");
  // An overlong encoding of '/' and a UTF-16 surrogate encoded as UTF-8.
  EXPECT_EQ(load_error("{\"a\": \"\xc0\xaf\"}", "t.json"), "t.json:1:8: invalid UTF-8 byte 0xc0");
  EXPECT_EQ(load_error("a: \"\xed\xa0\x80\"\n", "t.yaml"), "t.yaml:1:5: invalid UTF-8 byte 0xed");
}

TEST(HostileInput, InvalidUtf8InEvents) {
  auto doc = load_event(
      "{\"Records\": [{\"messageId\": \"1\", \"body\": \"\xff\xfe\", \"eventSource\": \"aws:sqs\"}]}", "e.json");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().message(), "e.json:1:42: invalid UTF-8 byte 0xff");
  // Bytes that only turn out not to be UTF-8 after decoding (base64 data)
  // are not an error: they become U+FFFD, and the decoding says so.
  event_test::Event e = event_test::Load(
      R"({"Records": [{"kinesis": {"partitionKey": "1", "sequenceNumber": "1", "data": ")" +
      event_test::base64("\xff\xfe{\"a\": 1}") +
      R"("}, "eventSource": "aws:kinesis", "eventSourceARN": "arn:aws:kinesis:us-east-1:1:stream/s"}]})");
  bool replaced = false;
  for (const auto& f : e.fields) replaced |= f.decoding.find("utf8_replace") != std::string::npos;
  EXPECT_TRUE(replaced);
}

TEST(HostileInput, DuplicateKeys) {
  EXPECT_EQ(load_error(R"({"a": 1, "a": 2})", "t.json"), "t.json:1:10: duplicate key 'a'");
  EXPECT_EQ(load_error("a: 1\na: 2\n", "t.yaml"), "t.yaml:2:1: duplicate key 'a'");
  // Two CloudFormation resources with the same logical id.
  EXPECT_EQ(load_error(R"({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {)"
                       R"("B": {"Type": "AWS::S3::Bucket"}, "B": {"Type": "AWS::SQS::Queue"}}})",
                       "t.json"),
            "t.json:1:92: duplicate key 'B'");
  EXPECT_EQ(load_error("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n"
                       "  B:\n    Type: AWS::SQS::Queue\n",
                       "t.yaml"),
            "t.yaml:5:3: duplicate key 'B'");
}

// ---- references that loop ------------------------------------------------------

TEST(HostileInput, CyclicCloudFormationReferencesLoad) {
  // A and B refer to each other through Ref, GetAtt and Sub and depend on
  // each other; C depends on itself and names itself in a Sub. CloudFormation
  // would reject the template; Moat loads it (rules can say what is wrong).
  const std::string text = R"({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
    "A": {"Type": "AWS::SQS::Queue", "DependsOn": "B", "Properties": {
      "QueueName": {"Fn::GetAtt": ["B", "QueueName"]},
      "RedrivePolicy": {"deadLetterTargetArn": {"Ref": "B"}}}},
    "B": {"Type": "AWS::SQS::Queue", "DependsOn": ["A"], "Properties": {
      "QueueName": {"Fn::Sub": "${A.QueueName}-x"},
      "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["A", "Arn"]}}}},
    "C": {"Type": "AWS::SQS::Queue", "DependsOn": "C", "Properties": {"QueueName": {"Fn::Sub": "${C}"}}}}})";
  auto loaded = load_template(text, "cycle.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->format, "cloudformation");
  Value resources = loaded->document->resources();
  ASSERT_TRUE(resources.is_map());
  EXPECT_EQ(resources.as_map().size, 3u);
}

TEST(HostileInput, ServerlessVariableLoopAndLongChain) {
  auto loop = load_template(R"(service: loop
provider:
  name: aws
  runtime: nodejs18.x
  stage: ${self:custom.a}
custom:
  a: ${self:custom.b}
  b: ${self:custom.c}
  c: ${self:custom.a}
functions:
  f:
    handler: h.f
    name: ${self:custom.a}-${self:custom.b}
)",
                            "serverless.yml");
  ASSERT_TRUE(loop.ok()) << loop.status();
  std::string warnings;
  for (const TemplateWarning& w : loop->warnings) warnings += w.describe() + "\n";
  EXPECT_THAT(warnings, HasSubstr("refers to itself (a cycle); left unknown"));

  // 5,000 variables, each naming the next: resolution stops at the depth
  // cap and leaves the rest unknown.
  std::string chain = "service: chain\nprovider:\n  name: aws\n  runtime: nodejs18.x\n  stage: ${self:custom.v0}\ncustom:\n";
  for (int i = 0; i < 5000; ++i) chain += "  v" + std::to_string(i) + ": ${self:custom.v" + std::to_string(i + 1) + "}\n";
  chain += "  v5000: end\nfunctions:\n  f:\n    handler: h.f\n    name: ${self:custom.v0}\n";
  auto long_chain = load_template(chain, "serverless.yml");
  ASSERT_TRUE(long_chain.ok()) << long_chain.status();
  warnings.clear();
  for (const TemplateWarning& w : long_chain->warnings) warnings += w.message + "\n";
  EXPECT_THAT(warnings, HasSubstr("nests too deep (a cycle?); left unknown"));
  // One warning per link would be thousands: they stop after 100.
  EXPECT_THAT(warnings, HasSubstr("serverless variables: more than 100 warnings; the rest are not shown"));
  EXPECT_LT(long_chain->warnings.size(), 150u);

  // Each variable names the next one twice: 2^60 expansions without the
  // work cap.
  std::string fan = "service: fan\nprovider:\n  name: aws\n  runtime: nodejs18.x\ncustom:\n";
  for (int i = 0; i < 60; ++i)
    fan += "  v" + std::to_string(i) + ": ${self:custom.v" + std::to_string(i + 1) + "}-${self:custom.v" +
           std::to_string(i + 1) + "}\n";
  fan += "  v60: x\nfunctions:\n  f:\n    handler: h.f\n    name: ${self:custom.v0}\n";
  auto fanned = load_template(fan, "serverless.yml");
  ASSERT_TRUE(fanned.ok()) << fanned.status();
  warnings.clear();
  for (const TemplateWarning& w : fanned->warnings) warnings += w.message + "\n";
  EXPECT_THAT(warnings, HasSubstr("too many to resolve"));
}

// ---- load wall time ------------------------------------------------------------

TEST(HostileInput, LoadDeadlineStopsALongLoad) {
  {
    LoadDeadline deadline(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    bool thrown = false;
    try {
      for (int i = 0; i < 1000; ++i) check_load_deadline();
    } catch (const LoadTimeExceeded& e) {
      thrown = true;
      EXPECT_EQ(e.limit_ms(), 1u);
    }
    EXPECT_TRUE(thrown);
  }
  // Outside any load there is no deadline.
  for (int i = 0; i < 1000; ++i) check_load_deadline();

  // 20,000 resources take far more than a millisecond to normalize.
  std::string text = R"({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {)";
  for (int i = 0; i < 20'000; ++i)
    text += std::string(i ? "," : "") + "\"Q" + std::to_string(i) +
            R"(": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "q-${AWS::Region}"}}})";
  text += "}}";
  TemplateOptions options;
  options.max_load_ms = 1;
  EXPECT_THAT(load_error(text, "big.json", options),
              ::testing::MatchesRegex("big\\.json: loading took longer than 1 ms; the limit is 1 ms \\(--max-load-ms\\)"));
}

// ---- policies ------------------------------------------------------------------

TEST(HostileInput, CatastrophicRegexIsLinear) {
  // (a+)+$ against "aaa...a!" takes 2^n steps in a backtracking engine;
  // RE2 is linear. 100,000 a's through matches(), regex_find() and
  // regex_replace() in a policy.
  const std::string policy = R"(package r
rule "R-1" {
  title: "t" severity: low category: exhaustion
  select r: "bulk"
  where matches(r.s, "(a+)+$") or (regex_find(r.s, "(a|aa)+$") ?? "") == "x" or regex_replace(r.s, "(a*)*b", "") == ""
  report "matched"
})";
  const std::string doc = R"({"resources": {"r1": {"type": "bulk", "s": ")" + repeat("a", 100'000) + R"(!"}}})";
  testing::PolicyRun run = testing::run_policy({{"r.moat", policy}}, doc);
  ASSERT_TRUE(run.compiled) << run.diagnostics;
  EXPECT_TRUE(run.result.errors.empty()) << testing::summarize(run);
  EXPECT_TRUE(run.result.findings.empty()) << testing::summarize(run);
}

// ---- events --------------------------------------------------------------------

TEST(HostileInput, GzipBombInCloudWatchLogs) {
  // 64 MiB of one byte gzips to ~64 KB; the decode budget (16 MiB, less what
  // base64 decoding already used) stops it.
  std::string zeros(64u << 20, 'a');
  std::string bomb = event_test::base64(event_test::gzip(zeros));
  zeros.clear();
  zeros.shrink_to_fit();
  event_test::Event e = event_test::Load(R"({"awslogs": {"data": ")" + bomb + R"("}})");
  EXPECT_EQ(e.source, "cloudwatch.logs");
  std::string warnings;
  for (const std::string& w : e.warnings) warnings += w + "\n";
  EXPECT_THAT(warnings, HasSubstr("/awslogs/data: decompressed size exceeds the limit of"));
  EXPECT_THAT(warnings, HasSubstr("kept compressed"));
}

TEST(HostileInput, NestedBase64Layers) {
  // Twelve base64 layers around a JSON body: decoding stops at 8 layers.
  std::string inner = R"({"cmd": "; rm -rf /"})";
  for (int i = 0; i < 12; ++i) inner = event_test::base64(inner);
  event_test::Event e = event_test::Load(
      R"({"Records": [{"kinesis": {"partitionKey": "1", "sequenceNumber": "1", "data": ")" + inner +
      R"("}, "eventSource": "aws:kinesis", "eventSourceARN": "arn:aws:kinesis:us-east-1:1:stream/s"}]})");
  EXPECT_EQ(e.source, "kinesis");
  EXPECT_FALSE(e.fields.empty());
}

TEST(HostileInput, EventReaderLimitsNameTheirFlags) {
  EventLoadOptions options;
  options.json.max_depth = 64;
  auto doc = load_event(repeat("[", kDeep) + repeat("]", kDeep), "e.json", options);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().message(), "e.json:1:65: nesting depth exceeds 64 (--max-depth)");
}

// ---- a file that hit a limit is never a clean result ------------------------------

TEST(HostileInput, ScanReportsALimitExceededFileInEveryFormat) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("moat-hostile-" + std::to_string(::getpid()));
  fs::create_directories(dir / "app");
  fs::create_directories(dir / "policy");
  {
    std::ofstream(dir / "app" / "template.json")
        << R"({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": )"
        << repeat("{\"a\": ", 600) << "1" << repeat("}", 600) << "}}}";
    std::ofstream(dir / "policy" / "p.moat") << R"(package p
rule "P-1" {
  title: "t" severity: high category: exhaustion
  select b: "aws.s3.bucket"
  where (b.versioning ?? "none") == "never set to this"
  report "never"
})";
  }
  ScanOptions options;
  options.paths = {(dir / "app").string()};
  options.bundled = false;
  options.policy_paths = {(dir / "policy").string()};
  options.eval.now = 1'800'000'000;
  auto result = scan(options);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->files.size(), 1u);
  EXPECT_THAT(result->files[0].error, HasSubstr("nesting depth exceeds 512 (--max-depth)"));
  EXPECT_EQ(result->error_count(), 1u);
  EXPECT_EQ(scan_exit_code(*result, "none"), 2);
  EXPECT_EQ(scan_exit_code(*result, "none", /*errors_ok=*/true), 0);

  auto text = format_scan(*result, "text");
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("ERROR"));
  EXPECT_THAT(*text, HasSubstr("(--max-depth)"));
  auto json_text = format_scan(*result, "json");
  ASSERT_TRUE(json_text.ok());
  nlohmann::json j = nlohmann::json::parse(*json_text);
  EXPECT_EQ(j["summary"]["errors"], 1);
  EXPECT_THAT(j.dump(), HasSubstr("(--max-depth)"));
  auto sarif = format_scan(*result, "sarif");
  ASSERT_TRUE(sarif.ok());
  nlohmann::json s = nlohmann::json::parse(*sarif);
  const auto& invocation = s["runs"][0]["invocations"][0];
  EXPECT_EQ(invocation["executionSuccessful"], false);
  EXPECT_THAT(invocation["toolExecutionNotifications"].dump(), HasSubstr("(--max-depth)"));
  auto junit = format_scan(*result, "junit");
  ASSERT_TRUE(junit.ok());
  EXPECT_THAT(*junit, HasSubstr("<error message="));
  EXPECT_THAT(*junit, HasSubstr("(--max-depth)"));

  // Raised, the same file scans.
  options.max_depth = 1000;
  auto raised = scan(options);
  ASSERT_TRUE(raised.ok()) << raised.status();
  EXPECT_EQ(raised->error_count(), 0u) << raised->files[0].error;
  fs::remove_all(dir);
}

// ---- heavy: hundreds of megabytes, tens of thousands of resources ----------------

TEST(HostileInputHeavy, Json200MBString) {
  std::string text = "{\"a\": \"" + std::string(200u << 20, 'a') + "\"}";
  // The default input limit stops it before it is read...
  EXPECT_EQ(load_error(text, "big.json"), "big.json: input is 209715209 bytes; the limit is 33554432 (--max-input-bytes)");
  // ...and raised, the string limit does.
  TemplateOptions options;
  options.max_file_bytes = 256u << 20;
  EXPECT_EQ(load_error(std::move(text), "big.json", options), "big.json:1:7: string exceeds 67108864 bytes (--max-string-bytes)");
}

TEST(HostileInputHeavy, Yaml200MBString) {
  TemplateOptions options;
  options.max_file_bytes = 256u << 20;
  EXPECT_EQ(load_error("a: " + std::string(200u << 20, 'a') + "\n", "big.yaml", options),
            "big.yaml:1:4: string exceeds 67108864 bytes (--max-string-bytes)");
}

TEST(HostileInputHeavy, CloudFormation50kResources) {
  // Each queue names the next as its dead-letter queue (GetAtt), so every
  // resource carries a reference; the whole template is ~7.7 MB.
  constexpr int kResources = 50'000;
  std::string text = R"({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {)";
  for (int i = 0; i < kResources; ++i)
    text += std::string(i ? "," : "") + "\"Q" + std::to_string(i) + R"(": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "q)" +
            std::to_string(i) + R"(", "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["Q)" +
            std::to_string((i + 1) % kResources) + R"(", "Arn"]}}}})";
  text += "}}";
  auto loaded = load_template(text, "big.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  Value resources = loaded->document->resources();
  ASSERT_TRUE(resources.is_map());
  EXPECT_EQ(resources.as_map().size, static_cast<uint32_t>(kResources));
  // Locations still point at each resource (the last one is on line 1 too,
  // far to the right).
  auto where = loaded->document->locate("/resources/Q49999");
  ASSERT_TRUE(where.has_value());
  EXPECT_EQ(where->line, 1u);
  EXPECT_GT(where->column, 7'000'000u);
}

}  // namespace
}  // namespace moat
