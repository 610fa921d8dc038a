#include "library/policy_files.h"

#include <algorithm>
#include <filesystem>

#include "library/data_source.h"

namespace moat {

namespace fs = std::filesystem;

absl::StatusOr<std::vector<std::string>> collect_policy_files(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file() && (it->path().extension() == ".moat" || is_data_file_path(it->path().string())))
          found.push_back(it->path().string());
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      out.push_back(p);
    } else {
      return absl::NotFoundError(p + ": no such file or directory");
    }
  }
  return out;
}

}  // namespace moat
