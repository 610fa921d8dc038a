// Evaluates CloudFormation intrinsic functions over a template's raw values,
// as far as the template alone decides them (docs/documents.md):
//   - Ref to a parameter: its Default (List<...>/CommaDelimitedList defaults
//     become lists); without a default: unknown "parameter X has no default".
//   - Pseudo parameters: unknown "AWS::Region is known at deploy time";
//     AWS::NoValue removes the member or list item that holds it.
//   - Ref to a resource, Fn::GetAtt, and a Fn::Sub that is exactly
//     "${R.Attr}": an unknown (the physical id is known at deploy time) that
//     the resolver remembers as a reference to R (reference()), so
//     normalizers can store R's id and add an edge.
//   - Fn::Sub, Fn::Join: a string when every part is known, else an unknown
//     whose reason shows the text with ${...} for the unknown parts.
//   - Fn::Select, Fn::Split, Fn::If, Fn::FindInMap, Fn::Base64, Fn::Equals,
//     Fn::Not, Fn::And, Fn::Or, Fn::Length, Fn::ToJsonString: evaluated when
//     their inputs are known; Conditions are evaluated from parameter
//     defaults (memoized; a cycle is a warning and an unknown).
//   - Fn::ImportValue, Fn::GetAZs, Fn::Cidr, Fn::Transform: unknown.
//   - Unknown Fn::Foo: a warning and an unknown.
//   - Strings containing {{resolve:...}} dynamic references: an unknown
//     "dynamic reference resolve:ssm:..." (the text stays in `native`), and
//     the reference is recorded (take_dynamic_refs()).
// Nesting deeper than kMaxDepth (a Fn::FindInMap cycle, say) is cut off with
// a warning, so evaluation always ends.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "documents/cloudformation/cfn_context.h"

namespace moat::cfn {

struct RefTarget {
  std::string resource;
  std::string attribute;  // "" for Ref
};

struct DynamicRef {
  std::string pointer;  // in the template, e.g. /Resources/F/Properties/Environment/Variables/DB
  std::string service;  // ssm, ssm-secure, secretsmanager
  std::string text;     // the whole string
};

class Resolver {
 public:
  static constexpr int kMaxDepth = 200;

  Resolver(Context& ctx, const Value& root);

  // `pointer` is where `v` is in the template.
  Value resolve(const Value& v, const std::string& pointer);
  bool is_no_value(const Value& v) const { return v.is_unknown() && v.identity() == no_value_.identity(); }
  // What `v` stands for when it is a reference to one resource.
  const RefTarget* reference(const Value& v) const;
  // Resources mentioned inside an unknown built from parts (Fn::Sub, Fn::Join).
  const std::vector<RefTarget>* references_in(const Value& v) const;
  // The text an unknown stands for, with ${...} for its unknown parts
  // ("arn:${AWS::Partition}:s3:::${Bucket}/*"), or nullptr.
  const std::string* placeholder(const Value& v) const {
    auto it = placeholders_.find(v.identity());
    return it == placeholders_.end() ? nullptr : &it->second;
  }
  // Condition value: a bool, or an unknown when it depends on deploy time.
  Value condition(std::string_view name);

  // Resources referenced / dynamic references met since the last call.
  std::vector<std::string> take_referenced();
  std::vector<DynamicRef> take_dynamic_refs();

  bool is_resource(std::string_view id) const { return resource_types_.contains(std::string(id)); }
  std::string_view resource_type(std::string_view id) const;
  const Value& parameters() const { return parameters_; }

 private:
  Value resolve_at(const Value& v, std::string& pointer, int depth);
  Value intrinsic(std::string_view fn, const Value& arg, const Value& at, std::string& pointer, int depth);
  Value ref(std::string_view name, const Value& at);
  Value get_att(const Value& arg, const Value& at, std::string& pointer, int depth);
  Value sub(const Value& arg, const Value& at, std::string& pointer, int depth);
  Value join(const Value& arg, const Value& at, std::string& pointer, int depth);
  Value find_in_map(const Value& arg, const Value& at, std::string& pointer, int depth);
  Value dynamic_reference(const Value& s, const std::string& pointer);
  Value reference_to(std::string_view resource, std::string_view attribute);
  Value unknown(std::string_view reason, std::string_view placeholder = {});
  Value unknown_with_refs(std::string_view reason, std::string_view placeholder, std::vector<RefTarget> refs);
  // Text of a known scalar; or the placeholder of an unknown (false when neither).
  bool text_of(const Value& v, std::string* out, std::vector<RefTarget>* refs) const;
  void warn(std::string message, const Value& at);

  Context& ctx_;
  Value parameters_;  // the template's Parameters map (raw)
  Value mappings_;
  Value conditions_;
  Value no_value_;
  absl::flat_hash_map<std::string, std::string> resource_types_;
  absl::flat_hash_map<const void*, RefTarget> references_;
  absl::flat_hash_map<const void*, std::vector<RefTarget>> parts_;
  absl::flat_hash_map<const void*, std::string> placeholders_;
  absl::flat_hash_map<std::string, Value> condition_values_;
  absl::flat_hash_set<std::string> conditions_visiting_;
  int in_condition_ = 0;
  std::vector<std::string> referenced_;
  absl::flat_hash_set<std::string> referenced_set_;
  std::vector<DynamicRef> dynamic_refs_;
};

// Text of a scalar as CloudFormation turns it into a string.
bool scalar_text(const Value& v, std::string* out);

}  // namespace moat::cfn
