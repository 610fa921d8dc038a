// A CloudFormation template (JSON or YAML text) -> the normalized document
// of docs/documents.md. See template_loader.h for the public entry point.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "documents/template_loader.h"

namespace moat::cfn {

absl::StatusOr<LoadedDocument> load_cloudformation(std::string text, std::string name, bool json,
                                                   const TemplateOptions& options);

}  // namespace moat::cfn
