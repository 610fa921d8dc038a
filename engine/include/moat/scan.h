// Scanning a repository: find templates, evaluate a rule set over each, and
// report for people and CI (text, JSON, SARIF 2.1.0, JUnit XML).
//
//   moat::ScanOptions options;
//   options.paths = {"infra/"};
//   options.eval.now = ...;                       // evaluation date
//   auto result = moat::scan(options);            // error: policies do not compile
//   std::cout << moat::format_scan(*result, "sarif");
//   return moat::scan_exit_code(*result, "high");
//
// A file that cannot be read or loaded is an error of that file, kept in the
// result and shown by every format: it is never reported as a clean file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "moat/moat.h"

namespace moat {

struct ScanOptions {
  std::vector<std::string> paths;           // files and directories
  EvalOptions eval;                         // now, params, budgets, report_unknown
  bool bundled = true;                      // evaluate the bundled library
  std::vector<std::string> policy_paths;    // extra policy files/directories (with data/*.json)
  // Rule filters: a rule id (MOAT-PRIV-001), an id prefix ending in * (MOAT-PRIV-*),
  // a category (privilege) or a tag. Empty select = every rule.
  std::vector<std::string> select, skip;
  std::string baseline_path;                // findings listed there are suppressed
  std::string input_format = "auto";        // force a format for every file
  uint64_t file_time_limit_ms = 30'000;     // evaluation wall time per file
  size_t max_file_bytes = 32u << 20;
  // Loading each file (TemplateOptions, documents/template_loader.h): reader
  // limits and the wall time for reading and normalizing one template.
  size_t max_depth = 512;
  size_t max_nodes = 50'000'000;
  size_t max_alias_expansion = 1'000'000;
  size_t max_string_bytes = 64u << 20;
  uint64_t max_load_ms = 30'000;
  // Called before each file is loaded (done = files finished so far).
  std::function<void(size_t done, size_t total, const std::string& path)> progress;
};

struct Suppression {
  std::string kind;    // "inline" (a # moat:ignore comment), "metadata" (CloudFormation Metadata), "baseline"
  std::string reason;
  std::optional<Location> where;  // the comment or Metadata entry
};

struct ScanFinding {
  Finding finding;
  std::string snippet;       // the source line(s) the finding points at
  std::string fingerprint;   // stable across edits that move lines: rule, file, subject, path
  std::optional<Suppression> suppression;
};

struct ScanNotice {
  std::string level;  // "error" or "warning"
  std::string message;
  std::optional<Location> location;
};

struct ScannedFile {
  std::string path;
  std::string format;  // cloudformation, sam, serverless, terraform-plan
  std::vector<ScanFinding> findings;  // sorted: severity, rule id, line
  size_t unknown_count = 0;           // UNKNOWN outcomes (listed only with report_unknown)
  std::string error;                  // "file:line:col: message" when the file could not be scanned
  double millis = 0;
};

struct RuleSummary {
  std::string id, title, severity, category, description, remediation;
  std::vector<std::string> references, tags, formats;
};

struct ScanResult {
  std::vector<ScannedFile> files;      // templates found, in path order
  std::vector<std::string> skipped;    // files looked at that are not templates
  std::vector<ScanNotice> notices;     // suppressions without a reason, unreadable paths, ...
  std::vector<RuleSummary> rules;      // the rules evaluated (after select/skip)
  // With options.eval.collect_costs: per rule and constant, summed over the
  // files (every rule runs; select/skip only filter what is reported).
  std::vector<RuleCost> costs;
  int64_t now = 0;
  std::string tool_version;
  size_t error_count() const;
  size_t finding_count(bool include_suppressed = false) const;
};

// Compiles the rule set once and scans every path. Fails (with every
// diagnostic in the message) only when the policies do not compile or an
// option is invalid; unreadable paths and files become errors in the result.
absl::StatusOr<ScanResult> scan(const ScanOptions& options);

// "text", "json", "sarif" or "junit". `color` adds ANSI colours to text.
absl::StatusOr<std::string> format_scan(const ScanResult& result, std::string_view format, bool color = false);

// The baseline of a result: every unsuppressed finding's fingerprint, as JSON.
std::string write_baseline(const ScanResult& result);

// 2 when a file could not be scanned (unless errors_ok), else 1 when an
// unsuppressed finding is at or above fail_on ("critical".."info"; "none"
// never fails), else 0.
int scan_exit_code(const ScanResult& result, std::string_view fail_on, bool errors_ok = false);

// Severity order: critical 4, high 3, medium 2, low 1, info 0; -1 unknown.
int severity_rank(std::string_view severity);

}  // namespace moat
