// moat::scan: one compiled rule set, every template under the paths.
#include "moat/scan.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "documents/file_text.h"
#include "documents/source_position.h"
#include "documents/template_loader.h"
#include "library/policy_files.h"
#include "scan/discover.h"
#include "scan/rule_filter.h"
#include "scan/suppressions.h"
#include "util/reorder.h"

namespace moat {

using namespace scan_detail;

int severity_rank(std::string_view s) {
  if (s == "critical") return 4;
  if (s == "high") return 3;
  if (s == "medium") return 2;
  if (s == "low") return 1;
  if (s == "info") return 0;
  return -1;
}

size_t ScanResult::error_count() const {
  size_t n = 0;
  for (const ScannedFile& f : files) n += !f.error.empty();
  for (const ScanNotice& n2 : notices) n += n2.level == "error";
  return n;
}

size_t ScanResult::finding_count(bool include_suppressed) const {
  size_t n = 0;
  for (const ScannedFile& f : files)
    for (const ScanFinding& sf : f.findings) n += include_suppressed || !sf.suppression;
  return n;
}

namespace {

std::string read_text(const std::string& path, size_t limit, std::string* error) {
  absl::StatusOr<std::string> text = read_file_text(path, limit, "--max-file-bytes");
  if (!text.ok()) {
    *error = std::string(text.status().message());
    return {};
  }
  return *std::move(text);
}

// The source line a finding points at, trimmed to a readable width. The
// line index is built by the caller once per file: finding the line by
// scanning from the top made a scan with many findings quadratic.
std::string snippet_of(std::string_view text, const LineIndex& lines, uint32_t line) {
  std::optional<uint64_t> start = lines.line_start(line);
  if (!start) return {};
  size_t end = text.find('\n', *start);
  std::string out(text.substr(*start, end == std::string_view::npos ? std::string_view::npos : end - *start));
  if (!out.empty() && out.back() == '\r') out.pop_back();
  if (out.size() > 200) out = out.substr(0, 197) + "...";
  return out;
}

uint32_t resource_line(const Document& doc, const std::string& subject) {
  if (subject.empty()) return 0;
  Value resources = doc.resources();
  if (!resources.is_map()) return 0;
  const Value* r = resources.as_map().find(subject);
  const Value* loc = r && r->is_map() ? r->as_map().find("location") : nullptr;
  const Value* line = loc && loc->is_map() ? loc->as_map().find("line") : nullptr;
  return line && line->is_int() ? static_cast<uint32_t>(line->as_int()) : 0;
}

RuleSummary summary_of(const RuleInfo& r) {
  return {r.id, r.title, r.severity, r.category, r.description, r.remediation, r.references, r.tags, r.formats};
}

}  // namespace

absl::StatusOr<ScanResult> scan(const ScanOptions& options) {
  ScanResult result;
  result.now = options.eval.now;
  result.tool_version = std::string(version());

  Engine engine;
  if (options.bundled) {
    absl::Status st = engine.add_bundled_library();
    if (!st.ok()) return st;
  }
  auto policy_files = collect_policy_files(options.policy_paths);
  if (!policy_files.ok()) return policy_files.status();
  for (const std::string& f : *policy_files) {
    absl::Status st = engine.add_file(f);
    if (!st.ok()) return st;
  }
  CompileResult compiled = engine.compile();
  if (!compiled.ok()) return absl::InvalidArgumentError("the policies do not compile:\n" + compiled.format_diagnostics());

  absl::flat_hash_map<std::string, const RuleInfo*> rules_by_id;
  for (const RuleInfo& r : compiled.program->rules) rules_by_id[r.id] = &r;
  RuleFilter filter;
  if (absl::Status st = filter.init(options.select, options.skip, *compiled.program); !st.ok()) return st;
  for (const RuleInfo& r : compiled.program->rules)
    if (filter.keeps(r)) result.rules.push_back(summary_of(r));

  std::set<std::string> baseline;
  if (!options.baseline_path.empty()) {
    auto b = read_baseline(options.baseline_path);
    if (!b.ok()) return b.status();
    baseline = std::move(*b);
  }

  EvalOptions eval = options.eval;
  // UNKNOWN outcomes are always collected so that they are counted per kept
  // rule (--select must narrow the "undecided" count too); they are listed
  // only when the caller asked for them.
  eval.report_unknown = true;
  if (options.file_time_limit_ms && (eval.budgets.max_wall_ms == 0 || eval.budgets.max_wall_ms > options.file_time_limit_ms))
    eval.budgets.max_wall_ms = options.file_time_limit_ms;
  auto evaluator = Evaluator::create(compiled.program, eval);
  if (!evaluator.ok()) return evaluator.status();

  std::vector<std::string> missing;
  std::vector<std::string> candidates = discover_files(options.paths, &missing);
  for (const std::string& m : missing) result.notices.push_back({"error", m + ": no such file or directory", std::nullopt});

  for (size_t i = 0; i < candidates.size(); ++i) {
    const std::string& path = candidates[i];
    if (options.progress) options.progress(i, candidates.size(), path);
    auto started = std::chrono::steady_clock::now();
    std::string error;
    std::string text = read_text(path, options.max_file_bytes, &error);
    if (!error.empty()) {
      ScannedFile f;
      f.path = path;
      f.error = error;
      result.files.push_back(std::move(f));
      continue;
    }
    std::string format = options.input_format == "auto" ? classify_template(text, path) : options.input_format;
    if (format.empty()) {
      result.skipped.push_back(path);
      continue;
    }
    ScannedFile file;
    file.path = path;
    file.format = format;
    TemplateOptions topts;
    topts.input_format = format == "terraform-plan" ? "terraform-plan" : format;
    topts.max_file_bytes = options.max_file_bytes;
    topts.max_depth = options.max_depth;
    topts.max_nodes = options.max_nodes;
    topts.max_alias_expansion = options.max_alias_expansion;
    topts.max_string_bytes = options.max_string_bytes;
    topts.max_load_ms = options.max_load_ms;
    auto loaded = load_template(text, path, topts);
    if (!loaded.ok()) {
      file.error = std::string(loaded.status().message());
      result.files.push_back(std::move(file));
      continue;
    }
    if (loaded->format == "json" || loaded->format == "yaml") {
      // Named like a template, but it is not one (an empty serverless.json, say).
      result.skipped.push_back(path);
      continue;
    }
    file.format = loaded->format;
    std::vector<SuppressionEntry> entries = read_suppressions(text, path, loaded->format, &result.notices);

    EvalResult evaluated = evaluator->evaluate(*loaded->document);
    if (eval.collect_costs) add_costs(result.costs, evaluated.costs);
    if (!evaluated.ok()) {
      // A budget stopped the evaluation: the findings so far are not the
      // whole truth, so the file is an error, not a partial clean result.
      file.error = path + ": evaluation stopped: " + evaluated.errors.front();
    }
    std::optional<LineIndex> lines;  // built on the first finding with a location
    for (Finding& f : evaluated.findings) {
      auto rule = rules_by_id.find(f.rule_id);
      if (rule != rules_by_id.end() && !filter.keeps(*rule->second)) continue;
      if (f.outcome == Outcome::kUnknown) {
        ++file.unknown_count;
        if (!options.eval.report_unknown) continue;
      }
      ScanFinding sf;
      if (f.location && !lines) lines.emplace(text);
      sf.snippet = f.location ? snippet_of(text, *lines, f.location->line) : std::string();
      sf.fingerprint = fingerprint(f, path);
      if (f.outcome == Outcome::kFail) {
        sf.suppression = match_suppression(entries, f, resource_line(*loaded->document, f.subject));
        if (!sf.suppression && baseline.contains(sf.fingerprint)) sf.suppression = Suppression{"baseline", "in the baseline", std::nullopt};
      }
      sf.finding = std::move(f);
      file.findings.push_back(std::move(sf));
    }
    // By position, then each finding moved once (util/reorder.h): moving
    // them during the sort was a tenth of a large scan.
    stable_sort_records(file.findings, [](const ScanFinding& a, const ScanFinding& b) {
      int ra = severity_rank(a.finding.severity), rb = severity_rank(b.finding.severity);
      if (ra != rb) return ra > rb;
      if (a.finding.rule_id != b.finding.rule_id) return a.finding.rule_id < b.finding.rule_id;
      uint32_t la = a.finding.location ? a.finding.location->line : 0, lb = b.finding.location ? b.finding.location->line : 0;
      return la < lb;
    });
    file.millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    result.files.push_back(std::move(file));
  }
  if (options.progress) options.progress(candidates.size(), candidates.size(), "");
  return result;
}

std::string write_baseline(const ScanResult& result) {
  std::string out = "{\"moat_baseline\": 1, \"findings\": [\n";
  bool first = true;
  auto q = [](const std::string& s) {
    std::string o = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') o += '\\';
      if (static_cast<unsigned char>(c) < 0x20) continue;
      o += c;
    }
    return o + "\"";
  };
  for (const ScannedFile& f : result.files)
    for (const ScanFinding& sf : f.findings) {
      if (sf.suppression || sf.finding.outcome != Outcome::kFail) continue;
      out += first ? "  " : ",\n  ";
      first = false;
      out += "{\"fingerprint\": " + q(sf.fingerprint) + ", \"rule_id\": " + q(sf.finding.rule_id) + ", \"file\": " + q(f.path) +
             ", \"subject\": " + q(sf.finding.subject) + ", \"path\": " + q(sf.finding.path) + "}";
    }
  out += "\n]}\n";
  return out;
}

int scan_exit_code(const ScanResult& result, std::string_view fail_on, bool errors_ok) {
  if (!errors_ok && result.error_count() > 0) return 2;
  if (fail_on == "none") return 0;
  int threshold = severity_rank(fail_on);
  if (threshold < 0) threshold = 0;
  for (const ScannedFile& f : result.files)
    for (const ScanFinding& sf : f.findings)
      if (!sf.suppression && sf.finding.outcome == Outcome::kFail && severity_rank(sf.finding.severity) >= threshold) return 1;
  return 0;
}

}  // namespace moat
