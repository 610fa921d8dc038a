// A CloudFormation template (JSON or YAML text) -> the normalized document
// of docs/documents.md. See template_loader.h for the public entry point.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "documents/cloudformation/cfn_normalize.h"
#include "documents/template_loader.h"

namespace moat::cfn {

struct LoadedResource {
  std::string id;
  Value value;
  Location location;
};

// Normalizes every member of a CloudFormation Resources map (`res_map`, at
// JSON pointer `pointer_prefix` in the file); edges are appended to `edges`.
// Used by the CloudFormation loader and for serverless.yml `resources:`.
std::vector<LoadedResource> load_resources(Context& ctx, Resolver& resolver, const Value& res_map,
                                           std::string_view pointer_prefix, std::vector<Edge>& edges);
// {"file", "line", "column", "pointer"} of a resource.
Value location_value(Context& ctx, const Location& l, std::string_view pointer);

absl::StatusOr<LoadedDocument> load_cloudformation(std::string text, std::string name, bool json,
                                                   const TemplateOptions& options);

}  // namespace moat::cfn
