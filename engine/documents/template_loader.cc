#include "documents/template_loader.h"

#include <algorithm>

#include "documents/cloudformation/cfn_context.h"
#include "documents/cloudformation/cfn_loader.h"
#include "documents/file_text.h"
#include "documents/load_deadline.h"
#include "documents/serverless/sls_loader.h"
#include "documents/terraform/tf_loader.h"
#include "value/arena.h"

namespace moat {

using cfn::cat;

namespace {

std::string_view skip_bom_and_space(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  size_t i = text.find_first_not_of(" \t\r\n");
  return i == std::string_view::npos ? std::string_view() : text.substr(i);
}

bool looks_like_json(std::string_view text) {
  std::string_view t = skip_bom_and_space(text);
  return !t.empty() && (t[0] == '{' || t[0] == '[');
}

// A line that starts (column 1) with `key` followed by ':' (YAML), or
// "key": anywhere (JSON).
bool has_key(std::string_view text, std::string_view key, bool json) {
  size_t pos = 0;
  while ((pos = text.find(key, pos)) != std::string_view::npos) {
    size_t end = pos + key.size();
    if (json) {
      if (pos > 0 && text[pos - 1] == '"' && end < text.size() && text[end] == '"') return true;
    } else {
      bool line_start = pos == 0 || text[pos - 1] == '\n';
      size_t after = end;
      if (after < text.size() && (text[after] == '"' || text[after] == '\'')) {
        // quoted key: "Resources":
        if (pos > 0 && (text[pos - 1] == '"' || text[pos - 1] == '\'')) {
          line_start = pos == 1 || text[pos - 2] == '\n';
          ++after;
        }
      }
      while (after < text.size() && text[after] == ' ') ++after;
      if (line_start && after < text.size() && text[after] == ':') return true;
    }
    pos = end;
  }
  return false;
}

// `Type: AWS::...` / "Type": "AWS::..." somewhere.
bool has_aws_type(std::string_view text) {
  size_t pos = 0;
  while ((pos = text.find("Type", pos)) != std::string_view::npos) {
    size_t i = pos + 4;
    pos = i;
    if (i < text.size() && text[i] == '"') ++i;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i >= text.size() || text[i] != ':') continue;
    ++i;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '"' || text[i] == '\'')) ++i;
    std::string_view rest = text.substr(i);
    if (rest.starts_with("AWS::") || rest.starts_with("Custom::")) return true;
  }
  return false;
}

// The format the parsed top-level keys say, whatever their column (valid
// YAML may indent the whole document): "" when they say none. Only called
// when the quick textual checks found nothing, so the common case parses once.
std::string detect_yaml_by_content(std::string_view text) {
  Arena arena;
  Value root;
  YamlLimits limits;
  try {
    if (!read_yaml(text, arena, limits, &root, nullptr) || !root.is_map()) return "";
  } catch (const MemoryBudgetExceeded&) {
    return "";  // the loader reports the budget when it parses for real
  }
  const MapRep& top = root.as_map();
  if (top.find("AWSTemplateFormatVersion")) return "cloudformation";
  if (const Value* res = top.find("Resources"); res && res->is_map())
    for (const Member& m : res->as_map())
      if (const Value* type = m.value.is_map() ? m.value.as_map().find("Type") : nullptr;
          type && type->is_string() &&
          (type->as_string().starts_with("AWS::") || type->as_string().starts_with("Custom::")))
        return "cloudformation";
  if (top.find("service") && top.find("provider")) return "serverless";
  return "";
}

}  // namespace

// The readers do not recurse, but some consumers of documents do (writing a
// document as JSON, `moat inspect`'s pretty printer): 50,000 levels overflow
// an 8 MiB stack there, 20,000 do not. Depth limits above this ceiling are
// lowered to it, so raising --max-depth cannot turn an error into a crash.
constexpr size_t kMaxDepthCeiling = 10'000;

