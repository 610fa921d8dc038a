// The per-rule profile printed by `moat scan --stats` and `moat eval --stats`.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "common.h"

namespace moat::cli {

std::string format_cost_table(std::vector<RuleCost> costs, size_t top) {
  uint64_t total_instructions = 0, total_nanos = 0;
  for (const RuleCost& c : costs) total_instructions += c.instructions, total_nanos += c.nanos;
  std::stable_sort(costs.begin(), costs.end(), [](const RuleCost& a, const RuleCost& b) {
    return a.instructions > b.instructions;
  });
  std::string out = "cost by rule and constant (" + std::to_string(std::min(top, costs.size())) + " of " +
                    std::to_string(costs.size()) + ", by instructions):\n";
  char line[512];
  std::snprintf(line, sizeof line, "  %14s %6s %10s %8s %8s  %s\n", "instructions", "share", "ms", "runs", "findings", "rule");
  out += line;
  for (size_t i = 0; i < costs.size() && i < top; ++i) {
    const RuleCost& c = costs[i];
    double share = total_instructions ? 100.0 * static_cast<double>(c.instructions) / static_cast<double>(total_instructions) : 0;
    std::snprintf(line, sizeof line, "  %14llu %5.1f%% %10.1f %8llu %8zu  %s\n", static_cast<unsigned long long>(c.instructions),
                  share, static_cast<double>(c.nanos) / 1e6, static_cast<unsigned long long>(c.runs), c.findings, c.name.c_str());
    out += line;
  }
  std::snprintf(line, sizeof line, "  %14llu %5.1f%% %10.1f %8s %8s  total\n", static_cast<unsigned long long>(total_instructions),
                100.0, static_cast<double>(total_nanos) / 1e6, "", "");
  out += line;
  return out;
}

}  // namespace moat::cli
