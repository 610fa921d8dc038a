// The SAM transform (Transform: AWS::Serverless-2016-10-31): every
// AWS::Serverless::* resource -> the CloudFormation resources the SAM
// translator generates, as raw {Type, Properties} values that the
// CloudFormation normalizers then turn into the model (the serverless.yml
// loader works the same way). Logical ids are SAM's where SAM's are
// deterministic (<Fn>Role, <Fn><Event>Permission, ServerlessRestApi, ...);
// hashed ones (<Api>Deployment<hash>, <Fn>Version<hash>) get a stable hash
// of their own. Resources the translator writes into an OpenAPI body instead
// (API Gateway methods and authorizers, HTTP API routes) are generated as
// resources too, marked `model_only`, so rules see every route.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "documents/cloudformation/cfn_normalize.h"

namespace moat::sam {

using cfn::cat;
using cfn::member;

struct Generated {
  std::string id;
  Value cfn;                 // {"Type", "Properties"[, "Condition", "DependsOn"]}
  std::string derived_from;  // the SAM resource; "" for the SAM resource's own main resource
  std::string native_type;   // main resource: the SAM type; else the CloudFormation type
  Value native;              // main resource: the SAM properties as written
  Location location;
  std::string pointer;
  bool model_only = false;
  std::vector<std::pair<std::string, Value>> extra;  // members the normalized resource gets besides CloudFormation's
  std::string_view type() const;  // the CloudFormation type
};

// A SAM event being expanded: its function (or state machine), name, type
// and properties, and where it is.
struct Event {
  std::string owner;  // logical id of the function / state machine
  std::string name;   // key under Events
  std::string type;   // "Api", "S3", ...
  Value props;        // Properties (a map, possibly empty)
  Location location;
  std::string pointer;
  // HttpApi: another event of the function on the same API is a catch-all
  // route whose permission (SourceArn .../*) already covers this one.
  bool permission_covered = false;
};

class Transform {
 public:
  Transform(cfn::Context& ctx, cfn::SourceMap& positions, const Value& root);

  // Expands the template; resources() is then the Resources map for the
  // CloudFormation normalizers (template resources, changed where SAM
  // changes them, e.g. S3 notifications, plus the generated ones).
  void run();
  Value resources();
  const std::vector<Generated>& generated() const { return generated_; }

  cfn::Context& ctx;

  // Value building.
  Value str(std::string_view s) { return ctx.str(s); }
  Value map(std::initializer_list<std::pair<std::string_view, Value>> members);  // null values left out
  Value map(const std::vector<std::pair<std::string, Value>>& members);
  Value list(const std::vector<Value>& items) { return make_list(ctx.arena, items); }
  Value ref(std::string_view id) { return map({{"Ref", str(id)}}); }
  Value get_att(std::string_view id, std::string_view attr);
  Value sub(std::string_view text) { return map({{"Fn::Sub", str(text)}}); }
  Value resource(std::string_view type, Value properties) {
    return map({{"Type", str(type)}, {"Properties", properties}});
  }
  // Positions of `original` (template text) also answer for `rebuilt`.
  void alias(const Value& rebuilt, const Value& original) {
    if (rebuilt.identity() && original.identity()) positions_.add_alias(rebuilt.identity(), original.identity());
  }
  // `base` with `key` set to `v` (replaced or appended); `base` may be null.
  Value with(const Value& base, std::string_view key, Value v);

  // Adds a resource derived from SAM resource `from` (location of `from`
  // unless set). An existing id is kept (the first definition wins).
  Generated& add(std::string id, std::string_view type, Value props, const std::string& from,
                 const Location* where = nullptr, std::string_view pointer = {});
  Generated& add_for_event(std::string id, std::string_view type, Value props, const Event& e);
  bool exists(std::string_view id) const;
  // Type of a template resource (as written), "" when there is none.
  std::string_view template_type(std::string_view id) const;
  const Value* template_resource(std::string_view id) const;
  // Template resource `id` as SAM changed it (S3 notifications), or nullptr.
  Value* changed_resource(std::string_view id);
  // The CloudFormation resource `id` names once SAM resources are expanded
  // ({Type, Properties}): a generated resource, or a template resource that
  // is not a SAM one; nullptr otherwise. What connectors resolve ids against.
  const Value* expanded(std::string_view id) const;
  Location location_of(std::string_view sam_id) const;
  std::string pointer_of(std::string_view sam_id) const;
  void warn(std::string message, const Location& where) { ctx.warn(std::move(message), where); }

  // An Api / HttpApi (explicit, or the implicit ServerlessRestApi /
  // ServerlessHttpApi a function event creates), as events need it.
  struct ApiInfo {
    std::string id;
    bool http = false;
    std::string from;   // what generated resources derive from: the Api, or the function of the first event
    Value props;        // SAM properties after Globals
    std::string stage;  // StageName ("Prod" for the implicit REST API; "$default" for HTTP without one;
                        // "" when an intrinsic)
    Location location;
    std::string pointer;
  };
  // The Api an Api/HttpApi event attaches to (RestApiId/ApiId, or the
  // implicit one, created on first use); nullptr (with a warning) when the
  // event names something that is not a SAM Api of the template.
  const ApiInfo* api_for_event(const Event& e, bool http);
  ApiInfo* api(std::string_view id);

