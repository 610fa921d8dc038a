// AWS::S3::*, AWS::SQS::*, AWS::SNS::* -> aws.s3.*, aws.sqs.*, aws.sns.*
#include <cctype>

#include "documents/cloudformation/cfn_normalize.h"

namespace moat::cfn {

namespace {

// S3 notification filter {S3Key: {Rules: [{Name: prefix, Value: x}]}} -> {prefix, suffix}.
Value s3_filter(ResourceContext& r, const Value& filter) {
  const Value* rules = member(filter, "S3Key");
  if (rules) rules = member(*rules, "Rules");
  if (!rules || !rules->is_list()) return r.convert(filter, Conv::kSnake);
  MapBuilder b;
  for (const Value& rule : rules->as_list()) {
    const Value* name = member(rule, "Name");
    const Value* value = member(rule, "Value");
    if (name && name->is_string() && value) {
      std::string key = snake_case(name->as_string());
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      b.set(key, r.ids(*value));
    }
  }
  return b.build(r.ctx);
}

void bucket(ResourceContext& r) {
  r.set("name", "BucketName");
  r.set("acl", "AccessControl");
  static constexpr std::pair<std::string_view, std::string_view> kBlock[] = {
      {"block_public_acls", "BlockPublicAcls"},
      {"block_public_policy", "BlockPublicPolicy"},
      {"ignore_public_acls", "IgnorePublicAcls"},
      {"restrict_public_buckets", "RestrictPublicBuckets"},
  };
  for (const auto& [key, prop] : kBlock)
    r.set(std::string("public_access_block.") + std::string(key),
          std::string("PublicAccessBlockConfiguration.") + std::string(prop), Conv::kBool);

  // Notifications: one list over the three kinds of targets.
  std::vector<Value> notifications;
  static constexpr struct {
    std::string_view list, target_prop, target_type;
  } kKinds[] = {{"LambdaConfigurations", "Function", "lambda"},
                {"QueueConfigurations", "Queue", "queue"},
                {"TopicConfigurations", "Topic", "topic"}};
  for (const auto& k : kKinds) {
    const Value* configs = r.get(std::string("NotificationConfiguration.") + std::string(k.list));
    if (!configs || !configs->is_list()) continue;
    for (const Value& c : configs->as_list()) {
      MapBuilder b;
      const Value* event = member(c, "Event");
      Value event_v = event ? r.ids(*event) : Value();
      if (event) b.set("event", event_v);
      b.set("target_type", Value::string(k.target_type));
      const Value* target = member(c, k.target_prop);
      std::string target_id = target ? r.ref_id(*target) : "";
      if (target) b.set("target", r.ids(*target));
      Value filter;
      if (const Value* f = member(c, "Filter")) {
        filter = s3_filter(r, *f);
        b.set("filter", filter);
      }
      notifications.push_back(b.build(r.ctx));
      if (!target_id.empty()) {
        std::vector<std::pair<std::string, Value>> extra;
        if (event) extra.emplace_back("event", event_v);
        if (!filter.is_null()) extra.emplace_back("filter", filter);
        r.edge(k.target_type == "lambda" ? "triggers" : "notifies", r.id, target_id, extra);
      }
    }
  }
  if (!notifications.empty())
    r.put("notifications", make_list(r.ctx.arena, notifications), "NotificationConfiguration");
  if (r.get("NotificationConfiguration.EventBridgeConfiguration"))
    r.put("eventbridge_notifications", Value::boolean(true), "NotificationConfiguration.EventBridgeConfiguration");

  // Encryption: the first default rule.
  const Value* rules = r.get("BucketEncryption.ServerSideEncryptionConfiguration");
  if (rules && rules->is_list() && rules->as_list().size > 0) {
    const Value& rule = rules->as_list().items[0];
    MapBuilder& enc = r.out.child("encryption", r.where("BucketEncryption"));
    if (const Value* d = member(rule, "ServerSideEncryptionByDefault")) {
      if (const Value* a = member(*d, "SSEAlgorithm")) enc.set("algorithm", r.ids(*a));
      if (const Value* k = member(*d, "KMSMasterKeyID")) enc.set("kms_key", r.ids(*k));
    }
    if (const Value* bk = member(rule, "BucketKeyEnabled")) enc.set("bucket_key", r.convert(*bk, Conv::kBool));
  }
  if (const Value* status = r.get("VersioningConfiguration.Status"))
    r.put("versioning", status->is_string() ? Value::boolean(status->as_string() == "Enabled") : r.ids(*status),
          "VersioningConfiguration.Status");
  r.set_ref("logging.target_bucket", "LoggingConfiguration.DestinationBucketName", "logs_to");
  r.set("logging.prefix", "LoggingConfiguration.LogFilePrefix");
  if (r.get("LoggingConfiguration") && !r.out.has("logging"))
    r.put("logging.enabled", Value::boolean(true), "LoggingConfiguration");
  r.set("object_lock", "ObjectLockEnabled", Conv::kBool);
  if (const Value* own = r.get("OwnershipControls.Rules"); own && own->is_list() && own->as_list().size)
    if (const Value* o = member(own->as_list().items[0], "ObjectOwnership"))
      r.put("ownership", r.ids(*o), "OwnershipControls");
  r.set("website", "WebsiteConfiguration", Conv::kSnake);
  r.set("cors", "CorsConfiguration.CorsRules", Conv::kSnake);
  r.set("lifecycle", "LifecycleConfiguration.Rules", Conv::kSnake);
}

// Resource policies: the target(s) and the statements.
void resource_policy(ResourceContext& r, std::string_view key, std::string_view path, bool list) {
  if (const Value* doc = r.get("PolicyDocument")) r.put("statements", r.statements(*doc), "PolicyDocument");
  const Value* targets = r.get(path);
  if (!targets) return;
  r.put(key, list ? r.convert(*targets, Conv::kList) : r.ids(*targets), path);
  auto link = [&](const Value& t) {
    std::string id = r.ref_id(t);
    if (!id.empty()) r.edge("applies_to", r.id, id);
  };
  if (targets->is_list()) {
    for (const Value& t : targets->as_list()) link(t);
  } else {
    link(*targets);
  }
}

void bucket_policy(ResourceContext& r) { resource_policy(r, "bucket", "Bucket", false); }
void queue_policy(ResourceContext& r) { resource_policy(r, "queues", "Queues", true); }
void topic_policy(ResourceContext& r) { resource_policy(r, "topics", "Topics", true); }

void queue(ResourceContext& r) {
  r.set("name", "QueueName");
  r.set("visibility_timeout", "VisibilityTimeout", Conv::kInt);
  r.set_ref("kms_key", "KmsMasterKeyId");
  r.set("sqs_managed_sse", "SqsManagedSseEnabled", Conv::kBool);
  r.set("fifo", "FifoQueue", Conv::kBool);
  r.set("message_retention", "MessageRetentionPeriod", Conv::kInt);
  r.set("delay_seconds", "DelaySeconds", Conv::kInt);
  r.set("receive_wait_time", "ReceiveMessageWaitTimeSeconds", Conv::kInt);
  if (const Value* rp = r.get("RedrivePolicy")) {
    Value redrive = r.convert(*rp, Conv::kJson);  // keys: dead_letter_target_arn, max_receive_count
    // Re-read from the resolved (not snake-cased) value to keep the reference.
    Value source = *rp;
    if (const Value* target = member(source, "deadLetterTargetArn")) {
      std::string id = r.ref_id(*target);
      r.put("redrive.dead_letter_target", r.ids(*target), "RedrivePolicy.deadLetterTargetArn");
      if (!id.empty()) r.edge("dead_letter", r.id, id);
    } else if (const Value* t = member(redrive, "dead_letter_target_arn")) {
      r.put("redrive.dead_letter_target", *t, "RedrivePolicy");
    }
    const Value* count = member(source, "maxReceiveCount");
    if (!count) count = member(redrive, "max_receive_count");
    if (count) r.put("redrive.max_receive_count", r.convert(*count, Conv::kInt), "RedrivePolicy.maxReceiveCount");
  }
}

void topic(ResourceContext& r) {
  r.set("name", "TopicName");
  r.set_ref("kms_key", "KmsMasterKeyId");
  r.set("fifo", "FifoTopic", Conv::kBool);
  const Value* subs = r.get("Subscription");
  if (!subs || !subs->is_list()) return;
  std::vector<Value> out;
  for (const Value& s : subs->as_list()) {
    MapBuilder b;
    const Value* protocol = member(s, "Protocol");
    const Value* endpoint = member(s, "Endpoint");
    if (protocol) b.set("protocol", r.ids(*protocol));
    if (endpoint) b.set("endpoint", r.ids(*endpoint));
    out.push_back(b.build(r.ctx));
    if (endpoint && protocol && protocol->is_string() && protocol->as_string() == "lambda") {
      std::string fn = r.ref_id(*endpoint);
      if (!fn.empty()) r.edge("triggers", r.id, fn);
    }
  }
  r.put("subscriptions", make_list(r.ctx.arena, out), "Subscription");
}

void subscription(ResourceContext& r) {
  std::string topic_id = r.set_ref("topic", "TopicArn", "subscribes");
  Value protocol = r.set("protocol", "Protocol");
  std::string endpoint = r.set_ref("endpoint", "Endpoint");
  Value filter = r.set("filter_policy", "FilterPolicy", Conv::kJson);
  r.set("filter_policy_scope", "FilterPolicyScope");
  r.set("raw_message_delivery", "RawMessageDelivery", Conv::kBool);
  r.set("redrive", "RedrivePolicy", Conv::kJson);
  if (!endpoint.empty()) {
    bool lambda = protocol.is_string() && protocol.as_string() == "lambda";
    if (!topic_id.empty()) {
      std::vector<std::pair<std::string, Value>> extra{{"via", r.ctx.str(r.id)}};
      if (!filter.is_null()) extra.emplace_back("filter", filter);
      r.edge(lambda ? "triggers" : "notifies", topic_id, endpoint, extra);
    }
  }
}

}  // namespace

std::vector<TypeSpec> storage_types() {
  return {
      {"AWS::S3::Bucket", "aws.s3.bucket", bucket},
      {"AWS::S3::BucketPolicy", "aws.s3.bucket_policy", bucket_policy},
      {"AWS::SQS::Queue", "aws.sqs.queue", queue},
      {"AWS::SQS::QueuePolicy", "aws.sqs.queue_policy", queue_policy},
      {"AWS::SNS::Topic", "aws.sns.topic", topic},
      {"AWS::SNS::Subscription", "aws.sns.subscription", subscription},
      {"AWS::SNS::TopicPolicy", "aws.sns.topic_policy", topic_policy},
  };
}

}  // namespace moat::cfn
