// JSON report: every finding with the fields of the vocabulary (rule_id,
// severity, category, message, subject, path, location) plus file, snippet,
// fingerprint and suppression; per-file status; skipped files; notices;
// the metadata of the rules that have findings.
#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "report/writers.h"
#include "value/value.h"

namespace moat::report {

using nlohmann::json;

namespace {

constexpr const char* kFindingsMark = "\x01" "findings" "\x01";

json location_json(const std::optional<Location>& loc) {
  if (!loc) return nullptr;
  return {{"file", loc->file}, {"line", loc->line}, {"column", loc->column}};
}

// The findings are most of a large report, and building an nlohmann object
// per finding (a std::map of thirteen members) then serializing it cost more
// than evaluating the rules. They are written directly, in exactly the text
// nlohmann's dump(2) gives (keys sorted, two-space indents), and spliced in.
void string_json(std::string& out, std::string_view s) { write_json(Value::string(s), out); }

// `"key": ` as a member of a finding (depth 3), after the previous member.
void key(std::string& out, std::string_view name) {
  out += ",\n      \"";
  out += name;
  out += "\": ";
}

void finding_json(std::string& out, const ScanFinding& sf, const std::string& file) {
  using namespace std::string_view_literals;
  const Finding& f = sf.finding;
  out += "    {\n      \"category\": "sv;
  string_json(out, f.category);
  key(out, "file"sv), string_json(out, file);
  key(out, "fingerprint"sv), string_json(out, sf.fingerprint);
  key(out, "location"sv);
  if (!f.location) {
    out += "null"sv;
  } else {
    out += "{\n        \"column\": "sv;
    out += std::to_string(f.location->column);
    out += ",\n        \"file\": "sv;
    string_json(out, f.location->file);
    out += ",\n        \"line\": "sv;
    out += std::to_string(f.location->line);
    out += "\n      }"sv;
  }
  key(out, "message"sv), string_json(out, f.message);
  if (!f.missing_path.empty()) key(out, "missing_path"sv), string_json(out, f.missing_path);
  key(out, "outcome"sv), string_json(out, outcome_name(f.outcome));
  key(out, "path"sv), string_json(out, f.path);
  key(out, "rule_id"sv), string_json(out, f.rule_id);
  key(out, "severity"sv), string_json(out, f.severity);
  key(out, "snippet"sv), string_json(out, sf.snippet);
  key(out, "subject"sv), string_json(out, f.subject);
  if (sf.suppression) {
    key(out, "suppressed"sv);
    out += "{\n        \"kind\": "sv;
    string_json(out, sf.suppression->kind);
    out += ",\n        \"reason\": "sv;
    string_json(out, sf.suppression->reason);
    out += "\n      }"sv;
  }
  key(out, "title"sv), string_json(out, f.title);
  out += "\n    }"sv;
}

}  // namespace

std::string write_json(const ScanResult& result) {
  json files = json::array(), notices = json::array();
  std::string findings;  // the array's text, at depth 1 of the report
  size_t suppressed = 0;
  std::set<std::string_view> reported;
  for (const ScannedFile& f : result.files) {
    size_t n = 0;
    for (const ScanFinding& sf : f.findings) {
      reported.insert(sf.finding.rule_id);
      findings += findings.empty() ? "[\n" : ",\n";
      finding_json(findings, sf, f.path);
      if (sf.suppression) ++suppressed;
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
              {"findings", kFindingsMark},
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
  std::string text = out.dump(2);
  findings = findings.empty() ? "[]" : findings + "\n  ]";
  // The mark, as dump() escapes it, cannot come from anything else there.
  const std::string key = "\n  \"findings\": ", quoted_mark = "\"\\u0001findings\\u0001\"";
  const size_t at = text.find(key + quoted_mark);
  text.replace(at + key.size(), quoted_mark.size(), findings);
  return text + "\n";
}

}  // namespace moat::report