JsonLimits json_limits_of(const TemplateOptions& options) {
  JsonLimits limits;
  limits.max_depth = std::min(options.max_depth, kMaxDepthCeiling);
  limits.max_nodes = options.max_nodes;
  limits.max_string_bytes = options.max_string_bytes;
  return limits;
}

YamlLimits yaml_limits_of(const TemplateOptions& options) {
  YamlLimits limits;
  limits.max_depth = std::min(options.max_depth, kMaxDepthCeiling);
  limits.max_nodes = options.max_nodes;
  limits.max_alias_expansion = options.max_alias_expansion;
  limits.max_string_bytes = options.max_string_bytes;
  return limits;
}

std::string TemplateWarning::describe() const {
  if (location.line == 0) return cat(location.file, ": ", message);
  return cat(location.file, ":", location.line, ":", location.column, ": ", message);
}

std::string detect_input_format(std::string_view text, std::string_view name) {
  (void)name;
  const bool json = looks_like_json(text);
  if (has_key(text, "AWSTemplateFormatVersion", json)) return "cloudformation";
  if (has_key(text, "Resources", json) && has_aws_type(text)) return "cloudformation";
  if (json && has_key(text, "format_version", true) &&
      (has_key(text, "planned_values", true) || has_key(text, "resource_changes", true)))
    return "terraform-plan";
  if (!json && has_key(text, "service", false) && has_key(text, "provider", false)) return "serverless";
  if (!json)
    if (std::string by_content = detect_yaml_by_content(text); !by_content.empty()) return by_content;
  return json ? "json" : "yaml";
}

namespace {

absl::StatusOr<LoadedDocument> load_detected(std::string text, std::string name, const TemplateOptions& options) {
  std::string format = options.input_format == "auto" ? detect_input_format(text, name) : options.input_format;
  const bool json = looks_like_json(text);
  LoadedDocument out;
  if (format == "cloudformation" || format == "sam") return cfn::load_cloudformation(std::move(text), std::move(name), json, options);
  if (format == "terraform-plan" || format == "terraform") return tf::load_terraform_plan(std::move(text), std::move(name), options);
  if (format == "serverless" && !json) return sls::load_serverless(std::move(text), std::move(name), options);
  if (format != "json" && format != "yaml" && format != "auto") {
    out.warnings.push_back({cat("no loader for ", format, " yet; loaded as plain data"), Location{name, 0, 0}});
  }
  if (json) {
    auto doc = Document::from_json(std::move(text), name, json_limits_of(options));
    if (!doc.ok()) return doc.status();
    out.document = *doc;
    out.format = "json";
    return out;
  }
  Arena arena;
  Value root;
  YamlError error;
  if (!read_yaml(text, arena, yaml_limits_of(options), &root, &error))
    return absl::InvalidArgumentError(cat(name, ":", error.line, ":", error.column, ": ", error.message_with_flag()));
  out.document = Document::from_value(std::move(arena), root, std::move(name));
  out.format = "yaml";
  return out;
}

}  // namespace

absl::StatusOr<LoadedDocument> load_template(std::string text, std::string name, const TemplateOptions& options) {
  if (text.size() > options.max_file_bytes)
    return absl::InvalidArgumentError(cat(name, ": input is ", text.size(), " bytes; the limit is ",
                                          options.max_file_bytes, " (--max-input-bytes)"));
  LoadDeadline deadline(options.max_load_ms);
  try {
    return load_detected(std::move(text), name, options);
  } catch (const LoadTimeExceeded& e) {
    return absl::DeadlineExceededError(cat(name, ": ", e.what(), "; the limit is ", e.limit_ms(), " ms (--max-load-ms)"));
  } catch (const MemoryBudgetExceeded& e) {
    return absl::ResourceExhaustedError(cat(name, ": ", e.what()));
  }
}

absl::StatusOr<LoadedDocument> load_template_file(const std::string& path, const TemplateOptions& options) {
  absl::StatusOr<std::string> text = read_file_text(path, options.max_file_bytes, "--max-input-bytes");
  if (!text.ok()) return text.status();
  return load_template(*std::move(text), path, options);
}

}  // namespace moat
