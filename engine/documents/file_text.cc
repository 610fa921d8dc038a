#include "documents/file_text.h"

#include <fstream>


namespace moat {

namespace {

absl::Status too_big(const std::string& path, uint64_t size, uint64_t max_bytes, std::string_view flag) {
  return absl::InvalidArgumentError(path + ": input is " + std::to_string(size) + " bytes; the limit is " +
                                    std::to_string(max_bytes) + " (" + std::string(flag) + ")");
}

}  // namespace

absl::StatusOr<std::string> read_file_text(const std::string& path, uint64_t max_bytes, std::string_view flag) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return absl::NotFoundError(path + ": cannot open");
  std::streamoff size = in.tellg();
  std::string text;
  if (size >= 0) {
    if (static_cast<uint64_t>(size) > max_bytes) return too_big(path, static_cast<uint64_t>(size), max_bytes, flag);
    text.resize(static_cast<size_t>(size));
    in.seekg(0);
    if (size > 0 && !in.read(text.data(), size)) return absl::DataLossError(path + ": read failed");
    return text;
  }
  // No size (a pipe): read in blocks up to the limit.
  in.clear();
  char block[1 << 16];
  while (in.read(block, sizeof block) || in.gcount() > 0) {
    text.append(block, static_cast<size_t>(in.gcount()));
    if (text.size() > max_bytes) return too_big(path, text.size(), max_bytes, flag);
  }
  return text;
}

}  // namespace moat
