#include "options.h"

#include <algorithm>

namespace moat::cli {

Args::Args(int argc, char** argv, int start, const std::vector<std::string>& value_flags,
           const std::vector<std::string>& bool_flags) {
  for (int i = start; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      for (++i; i < argc; ++i) positional_.push_back(argv[i]);
      break;
    }
    if (a.rfind("--", 0) != 0 || a.size() == 2) {
      positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (std::find(bool_flags.begin(), bool_flags.end(), name) != bool_flags.end()) {
      if (has_value) { error_ = "--" + name + " takes no value"; return; }
      values_.emplace(name, "");
    } else if (std::find(value_flags.begin(), value_flags.end(), name) != value_flags.end()) {
      if (!has_value) {
        if (i + 1 >= argc) { error_ = "--" + name + " needs a value"; return; }
        value = argv[++i];
      }
      values_.emplace(name, value);
    } else {
      error_ = "unknown option --" + name;
      return;
    }
  }
}

std::vector<std::string> Args::all(const std::string& flag) const {
  std::vector<std::string> out;
  auto [b, e] = values_.equal_range(flag);
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

std::optional<std::string> Args::get(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

bool Args::has(const std::string& flag) const { return values_.count(flag) > 0; }

}  // namespace moat::cli