  // Roles of functions / state machines: statements and managed policies
  // events add (SQS read, stream read, ...), collected before the role is
  // built.
  struct RoleAdditions {
    std::vector<Value> managed_arns;
    std::vector<std::pair<std::string, Value>> policies;  // {PolicyName, statements}
  };
  RoleAdditions& role_additions(std::string_view owner) { return role_additions_[std::string(owner)]; }

  const Value& root() const { return root_; }
  // SAM's referable properties: `!Ref Fn.Alias` / `Fn.Version` /
  // `Api.Stage` / `Api.Deployment` name the generated resource `id`.
  void referable(std::string_view sam_id, std::string_view property, std::string_view id) {
    referable_[cat(sam_id, ".", property)] = std::string(id);
  }
  // `v`, or the Default of the parameter when `v` is {Ref: Parameter}: SAM
  // resolves such references itself for a few properties (AutoPublishAlias,
  // UsagePlan.CreateUsagePlan).
  Value literal(const Value& v) const;

 private:
  void expand(const std::string& id, std::string_view type, const Value& props);
  void register_apis();

  cfn::SourceMap& positions_;
  Value root_;
  const Value* template_resources_ = nullptr;
  std::vector<Generated> generated_;
  absl::flat_hash_map<std::string, size_t> index_;
  absl::flat_hash_map<std::string, Value> changed_;
  absl::flat_hash_map<std::string, ApiInfo> apis_;
  absl::flat_hash_map<std::string, RoleAdditions> role_additions_;
  absl::flat_hash_map<std::string, std::string> referable_;
  Value rewrite_refs(const Value& v, int depth);
  friend class Globals;
};

// Text of a scalar, or "".
std::string text(const Value* v);
bool truthy(const Value* v);
// A hash of `v`'s JSON text, as 10 hex digits (stable ids for hashed SAM ids).
std::string short_hash(const Value& v);
// How SAM puts a stage name into logical ids: as is when alphanumeric, a
// hash of it otherwise ("" for an intrinsic StageName).
std::string stage_suffix(std::string_view stage);
// Logical id of `v` when it is {Ref: X} or {Fn::GetAtt: [X, ...]} / "X.Attr", else "".
std::string ref_target(const Value& v);

// Globals (sam_globals.cc): `props` of a `type` resource merged with the
// template's Globals section for that type.
Value apply_globals(Transform& t, std::string_view type, const Value& props);

// Per SAM type (sam_function.cc, sam_api.cc, sam_other.cc).
void expand_function(Transform& t, const std::string& id, const Value& props);
// The API, its deployment and stage, authorizers, usage plans (sam_api.cc).
void expand_rest_api(Transform& t, const Transform::ApiInfo& api);
void expand_http_api(Transform& t, const Transform::ApiInfo& api);
void expand_websocket_api(Transform& t, const std::string& id, const Value& props);
void expand_simple_table(Transform& t, const std::string& id, const Value& props);
void expand_state_machine(Transform& t, const std::string& id, const Value& props);
void expand_layer(Transform& t, const std::string& id, const Value& props);
void expand_application(Transform& t, const std::string& id, const Value& props);
// AppSync API, schema, data sources and their roles, functions, resolvers, ... (sam_graphql.cc).
void expand_graphql_api(Transform& t, const std::string& id, const Value& props);
// Lambda capacity provider and its operator role (sam_capacity_provider.cc).
void expand_capacity_provider(Transform& t, const std::string& id, const Value& props);

// A role's trust policy letting `service` assume it, as SAM writes it (sam_other.cc).
Value assume_role(Transform& t, std::string_view service);

// Connectors (sam_connectors.cc). A connector's logical id, what its
// resources derive from (the Connector resource, the resource that embeds
// it, or the GraphQLApi that made it), where it is, and the resource
// attributes (Condition, DependsOn) its resources carry.
struct ConnectorSite {
  std::string id;
  std::string from;
  Location location;
  std::string pointer;
  Value attributes;  // a map holding Condition / DependsOn, or null
};
// `props`: Source, Destination (a map or a list), Permissions.
void expand_connector(Transform& t, const ConnectorSite& site, const Value& props);
// Every AWS::Serverless::Connector and `Connectors` attribute of the
// template, once everything else is expanded.
void expand_connectors(Transform& t);

// The function's execution role (sam_policies.cc): AWSLambdaBasicExecutionRole,
// Policies (managed names/ARNs, inline documents, policy templates), and what
// events, VpcConfig, Tracing and DeadLetterQueue add.
Value function_role(Transform& t, const std::string& fn, const Value& props, std::string_view principal,
                    std::vector<Value> managed);
// Policies property -> managed ARNs and inline {PolicyName, PolicyDocument}
// (policy templates expanded with their parameters substituted).
void sam_policies(Transform& t, const std::string& owner, const Value& policies, std::vector<Value>& managed,
                  std::vector<Value>& inline_policies);

// What an event invokes: the function, or its alias under AutoPublishAlias.
struct Target {
  std::string function;  // the function's logical id
  Value ref;             // FunctionName of permissions and event source mappings
  Value arn;             // rule targets, subscriptions, integrations
};

// Events (sam_events.cc: push sources; sam_events_streams.cc: pollers;
// sam_api_events.cc: Api/HttpApi). `target` is what the event invokes
// (the function, or its alias when AutoPublishAlias is set).
void expand_function_event(Transform& t, const Event& e, const Target& target);
void expand_stream_event(Transform& t, const Event& e, const Target& target);
void expand_api_event(Transform& t, const Event& e, const Target& target);
void expand_http_api_event(Transform& t, const Event& e, const Target& target);

}  // namespace moat::sam
