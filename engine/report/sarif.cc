// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/): what code
// scanning dashboards read. One run; the rules with their help (the
// remediation) and category as a tag; one result per finding with the
// physical location of the offending property; files that could not be
// scanned as toolExecutionNotifications, so a failure never reads as clean.
#include <filesystem>

#include <nlohmann/json.hpp>

#include "report/writers.h"

namespace moat::report {

using nlohmann::json;

namespace {

std::string level_of(const std::string& severity) {
  if (severity == "critical" || severity == "high") return "error";
  if (severity == "medium") return "warning";
  return "note";
}

// GitHub code scanning ranks alerts by this number (0.1-10).
std::string security_severity(const std::string& severity) {
  if (severity == "critical") return "9.5";
  if (severity == "high") return "8.0";
  if (severity == "medium") return "5.5";
  if (severity == "low") return "3.0";
  return "1.0";
}

// Relative paths stay relative (resolved against %SRCROOT%, the scan's
// working directory); absolute ones become file:// URIs.
json artifact_location(const std::string& path) {
  std::string p = path;
  for (char& c : p)
    if (c == '\\') c = '/';
  while (p.starts_with("./")) p = p.substr(2);
  std::string encoded;
  for (unsigned char c : p) {
    if (std::isalnum(c) || std::string_view("/-._~").find(static_cast<char>(c)) != std::string_view::npos) encoded += static_cast<char>(c);
    else {
      static const char* hex = "0123456789ABCDEF";
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    }
  }
  if (std::filesystem::path(path).is_absolute()) return {{"uri", "file://" + encoded}};
  return {{"uri", encoded}, {"uriBaseId", "%SRCROOT%"}};
}

}  // namespace

std::string write_sarif(const ScanResult& result) {
  json rules = json::array();
  std::map<std::string, size_t> index;
  for (const RuleSummary& r : result.rules) {
    index[r.id] = rules.size();
    json tags = json::array({"security", r.category});
    for (const std::string& t : r.tags) tags.push_back(t);
    std::string help = r.remediation.empty() ? r.title : r.remediation;
    json rule = {{"id", r.id},
                 {"name", r.id},
                 {"shortDescription", {{"text", r.title}}},
                 {"fullDescription", {{"text", r.description.empty() ? r.title : r.description}}},
                 {"help", {{"text", help}, {"markdown", help}}},
                 {"defaultConfiguration", {{"level", level_of(r.severity)}}},
                 {"properties",
                  {{"tags", tags}, {"category", r.category}, {"severity", r.severity},
                   {"security-severity", security_severity(r.severity)}, {"references", r.references}}}};
    rules.push_back(std::move(rule));
  }
  json results = json::array();
  for (const ScannedFile& f : result.files)
    for (const ScanFinding& sf : f.findings) {
      const Finding& fd = sf.finding;
      json region = json::object();
      if (fd.location && fd.location->line) {
        region["startLine"] = fd.location->line;
        if (fd.location->column) region["startColumn"] = fd.location->column;
        if (!sf.snippet.empty()) region["snippet"] = {{"text", sf.snippet}};
      }
      json physical = {{"artifactLocation", artifact_location(fd.location && !fd.location->file.empty() ? fd.location->file : f.path)}};
      if (!region.empty()) physical["region"] = region;
      json location = {{"physicalLocation", physical}};
      if (!fd.subject.empty())
        location["logicalLocations"] = json::array({{{"name", fd.subject}, {"fullyQualifiedName", fd.subject + fd.path}, {"kind", "resource"}}});
      std::string level = level_of(fd.severity);
      json r = {{"ruleId", fd.rule_id},
                {"level", fd.outcome == Outcome::kFail ? level : "note"},
                {"message", {{"text", fd.outcome == Outcome::kUnknown ? "Undecided (value known only at deploy time): " + fd.message : fd.message}}},
                {"locations", json::array({location})},
                {"partialFingerprints", {{"moatFingerprint/v1", sf.fingerprint}}}};
      if (fd.outcome != Outcome::kFail) r["kind"] = "review";
      auto it = index.find(fd.rule_id);
      if (it != index.end()) r["ruleIndex"] = it->second;
      if (sf.suppression)
        r["suppressions"] = json::array({{{"kind", sf.suppression->kind == "baseline" ? "external" : "inSource"},
                                          {"justification", sf.suppression->reason}}});
      results.push_back(std::move(r));
    }
  json notifications = json::array();
  auto notice = [&](const std::string& level, const std::string& text, const std::optional<Location>& loc, const std::string& file) {
    json n = {{"level", level}, {"message", {{"text", text}}}};
    std::string where = loc && !loc->file.empty() ? loc->file : file;
    if (!where.empty()) {
      json physical = {{"artifactLocation", artifact_location(where)}};
      if (loc && loc->line) physical["region"] = {{"startLine", loc->line}, {"startColumn", std::max<uint32_t>(1, loc->column)}};
      n["locations"] = json::array({{{"physicalLocation", physical}}});
    }
    notifications.push_back(std::move(n));
  };
  for (const ScannedFile& f : result.files)
    if (!f.error.empty()) notice("error", f.error, std::nullopt, f.path);
  for (const ScanNotice& n : result.notices) notice(n.level, n.message, n.location, "");
  json invocation = {{"executionSuccessful", result.error_count() == 0}, {"toolExecutionNotifications", notifications}};
  json run = {{"tool",
               {{"driver",
                 {{"name", "Moat"},
                  {"version", result.tool_version},
                  {"semanticVersion", result.tool_version},
                  {"informationUri", "https://github.com/moat-policy/moat"},
                  {"rules", rules}}}}},
              {"invocations", json::array({invocation})},
              {"originalUriBaseIds", {{"%SRCROOT%", {{"description", {{"text", "The directory moat scan ran in."}}}}}}},
              {"results", results},
              {"columnKind", "unicodeCodePoints"}};
  json out = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", json::array({run})}};
  return out.dump(2) + "\n";
}

}  // namespace moat::report
