// serverless.yml (Serverless Framework v3, and v2 names) -> the normalized
// document of docs/documents.md. Variables are resolved as far as the file
// decides them (sls_variables.h); functions, their events, the shared
// execution role and the API Gateway resources become the CloudFormation
// resources the Framework would generate (sls_compile.h), normalized by the
// CloudFormation loader's normalizers together with the file's own
// `resources: Resources:` section. Generated resources keep serverless
// native types ("serverless.function", "serverless.event.http", ...), the
// serverless.yml source in `native`, and locations in serverless.yml.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "documents/template_loader.h"

namespace moat::sls {

absl::StatusOr<LoadedDocument> load_serverless(std::string text, std::string name, const TemplateOptions& options);

}  // namespace moat::sls
