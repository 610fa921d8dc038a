// Event types other than HTTP: s3, sqs, sns, stream, schedule, eventBridge,
// iot, cognitoUserPool, alb, websocket, cloudwatchLog; and the dispatcher.
#include "documents/serverless/sls_event_compiler.h"

namespace moat::sls {

void EventCompiler::s3() {
  std::string bucket = spec.is_map() ? text(opt("bucket")) : text(&spec);
  Value bucket_value = spec.is_map() && opt("bucket") ? *opt("bucket") : spec;
  if (!bucket_value.is_string()) bucket = arn_name(bucket_value);
  std::string event = spec.is_map() && opt("event") ? text(opt("event")) : "s3:ObjectCreated:*";
  bool existing = truthy(opt("existing"));
  std::string bucket_id = "S3Bucket" + normalize_name(bucket);
  std::vector<Value> filters;
  if (const Value* rules = opt("rules"); rules && rules->is_list())
    for (const Value& r : rules->as_list())
      if (r.is_map())
        for (const Member& m : r.as_map())
          filters.push_back(c.map({{"Name", c.str(m.key.as_string())}, {"Value", m.value}}));
  Value notification =
      c.map({{"Event", c.str(event)},
             {"Function", fn_arn()},
             {"Filter", filters.empty() ? Value() : c.map({{"S3Key", c.map({{"Rules", c.list(filters)}})}})}});
  if (!existing && !c.exists(bucket_id)) {
    Generated& g =
        add(bucket_id, "AWS::S3::Bucket",
            c.map({{"BucketName", c.str(bucket)},
                   {"NotificationConfiguration", c.map({{"LambdaConfigurations", c.list({notification})}})}}));
    (void)g;
  } else if (existing) {
    // The bucket lives elsewhere: the Framework adds a custom resource.
    add(cat(fn_norm, "CustomS3", index), "Custom::S3",
        c.map({{"BucketName", c.str(bucket)},
               {"FunctionArn", fn_arn()},
               {"BucketConfigs", c.list({c.map({{"Event", c.str(event)}})})}}));
  } else {
    c.edges.push_back(cfn::Edge{"triggers", bucket_id, fn_id, {{"event", c.str("s3")}}});
  }
  // SourceAccount too: bucket names are global, the ARN alone does not pin the owner.
  permission(permission_id(cat(normalize_name(bucket), "S3")), "s3.amazonaws.com",
             c.join("", {c.str("arn:"), c.ref("AWS::Partition"), c.str(cat(":s3:::", bucket))}),
             c.ref("AWS::AccountId"));
}

void EventCompiler::sqs() {
  Value arn = spec.is_map() ? opt_value("arn") : spec;
  add(cat(fn_norm, "EventSourceMappingSQS", normalize_name(arn_name(arn))), "AWS::Lambda::EventSourceMapping",
      c.map({{"EventSourceArn", arn},
             {"FunctionName", fn_arn()},
             {"BatchSize", opt_value("batchSize")},
             {"MaximumBatchingWindowInSeconds", opt_value("maximumBatchingWindow")},
             {"Enabled", opt_value("enabled")},
             {"FilterCriteria", opt("filterPatterns") ? c.map({{"Filters", *opt("filterPatterns")}}) : Value()}}));
}

void EventCompiler::stream() {
  Value arn = spec.is_map() ? opt_value("arn") : spec;
  std::string kind = spec.is_map() ? text(opt("type")) : "";
  std::string arn_text = text(&arn);
  if (kind.empty()) kind = arn_text.find(":kinesis:") != std::string::npos ? "kinesis" : "dynamodb";
  std::string name = arn_name(arn);
  if (arn_text.find("/stream/") != std::string::npos) {  // table/<name>/stream/<date>
    size_t t = arn_text.find("table/");
    if (t != std::string::npos) name = arn_text.substr(t + 6, arn_text.find('/', t + 6) - t - 6);
  }
  add(cat(fn_norm, "EventSourceMapping", capitalized_lower(kind), normalize_name(name)),
      "AWS::Lambda::EventSourceMapping",
      c.map({{"EventSourceArn", arn},
             {"FunctionName", fn_arn()},
             {"BatchSize", opt_value("batchSize")},
             {"StartingPosition", opt("startingPosition") ? *opt("startingPosition") : c.str("TRIM_HORIZON")},
             {"Enabled", opt_value("enabled")},
             {"DestinationConfig",
              opt("destinations") && at_path(*opt("destinations"), "onFailure")
                  ? c.map({{"OnFailure", c.map({{"Destination", *at_path(*opt("destinations"), "onFailure")}})}})
                  : Value()}}));
}

void EventCompiler::sns() {
  Value arn;
  std::string topic;
  if (spec.is_map()) {
    arn = opt_value("arn");
    topic = text(opt("topicName"));
  } else if (spec.is_string() && spec.as_string().starts_with("arn:")) {
    arn = spec;
  } else {
    topic = text(&spec);
  }
  if (topic.empty()) topic = arn_name(arn);
  std::string topic_id = "SNSTopic" + normalize_name(topic);
  Value topic_arn = arn;
  if (arn.is_null()) {
    if (!c.exists(topic_id)) {
      Generated g;
      g.id = topic_id;
      g.cfn = c.resource("AWS::SNS::Topic", c.map({{"TopicName", c.str(topic)}}));
      g.native_type = "serverless.event.sns.topic";
      g.location = loc;
      g.pointer = pointer;
      g.native = native;
      c.add(std::move(g));
    }
    topic_arn = c.ref(topic_id);
    c.edges.push_back(cfn::Edge{"triggers", topic_id, fn_id, {{"event", c.str("sns")}}});
  }
  add(cat(fn_norm, "SnsSubscription", normalize_name(topic)), "AWS::SNS::Subscription",
      c.map({{"TopicArn", topic_arn},
             {"Protocol", c.str("lambda")},
             {"Endpoint", fn_arn()},
             {"FilterPolicy", opt_value("filterPolicy")}}));
  // A topic of the service: the Framework writes its ARN from the name.
  permission(permission_id(cat(normalize_name(topic), "SNS")), "sns.amazonaws.com",
             arn.is_null() ? regional_arn("sns", {c.str(topic)}) : arn);
}

void EventCompiler::schedule() {
  Value rate = spec.is_map() ? opt_value("rate") : spec;
  if (rate.is_list() && rate.as_list().size > 0) rate = rate.as_list().items[0];
  bool enabled = !(spec.is_map() && opt("enabled") && !truthy(opt("enabled")));
  std::string rule_id = cat(fn_norm, "EventsRuleSchedule", index + 1);
  add(rule_id, "AWS::Events::Rule",
      c.map({{"ScheduleExpression", rate},
             {"State", c.str(enabled ? "ENABLED" : "DISABLED")},
             {"Name", opt_value("name")},
             {"Targets",
              c.list({c.map(
                  {{"Arn", fn_arn()}, {"Id", c.str(cat(fn_norm, "Schedule"))}, {"Input", opt_value("input")}})})}}));
  permission(permission_id(cat("EventsRuleSchedule", index + 1)), "events.amazonaws.com", c.get_att(rule_id, "Arn"));
}

void EventCompiler::event_bridge() {
  Value pattern = opt_value("pattern");
  add(cat(fn_norm, "EventBridgeRule", index + 1), "AWS::Events::Rule",
      c.map({{"EventPattern", pattern},
             {"ScheduleExpression", opt_value("schedule")},
             {"EventBusName", opt_value("eventBus")},
             {"State", c.str(opt("enabled") && !truthy(opt("enabled")) ? "DISABLED" : "ENABLED")},
             {"Targets", c.list({c.map({{"Arn", fn_arn()}, {"Id", c.str(cat(fn_norm, "EventBridgeTarget"))}})})}}));
  // arn:...:events:<region>:<account>:rule/[<bus>/]<name>; an unnamed rule
  // is "<function name>-rule-<n>" (the Framework's makeRuleName).
  Value rule_name = opt_value("name");
  if (rule_name.is_null()) {
    const Value* deployed = c.function_name(fn_id);
    rule_name = deployed && deployed->is_string() ? c.str(cat(deployed->as_string(), "-rule-", index + 1))
                                                  : c.str(cat(fn_name, "-rule-", index + 1));
  }
  std::vector<Value> path = {c.str("rule")};
  if (Value bus = opt_value("eventBus"); !bus.is_null() && text(&bus) != "default") path.push_back(bus);
  path.push_back(rule_name);
  permission(cat(fn_norm, "EventBridgeLambdaPermission", index + 1), "events.amazonaws.com",
             c.join(":", {c.str("arn"), c.ref("AWS::Partition"), c.str("events"), c.ref("AWS::Region"),
                          c.ref("AWS::AccountId"), c.join("/", path)}));
}

void EventCompiler::iot() {
  add(cat(fn_norm, "IotTopicRule", index + 1), "AWS::IoT::TopicRule",
      c.map({{"RuleName", opt_value("name")},
             {"TopicRulePayload",
              c.map({{"Sql", opt_value("sql")},
                     {"RuleDisabled", Value::boolean(opt("enabled") && !truthy(opt("enabled")))},
                     {"Actions", c.list({c.map({{"Lambda", c.map({{"FunctionArn", fn_arn()}})}})})}})}}));
}

void EventCompiler::cognito() {
  std::string pool = text(opt("pool"));
  std::string trigger = text(opt("trigger"));
  std::string pool_id = "CognitoUserPool" + normalize_name(pool);
  std::string key = trigger;
  if (!key.empty()) key[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(key[0])));
  if (truthy(opt("existing"))) {
    add(cat(fn_norm, "CustomCognitoUserPool", index + 1), "Custom::CognitoUserPool",
        c.map({{"UserPoolName", c.str(pool)}, {"FunctionArn", fn_arn()}, {"Trigger", c.str(trigger)}}));
  } else if (!c.exists(pool_id)) {
    add(pool_id, "AWS::Cognito::UserPool",
        c.map({{"UserPoolName", c.str(pool)}, {"LambdaConfig", c.map({{trigger, fn_arn()}})}}));
  } else {
    c.edges.push_back(cfn::Edge{"triggers", pool_id, fn_id, {{"event", c.str("cognitoUserPool")}}});
  }
  permission(permission_id(cat("CognitoUserPool", normalize_name(pool), "TriggerSource", normalize_name(trigger))),
             "cognito-idp.amazonaws.com", truthy(opt("existing")) ? Value() : c.get_att(pool_id, "Arn"));
}

