// moat scan PATH...: the bundled library (plus --policy extras) over every
// template under the paths, reported for people (text) or CI (json, sarif,
// junit). The work is moat::scan (engine/include/moat/scan.h); this file is
// flags, progress and output.
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "common.h"
#include "moat/scan.h"

namespace moat::cli {

namespace {

std::vector<std::string> split_list(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& v : values) {
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = v.find(',', start);
      if (comma == std::string::npos) comma = v.size();
      if (comma > start) out.push_back(v.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

}  // namespace

int cmd_scan(int argc, char** argv) {
  std::vector<std::string> value_flags = eval_value_flags();
  for (const char* f : {"format", "output", "fail-on", "select", "skip", "policy", "baseline", "write-baseline", "input-format",
                        "file-time-limit-ms", "max-file-bytes", "stats-top"})
    value_flags.push_back(f);
  for (const std::string& f : document_limit_flags()) value_flags.push_back(f);
  Args args(argc, argv, 2, value_flags, {"show-unknown", "no-bundled", "errors-ok", "no-progress", "color", "stats"});
  if (!args.ok()) {
    std::cerr << "moat scan: " << args.error() << "\n";
    return kExitError;
  }
  ScanOptions options;
  options.paths = args.positional();
  if (options.paths.empty()) {
    std::cerr << "moat scan: name at least one file or directory (moat scan .)\n";
    return kExitError;
  }
  std::string error;
  if (!eval_options_from(args, &options.eval, &error)) {
    std::cerr << "moat scan: " << error << "\n";
    return kExitError;
  }
  options.eval.report_unknown = args.has("show-unknown");
  options.bundled = !args.has("no-bundled");
  options.eval.collect_costs = args.has("stats");
  size_t stats_top = 20;
  if (!parse_size_flag(args, "stats-top", &stats_top, &error)) {
    std::cerr << "moat scan: " << error << "\n";
    return kExitError;
  }
  options.policy_paths = args.all("policy");
  options.select = split_list(args.all("select"));
  options.skip = split_list(args.all("skip"));
  options.baseline_path = args.get("baseline").value_or("");
  options.input_format = args.get("input-format").value_or("auto");
  size_t n = 0;
  if (!parse_size_flag(args, "file-time-limit-ms", &n, &error) || !parse_size_flag(args, "max-file-bytes", &options.max_file_bytes, &error)) {
    std::cerr << "moat scan: " << error << "\n";
    return kExitError;
  }
  if (args.has("file-time-limit-ms")) options.file_time_limit_ms = n;
  // --max-input-bytes is --max-file-bytes under the name the other commands use.
  TemplateOptions limits;
  limits.max_file_bytes = options.max_file_bytes;
  if (!document_limits_from(args, &limits, &error)) {
    std::cerr << "moat scan: " << error << "\n";
    return kExitError;
  }
  options.max_file_bytes = limits.max_file_bytes;
  options.max_depth = limits.max_depth;
  options.max_nodes = limits.max_nodes;
  options.max_alias_expansion = limits.max_alias_expansion;
  options.max_string_bytes = limits.max_string_bytes;
  options.max_load_ms = limits.max_load_ms;
  std::string format = args.get("format").value_or("text");
  std::string fail_on = args.get("fail-on").value_or("low");
  if (fail_on != "none" && severity_rank(fail_on) < 0) {
    std::cerr << "moat scan: --fail-on expects critical, high, medium, low, info or none, got '" << fail_on << "'\n";
    return kExitError;
  }
  if (!options.bundled && options.policy_paths.empty()) {
    std::cerr << "moat scan: --no-bundled needs --policy FILE_OR_DIR (nothing to evaluate)\n";
    return kExitError;
  }
  // Progress only for a person watching a terminal, never in CI logs.
  if (isatty(STDERR_FILENO) && !args.has("no-progress")) {
    options.progress = [](size_t done, size_t total, const std::string& path) {
      if (total < 20) return;
      if (path.empty()) std::cerr << "\r\x1b[K";
      else std::cerr << "\r\x1b[K[" << done << "/" << total << "] " << (path.size() > 70 ? "..." + path.substr(path.size() - 67) : path)
                     << std::flush;
    };
  }
  auto result = scan(options);
  if (!result.ok()) {
    std::cerr << "moat scan: " << result.status().message() << "\n";
    return kExitError;
  }
  bool to_terminal = !args.get("output") && isatty(STDOUT_FILENO);
  auto text = format_scan(*result, format, format == "text" && (args.has("color") || to_terminal));
  if (!text.ok()) {
    std::cerr << "moat scan: --format: " << text.status().message() << "\n";
    return kExitError;
  }
  if (auto out = args.get("output")) {
    std::ofstream f(*out, std::ios::binary);
    if (!f || !(f << *text)) {
      std::cerr << "moat scan: cannot write " << *out << "\n";
      return kExitError;
    }
    if (format != "text") std::cerr << "moat scan: " << result->finding_count() << " findings written to " << *out << "\n";
  } else {
    std::cout << *text;
  }
  if (auto b = args.get("write-baseline")) {
    std::ofstream f(*b, std::ios::binary);
    if (!f || !(f << write_baseline(*result))) {
      std::cerr << "moat scan: cannot write " << *b << "\n";
      return kExitError;
    }
    std::cerr << "moat scan: baseline of " << result->finding_count() << " findings written to " << *b << "\n";
    return kExitClean;
  }
  if (args.has("stats")) std::cerr << format_cost_table(result->costs, stats_top);
  return scan_exit_code(*result, fail_on, args.has("errors-ok"));
}

}  // namespace moat::cli
