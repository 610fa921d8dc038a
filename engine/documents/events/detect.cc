// Recognizing the source of a Lambda event by its shape.
//
// Record batches name their source in Records[0].eventSource ("aws:s3",
// "aws:sqs", ...); event source mappings for Kafka and MQ name it at the top.
// Everything else is told apart by members only that source sends:
// requestContext.elb (ALB), version "2.0" with requestContext.http (HTTP API
// and function URLs, the latter on a *.lambda-url.* domain), detail-type with
// source and detail (EventBridge), awslogs.data (CloudWatch Logs), and so
// on. Responses a function returns (statusCode, isAuthenticated, ...) match
// none of these and are not events.
#include <string_view>

#include "documents/event_loader.h"
#include "documents/events/event_builder.h"

namespace moat {
namespace {

using events::list_member;
using events::map_member;
using events::member;
using events::string_member;

bool has(const Value& v, std::string_view key) { return member(v, key) != nullptr; }
bool has_string(const Value& v, std::string_view key) {
  const Value* m = member(v, key);
  return m != nullptr && m->is_string();
}
bool has_map(const Value& v, std::string_view key) { return map_member(v, key) != nullptr; }

std::string_view detect_record_source(const Value& r) {
  std::string_view es = string_member(r, "eventSource");
  if (es.empty()) es = string_member(r, "EventSource");
  if (es == "aws:s3" && has_map(r, "s3")) return "s3";
  if (es == "aws:sqs") return "sqs";
  if (es == "aws:sns" && has_map(r, "Sns")) return "sns";
  if (es == "aws:ses" && has_map(r, "ses")) return "ses";
  if (es == "aws:dynamodb" && has_map(r, "dynamodb")) return "dynamodb";
  if (es == "aws:kinesis" && has_map(r, "kinesis")) return "kinesis";
  if (es.empty() && has_map(r, "cf")) return "cloudfront";
  return "";
}

std::string_view detect_http(const Value& p) {
  std::string_view type = string_member(p, "type");
  if (type == "TOKEN" && has(p, "authorizationToken") && has_string(p, "methodArn")) return "apigateway.authorizer";
  if (type == "REQUEST" && (has_string(p, "methodArn") || has_string(p, "routeArn"))) return "apigateway.authorizer";
  const Value* rc = member(p, "requestContext");
  if (rc == nullptr || !rc->is_map()) return "";
  if (has_map(*rc, "elb")) return has(p, "httpMethod") || has(p, "path") ? "alb" : "";
  if (string_member(p, "version") == "2.0" && has_map(*rc, "http") && (has(p, "rawPath") || has(p, "routeKey"))) {
    std::string_view domain = string_member(*rc, "domainName");
    return domain.find(".lambda-url.") != std::string_view::npos ? "lambda.url" : "apigateway.http";
  }
  if (has(*rc, "connectionId") && has_string(*rc, "eventType") && has(*rc, "apiId")) return "apigateway.websocket";
  if ((has(p, "httpMethod") || has(p, "resource") || has(p, "path")) &&
      (has(*rc, "apiId") || has(*rc, "resourceId") || has(*rc, "identity") || has(*rc, "stage")))
    return "apigateway.rest";
  return "";
}

}  // namespace

std::string_view detect_event_source(const Value& p) {
  if (!p.is_map()) return "";
  if (const ListRep* records = list_member(p, "Records")) {
    if (records->size == 0) return "";
    return detect_record_source(records->items[0]);
  }
  if (std::string_view http = detect_http(p); !http.empty()) return http;

  std::string_view es = string_member(p, "eventSource");
  if ((es == "aws:kafka" || es == "SelfManagedKafka") && has_map(p, "records")) return "kafka";
  if ((es == "aws:mq" && list_member(p, "messages") != nullptr) ||
      (es == "aws:rmq" && has_map(p, "rmqMessagesByQueue")))
    return "mq";

  if (const Value* logs = member(p, "awslogs"); logs != nullptr && has_string(*logs, "data")) return "cloudwatch.logs";

  if (has_string(p, "invocationId") && !has(p, "applicationArn")) {
    const ListRep* records = list_member(p, "records");
    if (records != nullptr && (has(p, "deliveryStreamArn") || has(p, "deliverySteamArn") ||
                               (records->size > 0 && has(records->items[0], "recordId") &&
                                has(records->items[0], "approximateArrivalTimestamp"))))
      return "firehose";
  }

  if (has_string(p, "detail-type") && has_string(p, "source") && has(p, "detail")) {
    std::string_view source = string_member(p, "source");
    if (source == "aws.events" && string_member(p, "detail-type") == "Scheduled Event") return "scheduled";
    if (source == "aws.s3") {
      const Value* detail = member(p, "detail");
      if (detail != nullptr && has_map(*detail, "object") && has_map(*detail, "bucket")) return "s3.eventbridge";
    }
    return "eventbridge";
  }

  if (has_string(p, "triggerSource") && has_string(p, "userPoolId") && has_map(p, "request")) return "cognito";
  if (string_member(p, "eventType") == "SyncTrigger" && has_map(p, "datasetRecords")) return "cognito";

  if (has_map(p, "protocolData") && (has(p, "token") || has(p, "connectionMetadata"))) return "iot";
  if (has_map(p, "deviceEvent") && has_map(p, "deviceInfo")) return "iot";
  if (has_string(p, "serialNumber") && has_string(p, "clickType")) return "iot";
  if (has(p, "claimCertificateId") && has(p, "certificateId") && has_string(p, "templateArn")) return "iot";
  return "";
}

}  // namespace moat
