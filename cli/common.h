// Pieces shared by the subcommands.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "documents/template_loader.h"
#include "moat/moat.h"
#include "options.h"

namespace moat::cli {

// Exit codes: 0 clean, 1 findings (or failed tests / policy errors), 2 the
// run itself failed (bad arguments, unreadable input, budget exceeded).
constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitError = 2;

// Files named directly, plus every *.moat (and data/*.json data file) under
// named directories, sorted.
std::vector<std::string> collect_policy_files(const std::vector<std::string>& paths, std::string* error);
// Compiles, printing diagnostics to stderr. nullopt when there are errors.
std::optional<CompileResult> compile_policies(const std::vector<std::string>& files, const std::optional<std::string>& schema,
                                              size_t max_policy_bytes, bool print_warnings);
// Budgets and evaluation options from the common flags.
bool eval_options_from(const Args& args, EvalOptions* out, std::string* error);
std::vector<std::string> eval_value_flags();
std::string format_finding_text(const Finding& f);
// `--stats`: the `top` costliest rules and constants (by instructions), as
// an aligned table with totals, for stderr.
std::string format_cost_table(std::vector<RuleCost> costs, size_t top);
// Parses a non-negative integer flag; false (with *error set) when malformed.
bool parse_size_flag(const Args& args, const char* flag, size_t* out, std::string* error);
// The limits on reading and loading an input document, shared by eval,
// inspect, scan and scan-event: --max-input-bytes, --max-depth, --max-nodes,
// --max-alias-expansion, --max-string-bytes and --max-load-ms, into the
// matching TemplateOptions fields (defaults: TemplateOptions's). Each
// limit's error names its flag.
std::vector<std::string> document_limit_flags();
bool document_limits_from(const Args& args, TemplateOptions* out, std::string* error);

int cmd_check(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_test(int argc, char** argv);
int cmd_disasm(int argc, char** argv);
int cmd_builtins(int argc, char** argv);
int cmd_inspect(int argc, char** argv);
int cmd_scan(int argc, char** argv);
int cmd_rules(int argc, char** argv);
int cmd_scan_event(int argc, char** argv);

}  // namespace moat::cli
