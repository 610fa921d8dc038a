// Suppressions people expect from a scanner:
//  - an inline comment in YAML (`# moat:ignore MOAT-PRIV-001 reason`, ids
//    comma-separated). YAML parsers drop comments, so they are read from the
//    source text by line. The comment applies to findings on its own line or
//    on the next line that is not a comment, and to every finding of that
//    rule on a resource starting there;
//  - CloudFormation resource Metadata:
//      Metadata: {moat: {ignore: [{id: MOAT-PRIV-001, reason: "..."}]}}
//  - a baseline file (moat scan --write-baseline, then --baseline).
// A suppression without a reason does not suppress: it is reported, so a
// silenced finding always says why.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "moat/scan.h"

namespace moat::scan_detail {

struct SuppressionEntry {
  std::string rule_id;
  std::string reason;
  std::string kind;     // inline, metadata
  uint32_t target_line = 0;  // inline: the line it covers; metadata: 0
  std::string resource;      // metadata: the resource id
  Location where;
};

// Inline comments and Metadata entries of one file; entries without a
// reason come back in `notices` instead.
std::vector<SuppressionEntry> read_suppressions(std::string_view text, const std::string& path, std::string_view format,
                                                std::vector<ScanNotice>* notices);

// Suppression for a finding at `line` on resource `subject` starting at `resource_line`.
std::optional<Suppression> match_suppression(const std::vector<SuppressionEntry>& entries, const Finding& f,
                                             uint32_t resource_line);

std::string fingerprint(const Finding& f, std::string_view file);

// A baseline file: {"moat_baseline": 1, "findings": [{"fingerprint": ..., "rule_id": ..., ...}]}.
absl::StatusOr<std::set<std::string>> read_baseline(const std::string& path);

}  // namespace moat::scan_detail
