#include "documents/cloudformation/cfn_parse.h"

#include <vector>

#include "absl/container/flat_hash_set.h"
#include "documents/json_reader.h"

namespace moat::cfn {

std::string_view long_form_of_tag(std::string_view tag) {
  static constexpr std::pair<std::string_view, std::string_view> kTags[] = {
      {"!Ref", "Ref"},
      {"!Condition", "Condition"},
      {"!GetAtt", "Fn::GetAtt"},
      {"!Sub", "Fn::Sub"},
      {"!Join", "Fn::Join"},
      {"!If", "Fn::If"},
      {"!Select", "Fn::Select"},
      {"!Split", "Fn::Split"},
      {"!FindInMap", "Fn::FindInMap"},
      {"!ImportValue", "Fn::ImportValue"},
      {"!Base64", "Fn::Base64"},
      {"!GetAZs", "Fn::GetAZs"},
      {"!Cidr", "Fn::Cidr"},
      {"!Equals", "Fn::Equals"},
      {"!Not", "Fn::Not"},
      {"!And", "Fn::And"},
      {"!Or", "Fn::Or"},
      {"!Transform", "Fn::Transform"},
      {"!Length", "Fn::Length"},
      {"!ToJsonString", "Fn::ToJsonString"},
      {"!ForEach", "Fn::ForEach"},
  };
  for (const auto& [short_form, long_form] : kTags)
    if (tag == short_form) return long_form;
  return {};
}

namespace {

Value one_member(Arena& arena, std::string_view key, Value v) {
  Member m{Value::string(key), v};  // key: static storage
  return make_map(arena, std::span<const Member>(&m, 1));
}

// Unknown tags leave unknown values in the tree; find them again to say
// where they are (the tag handler is not told the position).
void warn_unknown_tags(const Value& root, const absl::flat_hash_set<const void*>& tagged, const SourceMap& positions,
                       const std::string& file, std::vector<TemplateWarning>* out) {
  struct Item {
    Value v;
  };
  std::vector<Item> stack{{root}};
  size_t budget = 5'000'000;  // aliases can make the walk long; the reader capped them already
  while (!stack.empty() && budget--) {
    Value v = stack.back().v;
    stack.pop_back();
    auto report = [&](const Value& child, std::optional<SourcePosition> p) {
      if (!child.is_unknown() || !tagged.contains(child.identity())) return;
      Location l{file, p ? p->line : 0, p ? p->column : 0};
      out->push_back({std::string(child.as_unknown().reason), l});
    };
    if (v.is_map()) {
      for (const Member& m : v.as_map()) {
        report(m.value, positions.of_member(v, m.key.as_string()));
        if (m.value.is_map() || m.value.is_list()) stack.push_back({m.value});
      }
    } else if (v.is_list()) {
      for (const Value& item : v.as_list()) {
        report(item, positions.of(v));
        if (item.is_map() || item.is_list()) stack.push_back({item});
      }
    }
  }
}

}  // namespace

absl::StatusOr<ParsedText> parse_template_text(std::string_view text, const std::string& file, bool json,
                                               const TemplateOptions& options, Arena& arena) {
  ParsedText parsed;
  if (json) {
    JsonError error;
    if (!read_json(text, arena, json_limits_of(options), &parsed.root, &error))
      return absl::InvalidArgumentError(cat(file, ":", error.line, ":", error.column, ": ", error.message_with_flag()));
    parsed.positions = SourceMap::for_json(text);
    return parsed;
  }
  YamlLimits limits = yaml_limits_of(options);
  limits.yaml11_booleans = true;
  auto positions = std::make_unique<YamlPositions>();
  absl::flat_hash_set<const void*> unknown_tags;
  YamlTagHandler handler = [&unknown_tags](std::string_view tag, Value value, Arena& a, Value* out,
                                           std::string* error) -> bool {
    std::string_view name = long_form_of_tag(tag);
    if (name.empty()) {
      *out = make_unknown(a, cat("unsupported YAML tag ", tag));
      unknown_tags.insert(out->identity());
      return true;
    }
    if (name == "Fn::GetAtt" && value.is_string()) {
      std::string_view s = value.as_string();
      size_t dot = s.find('.');
      if (dot == std::string_view::npos || dot == 0 || dot + 1 == s.size()) {
        *error = cat("!GetAtt needs Resource.Attribute, got '", s, "'");
        return false;
      }
      Value parts[2] = {make_string(a, s.substr(0, dot)), make_string(a, s.substr(dot + 1))};
      value = make_list(a, parts);
    } else if ((name == "Ref" || name == "Condition") && !value.is_string()) {
      *error = cat(tag, " needs a name");
      return false;
    }
    *out = one_member(a, name, value);
    return true;
  };
  YamlError error;
  if (!read_yaml(text, arena, limits, &parsed.root, &error, positions.get(), handler))
    return absl::InvalidArgumentError(cat(file, ":", error.line, ":", error.column, ": ", error.message_with_flag()));
  parsed.positions = SourceMap::for_yaml(std::move(positions));
  if (!unknown_tags.empty()) warn_unknown_tags(parsed.root, unknown_tags, parsed.positions, file, &parsed.warnings);
  return parsed;
}

}  // namespace moat::cfn
