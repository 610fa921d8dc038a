// moat::scan: discovery, suppressions, baseline, filters, report formats.
#include <filesystem>
#include <fstream>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "moat/scan.h"

namespace moat {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

const std::string kRoot = std::string(MOAT_SOURCE_DIR) + "/tests/fixtures/scan";

ScanOptions options() {
  ScanOptions o;
  o.paths = {kRoot + "/app"};
  o.bundled = false;
  o.policy_paths = {kRoot + "/policy"};
  o.eval.now = *parse_date("2026-11-29");
  return o;
}

const ScannedFile* file(const ScanResult& r, std::string_view suffix) {
  for (const ScannedFile& f : r.files)
    if (f.path.ends_with(suffix)) return &f;
  return nullptr;
}

std::vector<std::string> active(const ScannedFile& f) {
  std::vector<std::string> out;
  for (const ScanFinding& sf : f.findings)
    if (!sf.suppression) out.push_back(sf.finding.rule_id + " " + sf.finding.subject);
  return out;
}

TEST(Scan, FindsTemplatesByContentAndSkipsTheRest) {
  auto r = scan(options());
  ASSERT_TRUE(r.ok()) << r.status();
  // template.yaml, serverless.yml, plan.json, nested/broken.yaml; .aws-sam is build output.
  EXPECT_EQ(r->files.size(), 4u);
  EXPECT_EQ(r->skipped.size(), 1u);
  EXPECT_THAT(r->skipped[0], HasSubstr("notes.yaml"));
  for (const ScannedFile& f : r->files) EXPECT_THAT(f.path, ::testing::Not(HasSubstr(".aws-sam")));
  EXPECT_EQ(file(*r, "template.yaml")->format, "cloudformation");
  EXPECT_EQ(file(*r, "serverless.yml")->format, "serverless");
  EXPECT_EQ(file(*r, "plan.json")->format, "terraform-plan");
}

TEST(Scan, MalformedTemplateIsAnErrorWithItsPosition) {
  auto r = scan(options());
  ASSERT_TRUE(r.ok());
  const ScannedFile* broken = file(*r, "broken.yaml");
  ASSERT_NE(broken, nullptr);
  EXPECT_THAT(broken->error, HasSubstr("broken.yaml:6:1:"));
  EXPECT_EQ(r->error_count(), 1u);
  EXPECT_EQ(scan_exit_code(*r, "low"), 2);
  EXPECT_EQ(scan_exit_code(*r, "none", /*errors_ok=*/true), 0);
}

TEST(Scan, InlineAndMetadataSuppressionsNeedAReason) {
  auto r = scan(options());
  ASSERT_TRUE(r.ok());
  const ScannedFile* t = file(*r, "template.yaml");
  ASSERT_NE(t, nullptr);
  // Quiet: TEST-002 suppressed by the comment above the resource (with a reason);
  //        TEST-001 NOT suppressed: its trailing comment has no reason.
  // Loud:  TEST-002 suppressed by Metadata; TEST-001 reported.
  EXPECT_THAT(active(*t), ::testing::UnorderedElementsAre("TEST-001 Quiet", "TEST-001 Loud"));
  size_t inline_n = 0, metadata_n = 0;
  for (const ScanFinding& sf : t->findings)
    if (sf.suppression) {
      inline_n += sf.suppression->kind == "inline";
      metadata_n += sf.suppression->kind == "metadata";
      EXPECT_FALSE(sf.suppression->reason.empty());
    }
  EXPECT_EQ(inline_n, 1u);
  EXPECT_EQ(metadata_n, 1u);
  ASSERT_EQ(r->notices.size(), 1u);
  EXPECT_THAT(r->notices[0].message, HasSubstr("has no reason"));
  ASSERT_TRUE(r->notices[0].location.has_value());
  EXPECT_EQ(r->notices[0].location->line, 11u);
}

TEST(Scan, BaselineSuppressesWhatWasThere) {
  auto first = scan(options());
  ASSERT_TRUE(first.ok());
  std::string path = ::testing::TempDir() + "/moat-baseline.json";
  std::ofstream(path) << write_baseline(*first);
  ScanOptions o = options();
  o.baseline_path = path;
  auto second = scan(o);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->finding_count(), 0u);
  EXPECT_EQ(second->finding_count(true), first->finding_count(true));
  EXPECT_EQ(scan_exit_code(*second, "low", /*errors_ok=*/true), 0);
}

TEST(Scan, SelectAndSkipByIdCategoryAndTag) {
  ScanOptions o = options();
  o.select = {"monitoring"};
  auto r = scan(o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rules.size(), 1u);
  EXPECT_EQ(r->rules[0].id, "TEST-002");
  for (const ScannedFile& f : r->files)
    for (const ScanFinding& sf : f.findings) EXPECT_EQ(sf.finding.rule_id, "TEST-002");
  o.select = {};
  o.skip = {"timeouts"};
  r = scan(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rules.size(), 1u);
  o.skip = {"TEST-9*"};
  r = scan(o);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("--skip TEST-9*: no rule"));
}

