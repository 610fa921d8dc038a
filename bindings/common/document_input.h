// Loading an input the way `moat eval` does, shared by the C and Python
// bindings so that a file gives the same document (and so the same
// findings) through every interface.
//
// input_format: "auto" (detect_input_format, and a JSON payload shaped like a
// Lambda trigger event becomes an event document), "json", "yaml",
// "cloudformation", "serverless", "terraform-plan" or "event".
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "documents/template_loader.h"

namespace moat::bindings {

// True for the input_format names above.
bool is_input_format(std::string_view input_format);

absl::StatusOr<LoadedDocument> load_input_file(const std::string& path, std::string_view input_format);
absl::StatusOr<LoadedDocument> load_input_text(std::string text, std::string name, std::string_view input_format);

}  // namespace moat::bindings
