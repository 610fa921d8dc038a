// moat scan-event [EVENT.json...|-]: the bundled library's event rules
// (runtime injection detection, INJ-004..016) over Lambda event payloads,
// reported in the formats of `moat scan`. With no file, or "-", events are
// read from stdin as JSON lines (one event per line), to replay captured
// events or logs. The policies are compiled once; each event becomes one
// ScannedFile of the ScanResult the report writers print.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "common.h"
#include "documents/event_loader.h"
#include "moat/scan.h"
#include "scan/rule_filter.h"
#include "scan/suppressions.h"

namespace moat::cli {
namespace {

// Only rules written for event documents, and extra policies that do not
// say (a rule selecting resources would not run on an event anyway; this
// keeps the rule list in SARIF/JUnit to the rules that can fire).
bool is_event_rule(const RuleInfo& r) {
  if (r.formats.empty()) return true;
  for (const std::string& f : r.formats)
    if (f == "event") return true;
  return false;
}

std::vector<std::string> split_list(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& v : values) {
    std::stringstream ss(v);
    std::string item;
    while (std::getline(ss, item, ','))
      if (!item.empty()) out.push_back(item);
  }
  return out;
}

class EventScanner {
 public:
  // Findings are kept for the rules in result.rules (event rules that
  // --select/--skip keep).
  EventScanner(Evaluator& evaluator, ScanResult& result, EventLoadOptions options)
      : evaluator_(evaluator), result_(result), options_(std::move(options)) {
    for (const RuleSummary& r : result.rules) kept_.insert(r.id);
  }

  void scan(std::string text, const std::string& name) {
    auto started = std::chrono::steady_clock::now();
    ScannedFile file;
    file.path = name;
    file.format = "event";
    auto doc = load_event(std::move(text), name, options_);
    if (!doc.ok()) {
      file.error = std::string(doc.status().message());
    } else {
      if (const Value* s = (*doc)->root().as_map().find("source"); s != nullptr && s->is_string())
        file.format = "event:" + std::string(s->as_string());
      EvalResult evaluated = evaluator_.evaluate(**doc);
      if (!evaluated.ok()) file.error = name + ": evaluation stopped: " + evaluated.errors.front();
      file.unknown_count = evaluated.unknown_count;
      for (Finding& f : evaluated.findings) {
        if (!kept_.contains(f.rule_id)) continue;
        ScanFinding sf;
        sf.fingerprint = scan_detail::fingerprint(f, name);
        sf.finding = std::move(f);
        file.findings.push_back(std::move(sf));
      }
      std::stable_sort(file.findings.begin(), file.findings.end(), [](const ScanFinding& a, const ScanFinding& b) {
        int ra = severity_rank(a.finding.severity), rb = severity_rank(b.finding.severity);
        return ra != rb ? ra > rb : a.finding.rule_id < b.finding.rule_id;
      });
    }
    file.millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    total_millis_ += file.millis;
    result_.files.push_back(std::move(file));
  }

  double total_millis() const { return total_millis_; }

  // An input that was not scanned (too large, unreadable): an error of its
  // own in every format, never a clean result.
  void fail(const std::string& name, std::string error) {
    ScannedFile file;
    file.path = name;
    file.format = "event";
    file.error = std::move(error);
    result_.files.push_back(std::move(file));
  }

 private:
  Evaluator& evaluator_;
  ScanResult& result_;
  EventLoadOptions options_;
  std::set<std::string> kept_;
  double total_millis_ = 0;
};

}  // namespace

