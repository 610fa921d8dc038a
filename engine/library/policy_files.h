// Which files a list of policy paths names: files as given, plus every
// *.moat and data/*.json (library/data_source.h) under directories, sorted
// per directory. Shared by the CLI commands and moat::scan.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace moat {

// An error names the first path that does not exist.
absl::StatusOr<std::vector<std::string>> collect_policy_files(const std::vector<std::string>& paths);

}  // namespace moat
