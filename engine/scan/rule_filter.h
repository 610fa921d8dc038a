// --select / --skip: which rules of a program a scan reports.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "bytecode/program.h"

namespace moat::scan_detail {

class RuleFilter {
 public:
  // Each pattern is a rule id, an id prefix ending in '*', a category or a
  // tag. A pattern that matches no rule is an error: a typo in --skip must
  // not silently keep a rule (or in --select, silently report nothing).
  absl::Status init(const std::vector<std::string>& select, const std::vector<std::string>& skip, const Program& program);
  bool keeps(const RuleInfo& rule) const;

 private:
  static bool matches(const std::string& pattern, const RuleInfo& rule);
  std::vector<std::string> select_, skip_;
};

}  // namespace moat::scan_detail