int cmd_scan_event(int argc, char** argv) {
  std::vector<std::string> value_flags = eval_value_flags();
  for (const char* f : {"format", "output", "fail-on", "select", "skip", "policy"}) value_flags.push_back(f);
  for (const std::string& f : document_limit_flags()) value_flags.push_back(f);
  Args args(argc, argv, 2, value_flags, {"show-unknown", "no-bundled", "errors-ok", "stats", "color"});
  if (!args.ok()) {
    std::cerr << "moat scan-event: " << args.error() << "\n";
    return kExitError;
  }
  EvalOptions eval;
  std::string error;
  if (!eval_options_from(args, &eval, &error)) {
    std::cerr << "moat scan-event: " << error << "\n";
    return kExitError;
  }
  eval.report_unknown = args.has("show-unknown");
  // Events are JSON: the reader limits apply (--max-alias-expansion and
  // --max-load-ms are accepted for symmetry with scan but have nothing to limit).
  TemplateOptions limits;
  if (!document_limits_from(args, &limits, &error)) {
    std::cerr << "moat scan-event: " << error << "\n";
    return kExitError;
  }
  const size_t max_input = limits.max_file_bytes;
  EventLoadOptions event_options;
  event_options.json = json_limits_of(limits);
  std::string format = args.get("format").value_or("text");
  std::string fail_on = args.get("fail-on").value_or("low");
  if (fail_on != "none" && severity_rank(fail_on) < 0) {
    std::cerr << "moat scan-event: --fail-on expects critical, high, medium, low, info or none, got '" << fail_on << "'\n";
    return kExitError;
  }
  bool bundled = !args.has("no-bundled");
  std::vector<std::string> policy_paths = args.all("policy");
  if (!bundled && policy_paths.empty()) {
    std::cerr << "moat scan-event: --no-bundled needs --policy FILE_OR_DIR (nothing to evaluate)\n";
    return kExitError;
  }

  Engine engine;
  if (bundled) {
    if (absl::Status st = engine.add_bundled_library(); !st.ok()) {
      std::cerr << "moat scan-event: " << st.message() << "\n";
      return kExitError;
    }
  }
  std::vector<std::string> files = collect_policy_files(policy_paths, &error);
  if (!error.empty()) {
    std::cerr << "moat scan-event: " << error << "\n";
    return kExitError;
  }
  for (const std::string& f : files) {
    if (absl::Status st = engine.add_file(f); !st.ok()) {
      std::cerr << "moat scan-event: " << st.message() << "\n";
      return kExitError;
    }
  }
  CompileResult compiled = engine.compile();
  if (!compiled.ok()) {
    std::cerr << "moat scan-event: the policies do not compile:\n" << compiled.format_diagnostics();
    return kExitError;
  }
  scan_detail::RuleFilter filter;
  if (absl::Status st = filter.init(split_list(args.all("select")), split_list(args.all("skip")), *compiled.program);
      !st.ok()) {
    std::cerr << "moat scan-event: " << st.message() << "\n";
    return kExitError;
  }
  ScanResult result;
  result.now = eval.now;
  result.tool_version = std::string(version());
  for (const RuleInfo& r : compiled.program->rules)
    if (is_event_rule(r) && filter.keeps(r))
      result.rules.push_back({r.id, r.title, r.severity, r.category, r.description, r.remediation, r.references, r.tags,
                              r.formats});
  auto evaluator = Evaluator::create(compiled.program, eval);
  if (!evaluator.ok()) {
    std::cerr << "moat scan-event: " << evaluator.status().message() << "\n";
    return kExitError;
  }

  EventScanner scanner(*evaluator, result, event_options);
  auto too_large = [&](const std::string& name, uint64_t size) {
    return name + ": input is " + std::to_string(size) + " bytes; the limit is " + std::to_string(max_input) +
           " (--max-input-bytes)";
  };
  std::vector<std::string> inputs = args.positional();
  if (inputs.empty()) inputs.push_back("-");
  size_t events = 0;
  for (const std::string& in : inputs) {
    if (in == "-") {
      // JSON lines: one event per line; blank lines are skipped. Each event
      // is named <stdin>:LINE so a finding leads back to its line.
      // A line longer than the limit is not kept in memory: the rest of it
      // is skipped and the line reported as an error.
      std::streambuf* input = std::cin.rdbuf();
      std::string line;
      for (size_t n = 1;; ++n) {
        line.clear();
        uint64_t length = 0;
        bool any = false;
        for (int c; (c = input->sbumpc()) != std::char_traits<char>::eof();) {
          any = true;
          if (c == '\n') break;
          if (++length <= max_input) line.push_back(static_cast<char>(c));
        }
        if (!any) break;
        if (length > max_input) {
          scanner.fail("<stdin>:" + std::to_string(n), too_large("<stdin>:" + std::to_string(n), length));
          ++events;
          continue;
        }
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        scanner.scan(std::move(line), "<stdin>:" + std::to_string(n));
        ++events;
      }
    } else {
      std::ifstream f(in, std::ios::binary);
      if (!f) {
        scanner.fail(in, in + ": cannot open file");
        continue;
      }
      std::error_code ec;
      if (uint64_t size = std::filesystem::file_size(in, ec); !ec && size > max_input) {
        scanner.fail(in, too_large(in, size));
        continue;
      }
      std::stringstream ss;
      ss << f.rdbuf();
      scanner.scan(std::move(ss).str(), in);
      ++events;
    }
  }
  if (args.has("stats") && events > 0)
    std::cerr << "moat scan-event: " << events << " events, " << scanner.total_millis() << " ms loading and evaluating ("
              << scanner.total_millis() * 1000.0 / static_cast<double>(events) << " us per event)\n";

  bool to_terminal = !args.get("output") && isatty(STDOUT_FILENO);
  auto text = format_scan(result, format, format == "text" && (args.has("color") || to_terminal));
  if (!text.ok()) {
    std::cerr << "moat scan-event: --format: " << text.status().message() << "\n";
    return kExitError;
  }
  if (auto out = args.get("output")) {
    std::ofstream f(*out, std::ios::binary);
    if (!f || !(f << *text)) {
      std::cerr << "moat scan-event: cannot write " << *out << "\n";
      return kExitError;
    }
  } else {
    std::cout << *text;
  }
  return scan_exit_code(result, fail_on, args.has("errors-ok"));
}

}  // namespace moat::cli
