// AWS::Serverless::Function -> AWS::Lambda::Function plus its role, events,
// URL, alias/version (AutoPublishAlias), CodeDeploy deployment group
// (DeploymentPreference) and event invoke config.
#include <algorithm>
#include <cctype>
#include <string>

#include "documents/sam/sam_transform.h"

namespace moat::sam {

namespace {

// CodeUri "s3://bucket/key" or {Bucket, Key, Version}; InlineCode; ImageUri.
Value code(Transform& t, const Value& props) {
  if (const Value* inline_code = member(props, "InlineCode")) return t.map({{"ZipFile", *inline_code}});
  if (const Value* image = member(props, "ImageUri")) return t.map({{"ImageUri", *image}});
  const Value* uri = member(props, "CodeUri");
  if (uri == nullptr) return Value();
  if (uri->is_string() && uri->as_string().starts_with("s3://")) {
    std::string_view rest = uri->as_string().substr(5);
    size_t slash = rest.find('/');
    return t.map({{"S3Bucket", t.str(rest.substr(0, slash))},
                  {"S3Key", slash == std::string_view::npos ? Value() : t.str(rest.substr(slash + 1))}});
  }
  if (uri->is_map() && member(*uri, "Bucket"))
    return t.map({{"S3Bucket", *member(*uri, "Bucket")},
                  {"S3Key", member(*uri, "Key") ? *member(*uri, "Key") : Value()},
                  {"S3ObjectVersion", member(*uri, "Version") ? *member(*uri, "Version") : Value()}});
  return Value();  // a local path: `sam package` replaces it
}

// Tags {k: v} -> [{Key, Value}] with SAM's lambda:createdBy tag.
Value tags(Transform& t, const Value* tags, std::string_view created_by_key) {
  std::vector<Value> out;
  out.push_back(t.map({{"Key", t.str(created_by_key)}, {"Value", t.str("SAM")}}));
  if (tags && tags->is_map())
    for (const Member& m : tags->as_map()) out.push_back(t.map({{"Key", m.key}, {"Value", m.value}}));
  return t.list(out);
}

Value prop(const Value& props, std::string_view key) {
  const Value* v = member(props, key);
  return v ? *v : Value();
}

void event_invoke_config(Transform& t, const std::string& id, const Value& props, const Value& qualifier) {
  const Value* cfg = member(props, "EventInvokeConfig");
  if (cfg == nullptr || !cfg->is_map()) return;
  std::vector<std::pair<std::string, Value>> destinations;
  Transform::RoleAdditions& role = t.role_additions(id);
  if (const Value* d = member(*cfg, "DestinationConfig"); d && d->is_map())
    for (std::string_view when : {"OnSuccess", "OnFailure"}) {
      const Value* dest = member(*d, when);
      if (dest == nullptr || !dest->is_map()) continue;
      std::string type = text(member(*dest, "Type"));
      Value arn = prop(*dest, "Destination");
      if (arn.is_null() && (type == "SQS" || type == "SNS")) {
        // SAM creates the queue/topic when no Destination is given.
        std::string created = cat(id, "EventInvokeConfig", when, type == "SQS" ? "Queue" : "Topic");
        t.add(created, type == "SQS" ? "AWS::SQS::Queue" : "AWS::SNS::Topic", t.map({}), id);
        arn = type == "SQS" ? t.get_att(created, "Arn") : t.ref(created);
      }
      destinations.emplace_back(std::string(when), t.map({{"Destination", arn}}));
      std::string action = type == "SQS"    ? "sqs:SendMessage"
                           : type == "SNS"  ? "sns:publish"
                           : type == "Lambda" ? "lambda:InvokeFunction"
                           : type == "EventBridge" ? "events:PutEvents"
                                                   : "";
      if (!action.empty() && !arn.is_null())
        role.policies.emplace_back(
            cat(id, "EventInvokeConfig", when, type, "Policy"),
            t.list({t.map({{"Action", t.str(action)}, {"Effect", t.str("Allow")}, {"Resource", arn}})}));
    }
  t.add(cat(id, "EventInvokeConfig"), "AWS::Lambda::EventInvokeConfig",
        t.map({{"FunctionName", t.ref(id)},
               {"Qualifier", qualifier},
               {"MaximumEventAgeInSeconds", prop(*cfg, "MaximumEventAgeInSeconds")},
               {"MaximumRetryAttempts", prop(*cfg, "MaximumRetryAttempts")},
               {"DestinationConfig", destinations.empty() ? Value() : t.map(destinations)}}),
        id);
}

void function_url(Transform& t, const std::string& id, const Value& props, const Target& target) {
  const Value* cfg = member(props, "FunctionUrlConfig");
  if (cfg == nullptr || !cfg->is_map()) return;
  Value auth = prop(*cfg, "AuthType");
  t.add(cat(id, "Url"), "AWS::Lambda::Url",
        t.map({{"TargetFunctionArn", target.ref},
               {"AuthType", auth},
               {"Cors", prop(*cfg, "Cors")},
               {"InvokeMode", prop(*cfg, "InvokeMode")}}),
        id);
  if (text(&auth) == "NONE") {
    t.add(cat(id, "UrlPublicPermissions"), "AWS::Lambda::Permission",
          t.map({{"Action", t.str("lambda:InvokeFunctionUrl")},
                 {"FunctionName", target.ref},
                 {"FunctionUrlAuthType", t.str("NONE")},
                 {"Principal", t.str("*")}}),
          id);
    t.add(cat(id, "URLInvokeAllowPublicAccess"), "AWS::Lambda::Permission",
          t.map({{"Action", t.str("lambda:InvokeFunction")},
                 {"FunctionName", target.ref},
                 {"InvokedViaFunctionUrl", Value::boolean(true)},
                 {"Principal", t.str("*")}}),
          id);
  }
}

void deployment_preference(Transform& t, const std::string& id, const Value& props, const std::string& alias) {
  const Value* pref = member(props, "DeploymentPreference");
  if (pref == nullptr || !pref->is_map() || alias.empty()) return;
  if (const Value* enabled = member(*pref, "Enabled"); enabled && !truthy(enabled)) return;
  t.add("ServerlessDeploymentApplication", "AWS::CodeDeploy::Application",
        t.map({{"ComputePlatform", t.str("Lambda")}}), id);
  Value role = prop(*pref, "Role");
  if (role.is_null()) {
    t.add("CodeDeployServiceRole", "AWS::IAM::Role",
          t.map({{"AssumeRolePolicyDocument",
                  t.map({{"Version", t.str("2012-10-17")},
                         {"Statement",
                          t.list({t.map({{"Action", t.list({t.str("sts:AssumeRole")})},
                                         {"Effect", t.str("Allow")},
                                         {"Principal",
                                          t.map({{"Service", t.list({t.str("codedeploy.amazonaws.com")})}})}})})}})},
                 {"ManagedPolicyArns",
                  t.list({t.str("arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda")})}}),
          id);
    role = t.get_att("CodeDeployServiceRole", "Arn");
  }
  t.add(cat(id, "DeploymentGroup"), "AWS::CodeDeploy::DeploymentGroup",
        t.map({{"ApplicationName", t.ref("ServerlessDeploymentApplication")},
               {"DeploymentConfigName", prop(*pref, "Type")},
               {"ServiceRoleArn", role},
               {"AlarmConfiguration", member(*pref, "Alarms")
                                          ? t.map({{"Enabled", Value::boolean(true)},
                                                   {"Alarms", prop(*pref, "Alarms")}})
                                          : Value()}}),
        id);
}

}  // namespace

void expand_function(Transform& t, const std::string& id, const Value& props) {
  // AutoPublishAlias: a version and an alias; events then invoke the alias.
  const Value* alias_prop = member(props, "AutoPublishAlias");
  Value alias_value = alias_prop ? t.literal(*alias_prop) : Value();
  std::string alias_name = text(&alias_value);
  std::string alias_id;
  Target target{id, t.ref(id), t.get_att(id, "Arn")};
  if (!alias_name.empty()) {
    std::string alias_norm;
    for (char c : alias_name) {  // SAM spells '-' as D and '_' as U in the id
      if (std::isalnum(static_cast<unsigned char>(c))) alias_norm += c;
      if (c == '-') alias_norm += 'D';
      if (c == '_') alias_norm += 'U';
    }
    alias_id = cat(id, "Alias", alias_norm);
    target.ref = t.ref(alias_id);
    target.arn = t.ref(alias_id);
  }

  const Value* role_prop = member(props, "Role");
  // Role: !If [c, <arn>, !Ref AWS::NoValue]: SAM creates <Fn>Role for the other branch.
  const bool conditional_role = role_prop && member(*role_prop, "Fn::If");
  Value role = role_prop ? *role_prop : t.get_att(cat(id, "Role"), "Arn");
  Value dlq;
  if (const Value* d = member(props, "DeadLetterQueue"); d && d->is_map())
    dlq = t.map({{"TargetArn", prop(*d, "TargetArn")}});
  Value tracing = prop(props, "Tracing");
  std::vector<std::pair<std::string, Value>> fn = {
      {"FunctionName", prop(props, "FunctionName")},
      {"Description", prop(props, "Description")},
      {"Code", code(t, props)},
      {"Handler", prop(props, "Handler")},
      {"Runtime", prop(props, "Runtime")},
      {"MemorySize", prop(props, "MemorySize")},
      {"Timeout", prop(props, "Timeout")},
      {"Role", role},
      {"Environment", prop(props, "Environment")},
      {"VpcConfig", prop(props, "VpcConfig")},
      {"KmsKeyArn", prop(props, "KmsKeyArn")},
      {"Layers", prop(props, "Layers")},
      {"TracingConfig", tracing.is_null() ? Value() : t.map({{"Mode", tracing}})},
      {"ReservedConcurrentExecutions", prop(props, "ReservedConcurrentExecutions")},
      {"DeadLetterConfig", dlq},
      {"Architectures", prop(props, "Architectures")},
      {"EphemeralStorage", prop(props, "EphemeralStorage")},
      {"PackageType", prop(props, "PackageType")},
      {"ImageConfig", prop(props, "ImageConfig")},
      {"FileSystemConfigs", prop(props, "FileSystemConfigs")},
      {"CodeSigningConfigArn", prop(props, "CodeSigningConfigArn")},
      {"SnapStart", prop(props, "SnapStart")},
      {"LoggingConfig", prop(props, "LoggingConfig")},
      {"RuntimeManagementConfig", prop(props, "RuntimeManagementConfig")},
      {"RecursiveLoop", prop(props, "RecursiveLoop")},
      {"Tags", tags(t, member(props, "Tags"), "lambda:createdBy")},
  };
  Value fn_props = t.map(fn);
  t.alias(fn_props, props);
  Generated& main = t.add(id, "AWS::Lambda::Function", fn_props, "");
  main.native_type = "AWS::Serverless::Function";

  if (!alias_id.empty()) {
    std::string version = cat(id, "Version", short_hash(main.cfn));
    t.add(version, "AWS::Lambda::Version", t.map({{"FunctionName", t.ref(id)}}), id);
    t.referable(id, "Version", version);
    t.referable(id, "Alias", alias_id);
    t.add(alias_id, "AWS::Lambda::Alias",
          t.map({{"FunctionName", t.ref(id)},
                 {"FunctionVersion", t.get_att(version, "Version")},
                 {"Name", t.str(alias_name)},
                 {"ProvisionedConcurrencyConfig", prop(props, "ProvisionedConcurrencyConfig")}}),
          id);
  }

  // Events first: they add to the role.
  if (const Value* events = member(props, "Events"); events && events->is_map()) {
    // HttpApi APIs (by ApiId text) on which the function has a catch-all route.
    std::vector<std::string> catch_all;
    for (const Member& m : events->as_map()) {
      const Value* p = member(m.value, "Properties");
      if (text(member(m.value, "Type")) == "HttpApi" && (p == nullptr || (!member(*p, "Path") && !member(*p, "Method")))) {
        std::string api;
        if (const Value* a = p ? member(*p, "ApiId") : nullptr) write_json(*a, api);
        catch_all.push_back(api);
      }
    }
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
      if (e.type == "HttpApi" && (member(e.props, "Path") || member(e.props, "Method"))) {
        std::string api;
        if (const Value* a = member(e.props, "ApiId")) write_json(*a, api);
        e.permission_covered = std::find(catch_all.begin(), catch_all.end(), api) != catch_all.end();
      }
      if (e.type == "Api")
        expand_api_event(t, e, target);
      else if (e.type == "HttpApi")
        expand_http_api_event(t, e, target);
      else if (e.type == "SQS" || e.type == "Kinesis" || e.type == "DynamoDB" || e.type == "MQ" || e.type == "MSK" ||
               e.type == "SelfManagedKafka" || e.type == "DocumentDB")
        expand_stream_event(t, e, target);
      else
        expand_function_event(t, e, target);
    }
  }

  // Destinations add policies to the role too.
  event_invoke_config(t, id, props, alias_name.empty() ? t.str("$LATEST") : t.str(alias_name));
  if (role_prop == nullptr || conditional_role) {
    std::vector<Value> managed = {t.str("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")};
    t.add(cat(id, "Role"), "AWS::IAM::Role", function_role(t, id, props, "lambda.amazonaws.com", managed), id);
  }
  function_url(t, id, props, target);
  deployment_preference(t, id, props, alias_id);
}

}  // namespace moat::sam
