// Data files: a JSON file that policies read as a parameter.
//
// `<policy dir>/data/NAME.json` becomes `param NAME: any = <contents>` of the
// package `moat.data`, so a rule writes `import moat.data` and reads
// `data.NAME`. Because it is an ordinary parameter, `--param NAME=@FILE`
// replaces it at run time (the bundled runtime-deprecation table is one: a
// runtime crosses into "deprecated" on its date, without a new release).
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace moat {

inline constexpr std::string_view kDataPackage = "moat.data";

// The parameter name for a data file path ("x/data/lambda_runtimes.json" ->
// "lambda_runtimes"), or an error when the stem is not an identifier.
absl::StatusOr<std::string> data_param_name(std::string_view path);

// Moat source declaring the parameter. JSON errors come back as
// "path:line:col: message".
absl::StatusOr<std::string> data_file_to_policy(std::string_view path, std::string_view json_text);

// Whether a path names a data file: a .json file directly inside a folder called "data".
bool is_data_file_path(std::string_view path);

}  // namespace moat