void EventCompiler::alb() {
  std::string priority = text(opt("priority"));
  std::string tg = cat(fn_norm, "AlbTargetGroup", normalize_name(arn_name(opt_value("listenerArn"))), priority);
  {
    Generated g;
    g.id = tg;
    g.cfn = c.resource("AWS::ElasticLoadBalancingV2::TargetGroup",
                       c.map({{"TargetType", c.str("lambda")}, {"Targets", c.list({c.map({{"Id", fn_arn()}})})}}));
    g.native_type = "serverless.event.alb.target_group";
    g.location = loc;
    g.pointer = pointer;
    c.add(std::move(g));
  }
  add(cat(fn_norm, "AlbListenerRule", priority), "AWS::ElasticLoadBalancingV2::ListenerRule",
      c.map({{"ListenerArn", opt_value("listenerArn")},
             {"Priority", opt_value("priority")},
             {"Conditions", opt_value("conditions")},
             {"Actions", c.list({c.map({{"Type", c.str("forward")}, {"TargetGroupArn", c.ref(tg)}})})}}));
  // Invocation from the target group; registering the target needs one
  // without a source.
  permission(permission_id("Alb"), "elasticloadbalancing.amazonaws.com", c.ref(tg));
  permission(permission_id("RegisterTarget"), "elasticloadbalancing.amazonaws.com", Value());
}

