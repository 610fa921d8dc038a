// IAM wildcard matching, shared by the aws builtins: `*` matches any run of
// characters (including none, '/' and ':'), `?` exactly one, and nothing
// else is special. Action names compare case-insensitively (ASCII), resource
// ARNs case-sensitively.
#pragma once

#include <string_view>

namespace moat {

// Time O(|pattern| + |text| * ceil(p / 64)) where p is the longest star-free
// piece of the pattern: linear for every realistic IAM pattern.
bool iam_wildcard_match(std::string_view pattern, std::string_view text, bool fold_case);

}  // namespace moat
