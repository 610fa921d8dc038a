// Reading an input file whole, the one way every loader does it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace moat {

// The file's bytes in a string of exactly its size: documents keep their
// text for source positions, and reading through a growing buffer held up
// to three times the file at the peak (the buffer's doubling, then the
// copy out of it). A file larger than `max_bytes` is refused before it is
// read, with `flag` (say "--max-input-bytes") named in the error. Pipes and
// other files without a size are read to the end, the limit applying as
// they are.
absl::StatusOr<std::string> read_file_text(const std::string& path, uint64_t max_bytes, std::string_view flag);

}  // namespace moat
