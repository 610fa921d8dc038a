// check, eval, disasm, builtins.
#include <filesystem>
#include <iostream>

#include "common.h"
#include "documents/event_loader.h"
#include "documents/template_loader.h"

namespace moat::cli {

int cmd_check(int argc, char** argv) {
  Args args(argc, argv, 2, {"schema", "max-policy-bytes"}, {"quiet"});
  if (!args.ok()) { std::cerr << "moat check: " << args.error() << "\n"; return kExitError; }
  if (args.positional().empty()) { std::cerr << "moat check: no policy files given\n"; return kExitError; }
  std::string err;
  auto files = collect_policy_files(args.positional(), &err);
  if (!err.empty()) { std::cerr << "moat check: " << err << "\n"; return kExitError; }
  size_t max_bytes = ParseLimits{}.max_policy_bytes;
  if (!parse_size_flag(args, "max-policy-bytes", &max_bytes, &err)) { std::cerr << "moat check: " << err << "\n"; return kExitError; }
  auto compiled = compile_policies(files, args.get("schema"), max_bytes, true);
  if (!compiled) return kExitFindings;
  if (!args.has("quiet"))
    std::cout << files.size() << " file" << (files.size() == 1 ? "" : "s") << ", " << compiled->program->rules.size()
              << " rule" << (compiled->program->rules.size() == 1 ? "" : "s") << ": ok\n";
  return kExitClean;
}

int cmd_eval(int argc, char** argv) {
  auto value_flags = eval_value_flags();
  value_flags.insert(value_flags.end(), {"policy", "input", "format", "input-format"});
  for (const std::string& f : document_limit_flags()) value_flags.push_back(f);
  value_flags.push_back("stats-top");
  Args args(argc, argv, 2, value_flags, {"report-unknown", "stats"});
  if (!args.ok()) { std::cerr << "moat eval: " << args.error() << "\n"; return kExitError; }
  auto policies = args.all("policy");
  for (auto& p : args.positional()) policies.push_back(p);
  if (policies.empty()) { std::cerr << "moat eval: no policies (--policy FILE)\n"; return kExitError; }
  auto input = args.get("input");
  if (!input) { std::cerr << "moat eval: no input document (--input DOC.json)\n"; return kExitError; }
  std::string format = args.get("format").value_or("text");
  if (format != "text" && format != "json") { std::cerr << "moat eval: --format must be text or json\n"; return kExitError; }
  std::string input_format = args.get("input-format").value_or("auto");
  if (input_format != "auto" && input_format != "json" && input_format != "event" && input_format != "yaml" &&
      input_format != "cloudformation" && input_format != "terraform-plan" && input_format != "serverless") {
    std::cerr << "moat eval: --input-format must be auto, json, yaml, cloudformation, serverless, terraform-plan or event\n";
    return kExitError;
  }
  EvalOptions options;
  std::string err;
  if (!eval_options_from(args, &options, &err)) { std::cerr << "moat eval: " << err << "\n"; return kExitError; }
  options.collect_costs = args.has("stats");
  size_t stats_top = 20;
  if (!parse_size_flag(args, "stats-top", &stats_top, &err)) { std::cerr << "moat eval: " << err << "\n"; return kExitError; }
  auto files = collect_policy_files(policies, &err);
  if (!err.empty()) { std::cerr << "moat eval: " << err << "\n"; return kExitError; }
  size_t max_bytes = ParseLimits{}.max_policy_bytes;
  TemplateOptions template_options;
  template_options.input_format = input_format;
  template_options.max_file_bytes = 512u << 20;  // eval reads plain data documents too, which may be large
  if (!parse_size_flag(args, "max-policy-bytes", &max_bytes, &err) || !document_limits_from(args, &template_options, &err)) {
    std::cerr << "moat eval: " << err << "\n";
    return kExitError;
  }
  const size_t max_input = template_options.max_file_bytes;
  {
    std::error_code ec;
    auto size = std::filesystem::file_size(*input, ec);
    if (!ec && size > max_input) {
      std::cerr << "moat eval: " << *input << ": input is " << size << " bytes; the limit is " << max_input
                << " (--max-input-bytes)\n";
      return kExitError;
    }
  }
  auto compiled = compile_policies(files, args.get("schema"), max_bytes, false);
  if (!compiled) return kExitError;
  auto evaluator = Evaluator::create(compiled->program, options);
  if (!evaluator.ok()) { std::cerr << "moat eval: " << evaluator.status().message() << "\n"; return kExitError; }
  EventLoadOptions event_options;
  event_options.json = json_limits_of(template_options);
  // auto: JSON as is, unless it is a Lambda event payload (an event
  // document then lists its decoded attacker-controlled fields).
  // auto also recognizes templates (template_loader.h).
  absl::StatusOr<std::shared_ptr<const Document>> doc;
  std::string loaded_as = input_format;
  if (input_format == "event") {
    doc = load_event_file(*input, event_options);
  } else if (input_format == "json") {
    doc = Document::from_json_file(*input, json_limits_of(template_options));
  } else {
    auto loaded = load_template_file(*input, template_options);
    if (!loaded.ok()) {
      doc = loaded.status();
    } else {
      for (const TemplateWarning& w : loaded->warnings) std::cerr << "moat eval: warning: " << w.describe() << "\n";
      doc = loaded->document;
      loaded_as = loaded->format;
    }
  }
  if (doc.ok() && input_format == "auto" && loaded_as == "json" && !detect_event_source((*doc)->root()).empty())
    doc = load_event_file(*input, event_options);
  if (!doc.ok()) { std::cerr << "moat eval: " << doc.status().message() << "\n"; return kExitError; }
  EvalResult result = evaluator->evaluate(**doc);
  if (format == "json") {
    // Streamed finding by finding: the output can be large.
    std::string out = "{\"findings\":[";
    for (size_t i = 0; i < result.findings.size(); ++i) {
      if (i) out += ",";
      out += "\n  " + finding_to_json(result.findings[i]);
      if (out.size() > (1u << 16)) {
        std::cout << out;
        out.clear();
      }
    }
    out += result.findings.empty() ? "]" : "\n]";
    out += ",\"unknown_count\":" + std::to_string(result.unknown_count) + ",\"errors\":[";
    for (size_t i = 0; i < result.errors.size(); ++i) {
      if (i) out += ",";
      std::string e;
      write_json(Value::string(result.errors[i]), e);
      out += e;
    }
    out += "]}\n";
    std::cout << out;
  } else {
    std::string out;
    for (const Finding& f : result.findings) out += format_finding_text(f);
    std::cout << out;
    size_t fails = 0;
    for (const Finding& f : result.findings) fails += f.outcome == Outcome::kFail;
    std::cerr << fails << " finding" << (fails == 1 ? "" : "s");
    if (result.unknown_count && !options.report_unknown)
      std::cerr << "; " << result.unknown_count << " UNKNOWN outcome" << (result.unknown_count == 1 ? "" : "s")
                << " not shown (--report-unknown)";
    std::cerr << "\n";
  }
  for (const std::string& e : result.errors) std::cerr << "moat eval: error: " << e << "\n";
  if (args.has("stats")) {
    std::cerr << "instructions: " << result.instructions << "\ndocument bytes in memory: " << (*doc)->bytes_in_memory()
              << "\n";
    std::cerr << format_cost_table(result.costs, stats_top);
  }
  if (!result.errors.empty()) return kExitError;
  for (const Finding& f : result.findings)
    if (f.outcome == Outcome::kError) return kExitError;
  return result.findings.empty() ? kExitClean : kExitFindings;
}

int cmd_disasm(int argc, char** argv) {
  Args args(argc, argv, 2, {}, {});
  if (!args.ok() || args.positional().empty()) { std::cerr << "moat disasm: expected policy files\n"; return kExitError; }
  std::string err;
  auto files = collect_policy_files(args.positional(), &err);
  if (!err.empty()) { std::cerr << "moat disasm: " << err << "\n"; return kExitError; }
  auto compiled = compile_policies(files, std::nullopt, ParseLimits{}.max_policy_bytes, false);
  if (!compiled) return kExitFindings;
  std::cout << disassemble(*compiled->program);
  return kExitClean;
}

int cmd_builtins(int argc, char** argv) {
  Args args(argc, argv, 2, {"format"}, {});
  if (!args.ok()) { std::cerr << "moat builtins: " << args.error() << "\n"; return kExitError; }
  std::string format = args.get("format").value_or("text");
  BuiltinRegistry reg = BuiltinRegistry::standard();
  auto signature = [](const BuiltinDef& d) {
    std::string s = std::string(d.name) + "(";
    for (size_t i = 0; i < d.params.size(); ++i) {
      if (i) s += ", ";
      s += std::string(d.params[i].name) + ": " + std::string(type_name(d.params[i].type));
      if (d.variadic && i + 1 == d.params.size()) s += "...";
    }
    return s + ") -> " + std::string(type_name(d.result));
  };
  if (format == "json") {
    std::string out = "[";
    bool first = true;
    for (const BuiltinDef& d : reg.all()) {
      std::string name, fam, sig, sum, ex;
      write_json(Value::string(d.name), name);
      write_json(Value::string(d.family), fam);
      std::string sg = signature(d);
      write_json(Value::string(sg), sig);
      write_json(Value::string(d.summary), sum);
      write_json(Value::string(d.example), ex);
      out += std::string(first ? "" : ",") + "\n  {\"name\":" + name + ",\"family\":" + fam + ",\"signature\":" + sig +
             ",\"strict\":" + (d.strict ? "true" : "false") + ",\"summary\":" + sum + ",\"example\":" + ex + "}";
      first = false;
    }
    std::cout << out << "\n]\n";
  } else if (format == "markdown") {
    std::string family;
    for (const BuiltinDef& d : reg.all()) {
      if (d.family != family) {
        family = std::string(d.family);
        std::cout << "\n### " << family << "\n\n| signature | description | example |\n|---|---|---|\n";
      }
      std::string ex(d.example);
      // Search on after each replacement: the inserted text holds '|' itself.
      for (size_t p = 0; (p = ex.find('|', p)) != std::string::npos; p += 2) ex.replace(p, 1, "\\|");
      std::string sum(d.summary);
      for (size_t p = 0; (p = sum.find('|', p)) != std::string::npos; p += 2) sum.replace(p, 1, "\\|");
      std::cout << "| `" << signature(d) << "` | " << sum << (d.strict ? "" : " (sees missing values)") << " | `" << ex << "` |\n";
    }
  } else {
    for (const BuiltinDef& d : reg.all()) std::cout << signature(d) << "\n    " << d.summary << "\n";
  }
  return kExitClean;
}

}  // namespace moat::cli
