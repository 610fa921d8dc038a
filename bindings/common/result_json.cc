#include "result_json.h"

#include "value/value.h"

namespace moat::bindings {

std::string result_to_json(const EvalResult& result) {
  std::string out = "{\"findings\":[";
  for (size_t i = 0; i < result.findings.size(); ++i) {
    if (i) out += ',';
    out += finding_to_json(result.findings[i]);
  }
  out += "],\"unknown_count\":" + std::to_string(result.unknown_count) + ",\"errors\":[";
  for (size_t i = 0; i < result.errors.size(); ++i) {
    if (i) out += ',';
    write_json(Value::string(result.errors[i]), out);
  }
  out += "]}";
  return out;
}

}  // namespace moat::bindings
