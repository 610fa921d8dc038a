// The bundled rule library, compiled into the binary at build time
// (engine/library/embed_library.cmake writes the table from stdlib-policies/),
// so `moat scan` needs no files beside it.
#pragma once

#include <span>
#include <string_view>

namespace moat {

struct BundledFile {
  std::string_view path;  // relative to stdlib-policies/, e.g. "privilege/roles.moat", "data/lambda_runtimes.json"
  std::string_view text;
};

inline constexpr std::string_view kBundledPrefix = "stdlib:";

std::span<const BundledFile> bundled_library_files();

}  // namespace moat
