// Batch events: S3 notifications, SQS, SNS, SES, Kinesis, Firehose, Kafka,
// MQ and CloudWatch Logs subscriptions. Their data arrives encoded (base64,
// gzip, URL-encoding, SNS envelopes in SQS bodies); each field is listed
// decoded, with `record` the index of its batch record.
#include <string>
#include <utility>

#include "documents/events/sources.h"

namespace moat::events {
namespace {

const ListRep* records_of(EventBuilder& b, const Value& p, std::string_view member_name) {
  const ListRep* records = list_member(p, member_name);
  if (records != nullptr) b.set_records(records->size);
  return records;
}

// A string, or each string of a list, as untrusted fields.
void strings(EventBuilder& b, const std::string& pointer, std::string_view name, const Value* v, int64_t record) {
  if (v == nullptr) return;
  if (v->is_list()) {
    for (uint32_t i = 0; i < v->as_list().size; ++i) b.untrusted(child(pointer, i), name, v->as_list().items[i], record);
  } else {
    b.untrusted(pointer, name, *v, record);
  }
}

bool is_sns_envelope(const Value& v) {
  return string_member(v, "Type") == "Notification" && member(v, "Message") != nullptr &&
         member(v, "Message")->is_string() && !string_member(v, "TopicArn").empty();
}

}  // namespace

void extract_s3(EventBuilder& b, const Value& p) {
  const ListRep* records = records_of(b, p, "Records");
  if (records == nullptr) return;
  for (uint32_t i = 0; i < records->size; ++i) {
    const Value& r = records->items[i];
    std::string base = child("/Records", i);
    // Keys arrive URL-encoded with '+' for space ("red flower.jpg" is
    // "red+flower.jpg").
    b.untrusted(base + "/s3/object/key", "s3.object.key", member_at(r, {"s3", "object", "key"}), i, Decode::kUrlPlus);
    b.untrusted(base + "/userIdentity/principalId", "s3.principal_id", member_at(r, {"userIdentity", "principalId"}), i);
    b.untrusted(base + "/requestParameters/sourceIPAddress", "s3.source_ip",
                member_at(r, {"requestParameters", "sourceIPAddress"}), i);
    b.trusted(base + "/s3/bucket/name", "s3.bucket.name", member_at(r, {"s3", "bucket", "name"}), i);
    b.trusted(base + "/s3/bucket/arn", "s3.bucket.arn", member_at(r, {"s3", "bucket", "arn"}), i);
    b.trusted(base + "/eventName", "s3.event_name", member(r, "eventName"), i);
    b.trusted(base + "/eventTime", "s3.event_time", member(r, "eventTime"), i);
    b.trusted(base + "/awsRegion", "s3.region", member(r, "awsRegion"), i);
  }
}

void extract_sqs(EventBuilder& b, const Value& p) {
  const ListRep* records = records_of(b, p, "Records");
  if (records == nullptr) return;
  for (uint32_t i = 0; i < records->size; ++i) {
    const Value& r = records->items[i];
    std::string base = child("/Records", i);
    const Value* body_value = member(r, "body");
    int body = body_value == nullptr ? -1
                                     : b.untrusted(base + "/body", "sqs.body", *body_value, i, Decode::kNone, nullptr, false);
    if (body >= 0) {
      Value v = b.value_of(body);
      if (is_sns_envelope(v)) {
        // SNS to SQS without raw message delivery: the body is the SNS
        // notification, and its Message is what the publisher sent. The
        // envelope's own members are listed as body leaves: anyone allowed
        // to send to the queue can forge them.
        for (const Member& m : v.as_map()) {
          std::string inner = child("", m.key.as_string());
          std::string_view k = m.key.as_string();
          if (k == "Message") {
            b.derived(body, inner, "sqs.sns.message", m.value, nullptr, {"sns_envelope"}, false, i);
          } else if (k == "Subject") {
            b.derived(body, inner, "sqs.sns.subject", m.value, nullptr, {"sns_envelope"}, false, i);
          } else if (k == "MessageAttributes" && m.value.is_map()) {
            for (const Member& a : m.value.as_map())
              if (const Value* value = member(a.value, "Value"); value != nullptr && value->is_string())
                b.derived(body, child(child(inner, a.key.as_string()), "Value"), "sqs.sns.message_attribute", *value,
                          &a.key, {"sns_envelope"}, false, i);
          } else if (m.value.is_string()) {
            b.derived(body, inner, "sqs.body.leaf", m.value, &m.key, {}, false, i);
          }
        }
      } else {
        b.walk_leaves(body);
      }
    }
    if (const Value* attrs = member(r, "messageAttributes"); attrs != nullptr && attrs->is_map()) {
      for (const Member& a : attrs->as_map()) {
        std::string ap = child(base + "/messageAttributes", a.key.as_string());
        b.untrusted(ap + "/stringValue", "sqs.message_attribute", member(a.value, "stringValue"), i, Decode::kNone,
                    &a.key);
        if (const Value* bin = member(a.value, "binaryValue"))
          b.untrusted(ap + "/binaryValue", "sqs.message_attribute", *bin, i, Decode::kBase64, &a.key);
        if (const ListRep* l = list_member(a.value, "stringListValues"))
          for (uint32_t j = 0; j < l->size; ++j)
            b.untrusted(child(ap + "/stringListValues", j), "sqs.message_attribute", l->items[j], i, Decode::kNone,
                        &a.key);
        if (const ListRep* l = list_member(a.value, "binaryListValues"))
          for (uint32_t j = 0; j < l->size; ++j)
            b.untrusted(child(ap + "/binaryListValues", j), "sqs.message_attribute", l->items[j], i, Decode::kBase64,
                        &a.key);
      }
    }
    b.untrusted(base + "/attributes/MessageGroupId", "sqs.message_group_id",
                member_at(r, {"attributes", "MessageGroupId"}), i);
    b.untrusted(base + "/attributes/MessageDeduplicationId", "sqs.message_deduplication_id",
                member_at(r, {"attributes", "MessageDeduplicationId"}), i);
    b.trusted(base + "/eventSourceARN", "sqs.event_source_arn", member(r, "eventSourceARN"), i);
    b.trusted(base + "/messageId", "sqs.message_id", member(r, "messageId"), i);
    b.trusted(base + "/attributes/SenderId", "sqs.sender_id", member_at(r, {"attributes", "SenderId"}), i);
    b.trusted(base + "/attributes/SentTimestamp", "sqs.sent_timestamp", member_at(r, {"attributes", "SentTimestamp"}),
              i);
    b.trusted(base + "/awsRegion", "sqs.region", member(r, "awsRegion"), i);
  }
}

void extract_sns(EventBuilder& b, const Value& p) {
  const ListRep* records = records_of(b, p, "Records");
  if (records == nullptr) return;
  for (uint32_t i = 0; i < records->size; ++i) {
    const Value& r = records->items[i];
    std::string base = child("/Records", i);
    const Value* sns = member(r, "Sns");
    if (sns == nullptr) continue;
    std::string sp = base + "/Sns";
    b.untrusted(sp + "/Message", "sns.message", member(*sns, "Message"), i);
    b.untrusted(sp + "/Subject", "sns.subject", member(*sns, "Subject"), i);
    if (const Value* attrs = member(*sns, "MessageAttributes"); attrs != nullptr && attrs->is_map()) {
      for (const Member& a : attrs->as_map()) {
        const Value* value = member(a.value, "Value");
        if (value == nullptr) continue;
        Decode d = string_member(a.value, "Type") == "Binary" ? Decode::kBase64 : Decode::kNone;
        b.untrusted(child(child(sp + "/MessageAttributes", a.key.as_string()), "Value"), "sns.message_attribute", *value,
                    i, d, &a.key);
      }
    }
    b.trusted(sp + "/TopicArn", "sns.topic_arn", member(*sns, "TopicArn"), i);
    b.trusted(sp + "/MessageId", "sns.message_id", member(*sns, "MessageId"), i);
    b.trusted(sp + "/Timestamp", "sns.timestamp", member(*sns, "Timestamp"), i);
    b.trusted(sp + "/Type", "sns.type", member(*sns, "Type"), i);
    b.trusted(sp + "/SignatureVersion", "sns.signature_version", member(*sns, "SignatureVersion"), i);
    for (std::string_view k : {"SigningCertUrl", "SigningCertURL"})
      b.trusted(child(sp, k), "sns.signing_cert_url", member(*sns, k), i);
    for (std::string_view k : {"UnsubscribeUrl", "UnsubscribeURL"})
      b.trusted(child(sp, k), "sns.unsubscribe_url", member(*sns, k), i);
    b.trusted(base + "/EventSubscriptionArn", "sns.subscription_arn", member(r, "EventSubscriptionArn"), i);
  }
}

void extract_ses(EventBuilder& b, const Value& p) {
  const ListRep* records = records_of(b, p, "Records");
  if (records == nullptr) return;
  for (uint32_t i = 0; i < records->size; ++i) {
    const Value& r = records->items[i];
    std::string base = child("/Records", i) + "/ses";
    const Value* mail = member_at(r, {"ses", "mail"});
    if (mail != nullptr) {
      std::string mp = base + "/mail";
      if (const Value* common = member(*mail, "commonHeaders")) {
        std::string cp = mp + "/commonHeaders";
        static constexpr std::pair<std::string_view, std::string_view> kCommon[] = {
            {"subject", "ses.subject"}, {"from", "ses.from"},         {"to", "ses.to"},
            {"cc", "ses.cc"},           {"bcc", "ses.bcc"},           {"replyTo", "ses.reply_to"},
            {"sender", "ses.sender"},   {"returnPath", "ses.return_path"}, {"date", "ses.date"},
            {"messageId", "ses.header_message_id"}};
        for (const auto& [k, name] : kCommon) strings(b, child(cp, k), name, member(*common, k), i);
      }
      if (const ListRep* headers = list_member(*mail, "headers")) {
        for (uint32_t j = 0; j < headers->size; ++j) {
          const Value& h = headers->items[j];
          const Value* name = member(h, "name");
          if (const Value* value = member(h, "value"))
            b.untrusted(child(child(mp + "/headers", j), "value"), "ses.header", *value, i, Decode::kNone,
                        name != nullptr && name->is_string() ? name : nullptr);
        }
      }
      strings(b, mp + "/source", "ses.source", member(*mail, "source"), i);
      strings(b, mp + "/destination", "ses.destination", member(*mail, "destination"), i);
      b.trusted(mp + "/messageId", "ses.message_id", member(*mail, "messageId"), i);
      b.trusted(mp + "/timestamp", "ses.timestamp", member(*mail, "timestamp"), i);
    }
    if (const Value* receipt = member_at(r, {"ses", "receipt"})) {
      std::string rp = base + "/receipt";
      strings(b, rp + "/recipients", "ses.recipient", member(*receipt, "recipients"), i);
      static constexpr std::pair<std::string_view, std::string_view> kVerdicts[] = {
          {"spamVerdict", "ses.spam_verdict"}, {"virusVerdict", "ses.virus_verdict"},
          {"spfVerdict", "ses.spf_verdict"},   {"dkimVerdict", "ses.dkim_verdict"},
          {"dmarcVerdict", "ses.dmarc_verdict"}};
      for (const auto& [k, name] : kVerdicts)
        b.trusted(child(rp, k) + "/status", name, member_at(*receipt, {k, "status"}), i);
      b.trusted_all(rp + "/action", "ses.action", member(*receipt, "action"), i);
    }
  }
}

void extract_kinesis(EventBuilder& b, const Value& p) {
  const ListRep* records = records_of(b, p, "Records");
  if (records == nullptr) return;
  for (uint32_t i = 0; i < records->size; ++i) {
    const Value& r = records->items[i];
    std::string base = child("/Records", i);
    b.untrusted(base + "/kinesis/data", "kinesis.data", member_at(r, {"kinesis", "data"}), i, Decode::kBase64);
    b.untrusted(base + "/kinesis/partitionKey", "kinesis.partition_key", member_at(r, {"kinesis", "partitionKey"}), i);
    b.trusted(base + "/eventSourceARN", "kinesis.event_source_arn", member(r, "eventSourceARN"), i);
    b.trusted(base + "/kinesis/sequenceNumber", "kinesis.sequence_number", member_at(r, {"kinesis", "sequenceNumber"}),
              i);
    b.trusted(base + "/eventID", "kinesis.event_id", member(r, "eventID"), i);
  }
}

void extract_firehose(EventBuilder& b, const Value& p) {
  b.trusted("/deliveryStreamArn", "firehose.delivery_stream_arn", member(p, "deliveryStreamArn"), -1);
  b.trusted("/deliverySteamArn", "firehose.delivery_stream_arn", member(p, "deliverySteamArn"), -1);
  b.trusted("/sourceKinesisStreamArn", "firehose.source_stream_arn", member(p, "sourceKinesisStreamArn"), -1);
  const ListRep* records = records_of(b, p, "records");
  if (records == nullptr) return;
  for (uint32_t i = 0; i < records->size; ++i) {
    const Value& r = records->items[i];
    std::string base = child("/records", i);
    b.untrusted(base + "/data", "firehose.data", member(r, "data"), i, Decode::kBase64);
    b.untrusted(base + "/kinesisRecordMetadata/partitionKey", "firehose.partition_key",
                member_at(r, {"kinesisRecordMetadata", "partitionKey"}), i);
    b.trusted(base + "/recordId", "firehose.record_id", member(r, "recordId"), i);
  }
}

void extract_kafka(EventBuilder& b, const Value& p) {
  b.trusted("/eventSourceArn", "kafka.event_source_arn", member(p, "eventSourceArn"), -1);
  b.trusted("/bootstrapServers", "kafka.bootstrap_servers", member(p, "bootstrapServers"), -1);
  const Value* groups = member(p, "records");
  if (groups == nullptr || !groups->is_map()) return;
  int64_t n = 0;
  for (const Member& g : groups->as_map()) {
    if (!g.value.is_list()) continue;
    std::string gp = child("/records", g.key.as_string());
    const ListRep& list = g.value.as_list();
    for (uint32_t j = 0; j < list.size; ++j, ++n) {
      const Value& r = list.items[j];
      std::string rp = child(gp, j);
      b.untrusted(rp + "/value", "kafka.value", member(r, "value"), n, Decode::kBase64);
      b.untrusted(rp + "/key", "kafka.key", member(r, "key"), n, Decode::kBase64);
      if (const ListRep* headers = list_member(r, "headers")) {
        for (uint32_t k = 0; k < headers->size; ++k) {
          const Value& h = headers->items[k];
          if (!h.is_map()) continue;
          for (const Member& m : h.as_map())
            b.untrusted(child(child(rp + "/headers", k), m.key.as_string()), "kafka.header", m.value, n,
                        Decode::kBytes, &m.key);
        }
      }
      b.trusted(rp + "/topic", "kafka.topic", member(r, "topic"), n);
      b.trusted(rp + "/partition", "kafka.partition", member(r, "partition"), n);
      b.trusted(rp + "/offset", "kafka.offset", member(r, "offset"), n);
    }
  }
  b.set_records(n);
}

void extract_mq(EventBuilder& b, const Value& p) {
  b.trusted("/eventSourceArn", "mq.event_source_arn", member(p, "eventSourceArn"), -1);
  if (const ListRep* messages = records_of(b, p, "messages")) {
    // Amazon MQ for ActiveMQ.
    static const Value kJmsProperties[] = {Value::string("correlationID"), Value::string("replyTo"),
                                           Value::string("type")};
    for (uint32_t i = 0; i < messages->size; ++i) {
      const Value& m = messages->items[i];
      std::string mp = child("/messages", i);
      b.untrusted(mp + "/data", "mq.data", member(m, "data"), i, Decode::kBase64);
      b.untrusted_members(mp + "/properties", "mq.property", member(m, "properties"), i);
      for (const Value& k : kJmsProperties)
        if (const Value* v = member(m, k.as_string()))
          b.untrusted(child(mp, k.as_string()), "mq.property", *v, i, Decode::kNone, &k);
      b.trusted(mp + "/messageID", "mq.message_id", member(m, "messageID"), i);
      b.trusted(mp + "/destination/physicalName", "mq.destination", member_at(m, {"destination", "physicalName"}), i);
    }
    return;
  }
  // Amazon MQ for RabbitMQ: messages grouped by "queue::vhost".
  const Value* queues = member(p, "rmqMessagesByQueue");
  if (queues == nullptr || !queues->is_map()) return;
  static const Value kAmqpProperties[] = {Value::string("contentType"),   Value::string("contentEncoding"),
                                          Value::string("correlationId"), Value::string("replyTo"),
                                          Value::string("messageId"),     Value::string("type"),
                                          Value::string("appId"),         Value::string("expiration")};
  int64_t n = 0;
  for (const Member& q : queues->as_map()) {
    if (!q.value.is_list()) continue;
    std::string qp = child("/rmqMessagesByQueue", q.key.as_string());
    for (uint32_t j = 0; j < q.value.as_list().size; ++j, ++n) {
      const Value& m = q.value.as_list().items[j];
      std::string mp = child(qp, j);
      b.untrusted(mp + "/data", "mq.data", member(m, "data"), n, Decode::kBase64);
      const Value* props = member(m, "basicProperties");
      if (props == nullptr) continue;
      std::string pp = mp + "/basicProperties";
      if (const Value* headers = member(*props, "headers"); headers != nullptr && headers->is_map()) {
        for (const Member& h : headers->as_map()) {
          std::string hp = child(pp + "/headers", h.key.as_string());
          if (const Value* bytes = member(h.value, "bytes"))
            b.untrusted(hp + "/bytes", "mq.header", *bytes, n, Decode::kBytes, &h.key);
          else
            b.untrusted(hp, "mq.header", h.value, n, Decode::kNone, &h.key);
        }
      }
      for (const Value& k : kAmqpProperties)
        if (const Value* v = member(*props, k.as_string()))
          b.untrusted(child(pp, k.as_string()), "mq.property", *v, n, Decode::kNone, &k);
      // RabbitMQ checks user-id against the connection's user.
      b.trusted(pp + "/userId", "mq.user_id", member(*props, "userId"), n);
    }
  }
  b.set_records(n);
}

void extract_cloudwatch_logs(EventBuilder& b, const Value& p) {
  const Value* encoded = member_at(p, {"awslogs", "data"});
  if (encoded == nullptr) return;
  int data = b.untrusted("/awslogs/data", "logs.data", *encoded, -1, Decode::kBase64, nullptr, false);
  if (data < 0) return;
  Value v = b.value_of(data);
  if (!v.is_map()) return;  // not decoded: the warning says why
  static constexpr std::pair<std::string_view, std::string_view> kTrusted[] = {{"logGroup", "logs.log_group"},
                                                                              {"logStream", "logs.log_stream"},
                                                                              {"owner", "logs.owner"},
                                                                              {"messageType", "logs.message_type"}};
  for (const auto& [k, name] : kTrusted)
    if (const Value* m = member(v, k); m != nullptr && m->is_string())
      b.derived(data, child("", k), name, *m, nullptr, {}, true, -1);
  if (const ListRep* filters = list_member(v, "subscriptionFilters"))
    for (uint32_t i = 0; i < filters->size; ++i)
      if (filters->items[i].is_string())
        b.derived(data, child("/subscriptionFilters", i), "logs.subscription_filter", filters->items[i], nullptr, {},
                  true, -1);
  const ListRep* events = list_member(v, "logEvents");
  if (events == nullptr) return;
  b.set_records(events->size);
  for (uint32_t i = 0; i < events->size; ++i)
    if (const Value* message = member(events->items[i], "message"); message != nullptr && message->is_string())
      b.derived(data, child(child("/logEvents", i), "message"), "logs.message", *message, nullptr, {}, false, i);
}

}  // namespace moat::events
