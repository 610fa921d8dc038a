// Adding policy files to an Engine as `moat eval --policy PATH` does: a file
// as is, a directory as every *.moat under it plus its data files
// (data/NAME.json), sorted, so the bindings and the CLI compile the same
// sources in the same order.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "moat/moat.h"

namespace moat::bindings {

absl::Status add_policy_path(Engine& engine, const std::string& path);

}  // namespace moat::bindings
