// JSON report: every finding with the fields of the vocabulary (rule_id,
// severity, category, message, subject, path, location) plus file, snippet,
// fingerprint and suppression; per-file status; skipped files; notices;
// the metadata of the rules that have findings.
#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "report/writers.h"

namespace moat::report {

using nlohmann::json;

namespace {

json location_json(const std::optional<Location>& loc) {
  if (!loc) return nullptr;
  return {{"file", loc->file}, {"line", loc->line}, {"column", loc->column}};
}

}  // namespace

std::string write_json(const ScanResult& result) {
  json findings = json::array(), files = json::array(), notices = json::array();
  size_t suppressed = 0;
  std::set<std::string_view> reported;
  for (const ScannedFile& f : result.files) {
    size_t n = 0;
    for (const ScanFinding& sf : f.findings) {
      const Finding& fd = sf.finding;
      reported.insert(fd.rule_id);
      json j = {{"rule_id", fd.rule_id},   {"severity", fd.severity}, {"category", fd.category},
                {"message", fd.message},   {"subject", fd.subject},   {"path", fd.path},
                {"location", location_json(fd.location)}, {"file", f.path}, {"title", fd.title},
                {"outcome", std::string(outcome_name(fd.outcome))}, {"snippet", sf.snippet},
                {"fingerprint", sf.fingerprint}};
      if (!fd.missing_path.empty()) j["missing_path"] = fd.missing_path;
      if (sf.suppression) {
        j["suppressed"] = {{"kind", sf.suppression->kind}, {"reason", sf.suppression->reason}};
        ++suppressed;
      }
      findings.push_back(std::move(j));
      ++n;
    }
    json fj = {{"path", f.path}, {"format", f.format}, {"findings", n}, {"unknown", f.unknown_count}, {"millis", f.millis}};
    if (!f.error.empty()) fj["error"] = f.error;
    files.push_back(std::move(fj));
  }
  for (const ScanNotice& n : result.notices) {
    json j = {{"level", n.level}, {"message", n.message}};
    if (n.location) j["location"] = location_json(n.location);
    notices.push_back(std::move(j));
  }
  // Only the rules the findings refer to: the whole library's metadata was
  // most of a small scan's report (and of its cost); `moat rules --format
  // json` lists every rule, and the summary counts the rules evaluated.
  json rules = json::array();
  for (const RuleSummary& r : result.rules)
    if (reported.contains(r.id))
      rules.push_back({{"id", r.id}, {"title", r.title}, {"severity", r.severity}, {"category", r.category},
                       {"remediation", r.remediation}, {"references", r.references}, {"formats", r.formats}});
  json out = {{"tool", {{"name", "moat"}, {"version", result.tool_version}}},
              {"evaluated_at", date_text(result.now)},
              {"summary",
               {{"templates", result.files.size()},
                {"skipped", result.skipped.size()},
                {"findings", result.finding_count(false)},
                {"suppressed", suppressed},
                {"errors", result.error_count()},
                {"rules", result.rules.size()}}},
              {"findings", std::move(findings)},
              {"files", std::move(files)},
              {"skipped", result.skipped},
              {"notices", std::move(notices)},
              {"rules", std::move(rules)}};
  if (!result.costs.empty()) {
    // --stats: every rule and constant, costliest first.
    std::vector<RuleCost> costs = result.costs;
    std::stable_sort(costs.begin(), costs.end(), [](const RuleCost& a, const RuleCost& b) { return a.instructions > b.instructions; });
    json entries = json::array();
    for (const RuleCost& c : costs)
      entries.push_back({{"name", c.name}, {"instructions", c.instructions}, {"millis", static_cast<double>(c.nanos) / 1e6},
                         {"runs", c.runs}, {"findings", c.findings}, {"unknown", c.unknown}});
    out["stats"] = {{"costs", std::move(entries)}};
  }
  return out.dump(2) + "\n";
}

}  // namespace moat::report
