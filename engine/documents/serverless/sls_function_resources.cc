// What the Framework generates for a function besides the function itself:
// its log group (`<Name>LogGroup`, always, with logRetentionInDays), its
// asynchronous invocation config (`<Name>LambdaEvConf`, for `destinations`,
// maximumEventAge, maximumRetryAttempts) and its logging config.
#include "documents/serverless/sls_compile.h"

namespace moat::sls {

using cfn::cat;
using cfn::member;

namespace {

// The IAM action a destination needs, by the service of its ARN (the
// Framework grants it on the shared role).
std::string_view destination_action(std::string_view arn) {
  if (arn.find(":sqs:") != std::string_view::npos) return "sqs:SendMessage";
  if (arn.find(":sns:") != std::string_view::npos) return "sns:Publish";
  if (arn.find(":events:") != std::string_view::npos) return "events:PutEvents";
  return "lambda:InvokeFunction";
}

}  // namespace

void Compiler::compile_log_group(std::string_view name, const std::string& fn_id, const Value& def,
                                 const Value& deployed_name, Location loc, const std::string& pointer) {
  if (truthy(member(def, "disableLogs"))) return;  // the Framework then creates none
  // Logging to a group of one's own choosing (logs.logGroup) leaves the
  // default group unused; the Framework still creates it.
  Value retention;
  if (const Value* r = member(def, "logRetentionInDays")) retention = *r;
  else if (const Value* p = provider("logRetentionInDays")) retention = *p;
  Value group_name = deployed_name.is_string() ? str(cat("/aws/lambda/", deployed_name.as_string()))
                                               : join("", {str("/aws/lambda/"), deployed_name});
  Generated g;
  g.id = normalize_name(name) + "LogGroup";
  g.cfn = resource("AWS::Logs::LogGroup",
                   map({{"LogGroupName", group_name},
                        {"RetentionInDays", retention},
                        {"DataProtectionPolicy",
                         provider("logDataProtectionPolicy") ? *provider("logDataProtectionPolicy") : Value()}}));
  g.native_type = "serverless.function.log_group";
  g.location = loc;
  g.pointer = pointer;
  if (member(def, "logRetentionInDays")) {
    g.location = ctx.member_location(def, "logRetentionInDays");
    g.pointer = pointer + "/logRetentionInDays";
    g.native = original(*member(def, "logRetentionInDays"));
  } else if (const Value* p = member(root, "provider"); p && member(*p, "logRetentionInDays")) {
    g.location = ctx.member_location(*p, "logRetentionInDays");
    g.pointer = "/provider/logRetentionInDays";
    g.native = original(*member(*p, "logRetentionInDays"));
  }
  // The function writes to it: the Framework ties them by name only.
  edges.push_back(cfn::Edge{"logs_to", fn_id, g.id, {}});
  add(std::move(g));
}

Value Compiler::destination_arn(const Value& destination) {
  // v3: {type, arn}; a string: an ARN, or the name of a function of the service.
  if (destination.is_map()) {
    if (const Value* arn = member(destination, "arn")) return *arn;
    return destination;  // an intrinsic ({Fn::GetAtt: ...})
  }
  std::string s = text(&destination);
  if (s.starts_with("arn:")) return destination;
  return get_att(function_logical_id(s), "Arn");
}

void Compiler::compile_event_invoke_config(std::string_view name, const std::string& fn_id, const Value& def,
                                           Location loc, const std::string& pointer) {
  const Value* destinations = member(def, "destinations");
  const Value* max_age = member(def, "maximumEventAge");
  const Value* max_retries = member(def, "maximumRetryAttempts");
  if (!destinations && !max_age && !max_retries) return;
  std::vector<std::pair<std::string, Value>> config;
  const Value role = role_for(def);
  const Value* role_att = role.is_map() ? member(role, "Fn::GetAtt") : nullptr;
  const bool shared_role = role_att && role_att->is_list() && role_att->as_list().size &&
                           text(&role_att->as_list().items[0]) == "IamRoleLambdaExecution";
  if (destinations && destinations->is_map()) {
    for (auto [key, cfn_key] : {std::pair{"onSuccess", "OnSuccess"}, std::pair{"onFailure", "OnFailure"}}) {
      const Value* d = member(*destinations, key);
      if (!d || d->is_null()) continue;
      Value arn = destination_arn(*d);
      config.emplace_back(cfn_key, map({{"Destination", arn}}));
      if (!shared_role) continue;
      // The Framework lets the shared role reach the destination.
      std::string arn_text = text(&arn);
      std::string type = d->is_map() ? text(member(*d, "type")) : "";
      std::string_view action = type == "sqs"   ? "sqs:SendMessage"
                                : type == "sns" ? "sns:Publish"
                                : type == "eventBus" ? "events:PutEvents"
                                : type == "function" ? "lambda:InvokeFunction"
                                                     : destination_action(arn_text);
      add_role_statement(map({{"Effect", str("Allow")}, {"Action", str(action)}, {"Resource", arn}}));
    }
  }
  Generated g;
  g.id = normalize_name(name) + "LambdaEvConf";
  g.cfn = resource("AWS::Lambda::EventInvokeConfig",
                   map({{"FunctionName", ref(fn_id)},
                        {"Qualifier", str("$LATEST")},
                        {"DestinationConfig", config.empty() ? Value() : map(config)},
                        {"MaximumEventAgeInSeconds", max_age ? *max_age : Value()},
                        {"MaximumRetryAttempts", max_retries ? *max_retries : Value()}}));
  g.native_type = "serverless.function.destinations";
  g.location = destinations ? ctx.member_location(def, "destinations") : loc;
  g.pointer = destinations ? pointer + "/destinations" : pointer;
  g.native = destinations ? original(*destinations) : Value();
  add(std::move(g));
}

Value Compiler::logging_config(const Value& def) {
  // Framework v3.38+: functions.<f>.logs / provider.logs.lambda
  // {logFormat, applicationLogLevel, systemLogLevel, logGroup}.
  const Value* logs = member(def, "logs");
  if (!logs || !logs->is_map()) logs = provider("logs.lambda");
  if (!logs || !logs->is_map()) return Value();
  auto field = [&](std::string_view key) {
    const Value* v = member(*logs, key);
    return v ? *v : Value();
  };
  Value out = map({{"LogFormat", field("logFormat")},
                   {"ApplicationLogLevel", field("applicationLogLevel")},
                   {"SystemLogLevel", field("systemLogLevel")},
                   {"LogGroup", field("logGroup")}});
  return out.as_map().size ? out : Value();
}

}  // namespace moat::sls
