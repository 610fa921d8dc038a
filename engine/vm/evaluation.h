// What an evaluation takes and gives back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "documents/document.h"

namespace moat {

// Each limit stops the evaluation with an error naming the rule; none of
// them is ever reported as a clean result.
struct Budgets {
  uint64_t max_instructions = 2'000'000'000;  // per document
  size_t max_memory_bytes = 1u << 30;         // values built while evaluating one rule on one resource
  uint32_t max_call_depth = 64;               // nested user-function calls
  uint64_t max_wall_ms = 0;                   // per document; 0 = no limit
};

struct EvalOptions {
  // name=value overrides; the value is JSON text (a bare word is taken as a
  // string). Names may be qualified (pkg.name) or plain when unambiguous.
  std::vector<std::pair<std::string, std::string>> params;
  int64_t now = 0;  // evaluation date, Unix seconds UTC
  Budgets budgets;
  bool report_unknown = false;
  // Fill EvalResult::costs (`--stats`): a clock read per rule run.
  bool collect_costs = false;
};

enum class Outcome { kFail, kUnknown, kError };
std::string_view outcome_name(Outcome o);

struct Finding {
  std::string rule_id, title, severity, category;
  std::string message;
  std::string subject;
  std::string path;  // JSON pointer inside the document
  std::optional<Location> location;
  Outcome outcome = Outcome::kFail;
  std::string missing_path;     // UNKNOWN: where data went missing or was unknowable
  std::string policy_location;  // file:line:col of the policy code that decided
};

// What one rule, or one document-dependent constant, cost on a document.
// A constant's cost is paid once per document, before any rule runs, and
// includes the functions it calls; a rule's includes its functions too.
struct RuleCost {
  std::string name;           // the rule id, or "let NAME (file:line)" for a constant
  uint64_t instructions = 0;  // VM instructions executed
  uint64_t nanos = 0;         // wall time
  uint64_t runs = 0;          // resources the rule ran on (1 for a document rule or a constant)
  size_t findings = 0;        // FAIL findings reported
  size_t unknown = 0;         // UNKNOWN outcomes
};

// Adds `more` into `into`, entry by name (new names are appended).
void add_costs(std::vector<RuleCost>& into, const std::vector<RuleCost>& more);

struct EvalResult {
  std::vector<Finding> findings;  // sorted: rule id, subject, path
  std::vector<std::string> errors;  // evaluation stopped (budget exceeded)
  size_t unknown_count = 0;         // UNKNOWN outcomes, reported or not
  uint64_t instructions = 0;
  std::vector<RuleCost> costs;  // with EvalOptions::collect_costs: every rule, then every constant
  bool ok() const { return errors.empty(); }
};

std::string finding_to_json(const Finding& f);

}  // namespace moat
