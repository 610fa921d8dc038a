#include <string>

#include "absl/container/flat_hash_map.h"
#include "vm/evaluation.h"

namespace moat {

void add_costs(std::vector<RuleCost>& into, const std::vector<RuleCost>& more) {
  absl::flat_hash_map<std::string, size_t> at;
  for (size_t i = 0; i < into.size(); ++i) at.emplace(into[i].name, i);
  for (const RuleCost& c : more) {
    auto [it, added] = at.emplace(c.name, into.size());
    if (added) {
      into.push_back(c);
      continue;
    }
    RuleCost& t = into[it->second];
    t.instructions += c.instructions;
    t.nanos += c.nanos;
    t.runs += c.runs;
    t.findings += c.findings;
    t.unknown += c.unknown;
  }
}

}  // namespace moat
