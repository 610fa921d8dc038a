// AWS::Serverless::SimpleTable, StateMachine, LayerVersion and Application.
#include <cctype>

#include "documents/sam/sam_transform.h"

namespace moat::sam {

namespace {

Value prop(const Value& props, std::string_view key) {
  const Value* v = member(props, key);
  return v ? *v : Value();
}

Generated& main_resource(Transform& t, const std::string& id, std::string_view cfn_type, std::string_view sam_type,
                         Value props) {
  Generated& g = t.add(id, cfn_type, props, "");
  if (const Value* sam = t.template_resource(id)) {
    if (const Value* p = member(*sam, "Properties")) t.alias(props, *p);
  }
  g.native_type = std::string(sam_type);
  return g;
}

Value tag_list(Transform& t, const Value* tags, std::string_view created_by) {
  std::vector<Value> out;
  if (!created_by.empty()) out.push_back(t.map({{"Key", t.str(created_by)}, {"Value", t.str("SAM")}}));
  if (tags && tags->is_map())
    for (const Member& m : tags->as_map()) out.push_back(t.map({{"Key", m.key}, {"Value", m.value}}));
  return out.empty() ? Value() : t.list(out);
}

}  // namespace

Value assume_role(Transform& t, std::string_view service) {
  return t.map({{"Version", t.str("2012-10-17")},
                {"Statement", t.list({t.map({{"Action", t.list({t.str("sts:AssumeRole")})},
                                             {"Effect", t.str("Allow")},
                                             {"Principal", t.map({{"Service", t.list({t.str(service)})}})}})})}});
}

namespace {

// A role that lets `service` start executions of state machine `sm`.
std::string start_execution_role(Transform& t, const Event& e, std::string_view service) {
  std::string role = cat(e.owner, e.name, "Role");
  t.add_for_event(
      role, "AWS::IAM::Role",
      t.map({{"AssumeRolePolicyDocument", assume_role(t, service)},
             {"Policies",
              t.list({t.map({{"PolicyName", t.str(cat(e.owner, e.name, "RoleStartExecutionPolicy"))},
                             {"PolicyDocument",
                              t.map({{"Statement", t.list({t.map({{"Action", t.str("states:StartExecution")},
                                                                  {"Effect", t.str("Allow")},
                                                                  {"Resource", t.ref(e.owner)}})})}})}})})}}),
      e);
  return role;
}

void state_machine_event(Transform& t, const Event& e) {
  Value arn = t.ref(e.owner);
  if (e.type == "Schedule" || e.type == "CloudWatchEvent" || e.type == "EventBridgeRule") {
    Value role_arn = prop(e.props, "RoleArn");
    if (role_arn.is_null()) role_arn = t.get_att(start_execution_role(t, e, "events.amazonaws.com"), "Arn");
    Value state = prop(e.props, "State");
    if (const Value* enabled = member(e.props, "Enabled"); enabled && state.is_null())
      state = t.str(truthy(enabled) ? "ENABLED" : "DISABLED");
    t.add_for_event(cat(e.owner, e.name), "AWS::Events::Rule",
                    t.map({{"ScheduleExpression", prop(e.props, "Schedule")},
                           {"EventPattern", prop(e.props, "Pattern")},
                           {"EventBusName", prop(e.props, "EventBusName")},
                           {"Name", prop(e.props, "Name")},
                           {"State", state},
                           {"Targets", t.list({t.map({{"Arn", arn},
                                                      {"Id", t.str(cat(e.owner, e.name, "StepFunctionsTarget"))},
                                                      {"RoleArn", role_arn},
                                                      {"Input", prop(e.props, "Input")}})})}}),
                    e);
  } else if (e.type == "ScheduleV2") {
    Value role = prop(e.props, "RoleArn");
    if (role.is_null()) role = t.get_att(start_execution_role(t, e, "scheduler.amazonaws.com"), "Arn");
    t.add_for_event(cat(e.owner, e.name), "AWS::Scheduler::Schedule",
                    t.map({{"Name", prop(e.props, "Name").is_null() ? t.str(cat(e.owner, e.name)) : prop(e.props, "Name")},
                           {"ScheduleExpression", prop(e.props, "ScheduleExpression")},
                           {"FlexibleTimeWindow", t.map({{"Mode", t.str("OFF")}})},
                           {"State", prop(e.props, "State")},
                           {"Target", t.map({{"Arn", arn}, {"RoleArn", role}, {"Input", prop(e.props, "Input")}})}}),
                    e);
  } else if (e.type == "Api") {
    // API Gateway starts executions with a role of its own; the route is
    // written into the API's body (not modeled as a method here).
    start_execution_role(t, e, "apigateway.amazonaws.com");
    Event copy = e;
    (void)t.api_for_event(copy, /*http=*/false);
  } else {
    t.warn(cat("event ", e.name, " of ", e.owner, ": type ", e.type,
               " is not supported for state machines by Moat's SAM transform; skipped"),
           e.location);
  }
}

}  // namespace

void expand_simple_table(Transform& t, const std::string& id, const Value& props) {
  const Value* pk = member(props, "PrimaryKey");
  Value name = pk ? prop(*pk, "Name") : t.str("id");
  std::string type = pk ? text(member(*pk, "Type")) : "String";
  std::string attr_type = type == "Number" ? "N" : type == "Binary" ? "B" : "S";
  Value throughput = prop(props, "ProvisionedThroughput");
  main_resource(t, id, "AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable",
                t.map({{"TableName", prop(props, "TableName")},
                       {"AttributeDefinitions",
                        t.list({t.map({{"AttributeName", name}, {"AttributeType", t.str(attr_type)}})})},
                       {"KeySchema", t.list({t.map({{"AttributeName", name}, {"KeyType", t.str("HASH")}})})},
                       {"ProvisionedThroughput", throughput},
                       {"BillingMode", throughput.is_null() ? t.str("PAY_PER_REQUEST") : Value()},
                       {"SSESpecification", prop(props, "SSESpecification")},
                       {"PointInTimeRecoverySpecification", prop(props, "PointInTimeRecoverySpecification")},
                       {"Tags", tag_list(t, member(props, "Tags"), "")}}));
}

void expand_state_machine(Transform& t, const std::string& id, const Value& props) {
  const Value* role_prop = member(props, "Role");
  Value definition = prop(props, "Definition");
  main_resource(t, id, "AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine",
                t.map({{"StateMachineName", prop(props, "Name")},
                       {"StateMachineType", prop(props, "Type")},
                       {"Definition", definition},
                       {"DefinitionS3Location", prop(props, "DefinitionUri").is_map() ? prop(props, "DefinitionUri")
                                                                                      : Value()},
                       {"DefinitionSubstitutions", prop(props, "DefinitionSubstitutions")},
                       {"RoleArn", role_prop ? *role_prop : t.get_att(cat(id, "Role"), "Arn")},
                       {"LoggingConfiguration", prop(props, "Logging")},
                       {"TracingConfiguration", prop(props, "Tracing")},
                       {"Tags", tag_list(t, member(props, "Tags"), "stateMachine:createdBy")}}));
  if (std::string alias = text(member(props, "AutoPublishAlias")); !alias.empty()) {
    std::string version = cat(id, "Version", short_hash(props));
    t.add(version, "AWS::StepFunctions::StateMachineVersion", t.map({{"StateMachineArn", t.ref(id)}}), id);
    t.add(cat(id, "Alias", alias), "AWS::StepFunctions::StateMachineAlias",
          t.map({{"Name", t.str(alias)},
                 {"RoutingConfiguration", t.list({t.map({{"StateMachineVersionArn", t.ref(version)},
                                                         {"Weight", Value::integer(100)}})})}}),
          id);
  }
  if (const Value* events = member(props, "Events"); events && events->is_map())
    for (const Member& m : events->as_map()) {
      Event e;
      e.owner = id;
      e.name = std::string(m.key.as_string());
      e.type = text(member(m.value, "Type"));
      const Value* p = member(m.value, "Properties");
      e.props = p && p->is_map() ? *p : t.map({});
      e.location = t.ctx.member_location(*events, e.name);
      e.pointer = cat(t.pointer_of(id), "/Properties/Events");
      append_pointer_token(e.pointer, e.name);
      state_machine_event(t, e);
    }
  if (role_prop == nullptr) {
    std::vector<Value> managed, inline_policies;
    if (const Value* p = member(props, "Policies")) sam_policies(t, id, *p, managed, inline_policies);
    t.add(cat(id, "Role"), "AWS::IAM::Role",
          t.map({{"AssumeRolePolicyDocument", assume_role(t, "states.amazonaws.com")},
                 {"ManagedPolicyArns", managed.empty() ? Value() : t.list(managed)},
                 {"Policies", inline_policies.empty() ? Value() : t.list(inline_policies)},
                 {"PermissionsBoundary", prop(props, "PermissionsBoundary")},
                 {"Tags", tag_list(t, nullptr, "stateMachine:createdBy")}}),
          id);
  }
}

void expand_layer(Transform& t, const std::string& id, const Value& props) {
  Value content;
  const Value* uri = member(props, "ContentUri");
  if (uri && uri->is_string() && uri->as_string().starts_with("s3://")) {
    std::string_view rest = uri->as_string().substr(5);
    size_t slash = rest.find('/');
    content = t.map({{"S3Bucket", t.str(rest.substr(0, slash))},
                     {"S3Key", slash == std::string_view::npos ? Value() : t.str(rest.substr(slash + 1))}});
  } else if (uri && uri->is_map()) {
    content = t.map({{"S3Bucket", prop(*uri, "Bucket")},
                     {"S3Key", prop(*uri, "Key")},
                     {"S3ObjectVersion", prop(*uri, "Version")}});
  }
  Value name = prop(props, "LayerName");
  // The translator names the layer version <Id><hash>; Moat keeps the SAM id
  // so references to the layer stay references to one resource.
  main_resource(t, id, "AWS::Lambda::LayerVersion", "AWS::Serverless::LayerVersion",
                t.map({{"LayerName", name.is_null() ? t.str(id) : name},
                       {"Description", prop(props, "Description")},
                       {"Content", content},
                       {"CompatibleRuntimes", prop(props, "CompatibleRuntimes")},
                       {"CompatibleArchitectures", prop(props, "CompatibleArchitectures")},
                       {"LicenseInfo", prop(props, "LicenseInfo")}}));
}

void expand_application(Transform& t, const std::string& id, const Value& props) {
  Value location = prop(props, "Location");
  main_resource(t, id, "AWS::CloudFormation::Stack", "AWS::Serverless::Application",
                t.map({{"TemplateURL", location.is_string() ? location : Value()},
                       {"Parameters", prop(props, "Parameters")},
                       {"NotificationARNs", prop(props, "NotificationARNs")},
                       {"TimeoutInMinutes", prop(props, "TimeoutInMinutes")},
                       {"Tags", tag_list(t, member(props, "Tags"), "serverlessrepo:applicationId")}}));
}

}  // namespace moat::sam
