// Function events that push to Lambda: S3, SNS, Schedule, ScheduleV2,
// CloudWatchEvent, EventBridgeRule, CloudWatchLogs, IoTRule, Cognito,
// AlexaSkill. Each becomes its trigger resource (the bucket's notification,
// a subscription, a rule, ...) and the AWS::Lambda::Permission SAM writes.
#include "documents/sam/sam_transform.h"

namespace moat::sam {

namespace {

Value prop(const Event& e, std::string_view key) {
  const Value* v = member(e.props, key);
  return v ? *v : Value();
}

void permission(Transform& t, const Event& e, const Target& target, std::string_view principal, Value source_arn,
                Value source_account = Value(), std::string id = "", Value token = Value()) {
  t.add_for_event(id.empty() ? cat(e.owner, e.name, "Permission") : id, "AWS::Lambda::Permission",
                  t.map({{"Action", t.str("lambda:InvokeFunction")},
                         {"FunctionName", target.ref},
                         {"Principal", t.str(principal)},
                         {"SourceArn", source_arn},
                         {"SourceAccount", source_account},
                         {"EventSourceToken", token}}),
                  e);
}

// SQS dead-letter queue of a rule or schedule target: {Arn} or a queue SAM creates.
Value dead_letter(Transform& t, const Event& e, std::string_view rule_arn_source_id) {
  const Value* dlq = member(e.props, "DeadLetterConfig");
  if (dlq == nullptr || !dlq->is_map()) return Value();
  if (const Value* arn = member(*dlq, "Arn")) return t.map({{"Arn", *arn}});
  std::string queue = text(member(*dlq, "QueueLogicalId"));
  if (queue.empty()) queue = cat(e.owner, e.name, "Queue");
  t.add_for_event(queue, "AWS::SQS::Queue", t.map({}), e);
  t.add_for_event(
      cat(queue, "Policy"), "AWS::SQS::QueuePolicy",
      t.map({{"Queues", t.list({t.ref(queue)})},
             {"PolicyDocument",
              t.map({{"Version", t.str("2012-10-17")},
                     {"Statement",
                      t.list({t.map({{"Action", t.str("sqs:SendMessage")},
                                     {"Effect", t.str("Allow")},
                                     {"Principal", t.map({{"Service", t.str("events.amazonaws.com")}})},
                                     {"Resource", t.get_att(queue, "Arn")},
                                     {"Condition", t.map({{"ArnEquals", t.map({{"aws:SourceArn", t.get_att(
                                                                                   std::string(rule_arn_source_id),
                                                                                   "Arn")}})}})}})})}})}}),
      e);
  return t.map({{"Arn", t.get_att(queue, "Arn")}});
}

void s3(Transform& t, const Event& e, const Target& target) {
  permission(t, e, target, "s3.amazonaws.com", Value(), t.ref("AWS::AccountId"));
  std::string bucket = ref_target(prop(e, "Bucket"));
  Value* changed = bucket.empty() ? nullptr : t.changed_resource(bucket);
  if (changed == nullptr) {
    t.warn(cat("event ", e.name, " of ", e.owner, ": Bucket must name an AWS::S3::Bucket of the template"), e.location);
    return;
  }
  std::vector<Value> events;
  Value ev = prop(e, "Events");
  if (ev.is_list())
    events.assign(ev.as_list().begin(), ev.as_list().end());
  else if (!ev.is_null())
    events.push_back(ev);
  const Value* props = member(*changed, "Properties");
  Value p = props ? *props : t.map({});
  const Value* nc = member(p, "NotificationConfiguration");
  Value config = nc ? *nc : t.map({});
  const Value* existing = member(config, "LambdaConfigurations");
  std::vector<Value> lambda;
  if (existing && existing->is_list()) lambda.assign(existing->as_list().begin(), existing->as_list().end());
  for (const Value& one : events)
    lambda.push_back(t.map({{"Event", one}, {"Function", target.arn}, {"Filter", prop(e, "Filter")}}));
  config = t.with(config, "LambdaConfigurations", t.list(lambda));
  *changed = t.with(*changed, "Properties", t.with(p, "NotificationConfiguration", config));
}

void sns(Transform& t, const Event& e, const Target& target) {
  Value topic = prop(e, "Topic");
  const Value* sqs = member(e.props, "SqsSubscription");
  if (truthy(sqs)) {
    // Topic -> a queue SAM creates (or names) -> the function.
    std::string queue = cat(e.owner, e.name, "Queue");
    Value queue_arn = t.get_att(queue, "Arn"), queue_url = t.ref(queue), batch = Value::integer(10), enabled;
    if (sqs->is_map()) {
      if (const Value* a = member(*sqs, "QueueArn")) queue_arn = *a;
      if (const Value* u = member(*sqs, "QueueUrl")) queue_url = *u;
      if (const Value* b = member(*sqs, "BatchSize")) batch = *b;
      if (const Value* en = member(*sqs, "Enabled")) enabled = *en;
    }
    if (!(sqs->is_map() && member(*sqs, "QueueArn"))) t.add_for_event(queue, "AWS::SQS::Queue", t.map({}), e);
    std::string policy_id = cat(e.owner, e.name, "QueuePolicy");
    if (sqs->is_map() && member(*sqs, "QueuePolicyLogicalId")) policy_id = text(member(*sqs, "QueuePolicyLogicalId"));
    t.add_for_event(
        policy_id, "AWS::SQS::QueuePolicy",
        t.map({{"Queues", t.list({queue_url})},
               {"PolicyDocument",
                t.map({{"Version", t.str("2012-10-17")},
                       {"Statement", t.list({t.map({{"Action", t.str("sqs:SendMessage")},
                                                    {"Effect", t.str("Allow")},
                                                    {"Principal", t.str("*")},
                                                    {"Resource", queue_arn},
                                                    {"Condition", t.map({{"ArnEquals",
                                                                          t.map({{"aws:SourceArn", topic}})}})}})})}})}}),
        e);
    t.add_for_event(cat(e.owner, e.name), "AWS::SNS::Subscription",
                    t.map({{"Endpoint", queue_arn},
                           {"Protocol", t.str("sqs")},
                           {"TopicArn", topic},
                           {"FilterPolicy", prop(e, "FilterPolicy")},
                           {"FilterPolicyScope", prop(e, "FilterPolicyScope")},
                           {"Region", prop(e, "Region")}}),
                    e);
    t.add_for_event(cat(e.owner, e.name, "EventSourceMapping"), "AWS::Lambda::EventSourceMapping",
                    t.map({{"BatchSize", batch},
                           {"Enabled", enabled.is_null() ? Value::boolean(true) : enabled},
                           {"EventSourceArn", queue_arn},
                           {"FunctionName", target.ref}}),
                    e);
    t.role_additions(e.owner).managed_arns.push_back(
        t.str("arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"));
    return;
  }
  t.add_for_event(cat(e.owner, e.name), "AWS::SNS::Subscription",
                  t.map({{"Endpoint", target.arn},
                         {"Protocol", t.str("lambda")},
                         {"TopicArn", topic},
                         {"FilterPolicy", prop(e, "FilterPolicy")},
                         {"FilterPolicyScope", prop(e, "FilterPolicyScope")},
                         {"RedrivePolicy", prop(e, "RedrivePolicy")},
                         {"Region", prop(e, "Region")}}),
                  e);
  permission(t, e, target, "sns.amazonaws.com", topic);
}

// Schedule, CloudWatchEvent, EventBridgeRule: an AWS::Events::Rule targeting the function.
void rule(Transform& t, const Event& e, const Target& target) {
  std::string id = cat(e.owner, e.name);
  Value state = prop(e, "State");
  if (const Value* enabled = member(e.props, "Enabled"); enabled && state.is_null())
    state = t.str(truthy(enabled) ? "ENABLED" : "DISABLED");
  std::string target_id = cat(id, "LambdaTarget");
  if (const Value* tg = member(e.props, "Target"); tg && tg->is_map() && member(*tg, "Id"))
    target_id = text(member(*tg, "Id"));
  Value dlq = dead_letter(t, e, id);
  Value target_entry = t.map({{"Arn", target.arn},
                              {"Id", t.str(target_id)},
                              {"Input", prop(e, "Input")},
                              {"InputPath", prop(e, "InputPath")},
                              {"InputTransformer", prop(e, "InputTransformer")},
                              {"RetryPolicy", prop(e, "RetryPolicy")},
                              {"DeadLetterConfig", dlq}});
  t.add_for_event(id, "AWS::Events::Rule",
                  t.map({{"ScheduleExpression", prop(e, "Schedule")},
                         {"EventPattern", prop(e, "Pattern")},
                         {"EventBusName", prop(e, "EventBusName")},
                         {"Name", prop(e, "Name")},
                         {"Description", prop(e, "Description")},
                         {"State", state},
                         {"Targets", t.list({target_entry})}}),
                  e);
  permission(t, e, target, "events.amazonaws.com", t.get_att(id, "Arn"));
}

void schedule_v2(Transform& t, const Event& e, const Target& target) {
  std::string id = cat(e.owner, e.name);
  Value role = prop(e, "RoleArn");
  if (role.is_null()) {
    std::string role_id = cat(id, "Role");
    t.add_for_event(
        role_id, "AWS::IAM::Role",
        t.map({{"AssumeRolePolicyDocument",
                t.map({{"Version", t.str("2012-10-17")},
                       {"Statement",
                        t.list({t.map({{"Action", t.list({t.str("sts:AssumeRole")})},
                                       {"Effect", t.str("Allow")},
                                       {"Principal", t.map({{"Service", t.list({t.str("scheduler.amazonaws.com")})}})}})})}})},
               {"Policies",
                t.list({t.map({{"PolicyName", t.str(cat(id, "LambdaPolicy"))},
                               {"PolicyDocument",
                                t.map({{"Statement", t.list({t.map({{"Action", t.str("lambda:InvokeFunction")},
                                                                    {"Effect", t.str("Allow")},
                                                                    {"Resource", target.arn}})})}})}})})}}),
        e);
    role = t.get_att(role_id, "Arn");
  }
  Value dlq = dead_letter(t, e, id);
  t.add_for_event(id, "AWS::Scheduler::Schedule",
                  t.map({{"Name", prop(e, "Name").is_null() ? t.str(id) : prop(e, "Name")},
                         {"ScheduleExpression", prop(e, "ScheduleExpression")},
                         {"FlexibleTimeWindow", prop(e, "FlexibleTimeWindow").is_null()
                                                    ? t.map({{"Mode", t.str("OFF")}})
                                                    : prop(e, "FlexibleTimeWindow")},
                         {"State", prop(e, "State")},
                         {"GroupName", prop(e, "GroupName")},
                         {"KmsKeyArn", prop(e, "KmsKeyArn")},
                         {"Target", t.map({{"Arn", target.arn},
                                           {"RoleArn", role},
                                           {"Input", prop(e, "Input")},
                                           {"RetryPolicy", prop(e, "RetryPolicy")},
                                           {"DeadLetterConfig", dlq}})}}),
                  e);
}

void cloudwatch_logs(Transform& t, const Event& e, const Target& target) {
  Value group = prop(e, "LogGroupName");
  t.add_for_event(cat(e.owner, e.name), "AWS::Logs::SubscriptionFilter",
                  t.map({{"DestinationArn", target.arn},
                         {"FilterPattern", prop(e, "FilterPattern")},
                         {"LogGroupName", group}}),
                  e);
  permission(
      t, e, target, "logs.amazonaws.com",
      t.map({{"Fn::Sub", t.list({t.str("arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:${__LogGroupName__}:*"),
                                 t.map({{"__LogGroupName__", group}})})}}));
}

void iot_rule(Transform& t, const Event& e, const Target& target) {
  std::string id = cat(e.owner, e.name);
  t.add_for_event(id, "AWS::IoT::TopicRule",
                  t.map({{"TopicRulePayload",
                          t.map({{"Sql", prop(e, "Sql")},
                                 {"AwsIotSqlVersion", prop(e, "AwsIotSqlVersion")},
                                 {"RuleDisabled", Value::boolean(false)},
                                 {"Actions", t.list({t.map({{"Lambda", t.map({{"FunctionArn", target.arn}})}})})}})}}),
                  e);
  permission(t, e, target, "iot.amazonaws.com",
             t.map({{"Fn::Sub", t.list({t.str("arn:aws:iot:${AWS::Region}:${AWS::AccountId}:rule/${RuleName}"),
                                        t.map({{"RuleName", t.ref(id)}})})}}),
             t.sub("${AWS::AccountId}"));
}

// Cognito: the user pool's LambdaConfig gets the trigger(s).
void cognito(Transform& t, const Event& e, const Target& target) {
  std::string pool = ref_target(prop(e, "UserPool"));
  permission(t, e, target, "cognito-idp.amazonaws.com", t.get_att(pool, "Arn"), Value(),
             cat(e.owner, "CognitoPermission"));
  Value* changed = pool.empty() ? nullptr : t.changed_resource(pool);
  if (changed == nullptr) {
    t.warn(cat("event ", e.name, " of ", e.owner, ": UserPool must name an AWS::Cognito::UserPool of the template"),
           e.location);
    return;
  }
  const Value* props = member(*changed, "Properties");
  Value p = props ? *props : t.map({});
  const Value* lc = member(p, "LambdaConfig");
  Value config = lc ? *lc : t.map({});
  Value triggers = prop(e, "Trigger");
  std::vector<Value> names;
  if (triggers.is_list())
    names.assign(triggers.as_list().begin(), triggers.as_list().end());
  else
    names.push_back(triggers);
  for (const Value& n : names)
    if (n.is_string()) config = t.with(config, n.as_string(), target.arn);
  *changed = t.with(*changed, "Properties", t.with(p, "LambdaConfig", config));
}

}  // namespace

void expand_function_event(Transform& t, const Event& e, const Target& target) {
  if (e.type == "S3") return s3(t, e, target);
  if (e.type == "SNS") return sns(t, e, target);
  if (e.type == "Schedule" || e.type == "CloudWatchEvent" || e.type == "EventBridgeRule") return rule(t, e, target);
  if (e.type == "ScheduleV2") return schedule_v2(t, e, target);
  if (e.type == "CloudWatchLogs") return cloudwatch_logs(t, e, target);
  if (e.type == "IoTRule") return iot_rule(t, e, target);
  if (e.type == "Cognito") return cognito(t, e, target);
  if (e.type == "AlexaSkill")
    return permission(t, e, target, "alexa-appkit.amazon.com", Value(), Value(),
                      cat(e.owner, "AlexaSkillEventPermission"), prop(e, "SkillId"));
  t.warn(cat("event ", e.name, " of ", e.owner, ": type ", e.type, " is not supported by Moat's SAM transform; skipped"),
         e.location);
}

}  // namespace moat::sam