void EventCompiler::websocket() {
  std::string route = spec.is_map() ? text(opt("route")) : text(&spec);
  Value authorizer = opt_value("authorizer");
  if (!c.exists("WebsocketsApi")) {
    Generated g;
    g.id = "WebsocketsApi";
    g.cfn = c.resource("AWS::ApiGatewayV2::Api",
                       c.map({{"Name", c.str(cat(c.stage(), "-", c.service_name(), "-websockets"))},
                              {"ProtocolType", c.str("WEBSOCKET")},
                              {"RouteSelectionExpression", c.str("$request.body.action")}}));
    g.native_type = "serverless.provider.websocketsApi";
    g.location = loc;
    g.pointer = pointer;
    c.add(std::move(g));
  }
  std::string integration = cat(fn_norm, "WebsocketsIntegration");
  if (!c.exists(integration)) {
    Generated g;
    g.id = integration;
    g.cfn = c.resource("AWS::ApiGatewayV2::Integration", c.map({{"ApiId", c.ref("WebsocketsApi")},
                                                                {"IntegrationType", c.str("AWS_PROXY")},
                                                                {"IntegrationUri", fn_arn()}}));
    g.native_type = "serverless.event.websocket.integration";
    g.location = loc;
    g.pointer = pointer;
    c.add(std::move(g));
    // The Framework gives WebSocket permissions no SourceArn.
    permission(permission_id("Websockets"), "apigateway.amazonaws.com", Value());
  }
  std::string route_name = route;
  if (route_name.starts_with("$")) route_name = route_name.substr(1);
  add(cat(normalize_name(route_name), "WebsocketsRoute"), "AWS::ApiGatewayV2::Route",
      c.map({{"ApiId", c.ref("WebsocketsApi")},
             {"RouteKey", c.str(route)},
             {"AuthorizationType", c.str(authorizer.is_null() ? "NONE" : "CUSTOM")},
             {"Target",
              c.map({{"Fn::Join", c.list({c.str("/"), c.list({c.str("integrations"), c.ref(integration)})})}})}}));
}

