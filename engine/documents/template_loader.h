// Templates -> normalized documents (docs/documents.md).
//
// load_template() detects what a file is (a CloudFormation template, JSON,
// YAML, ...) unless told, and produces the document rules read: for a
// CloudFormation template, the normalized model (canonical resource types,
// snake_case properties, references as resource ids, unknowns for what is
// only known at deploy time, edges, locations); for plain JSON or YAML, the
// data unchanged. Warnings (one per part of the input that was skipped or
// not understood) carry file:line:col; errors (malformed input, duplicate
// keys, limits) are a Status whose message starts with "file:line:col: ".
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "documents/document.h"
#include "documents/json_reader.h"
#include "documents/yaml_reader.h"

namespace moat {

struct TemplateOptions {
  // "auto" (detect_input_format), "cloudformation", "serverless", "json" or "yaml".
  std::string input_format = "auto";
  // Larger inputs are rejected before parsing (--max-input-bytes).
  size_t max_file_bytes = 32u << 20;
  // Reader limits (json_reader.h, yaml_reader.h), each named in its error
  // with its command-line flag: nesting (--max-depth), values in the text
  // (--max-nodes), nodes produced through YAML aliases
  // (--max-alias-expansion), longest string or key (--max-string-bytes).
  size_t max_depth = 512;
  size_t max_alias_expansion = 1'000'000;
  size_t max_nodes = 50'000'000;
  size_t max_string_bytes = 64u << 20;
  // Wall time for loading one template, reading and normalizing
  // (load_deadline.h); 0 = no limit (--max-load-ms).
  uint64_t max_load_ms = 30'000;
};

// The reader limits of `options` (the loaders read with these).
JsonLimits json_limits_of(const TemplateOptions& options);
YamlLimits yaml_limits_of(const TemplateOptions& options);

struct TemplateWarning {
  std::string message;
  Location location;  // file always set; line/column 0 when unknown
  // "file:line:col: message" (or "file: message" without a position).
  std::string describe() const;
};

struct LoadedDocument {
  std::shared_ptr<const Document> document;
  std::string format;  // the format it was loaded as: "cloudformation", "sam", "serverless", "json", "yaml"
  std::vector<TemplateWarning> warnings;
};

// What `text` is, from its content (and `name`'s extension only to choose
// between JSON and YAML syntax): "cloudformation" (a template: a top-level
// AWSTemplateFormatVersion, or Resources whose members have an AWS:: Type;
// SAM templates are included), "serverless" (serverless.yml: service and
// provider), "terraform-plan" (format_version with planned_values or
// resource_changes), else "json" when the text starts like JSON, else "yaml".
// A cheap textual check: the text is not parsed.
std::string detect_input_format(std::string_view text, std::string_view name);

absl::StatusOr<LoadedDocument> load_template(std::string text, std::string name,
                                             const TemplateOptions& options = {});
// Reads the file, then load_template (the size limit is checked first).
absl::StatusOr<LoadedDocument> load_template_file(const std::string& path,
                                                  const TemplateOptions& options = {});

}  // namespace moat
