// moat inspect: print the normalized document of templates (JSON), or the
// graph of their resources (Graphviz DOT).
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "common.h"
#include "documents/event_loader.h"
#include "documents/template_loader.h"

namespace moat::cli {

namespace {

std::string dot_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string member_text(const Value& map, std::string_view key) {
  if (!map.is_map()) return {};
  const Value* v = map.as_map().find(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string to_dot(const Document& doc) {
  std::string out = "digraph moat {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n";
  out += "  label=" + dot_quote(doc.name()) + ";\n";
  Value resources = doc.resources();
  if (resources.is_map())
    for (const Member& m : resources.as_map())
      out += "  " + dot_quote(m.key.as_string()) + " [label=" +
             dot_quote(std::string(m.key.as_string()) + "\n" + member_text(m.value, "type")) + "];\n";
  const Value* edges = doc.root().is_map() ? doc.root().as_map().find("edges") : nullptr;
  if (edges && edges->is_list())
    for (const Value& e : edges->as_list()) {
      std::string kind = member_text(e, "kind");
      out += "  " + dot_quote(member_text(e, "from")) + " -> " + dot_quote(member_text(e, "to")) +
             " [label=" + dot_quote(kind) + (kind == "references" ? ", style=dashed" : "") + "];\n";
    }
  out += "}\n";
  return out;
}

}  // namespace

int cmd_inspect(int argc, char** argv) {
  std::vector<std::string> value_flags = document_limit_flags();
  value_flags.push_back("input-format");
  Args args(argc, argv, 2, value_flags, {"graph", "compact"});
  if (!args.ok()) { std::cerr << "moat inspect: " << args.error() << "\n"; return kExitError; }
  if (args.positional().empty()) { std::cerr << "moat inspect: no input files\n"; return kExitError; }
  TemplateOptions options;
  // `event` (or a JSON file that is a Lambda event payload, under auto)
  // shows the event document: the decoded attacker-controlled fields the
  // event rules see, as `moat eval` evaluates them.
  const std::string input_format = args.get("input-format").value_or("auto");
  const bool force_event = input_format == "event";
  options.input_format = force_event ? "json" : input_format;
  if (input_format != "auto" && input_format != "json" && input_format != "yaml" && input_format != "event" &&
      input_format != "cloudformation" && input_format != "terraform-plan" && input_format != "serverless") {
    std::cerr << "moat inspect: --input-format must be auto, json, yaml, cloudformation, serverless, terraform-plan "
                 "or event\n";
    return kExitError;
  }
  std::string err;
  if (!document_limits_from(args, &options, &err)) {
    std::cerr << "moat inspect: " << err << "\n";
    return kExitError;
  }
  EventLoadOptions event_options;
  event_options.json = json_limits_of(options);
  const bool many = args.positional().size() > 1;
  int status = kExitClean;
  if (many && !args.has("graph")) std::cout << "[\n";
  bool first = true;
  for (const std::string& file : args.positional()) {
    auto loaded = load_template_file(file, options);
    if (!loaded.ok()) {
      std::cerr << "moat inspect: " << loaded.status().message() << "\n";
      status = kExitError;
      continue;
    }
    if (force_event || (input_format == "auto" && loaded->format == "json" &&
                        !detect_event_source(loaded->document->root()).empty())) {
      auto event = load_event_file(file, event_options);
      if (!event.ok()) {
        std::cerr << "moat inspect: " << event.status().message() << "\n";
        status = kExitError;
        continue;
      }
      loaded->document = *event;
    }
    for (const TemplateWarning& w : loaded->warnings) std::cerr << "warning: " << w.describe() << "\n";
    if (args.has("graph")) {
      std::cout << to_dot(*loaded->document);
      continue;
    }
    std::string text;
    write_json(loaded->document->root(), text);
    if (!args.has("compact")) text = nlohmann::ordered_json::parse(text).dump(2);
    if (!first) std::cout << ",\n";
    first = false;
    std::cout << text;
    if (!many) std::cout << "\n";
  }
  if (many && !args.has("graph")) std::cout << "\n]\n";
  return status;
}

}  // namespace moat::cli
