// JUnit XML: one test suite per scanned file, one test case per rule (a
// failure when the rule has findings there), and an error case for a file
// that could not be scanned. CI servers render this as a test report.
#include <map>

#include "report/writers.h"

namespace moat::report {

namespace {

std::string xml(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even when escaped.
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') out += ' ';
        else out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string write_junit(const ScanResult& result) {
  std::string suites;
  size_t total_tests = 0, total_failures = 0, total_errors = 0;
  for (const ScannedFile& f : result.files) {
    std::string cases;
    size_t tests = 0, failures = 0, errors = 0;
    if (!f.error.empty()) {
      cases += "    <testcase classname=\"" + xml(f.path) + "\" name=\"load and evaluate\">\n      <error message=\"" + xml(f.error) +
               "\" type=\"scan-error\">" + xml(f.error) + "</error>\n    </testcase>\n";
      ++tests;
      ++errors;
    }
    if (f.error.empty() || !f.findings.empty()) {
      std::map<std::string, std::vector<const ScanFinding*>> by_rule;
      for (const ScanFinding& sf : f.findings)
        if (!sf.suppression && sf.finding.outcome == Outcome::kFail) by_rule[sf.finding.rule_id].push_back(&sf);
      for (const RuleSummary& r : result.rules) {
        ++tests;
        cases += "    <testcase classname=\"" + xml(f.path) + "\" name=\"" + xml(r.id + " " + r.title) + "\"";
        auto it = by_rule.find(r.id);
        if (it == by_rule.end()) {
          cases += "/>\n";
          continue;
        }
        ++failures;
        std::string body;
        for (const ScanFinding* sf : it->second)
          body += location_text(sf->finding.location, f.path) + " " + sf->finding.subject + ": " + sf->finding.message + "\n";
        cases += ">\n      <failure message=\"" + xml(it->second.front()->finding.message) + "\" type=\"" + xml(r.severity) + "\">" +
                 xml(body) + "</failure>\n    </testcase>\n";
      }
    }
    suites += "  <testsuite name=\"" + xml(f.path) + "\" tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
              "\" errors=\"" + std::to_string(errors) + "\" time=\"" + std::to_string(f.millis / 1000.0) + "\">\n" + cases + "  </testsuite>\n";
    total_tests += tests;
    total_failures += failures;
    total_errors += errors;
  }
  // Paths that could not be read at all get a suite of their own.
  for (const ScanNotice& n : result.notices) {
    if (n.level != "error") continue;
    suites += "  <testsuite name=\"moat\" tests=\"1\" failures=\"0\" errors=\"1\">\n    <testcase classname=\"moat\" name=\"scan\">\n"
              "      <error message=\"" + xml(n.message) + "\" type=\"scan-error\"/>\n    </testcase>\n  </testsuite>\n";
    ++total_tests;
    ++total_errors;
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"moat scan\" tests=\"" + std::to_string(total_tests) +
         "\" failures=\"" + std::to_string(total_failures) + "\" errors=\"" + std::to_string(total_errors) + "\">\n" + suites +
         "</testsuites>\n";
}

}  // namespace moat::report
