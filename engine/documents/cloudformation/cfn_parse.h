// CloudFormation template text -> raw values: JSON or YAML, with every YAML
// short-form tag (!Ref, !GetAtt, !Sub, ...) turned into its long form
// ({"Ref": ...}, {"Fn::GetAtt": [...]}, ...), so the rest of the loader sees
// one shape. Unknown tags become unknown values with a warning.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "documents/cloudformation/cfn_context.h"

namespace moat::cfn {

struct ParsedText {
  Value root;
  SourceMap positions;
  std::vector<TemplateWarning> warnings;  // unknown tags
};

// `json` chooses the reader. Errors: "file:line:col: message".
absl::StatusOr<ParsedText> parse_template_text(std::string_view text, const std::string& file, bool json,
                                               const TemplateOptions& options, Arena& arena);

// The long form of a short-form tag ("!GetAtt" -> "Fn::GetAtt"), or "" when
// the tag is not one of CloudFormation's.
std::string_view long_form_of_tag(std::string_view tag);

}  // namespace moat::cfn
