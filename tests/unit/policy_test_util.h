// Compiling and evaluating whole policies from tests: policy text in,
// findings (or diagnostics) out, with short summaries that read well in a
// table-driven test's failure message.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moat/moat.h"

namespace moat::testing {

struct Source {
  std::string name;
  std::string text;
};

struct PolicyRun {
  bool compiled = false;
  std::string diagnostics;   // formatted diagnostics when compilation failed
  std::string create_error;  // why Evaluator::create refused, if it did
  EvalResult result;
};

inline EvalOptions default_options() {
  EvalOptions o;
  o.report_unknown = true;
  o.now = 1'800'000'000;
  return o;
}

inline PolicyRun run_policy(const std::vector<Source>& sources, std::string_view document_json,
                      EvalOptions options = default_options()) {
  PolicyRun run;
  Engine engine;
  for (const Source& s : sources) engine.add_source(s.name, s.text);
  CompileResult compiled = engine.compile();
  if (!compiled.ok()) {
    run.diagnostics = compiled.format_diagnostics();
    return run;
  }
  run.compiled = true;
  auto doc = Document::from_json(std::string(document_json), "doc.json");
  if (!doc.ok()) {
    ADD_FAILURE() << "bad test document: " << doc.status();
    return run;
  }
  auto evaluator = Evaluator::create(compiled.program, std::move(options));
  if (!evaluator.ok()) {
    run.create_error = std::string(evaluator.status().message());
    return run;
  }
  run.result = evaluator->evaluate(**doc);
  return run;
}

inline PolicyRun run_policy(std::string_view policy, std::string_view document_json,
                      EvalOptions options = default_options()) {
  return run_policy({Source{"policy.moat", std::string(policy)}}, document_json, std::move(options));
}

// "RULE outcome subject path: message", one finding per line.
inline std::string summarize(const Finding& f) {
  std::string s = f.rule_id + " " + std::string(outcome_name(f.outcome)) + " " + f.subject + " " + f.path;
  if (!f.missing_path.empty()) s += " missing=" + f.missing_path;
  return s + ": " + f.message;
}

inline std::string summarize(const PolicyRun& run) {
  if (!run.compiled) return "compile error:\n" + run.diagnostics;
  if (!run.create_error.empty()) return "create error: " + run.create_error;
  std::string s;
  for (const Finding& f : run.result.findings) s += summarize(f) + "\n";
  for (const std::string& e : run.result.errors) s += "ERROR " + e + "\n";
  return s;
}

// The first line of the formatted diagnostics, without the file name.
inline std::string first_diagnostic(const std::string& formatted) {
  std::string line = formatted.substr(0, formatted.find('\n'));
  size_t colon = line.find(": ");
  return colon == std::string::npos ? line : line.substr(colon + 2);
}

// What a policy reporting one value (its message) produced: the message,
// or "unknown:<missing path>", "error:<message>", or what went wrong instead.
inline std::string one_value(const PolicyRun& run) {
  if (!run.compiled) return "compile error: " + first_diagnostic(run.diagnostics);
  if (!run.result.errors.empty()) return "stopped: " + run.result.errors[0];
  if (run.result.findings.size() != 1) return "unexpected: " + summarize(run);
  const Finding& f = run.result.findings[0];
  switch (f.outcome) {
    case Outcome::kFail: return f.message;
    case Outcome::kUnknown: return "unknown:" + f.missing_path;
    case Outcome::kError: return "error:" + f.message;
  }
  return "?";
}

}  // namespace moat::testing
