#include "scan/rule_filter.h"

#include <algorithm>

namespace moat::scan_detail {

bool RuleFilter::matches(const std::string& pattern, const RuleInfo& rule) {
  if (pattern.ends_with("*")) return rule.id.starts_with(pattern.substr(0, pattern.size() - 1));
  if (pattern == rule.id || pattern == rule.category) return true;
  return std::find(rule.tags.begin(), rule.tags.end(), pattern) != rule.tags.end();
}

absl::Status RuleFilter::init(const std::vector<std::string>& select, const std::vector<std::string>& skip, const Program& program) {
  select_ = select;
  skip_ = skip;
  for (const auto* list : {&select_, &skip_})
    for (const std::string& p : *list) {
      bool any = std::any_of(program.rules.begin(), program.rules.end(), [&](const RuleInfo& r) { return matches(p, r); });
      if (!any)
        return absl::InvalidArgumentError("--" + std::string(list == &select_ ? "select" : "skip") + " " + p +
                                          ": no rule has this id, category or tag");
    }
  return absl::OkStatus();
}

bool RuleFilter::keeps(const RuleInfo& rule) const {
  if (!select_.empty() && std::none_of(select_.begin(), select_.end(), [&](const std::string& p) { return matches(p, rule); }))
    return false;
  return std::none_of(skip_.begin(), skip_.end(), [&](const std::string& p) { return matches(p, rule); });
}

}  // namespace moat::scan_detail
