// moat test: policy unit tests.
//
// A test file (*.test.json) names the policies under test and a list of
// cases, each an input document and the findings expected from it:
//
//   {"policies": ["../lambda.moat"], "now": "2026-11-29", "params": {...},
//    "cases": [{"name": "long timeout fires",
//               "input": {...} | "input_file": "fixtures/fn.json",
//               "report_unknown": false,
//               "expect": [{"rule_id": "R1", "subject": "fn1",
//                           "path": "/resources/fn1/timeout", "outcome": "fail"}],
//               "expect_error": "budget"}],
//    "rules": ["R1"]}   (optional, file or case: compare only these rule ids)
//
// Expected and actual findings are compared as sets on rule id, subject and
// outcome, plus the path when the expectation gives one.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common.h"
#include "documents/event_loader.h"
#include "documents/template_loader.h"

namespace moat::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Key {
  std::string rule_id, subject, outcome, path;
  bool has_path = false;
  std::string text() const {
    return rule_id + " " + (subject.empty() ? "(document)" : subject) + (outcome == "fail" ? "" : " [" + outcome + "]") +
           (has_path ? " at " + path : "");
  }
};

std::string read_file(const fs::path& p, bool* ok) {
  std::ifstream in(p, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void collect_tests(const fs::path& p, std::vector<fs::path>& out) {
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    std::vector<fs::path> found;
    for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (it->is_regular_file() && name.size() > 10 && name.compare(name.size() - 10, 10, ".test.json") == 0) found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  } else {
    out.push_back(p);
  }
}

// Returns the number of failed cases, or -1 when the file itself is broken.
int run_test_file(const fs::path& file, int* passed, bool verbose) {
  bool ok = false;
  std::string text = read_file(file, &ok);
  if (!ok) { std::cerr << file.string() << ": cannot open test file\n"; return -1; }
  json spec = json::parse(text, nullptr, false);
  if (spec.is_discarded() || !spec.is_object()) { std::cerr << file.string() << ": not a JSON object\n"; return -1; }
  if (!spec.contains("policies") || !spec["policies"].is_array() || !spec.contains("cases") || !spec["cases"].is_array()) {
    std::cerr << file.string() << ": a test file needs \"policies\" and \"cases\" arrays\n";
    return -1;
  }
  fs::path dir = file.parent_path();
  std::vector<std::string> paths;
  for (auto& p : spec["policies"]) paths.push_back((dir / p.get<std::string>()).lexically_normal().string());
  std::string err;
  auto files = collect_policy_files(paths, &err);
  if (!err.empty()) { std::cerr << file.string() << ": " << err << "\n"; return -1; }
  auto compiled = compile_policies(files, std::nullopt, ParseLimits{}.max_policy_bytes, false);
  if (!compiled) { std::cerr << file.string() << ": policies do not compile\n"; return -1; }

  int failed = 0;
  for (auto& c : spec["cases"]) {
    std::string name = c.value("name", "(unnamed)");
    std::string label = file.string() + ": " + name;
    EvalOptions options;
    auto add_params = [&](const json& params) {
      for (auto& [k, v] : params.items()) options.params.emplace_back(k, v.dump());
    };
    if (spec.contains("params")) add_params(spec["params"]);
    if (c.contains("params")) add_params(c["params"]);
    std::string now = c.value("now", spec.value("now", std::string("2026-01-01")));
    auto t = parse_date(now);
    if (!t.ok()) { std::cerr << label << ": " << t.status().message() << "\n"; ++failed; continue; }
    options.now = *t;
    options.report_unknown = c.value("report_unknown", spec.value("report_unknown", false));
    if (c.contains("budgets")) {
      auto& b = c["budgets"];
      options.budgets.max_instructions = b.value("max_instructions", options.budgets.max_instructions);
      options.budgets.max_memory_bytes = b.value("max_memory", options.budgets.max_memory_bytes);
    }
    auto evaluator = Evaluator::create(compiled->program, options);
    if (!evaluator.ok()) { std::cerr << "FAIL " << label << ": " << evaluator.status().message() << "\n"; ++failed; continue; }
    absl::StatusOr<std::shared_ptr<const Document>> doc;
    if (c.contains("input_file")) {
      // JSON, YAML or a template, detected (template_loader.h); a Lambda
      // event payload becomes an event document, as with `moat eval`.
      std::string path = (dir / c["input_file"].get<std::string>()).string();
      auto loaded = load_template_file(path);
      if (loaded.ok()) doc = loaded->document;
      else doc = loaded.status();
      if (loaded.ok() && loaded->format == "json" && !detect_event_source((*doc)->root()).empty())
        doc = load_event_file(path);
    }
    else if (c.contains("input")) doc = Document::from_json(c["input"].dump(), label);
    else { std::cerr << "FAIL " << label << ": a case needs \"input\" or \"input_file\"\n"; ++failed; continue; }
    if (!doc.ok()) { std::cerr << "FAIL " << label << ": " << doc.status().message() << "\n"; ++failed; continue; }
    EvalResult result = evaluator->evaluate(**doc);
    // "rules" narrows the comparison to some rule ids, so a test of one rule
    // can load a whole package (or the bundled library) without listing the
    // findings of its neighbours.
    const json& only = c.contains("rules") ? c["rules"] : spec.value("rules", json::array());
    if (!only.empty()) {
      std::erase_if(result.findings, [&](const Finding& f) {
        return std::find(only.begin(), only.end(), f.rule_id) == only.end();
      });
    }

    std::vector<std::string> problems;
    if (c.contains("expect_error")) {
      std::string want = c["expect_error"].get<std::string>();
      bool found = false;
      for (auto& e : result.errors) found |= e.find(want) != std::string::npos;
      if (!found) problems.push_back("expected an evaluation error containing '" + want + "'" +
                                     (result.errors.empty() ? ", got none" : ", got: " + result.errors[0]));
    } else {
      for (auto& e : result.errors) problems.push_back("unexpected evaluation error: " + e);
    }
    std::vector<Key> expected;
    for (auto& e : c.value("expect", json::array())) {
      Key k{e.value("rule_id", ""), e.value("subject", ""), e.value("outcome", "fail"), e.value("path", ""), e.contains("path")};
      expected.push_back(k);
    }
    std::vector<bool> used(result.findings.size(), false);
    std::vector<Key> missing;
    for (const Key& k : expected) {
      bool hit = false;
      for (size_t i = 0; i < result.findings.size() && !hit; ++i) {
        const Finding& f = result.findings[i];
        if (used[i] || f.rule_id != k.rule_id || f.subject != k.subject || outcome_name(f.outcome) != k.outcome) continue;
        if (k.has_path && f.path != k.path) continue;
        used[i] = hit = true;
      }
      if (!hit) missing.push_back(k);
    }
    std::vector<const Finding*> extra;
    for (size_t i = 0; i < result.findings.size(); ++i)
      if (!used[i]) extra.push_back(&result.findings[i]);
    if (!missing.empty() || !extra.empty() || !problems.empty()) {
      ++failed;
      std::cerr << "FAIL " << label << "\n";
      for (auto& p : problems) std::cerr << "    " << p << "\n";
      if (!missing.empty() || !extra.empty()) {
        std::cerr << "    expected:\n";
        if (expected.empty()) std::cerr << "      (no findings)\n";
        for (auto& k : expected) std::cerr << "      " << k.text() << "\n";
        std::cerr << "    actual:\n";
        if (result.findings.empty()) std::cerr << "      (no findings)\n";
        for (auto& f : result.findings)
          std::cerr << "      " << f.rule_id << " " << (f.subject.empty() ? "(document)" : f.subject)
                    << (f.outcome == Outcome::kFail ? "" : " [" + std::string(outcome_name(f.outcome)) + "]") << " at "
                    << f.path << ": " << f.message << "\n";
      }
    } else {
      ++*passed;
      if (verbose) std::cout << "PASS " << label << "\n";
    }
  }
  return failed;
}

}  // namespace

int cmd_test(int argc, char** argv) {
  Args args(argc, argv, 2, {}, {"verbose"});
  if (!args.ok()) { std::cerr << "moat test: " << args.error() << "\n"; return kExitError; }
  std::vector<std::string> roots = args.positional();
  if (roots.empty()) roots.push_back(".");
  std::vector<fs::path> files;
  for (auto& r : roots) {
    if (!fs::exists(r)) { std::cerr << "moat test: " << r << ": no such file or directory\n"; return kExitError; }
    collect_tests(r, files);
  }
  if (files.empty()) {
    // No tests is a failure: a CI job that tests nothing must not pass.
    std::cerr << "moat test: no *.test.json files found\n";
    return kExitFindings;
  }
  int passed = 0, failed = 0, broken = 0;
  for (auto& f : files) {
    int r = run_test_file(f, &passed, args.has("verbose"));
    if (r < 0) ++broken;
    else failed += r;
  }
  std::cout << passed << " passed, " << failed << " failed";
  if (broken) std::cout << ", " << broken << " test file" << (broken == 1 ? "" : "s") << " could not run";
  std::cout << "\n";
  return failed || broken ? kExitFindings : kExitClean;
}

}  // namespace moat::cli
