// serverless.yml -> the CloudFormation resources the Serverless Framework
// (v3; v2 names too) would generate, as raw {Type, Properties} values that
// the CloudFormation normalizers then turn into the model. Each generated
// resource remembers where it came from in serverless.yml (the function or
// the event), its native type ("serverless.function",
// "serverless.event.http", ...), its serverless.yml source (`native`) and
// members the normalized resource gets besides the CloudFormation ones.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "documents/cloudformation/cfn_normalize.h"

namespace moat::sls {

struct Generated {
  std::string id;
  Value cfn;  // {"Type": ..., "Properties": {...}}
  std::string native_type;
  Location location;
  std::string pointer;
  Value native;
  std::vector<std::pair<std::string, Value>> extra;  // set on the normalized resource
};

class Compiler {
 public:
  Compiler(cfn::Context& ctx, const Value& root, std::string stage, std::string region);

  // Functions (with their events and URLs) and the shared execution role.
  void compile_functions();
  // Resources of the user's `resources: Resources:` section (ids).
  void set_user_resources(const Value* resources) { user_resources_ = resources; }

  cfn::Context& ctx;
  Value root;
  std::vector<Generated> generated;
  std::vector<cfn::Edge> edges;  // "triggers" edges from events to functions

  // Value building.
  Value str(std::string_view s) { return ctx.str(s); }
  Value map(std::initializer_list<std::pair<std::string_view, Value>> members);  // null values left out
  Value map(const std::vector<std::pair<std::string, Value>>& members);
  Value list(const std::vector<Value>& items) { return make_list(ctx.arena, items); }
  Value ref(std::string_view id) { return map({{"Ref", str(id)}}); }
  Value get_att(std::string_view id, std::string_view attr);
  Value resource(std::string_view type, Value properties) {
    return map({{"Type", str(type)}, {"Properties", properties}});
  }
  bool exists(std::string_view id) const;
  Generated& add(Generated g);

  const Value* provider(std::string_view dotted) const;  // provider.<dotted>
  std::string service_name() const;
  const std::string& stage() const { return stage_; }
  const std::string& region() const { return region_; }

 private:
  friend struct EventCompiler;
  void compile_function(std::string_view name, const Value& def, Location loc, const std::string& pointer);
  void compile_role();
  Value role_for(const Value& def);  // the Role property of a function
  Value environment(const Value& def);

  std::string stage_, region_;
  const Value* user_resources_ = nullptr;
  absl::flat_hash_map<std::string, size_t> index_;
  bool needs_role_ = false;
};

// The Framework's naming: first letter upper-cased, '-' -> "Dash",
// '_' -> "Underscore", other non-alphanumerics dropped.
std::string normalize_name(std::string_view name);
// "<Name>LambdaFunction".
std::string function_logical_id(std::string_view function_name);
// A path as the Framework names API Gateway resources: "/users/{id}" -> "UsersIdVar".
std::string normalize_path(std::string_view path);
// Dotted lookup in a raw map ("iam.role.statements").
const Value* at_path(const Value& v, std::string_view dotted);
// Text of a scalar, or "".
std::string text(const Value* v);
bool truthy(const Value* v);

// Events of one function (sls_events.cc).
void compile_events(Compiler& c, std::string_view fn_name, const std::string& fn_id, const Value& events,
                    const std::string& pointer);

}  // namespace moat::sls
