#include "scan/discover.h"

#include <algorithm>
#include <filesystem>

#include "documents/template_loader.h"

namespace moat::scan_detail {

namespace fs = std::filesystem;

namespace {

bool candidate_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".yaml" || ext == ".yml" || ext == ".json" || ext == ".template";
}

bool skipped_folder(const std::string& name) {
  static const char* kSkip[] = {"node_modules", "cdk.out", "__pycache__", "venv"};
  if (name.size() > 1 && name[0] == '.') return true;  // .git, .aws-sam, .serverless, .terraform, .venv ...
  for (const char* s : kSkip)
    if (name == s) return true;
  return false;
}

}  // namespace

std::vector<std::string> discover_files(const std::vector<std::string>& paths, std::vector<std::string>* missing) {
  std::vector<std::string> out;
  for (const std::string& root : paths) {
    std::error_code ec;
    if (fs::is_regular_file(root, ec)) {
      out.push_back(root);
      continue;
    }
    if (!fs::is_directory(root, ec)) {
      missing->push_back(root);
      continue;
    }
    std::vector<std::string> found;
    auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::directory_entry& e = *it;
      std::error_code ec2;
      if (e.is_directory(ec2)) {
        if (skipped_folder(e.path().filename().string())) it.disable_recursion_pending();
        continue;
      }
      if (e.is_regular_file(ec2) && candidate_extension(e.path())) found.push_back(e.path().string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

std::string classify_template(std::string_view text, std::string_view path) {
  std::string name = fs::path(std::string(path)).filename().string();
  // serverless.yml/.yaml/.json is what the Framework reads, whatever it holds.
  if (name == "serverless.yml" || name == "serverless.yaml" || name == "serverless.json") return "serverless";
  std::string format = detect_input_format(text, path);
  if (format == "cloudformation" || format == "serverless" || format == "terraform-plan") return format;
  return "";
}

}  // namespace moat::scan_detail
