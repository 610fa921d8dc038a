#include <nlohmann/json.hpp>

#include "vm/evaluation.h"

namespace moat {

std::string finding_to_json(const Finding& f) {
  nlohmann::ordered_json j;
  j["rule_id"] = f.rule_id;
  j["severity"] = f.severity;
  j["category"] = f.category;
  j["message"] = f.message;
  j["subject"] = f.subject;
  j["path"] = f.path;
  if (f.location) j["location"] = {{"file", f.location->file}, {"line", f.location->line}, {"column", f.location->column}};
  else j["location"] = nullptr;
  if (f.outcome != Outcome::kFail) j["outcome"] = std::string(outcome_name(f.outcome));
  if (!f.missing_path.empty()) j["missing_path"] = f.missing_path;
  j["title"] = f.title;
  j["policy_location"] = f.policy_location;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace moat