void EventCompiler::cloudwatch_log() {
  Value group = spec.is_map() ? opt_value("logGroup") : spec;
  add(cat(fn_norm, "LogsSubscriptionFilterCloudWatchLog", index + 1), "AWS::Logs::SubscriptionFilter",
      c.map({{"LogGroupName", group},
             {"FilterPattern", opt("filter") ? *opt("filter") : c.str("")},
             {"DestinationArn", fn_arn()}}));
  // One per function: its SourceArn covers the longest common prefix of the
  // function's log groups ('*'-terminated when several).
  log_groups.push_back(text(&group));
  std::string prefix = log_groups.front();
  for (const std::string& g : log_groups) {
    size_t i = 0;
    while (i < prefix.size() && i < g.size() && prefix[i] == g[i]) ++i;
    prefix.resize(i);
  }
  if (log_groups.size() > 1 && !prefix.ends_with("*")) prefix += "*";
  // The Framework writes the regional principal (logs.<region>.amazonaws.com);
  // the global name keeps the principal known.
  Value props = c.map({{"FunctionName", fn_arn()},
                       {"Action", c.str("lambda:InvokeFunction")},
                       {"Principal", c.str("logs.amazonaws.com")},
                       {"SourceArn", regional_arn("logs", {c.str(cat("log-group:", prefix, ":*"))})}});
  // A later event widens the permission the first one created.
  add(permission_id("LogsSubscriptionFilterCloudWatchLog"), "AWS::Lambda::Permission", props, false).cfn =
      c.resource("AWS::Lambda::Permission", props);
}

void compile_events(Compiler& c, std::string_view fn_name, const std::string& fn_id, const Value& events,
                    const std::string& pointer) {
  int index = 0;
  std::vector<std::string> log_groups;  // cloudwatchLog groups of this function so far
  for (const Value& e : events.as_list()) {
    std::string event_pointer = cat(pointer, "/", index);
    Location loc = c.ctx.location_of(e);
    if (!e.is_map() || e.as_map().size != 1) {
      c.ctx.warn(cat("function ", fn_name, ": event ", index, " is not a one-key map; skipped"), loc);
      ++index;
      continue;
    }
    const Member& m = *e.as_map().begin();
    const Value raw_event = c.original(e);
    const Value* raw_spec = raw_event.is_map() ? member(raw_event, m.key.as_string()) : nullptr;
    EventCompiler ec{c,
                     std::string(fn_name),
                     fn_id,
                     normalize_name(fn_name),
                     std::string(m.key.as_string()),
                     m.value,
                     raw_spec ? *raw_spec : m.value,
                     c.ctx.member_location(e, m.key.as_string()),
                     event_pointer,
                     index,
                     log_groups};
    c.ctx.current = ec.loc;
    const std::string& t = ec.type;
    if (t == "http")
      ec.http();
    else if (t == "httpApi")
      ec.http_api();
    else if (t == "s3")
      ec.s3();
    else if (t == "sqs")
      ec.sqs();
    else if (t == "sns")
      ec.sns();
    else if (t == "stream")
      ec.stream();
    else if (t == "schedule")
      ec.schedule();
    else if (t == "eventBridge" || t == "cloudwatchEvent")
      ec.event_bridge();
    else if (t == "iot")
      ec.iot();
    else if (t == "cognitoUserPool")
      ec.cognito();
    else if (t == "alb")
      ec.alb();
    else if (t == "websocket")
      ec.websocket();
    else if (t == "cloudwatchLog")
      ec.cloudwatch_log();
    else
      c.ctx.warn(cat("function ", fn_name, ": event type ", t, " is not modeled; skipped"), ec.loc);
    ++index;
  }
}

}  // namespace moat::sls
