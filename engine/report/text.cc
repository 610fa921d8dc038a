// Text report: findings grouped by severity, each with file:line, the
// offending source line and the fix; then a summary per category and severity.
#include <map>

#include "report/writers.h"

namespace moat::report {

namespace {

const char* kSeverities[] = {"critical", "high", "medium", "low", "info"};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The fix for a terminal: the remediation's first line, then the corrected
// snippet for the format of the file at hand when the remediation has a
// section for it ("serverless.yml:", "CloudFormation/SAM:", "Terraform:").
std::string fix_text(const std::string& remediation, const std::string& format) {
  std::vector<std::string> lines;
  for (size_t start = 0; start <= remediation.size();) {
    size_t end = remediation.find('\n', start);
    if (end == std::string::npos) end = remediation.size();
    lines.push_back(remediation.substr(start, end - start));
    start = end + 1;
  }
  if (lines.empty()) return {};
  auto is_header = [](const std::string& l) { return !l.empty() && l[0] != ' ' && l.back() == ':'; };
  std::string first = lines[0];
  for (size_t i = 1; i < lines.size() && !lines[i].empty() && !is_header(lines[i]) && lines[i][0] != ' '; ++i) first += " " + lines[i];
  std::string out = "    fix: " + first + "\n";
  const char* key = format == "serverless" ? "serverless" : format == "terraform-plan" ? "Terraform" : format == "sam" ? "SAM" : "CloudFormation";
  size_t found = lines.size();
  for (size_t i = 1; i < lines.size() && found == lines.size(); ++i)
    if (is_header(lines[i]) && lines[i].find(key) != std::string::npos) found = i;
  if (found == lines.size() && format == "sam")
    for (size_t i = 1; i < lines.size() && found == lines.size(); ++i)
      if (is_header(lines[i]) && lines[i].find("CloudFormation") != std::string::npos) found = i;
  if (found == lines.size()) return out;
  for (size_t i = found + 1; i < lines.size() && !is_header(lines[i]) && !lines[i].empty(); ++i) out += "      " + lines[i] + "\n";
  return out;
}

}  // namespace

std::string write_text(const ScanResult& result, bool color) {
  auto paint = [&](const char* code, const std::string& s) { return color ? std::string("\x1b[") + code + "m" + s + "\x1b[0m" : s; };
  std::map<std::string, const RuleSummary*> rules;
  for (const RuleSummary& r : result.rules) rules[r.id] = &r;
  std::string out;
  std::map<std::string, std::map<std::string, size_t>> by_category;  // category -> severity -> count
  size_t shown = 0, suppressed = 0;
  for (const char* sev : kSeverities) {
    std::string block;
    for (const ScannedFile& f : result.files)
      for (const ScanFinding& sf : f.findings) {
        const Finding& fd = sf.finding;
        if (fd.severity != sev) continue;
        if (sf.suppression) continue;
        std::string tag = fd.outcome == Outcome::kFail ? "" : fd.outcome == Outcome::kUnknown ? " (unknown)" : " (error)";
        block += "  " + paint("1", fd.rule_id) + tag + "  " + fd.title + "\n";
        block += "    " + location_text(fd.location, f.path) + (fd.subject.empty() ? "" : "  " + fd.subject) + "\n";
        block += "    " + fd.message + "\n";
        if (!sf.snippet.empty() && fd.location)
          block += paint("2", "    " + std::to_string(fd.location->line) + " | " + sf.snippet) + "\n";
        if (fd.outcome == Outcome::kUnknown && !fd.missing_path.empty()) block += "    undecided: " + fd.missing_path + "\n";
        auto r = rules.find(fd.rule_id);
        if (r != rules.end() && !r->second->remediation.empty() && fd.outcome == Outcome::kFail)
          block += fix_text(r->second->remediation, f.format);
        block += "\n";
        if (fd.outcome == Outcome::kFail) {
          ++by_category[fd.category][sev];
          ++shown;
        }
      }
    if (!block.empty()) {
      const char* code = std::string_view(sev) == "critical" || std::string_view(sev) == "high" ? "31;1"
                         : std::string_view(sev) == "medium"                                    ? "33;1"
                                                                                                : "36;1";
      out += paint(code, upper(sev)) + "\n" + block;
    }
  }
  for (const ScannedFile& f : result.files)
    for (const ScanFinding& sf : f.findings) suppressed += sf.suppression.has_value();
  for (const ScannedFile& f : result.files)
    if (!f.error.empty()) out += paint("31;1", "ERROR") + " " + f.error + "\n";
  for (const ScanNotice& n : result.notices)
    out += (n.level == "error" ? paint("31;1", "ERROR") : paint("33", "warning")) + " " +
           (n.location ? location_text(n.location, "") + ": " : std::string()) + n.message + "\n";

  // Summary table.
  out += "\nSummary (" + std::to_string(result.files.size()) + " template" + (result.files.size() == 1 ? "" : "s") +
         " scanned, " + std::to_string(result.skipped.size()) + " other file" + (result.skipped.size() == 1 ? "" : "s") +
         " skipped, " + std::to_string(result.rules.size()) + " rules, evaluated as of " + date_text(result.now) + ")\n";
  if (!by_category.empty()) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-16s %8s %8s %8s %8s %8s\n", "category", "critical", "high", "medium", "low", "total");
    out += line;
    for (auto& entry : by_category) {
      // Named references, not a structured binding: clang 14 (the sanitizer
      // builds) cannot capture a structured binding in the lambda below.
      const auto& cat = entry.first;
      const auto& counts = entry.second;
      size_t total = 0;
      for (auto& [_, n] : counts) total += n;
      auto get = [&](const char* s) { auto it = counts.find(s); return it == counts.end() ? size_t{0} : it->second; };
      std::snprintf(line, sizeof line, "  %-16s %8zu %8zu %8zu %8zu %8zu\n", cat.c_str(), get("critical"), get("high"), get("medium"),
                    get("low") + get("info"), total);
      out += line;
    }
  }
  size_t unknown_total = 0;
  for (const ScannedFile& f : result.files) unknown_total += f.unknown_count;
  out += "  " + std::to_string(shown) + " finding" + (shown == 1 ? "" : "s");
  if (suppressed) out += ", " + std::to_string(suppressed) + " suppressed";
  if (unknown_total) out += ", " + std::to_string(unknown_total) + " undecided (values known only at deploy time; --show-unknown lists them)";
  size_t errors = result.error_count();
  if (errors) out += ", " + std::to_string(errors) + " error" + (errors == 1 ? "" : "s");
  out += "\n";
  return out;
}

}  // namespace moat::report
