#include "policy_sources.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "library/data_source.h"

namespace moat::bindings {

namespace fs = std::filesystem;

absl::Status add_policy_path(Engine& engine, const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return engine.add_file(path);
  std::vector<std::string> found;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file() && (it->path().extension() == ".moat" || is_data_file_path(it->path().string())))
      found.push_back(it->path().string());
  if (ec) return absl::NotFoundError(path + ": " + ec.message());
  std::sort(found.begin(), found.end());
  for (const std::string& f : found) {
    absl::Status st = engine.add_file(f);
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

}  // namespace moat::bindings