TEST(Scan, FailOnThreshold) {
  ScanOptions o = options();
  o.paths = {kRoot + "/app/serverless.yml"};
  auto r = scan(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(scan_exit_code(*r, "high"), 1);      // TEST-001 is high
  EXPECT_EQ(scan_exit_code(*r, "critical"), 0);
  EXPECT_EQ(scan_exit_code(*r, "none"), 0);
}

TEST(Scan, MissingPathIsAnError) {
  ScanOptions o = options();
  o.paths = {kRoot + "/does-not-exist"};
  auto r = scan(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->error_count(), 1u);
  EXPECT_EQ(scan_exit_code(*r, "none"), 2);
}

TEST(ScanReport, JsonCarriesTheVocabularyFields) {
  auto r = scan(options());
  ASSERT_TRUE(r.ok());
  json j = json::parse(*format_scan(*r, "json"));
  ASSERT_FALSE(j["findings"].empty());
  for (const char* key : {"rule_id", "severity", "category", "message", "subject", "path", "location"})
    EXPECT_TRUE(j["findings"][0].contains(key)) << key;
  EXPECT_EQ(j["summary"]["errors"], 1);
  EXPECT_EQ(j["summary"]["suppressed"], 2);
}

// The JSON report describes the rules its findings refer to, and counts
// the rules evaluated; the whole library's metadata stays in `moat rules`.
TEST(ScanReport, JsonDescribesOnlyTheRulesWithFindings) {
  ScanOptions o = options();
  o.bundled = true;
  auto r = scan(o);
  ASSERT_TRUE(r.ok());
  json j = json::parse(*format_scan(*r, "json"));
  std::set<std::string> with_findings, described;
  for (const json& f : j["findings"]) with_findings.insert(f["rule_id"].get<std::string>());
  for (const json& rule : j["rules"]) {
    described.insert(rule["id"].get<std::string>());
    EXPECT_TRUE(rule.contains("remediation"));
  }
  EXPECT_FALSE(with_findings.empty());
  EXPECT_EQ(described, with_findings);
  EXPECT_EQ(j["summary"]["rules"], r->rules.size());
  EXPECT_GT(r->rules.size(), with_findings.size());
}

TEST(ScanReport, SarifHasRulesResultsAndTheFailedFile) {
  auto r = scan(options());
  ASSERT_TRUE(r.ok());
  json j = json::parse(*format_scan(*r, "sarif"));
  EXPECT_EQ(j["version"], "2.1.0");
  const json& run = j["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["rules"].size(), 2u);
  EXPECT_EQ(run["tool"]["driver"]["rules"][0]["help"]["text"].get<std::string>().rfind("Lower the timeout.", 0), 0u);
  bool located = false;
  for (const json& res : run["results"]) {
    EXPECT_TRUE(res.contains("ruleId"));
    EXPECT_TRUE(res.contains("level"));
    const json& phys = res["locations"][0]["physicalLocation"];
    if (phys.contains("region") && phys["region"]["startLine"] == 24) located = true;
  }
  EXPECT_TRUE(located) << "Loud's Timeout is on line 24";
  EXPECT_FALSE(run["invocations"][0]["executionSuccessful"]);
  EXPECT_THAT(run["invocations"][0]["toolExecutionNotifications"].dump(), HasSubstr("broken.yaml"));
}

TEST(ScanReport, JUnitOneCasePerRulePerFile) {
  auto r = scan(options());
  ASSERT_TRUE(r.ok());
  std::string xml = *format_scan(*r, "junit");
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\"moat scan\""));
  // 3 scanned files x 2 rules + 1 error case for broken.yaml.
  EXPECT_THAT(xml, HasSubstr("tests=\"7\""));
  EXPECT_THAT(xml, HasSubstr("<error message="));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"function Quiet has a timeout of 120s\" type=\"high\">"));
  EXPECT_THAT(xml, HasSubstr("Loud: function Loud has a timeout of 900s"));
}

TEST(ScanReport, UnknownFormatIsAnError) {
  auto r = scan(options());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(format_scan(*r, "xml").ok());
}

TEST(Scan, BundledLibraryCompilesAndRuns) {
  ScanOptions o;
  o.paths = {kRoot + "/app/template.yaml"};
  o.eval.now = *parse_date("2026-11-29");
  auto r = scan(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GE(r->rules.size(), 100u);
  EXPECT_GT(r->finding_count(), 0u);
}

}  // namespace
}  // namespace moat
