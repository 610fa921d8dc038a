#include "common.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "library/policy_files.h"

namespace moat::cli {


std::vector<std::string> collect_policy_files(const std::vector<std::string>& paths, std::string* error) {
  auto files = moat::collect_policy_files(paths);
  if (!files.ok()) {
    *error = std::string(files.status().message());
    return {};
  }
  return *std::move(files);
}

std::optional<CompileResult> compile_policies(const std::vector<std::string>& files, const std::optional<std::string>& schema_path,
                                              size_t max_policy_bytes, bool print_warnings) {
  CompileOptions opts;
  opts.limits.max_policy_bytes = max_policy_bytes;
  if (schema_path) {
    std::ifstream in(*schema_path, std::ios::binary);
    if (!in) {
      std::cerr << *schema_path << ": cannot open schema file\n";
      return std::nullopt;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    auto schema = Schema::parse(ss.str(), *schema_path);
    if (!schema.ok()) {
      std::cerr << schema.status().message() << "\n";
      return std::nullopt;
    }
    opts.schema = *schema;
  }
  Engine engine(opts);
  bool read_ok = true;
  for (const std::string& f : files) {
    absl::Status st = engine.add_file(f);
    if (!st.ok()) {
      // Messages that carry their own position ("f:3:7: invalid JSON ...") keep it.
      std::string msg(st.message());
      size_t p = msg.starts_with(f + ":") ? msg.find(": ", f.size() + 1) : std::string::npos;
      if (p != std::string::npos && std::isdigit(static_cast<unsigned char>(msg[f.size() + 1])))
        std::cerr << msg.substr(0, p) << ": error: " << msg.substr(p + 2) << "\n";
      else
        std::cerr << f << ":1:1: error: " << msg << "\n";
      read_ok = false;
    }
  }
  CompileResult result = engine.compile();
  for (const Diagnostic& d : result.diagnostics.items())
    if (d.severity == Severity::kError || print_warnings) std::cerr << format_diagnostic(*result.sources, d);
  if (!read_ok || !result.ok()) {
    size_t n = result.diagnostics.error_count();
    if (n) std::cerr << n << " error" << (n == 1 ? "" : "s") << "\n";
    return std::nullopt;
  }
  return result;
}

std::vector<std::string> eval_value_flags() {
  return {"param", "now", "max-instructions", "max-memory", "max-wall-ms", "max-policy-bytes", "schema"};
}

bool eval_options_from(const Args& args, EvalOptions* out, std::string* error) {
  for (const std::string& p : args.all("param")) {
    size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      *error = "--param expects NAME=VALUE, got '" + p + "'";
      return false;
    }
    std::string value = p.substr(eq + 1);
    if (value.starts_with("@")) {
      // --param NAME=@FILE: the value is the JSON in FILE (how a data file such
      // as the runtime table is replaced at run time).
      std::ifstream in(value.substr(1), std::ios::binary);
      if (!in) {
        *error = "--param " + p.substr(0, eq) + ": cannot open " + value.substr(1);
        return false;
      }
      std::ostringstream ss;
      ss << in.rdbuf();
      value = std::move(ss).str();
    }
    out->params.emplace_back(p.substr(0, eq), std::move(value));
  }
  if (auto now = args.get("now")) {
    auto t = parse_date(*now);
    if (!t.ok()) {
      *error = "--now: " + std::string(t.status().message());
      return false;
    }
    out->now = *t;
  } else {
    out->now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
  auto number = [&](const char* flag, uint64_t* dst) {
    auto v = args.get(flag);
    if (!v) return true;
    try {
      size_t used = 0;
      unsigned long long n = std::stoull(*v, &used);
      if (used != v->size()) throw std::invalid_argument("trailing");
      *dst = n;
      return true;
    } catch (...) {
      *error = std::string("--") + flag + " expects a number, got '" + *v + "'";
      return false;
    }
  };
  uint64_t mem = out->budgets.max_memory_bytes;
  if (!number("max-instructions", &out->budgets.max_instructions) || !number("max-memory", &mem) ||
      !number("max-wall-ms", &out->budgets.max_wall_ms))
    return false;
  out->budgets.max_memory_bytes = mem;
  out->report_unknown = args.has("report-unknown");
  return true;
}

bool parse_size_flag(const Args& args, const char* flag, size_t* out, std::string* error) {
  auto v = args.get(flag);
  if (!v) return true;
  size_t n = 0;
  if (v->empty() || v->size() > 19 || v->find_first_not_of("0123456789") != std::string::npos) {
    *error = std::string("--") + flag + " expects a number, got '" + *v + "'";
    return false;
  }
  for (char c : *v) n = n * 10 + static_cast<size_t>(c - '0');
  *out = n;
  return true;
}

std::vector<std::string> document_limit_flags() {
  return {"max-input-bytes", "max-depth", "max-nodes", "max-alias-expansion", "max-string-bytes", "max-load-ms"};
}

bool document_limits_from(const Args& args, TemplateOptions* out, std::string* error) {
  size_t load_ms = out->max_load_ms;
  if (!parse_size_flag(args, "max-input-bytes", &out->max_file_bytes, error) ||
      !parse_size_flag(args, "max-depth", &out->max_depth, error) || !parse_size_flag(args, "max-nodes", &out->max_nodes, error) ||
      !parse_size_flag(args, "max-alias-expansion", &out->max_alias_expansion, error) ||
      !parse_size_flag(args, "max-string-bytes", &out->max_string_bytes, error) ||
      !parse_size_flag(args, "max-load-ms", &load_ms, error))
    return false;
  // The engine lowers deeper limits to this ceiling (template_loader.cc):
  // say so rather than quietly use another number.
  if (out->max_depth > 10'000) {
    *error = "--max-depth is at most 10000 (deeper documents would overflow the stack of the JSON writer)";
    return false;
  }
  out->max_load_ms = load_ms;
  return true;
}

std::string format_finding_text(const Finding& f) {
  std::string out;
  std::string tag = f.outcome == Outcome::kFail ? "" : f.outcome == Outcome::kUnknown ? " UNKNOWN" : " ERROR";
  out += f.rule_id + tag + " [" + f.severity + "/" + f.category + "] " + (f.subject.empty() ? "(document)" : f.subject) + ": " +
         f.message + "\n";
  out += "    at ";
  if (f.location) out += f.location->file + ":" + std::to_string(f.location->line) + ":" + std::to_string(f.location->column) + " ";
  out += f.path.empty() ? "(document)" : f.path;
  if (!f.policy_location.empty()) out += "  (rule " + f.policy_location + ")";
  out += "\n";
  return out;
}

}  // namespace moat::cli
