// A Terraform plan (`terraform show -json`) -> the normalized document of
// docs/documents.md. See template_loader.h for the public entry point.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "documents/template_loader.h"

namespace moat::tf {

absl::StatusOr<LoadedDocument> load_terraform_plan(std::string text, std::string name,
                                                   const TemplateOptions& options);

}  // namespace moat::tf
