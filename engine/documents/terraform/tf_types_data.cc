// aws_s3_* (split sub-resources folded into their bucket), SQS, SNS, logs,
// KMS, secrets, SSM, Cognito, CloudTrail, EventBridge, DynamoDB.
#include "documents/terraform/tf_plan.h"
#include "documents/json_reader.h"

namespace moat::tf {

using cfn::cat;
using cfn::MapBuilder;
using cfn::member;

namespace {

constexpr std::string_view kBucket = "aws_s3_bucket";

Value bool_of_status(const Value& v) {
  return v.is_string() ? Value::boolean(v.as_string() == "Enabled") : v;
}

// Encryption {algorithm, kms_key, bucket_key} from a server_side_encryption_configuration block.
Value encryption(TfResource& r, const Value& config) {
  const Value* rule = member(config, "rule");
  if (rule && rule->is_list()) rule = rule->as_list().size ? &rule->as_list().items[0] : nullptr;
  if (rule == nullptr) return Value();
  MapBuilder enc;
  const Value* d = member(*rule, "apply_server_side_encryption_by_default");
  if (d && d->is_list()) d = d->as_list().size ? &d->as_list().items[0] : nullptr;
  if (d) {
    if (const Value* a = member(*d, "sse_algorithm"); a && !a->is_null()) enc.set("algorithm", *a);
    if (const Value* k = member(*d, "kms_master_key_id"); k && !k->is_null() &&
                                                          !(k->is_string() && k->as_string().empty())) {
      std::string id = r.plan.resource_with_value(*k);
      enc.set("kms_key", id.empty() ? *k : r.ctx().str(id));
    }
  }
  if (const Value* bk = member(*rule, "bucket_key_enabled"); bk && !bk->is_null()) enc.set("bucket_key", *bk);
  return enc.empty() ? Value() : enc.build(r.ctx());
}

// notifications [{event, target_type, target, filter}] (one per event) and their edges.
Value notifications(TfResource& r, std::string_view bucket_id) {
  std::vector<Value> out;
  static constexpr struct {
    std::string_view block, arn, type;
  } kKinds[] = {{"lambda_function", "lambda_function_arn", "lambda"},
                {"queue", "queue_arn", "queue"},
                {"topic", "topic_arn", "topic"}};
  for (const auto& k : kKinds) {
    const Value* list = r.get(k.block);
    if (!list || !list->is_list()) continue;
    for (uint32_t i = 0; i < list->as_list().size; ++i) {
      const Value& c = list->as_list().items[i];
      const Value* arn = member(c, k.arn);
      std::string target = arn ? r.ref_value(cat(k.block, ".", i, ".", k.arn), *arn) : "";
      MapBuilder filter;
      for (auto [key, attr] : {std::pair{"prefix", "filter_prefix"}, std::pair{"suffix", "filter_suffix"}})
        if (const Value* f = member(c, attr); f && f->is_string() && !f->as_string().empty()) filter.set(key, *f);
      Value filter_v = filter.empty() ? Value() : filter.build(r.ctx());
      const Value* events = member(c, "events");
      std::vector<Value> evs;
      if (events && events->is_list()) evs.assign(events->as_list().begin(), events->as_list().end());
      if (evs.empty()) evs.push_back(Value());
      for (const Value& e : evs) {
        MapBuilder b;
        if (!e.is_null()) b.set("event", e);
        b.set("target_type", Value::string(k.type));
        if (arn) b.set("target", target.empty() ? *arn : r.ctx().str(target));
        if (!filter_v.is_null()) b.set("filter", filter_v);
        out.push_back(b.build(r.ctx()));
        if (!target.empty() && !bucket_id.empty()) {
          std::vector<std::pair<std::string, Value>> extra;
          if (!e.is_null()) extra.emplace_back("event", e);
          if (!filter_v.is_null()) extra.emplace_back("filter", filter_v);
          r.edge(k.type == "lambda" ? "triggers" : "notifies", bucket_id, target, extra);
        }
      }
    }
  }
  return out.empty() ? Value() : make_list(r.ctx().arena, out);
}

void bucket(TfResource& r) {
  r.set("name", "bucket");
  r.set("acl", "acl");
  r.set("object_lock", "object_lock_enabled", Conv::kBool);
  // Provider v3 inline blocks (v4+ splits them into sub-resources).
  if (const Value* v = r.get("versioning.enabled"); v && v->is_bool())
    r.rc.put("versioning", *v, "versioning");
  if (const Value* c = r.get("server_side_encryption_configuration.0"))
    if (Value e = encryption(r, *c); !e.is_null()) r.rc.put("encryption", e, "server_side_encryption_configuration");
  if (r.get("logging.target_bucket")) {
    r.set_ref("logging.target_bucket", "logging.target_bucket", "logs_to", false, kBucket);
    r.set("logging.prefix", "logging.target_prefix");
  }
  r.statements("policy_statements", "policy");
  r.set("website", "website.0");
  r.set("cors", "cors_rule");
  r.set("lifecycle", "lifecycle_rule");
}

// The bucket a sub-resource configures (its `bucket` attribute), or "".
std::string bucket_of(TfResource& r) { return r.set_ref("bucket", "bucket", {}, false, kBucket); }

void public_access_block(TfResource& r) {
  std::string b = bucket_of(r);
  for (std::string_view k : {"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"}) {
    Value v = r.set(cat("public_access_block.", k), k, Conv::kBool);
    if (!b.empty() && !v.is_null()) r.contribute(b, cat("public_access_block.", k), v);
  }
}

void bucket_notification(TfResource& r) {
  std::string b = bucket_of(r);
  Value n = notifications(r, b);
  if (!n.is_null()) {
    r.rc.put("notifications", n, "");
    if (!b.empty()) r.contribute(b, "notifications", n);
  }
  if (const Value* eb = r.get("eventbridge"); eb && eb->is_bool() && eb->as_bool()) {
    r.rc.put("eventbridge_notifications", *eb, "eventbridge");
    if (!b.empty()) r.contribute(b, "eventbridge_notifications", *eb);
  }
}

void bucket_encryption(TfResource& r) {
  std::string b = bucket_of(r);
  Value e = encryption(r, r.res.values);
  if (e.is_null()) return;
  r.rc.put("encryption", e, "rule");
  if (!b.empty()) r.contribute(b, "encryption", e);
}

void bucket_versioning(TfResource& r) {
  std::string b = bucket_of(r);
  const Value* s = r.get("versioning_configuration.status");
  if (s == nullptr) return;
  Value v = bool_of_status(*s);
  r.rc.put("versioning", v, "versioning_configuration");
  if (!b.empty()) r.contribute(b, "versioning", v);
}

void bucket_logging(TfResource& r) {
  std::string b = bucket_of(r);
  std::string target = r.ref("target_bucket", kBucket);
  MapBuilder l;
  if (const Value* t = r.get("target_bucket")) l.set("target_bucket", target.empty() ? *t : r.ctx().str(target));
  if (const Value* p = r.get("target_prefix")) l.set("prefix", *p);
  if (l.empty()) return;
  Value v = l.build(r.ctx());
  r.rc.put("logging", v, "target_bucket");
  if (b.empty()) return;
  r.contribute(b, "logging", v);
  if (!target.empty()) r.edge("logs_to", b, target);
}

void bucket_policy(TfResource& r) {
  std::string b = bucket_of(r);
  r.statements("statements", "policy");
  if (!b.empty()) r.edge("applies_to", r.id(), b);
}

void queue(TfResource& r) {
  r.set("name", "name");
  r.set("visibility_timeout", "visibility_timeout_seconds", Conv::kInt);
  r.set_ref("kms_key", "kms_master_key_id");
  r.set("sqs_managed_sse", "sqs_managed_sse_enabled", Conv::kBool);
  r.set("fifo", "fifo_queue", Conv::kBool);
  r.set("message_retention", "message_retention_seconds", Conv::kInt);
  r.set("delay_seconds", "delay_seconds", Conv::kInt);
  r.set("receive_wait_time", "receive_wait_time_seconds", Conv::kInt);
  r.statements("policy_statements", "policy");
  const Value* rp = r.get("redrive_policy");
  if (rp == nullptr || (rp->is_string() && rp->as_string().empty())) return;
  Value parsed = *rp;
  if (rp->is_string()) {
    JsonError error;
    if (!read_json(rp->as_string(), r.ctx().arena, JsonLimits{}, &parsed, &error)) parsed = *rp;
  }
  if (const Value* t = member(parsed, "deadLetterTargetArn")) {
    std::string id = r.ref_value("redrive_policy", *t);
    r.rc.put("redrive.dead_letter_target", id.empty() ? *t : r.ctx().str(id), "redrive_policy");
    if (!id.empty()) r.edge("dead_letter", r.id(), id);
  } else {
    r.rc.put("redrive.dead_letter_target", parsed, "redrive_policy");
  }
  if (const Value* c = member(parsed, "maxReceiveCount"))
    r.rc.put("redrive.max_receive_count", r.rc.convert(*c, Conv::kInt), "redrive_policy");
}

void queue_policy(TfResource& r) {
  r.statements("statements", "policy");
  std::string q = r.ref("queue_url", "aws_sqs_queue");
  if (const Value* u = r.get("queue_url")) {
    Value one = q.empty() ? *u : r.ctx().str(q);
    r.rc.put("queues", make_list(r.ctx().arena, std::span<const Value>(&one, 1)), "queue_url");
  }
  if (!q.empty()) r.edge("applies_to", r.id(), q);
}

void topic(TfResource& r) {
  r.set("name", "name");
  r.set_ref("kms_key", "kms_master_key_id");
  r.set("fifo", "fifo_topic", Conv::kBool);
  r.statements("policy_statements", "policy");
}

void topic_policy(TfResource& r) {
  r.statements("statements", "policy");
  std::string t = r.ref("arn", "aws_sns_topic");
  if (const Value* a = r.get("arn")) {
    Value one = t.empty() ? *a : r.ctx().str(t);
    r.rc.put("topics", make_list(r.ctx().arena, std::span<const Value>(&one, 1)), "arn");
  }
  if (!t.empty()) r.edge("applies_to", r.id(), t);
}

void subscription(TfResource& r) {
  std::string topic_id = r.set_ref("topic", "topic_arn", "subscribes");
  Value protocol = r.set("protocol", "protocol");
  std::string endpoint = r.set_ref("endpoint", "endpoint");
  Value filter = r.set("filter_policy", "filter_policy", Conv::kJson);
  r.set("filter_policy_scope", "filter_policy_scope");
  r.set("raw_message_delivery", "raw_message_delivery", Conv::kBool);
  r.set("redrive", "redrive_policy", Conv::kJson);
  if (!topic_id.empty() && !endpoint.empty()) {
    bool lambda = protocol.is_string() && protocol.as_string() == "lambda";
    std::vector<std::pair<std::string, Value>> extra{{"via", r.ctx().str(r.id())}};
    if (!filter.is_null()) extra.emplace_back("filter", filter);
    r.edge(lambda ? "triggers" : "notifies", topic_id, endpoint, extra);
  }
}

void log_group(TfResource& r) {
  r.set("name", "name");
  if (const Value* d = r.get("retention_in_days"); d && !(d->is_int() && d->as_int() == 0))
    r.set("retention_days", "retention_in_days", Conv::kInt);  // 0: never expire (absent)
  r.set_ref("kms_key", "kms_key_id");
}

void table(TfResource& r) {
  r.set("name", "name");
  r.set("billing_mode", "billing_mode");
  r.set("encryption.enabled", "server_side_encryption.enabled", Conv::kBool);
  r.set_ref("encryption.kms_key", "server_side_encryption.kms_key_arn");
  r.set("point_in_time_recovery", "point_in_time_recovery.enabled", Conv::kBool);
  r.set("stream_view_type", "stream_view_type");
  r.set("deletion_protection", "deletion_protection_enabled", Conv::kBool);
}

void rule(TfResource& r) {
  r.set("name", "name");
  r.set("event_pattern", "event_pattern", Conv::kJson);
  r.set("schedule", "schedule_expression");
  r.set("state", "state");
  r.set("enabled", "is_enabled", Conv::kBool);
  r.set_ref("event_bus", "event_bus_name");
  r.set_ref("role", "role_arn");
}

void event_target(TfResource& r) {
  std::string rule_id = r.set_ref("rule", "rule", {}, false, "aws_cloudwatch_event_rule");
  std::string target = r.set_ref("target", "arn");
  r.set_ref("role", "role_arn");
  if (!rule_id.empty() && !target.empty()) r.edge("triggers", rule_id, target, {{"via", r.ctx().str(r.id())}});
}

void key(TfResource& r) {
  r.set("key_rotation", "enable_key_rotation", Conv::kBool);
  r.set("enabled", "is_enabled", Conv::kBool);
  r.set("key_spec", "customer_master_key_spec");
  r.set("key_usage", "key_usage");
  r.set("pending_window_days", "deletion_window_in_days", Conv::kInt);
  r.set("multi_region", "multi_region", Conv::kBool);
  r.statements("policy_statements", "policy");
}

void secret(TfResource& r) {
  r.set("name", "name");
  r.set_ref("kms_key", "kms_key_id");
  r.set("recovery_window_days", "recovery_window_in_days", Conv::kInt);
  r.statements("policy_statements", "policy");
}

void parameter(TfResource& r) {
  r.set("name", "name");
  r.set("parameter_type", "type");
  r.set("value", "value");
  r.set("tier", "tier");
  r.set("data_type", "data_type");
  r.set_ref("kms_key", "key_id");
}

void user_pool(TfResource& r) {
  r.set("name", "name");
  r.set("mfa", "mfa_configuration");
  r.set("password_policy", "password_policy.0");
  r.set("advanced_security_mode", "user_pool_add_ons.advanced_security_mode");
  r.set("allow_admin_create_user_only", "admin_create_user_config.allow_admin_create_user_only", Conv::kBool);
  r.set("deletion_protection", "deletion_protection");
  r.set("lambda_triggers", "lambda_config.0");
  if (const Value* lc = r.get("lambda_config.0"); lc && lc->is_map())
    for (const Member& m : lc->as_map()) {
      std::string fn = m.value.is_string() ? r.ref_value(cat("lambda_config.", m.key.as_string()), m.value) : "";
      if (!fn.empty()) r.edge("triggers", r.id(), fn, {{"event", m.key}});
    }
}

void identity_pool(TfResource& r) {
  r.set("name", "identity_pool_name");
  r.set("allow_unauthenticated", "allow_unauthenticated_identities", Conv::kBool);
  r.set("allow_classic_flow", "allow_classic_flow", Conv::kBool);
  r.set("cognito_identity_providers", "cognito_identity_providers");
}

void trail(TfResource& r) {
  r.set("name", "name");
  r.set("is_logging", "enable_logging", Conv::kBool);
  r.set("multi_region", "is_multi_region_trail", Conv::kBool);
  r.set("organization_trail", "is_organization_trail", Conv::kBool);
  r.set("log_file_validation", "enable_log_file_validation", Conv::kBool);
  r.set("include_global_service_events", "include_global_service_events", Conv::kBool);
  r.set_ref("kms_key", "kms_key_id");
  r.set_ref("cloudwatch_logs_log_group", "cloud_watch_logs_group_arn", "logs_to");
  r.set_ref("s3_bucket", "s3_bucket_name", "logs_to", false, kBucket);
  // Named as CloudFormation's EventSelectors / AdvancedEventSelectors:
  // data_resource -> data_resources, field_selector -> field_selectors.
  auto renamed = [&](std::string_view key, std::string_view path, std::string_view from, std::string_view to) {
    const Value* list = r.get(path);
    if (!list || !list->is_list()) return;
    std::vector<Value> out;
    for (const Value& item : list->as_list()) {
      if (!item.is_map()) continue;
      std::vector<Member> members;
      for (const Member& m : item.as_map())
        if (!m.value.is_null()) members.push_back(m.key.as_string() == from ? Member{r.ctx().str(to), m.value} : m);
      out.push_back(make_map(r.ctx().arena, members));
    }
    r.rc.put(key, make_list(r.ctx().arena, out), path);
  };
  renamed("event_selectors", "event_selector", "data_resource", "data_resources");
  renamed("advanced_event_selectors", "advanced_event_selector", "field_selector", "field_selectors");
}

// aws_s3_bucket_ownership_controls: its own resource, and the bucket's
// `ownership` (CloudFormation's OwnershipControls.Rules[0].ObjectOwnership).
void ownership_controls(TfResource& r) {
  std::string b = bucket_of(r);
  Value v = r.set("ownership", "rule.object_ownership");
  if (!b.empty() && !v.is_null()) r.contribute(b, "ownership", v);
}

}  // namespace

std::vector<TfTypeSpec> tf_data_types() {
  return {
      {"aws_s3_bucket", "aws.s3.bucket", bucket},
      {"aws_s3_bucket_public_access_block", "aws.s3.bucket_public_access_block", public_access_block},
      {"aws_s3_bucket_notification", "aws.s3.bucket_notification", bucket_notification},
      {"aws_s3_bucket_server_side_encryption_configuration", "aws.s3.bucket_encryption", bucket_encryption},
      {"aws_s3_bucket_versioning", "aws.s3.bucket_versioning", bucket_versioning},
      {"aws_s3_bucket_logging", "aws.s3.bucket_logging", bucket_logging},
      {"aws_s3_bucket_policy", "aws.s3.bucket_policy", bucket_policy},
      {"aws_s3_bucket_ownership_controls", "aws.s3.bucket_ownership_controls", ownership_controls},
      {"aws_sqs_queue", "aws.sqs.queue", queue},
      {"aws_sqs_queue_policy", "aws.sqs.queue_policy", queue_policy},
      {"aws_sns_topic", "aws.sns.topic", topic},
      {"aws_sns_topic_policy", "aws.sns.topic_policy", topic_policy},
      {"aws_sns_topic_subscription", "aws.sns.subscription", subscription},
      {"aws_cloudwatch_log_group", "aws.logs.log_group", log_group},
      {"aws_dynamodb_table", "aws.dynamodb.table", table},
      {"aws_cloudwatch_event_rule", "aws.events.rule", rule},
      {"aws_cloudwatch_event_target", "aws.events.target", event_target},
      {"aws_kms_key", "aws.kms.key", key},
      {"aws_secretsmanager_secret", "aws.secretsmanager.secret", secret},
      {"aws_ssm_parameter", "aws.ssm.parameter", parameter},
      {"aws_cognito_user_pool", "aws.cognito.user_pool", user_pool},
      {"aws_cognito_identity_pool", "aws.cognito.identity_pool", identity_pool},
      {"aws_cloudtrail", "aws.cloudtrail.trail", trail},
  };
}

}  // namespace moat::tf
