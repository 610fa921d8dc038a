#include "value/value.h"
#include "vm/evaluation.h"

namespace moat {

namespace {
// Appends "key":"value" with JSON string escaping; findings are written by
// the tens of thousands, so no JSON DOM is built for them.
void field(std::string& out, std::string_view key, std::string_view value) {
  out += '"';
  out += key;
  out += "\":";
  write_json(Value::string(value), out);
}
}  // namespace

std::string finding_to_json(const Finding& f) {
  std::string out = "{";
  field(out, "rule_id", f.rule_id);
  out += ',';
  field(out, "severity", f.severity);
  out += ',';
  field(out, "category", f.category);
  out += ',';
  field(out, "message", f.message);
  out += ',';
  field(out, "subject", f.subject);
  out += ',';
  field(out, "path", f.path);
  out += ",\"location\":";
  if (f.location) {
    out += "{";
    field(out, "file", f.location->file);
    out += ",\"line\":" + std::to_string(f.location->line) + ",\"column\":" + std::to_string(f.location->column) + "}";
  } else {
    out += "null";
  }
  if (f.outcome != Outcome::kFail) {
    out += ',';
    field(out, "outcome", outcome_name(f.outcome));
  }
  if (!f.missing_path.empty()) {
    out += ',';
    field(out, "missing_path", f.missing_path);
  }
  out += ',';
  field(out, "title", f.title);
  out += ',';
  field(out, "policy_location", f.policy_location);
  out += '}';
  return out;
}

}  // namespace moat
