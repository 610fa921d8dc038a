// Command-line parsing shared by the subcommands: `--flag value`,
// `--flag=value`, repeated flags and positional arguments.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace moat::cli {

class Args {
 public:
  // `value_flags` take a value; `bool_flags` do not. Unknown flags are errors.
  Args(int argc, char** argv, int start, const std::vector<std::string>& value_flags,
       const std::vector<std::string>& bool_flags);
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::vector<std::string>& positional() const { return positional_; }
  std::vector<std::string> all(const std::string& flag) const;
  std::optional<std::string> get(const std::string& flag) const;
  bool has(const std::string& flag) const;

 private:
  std::multimap<std::string, std::string> values_;
  std::vector<std::string> positional_;
  std::string error_;
};

}  // namespace moat::cli
