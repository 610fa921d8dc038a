// Which files a scan looks at, and which of those are templates.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace moat::scan_detail {

// Every candidate file under `paths` (files named directly are always
// candidates), sorted. Hidden folders, node_modules and build output
// (.aws-sam, .serverless, cdk.out, .terraform) are not entered: they hold
// copies or generated forms of the templates next to them.
std::vector<std::string> discover_files(const std::vector<std::string>& paths, std::vector<std::string>* missing);

// The template format of a file from its content (and name):
// "cloudformation" (SAM included), "serverless", "terraform-plan", or ""
// when it is not a template. Textual: the file is not parsed here.
std::string classify_template(std::string_view text, std::string_view path);

}  // namespace moat::scan_detail
