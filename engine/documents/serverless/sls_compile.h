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
#include "documents/serverless/sls_variables.h"

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
  Compiler(cfn::Context& ctx, const Value& root, const Variables& vars, std::string stage, std::string region);

  // Functions (with their events, URLs, log groups and asynchronous
  // invocation configs), the API keys and usage plans of the REST API, and
  // the shared execution role.
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
  // {"Fn::Join": [sep, parts]}: the ARNs the Framework builds from pseudo
  // parameters (AWS::Partition, AWS::Region, AWS::AccountId).
  Value join(std::string_view sep, const std::vector<Value>& parts) {
    return map({{"Fn::Join", list({str(sep), list(parts)})}});
  }
  Value get_att(std::string_view id, std::string_view attr);
  Value resource(std::string_view type, Value properties) {
    return map({{"Type", str(type)}, {"Properties", properties}});
  }
  bool exists(std::string_view id) const;
  // The deployed name (FunctionName) of the generated function `fn_id`.
  const Value* function_name(const std::string& fn_id) const;
  Generated& add(Generated g);

  const Value* provider(std::string_view dotted) const;  // provider.<dotted>
  std::string service_name() const;
  const std::string& stage() const { return stage_; }
  const std::string& region() const { return region_; }
  // The serverless.yml text of a resolved value (variables unresolved).
  Value original(const Value& v) const { return vars_.original(v); }
  // A statement the shared role gets for a function's needs (destinations).
  void add_role_statement(Value statement) { role_statements_.push_back(statement); }

 private:
  friend struct EventCompiler;
  void compile_function(std::string_view name, const Value& def, Location loc, const std::string& pointer);
  void compile_role();
  Value role_for(const Value& def);  // the Role property of a function
  Value environment(const Value& def);
  // The function's log group, async invocation config (sls_function_resources.cc).
  void compile_log_group(std::string_view name, const std::string& fn_id, const Value& def,
                         const Value& deployed_name, Location loc, const std::string& pointer);
  void compile_event_invoke_config(std::string_view name, const std::string& fn_id, const Value& def, Location loc,
                                   const std::string& pointer);
  Value destination_arn(const Value& destination);
  // LoggingConfig from the function's `logs` or provider.logs.lambda.
  Value logging_config(const Value& def);
  // provider.apiGateway.apiKeys / usagePlan (sls_api_keys.cc).
  void compile_api_keys();

  const Variables& vars_;
  std::vector<Value> role_statements_;
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
