// load_event: parse, recognize, extract, and wrap as a document.
#include "documents/event_loader.h"

#include <utility>

#include "documents/events/event_builder.h"
#include "documents/events/sources.h"
#include "documents/file_text.h"
#include "value/arena.h"

namespace moat {
namespace {

using events::EventBuilder;

void extract(EventBuilder& b, std::string_view source, const Value& p) {
  using namespace events;
  if (source == "apigateway.rest" || source == "apigateway.websocket") extract_apigateway_rest(b, p);
  else if (source == "apigateway.http" || source == "lambda.url") extract_apigateway_http(b, p);
  else if (source == "apigateway.authorizer") extract_apigateway_authorizer(b, p);
  else if (source == "alb") extract_alb(b, p);
  else if (source == "cloudfront") extract_cloudfront(b, p);
  else if (source == "s3") extract_s3(b, p);
  else if (source == "s3.eventbridge") extract_s3_eventbridge(b, p);
  else if (source == "sqs") extract_sqs(b, p);
  else if (source == "sns") extract_sns(b, p);
  else if (source == "ses") extract_ses(b, p);
  else if (source == "dynamodb") extract_dynamodb(b, p);
  else if (source == "kinesis") extract_kinesis(b, p);
  else if (source == "firehose") extract_firehose(b, p);
  else if (source == "kafka") extract_kafka(b, p);
  else if (source == "mq") extract_mq(b, p);
  else if (source == "cloudwatch.logs") extract_cloudwatch_logs(b, p);
  else if (source == "eventbridge") extract_eventbridge(b, p, false);
  else if (source == "scheduled") extract_eventbridge(b, p, true);
  else if (source == "cognito") extract_cognito(b, p);
  else if (source == "iot") extract_iot(b, p);
  else extract_unknown(b, p);
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Document>> load_event(std::string text, std::string name,
                                                           const EventLoadOptions& options) {
  Arena arena;
  Value payload;
  JsonError err;
  try {
    if (!read_json(text, arena, options.json, &payload, &err))
      return absl::InvalidArgumentError(name + ":" + std::to_string(err.line) + ":" + std::to_string(err.column) +
                                        ": " + err.message_with_flag());
  } catch (const MemoryBudgetExceeded& e) {
    return absl::ResourceExhaustedError(name + ": " + e.what());
  }
  text = std::string();  // values never point into the text
  return load_event_payload(std::move(arena), payload, std::move(name), options);
}

absl::StatusOr<std::shared_ptr<const Document>> load_event_payload(Arena arena, Value payload, std::string name,
                                                                   const EventLoadOptions& options) {
  try {
    EventBuilder b(arena, options);
    std::string_view source = detect_event_source(payload);
    if (source.empty()) {
      source = "unknown";
      b.warn(std::string("not a recognized Lambda trigger event (") +
             (payload.is_map() ? "no known event shape" : "the payload is not a JSON object") +
             "); every string in it is listed as an untrusted field");
    }
    extract(b, source, payload);
    Value root = b.finish(source, payload);
    return Document::from_value(std::move(arena), root, std::move(name));
  } catch (const MemoryBudgetExceeded& e) {
    return absl::ResourceExhaustedError(name + ": " + e.what());
  }
}

absl::StatusOr<std::shared_ptr<const Document>> load_event_file(const std::string& path,
                                                                const EventLoadOptions& options) {
  absl::StatusOr<std::string> text = read_file_text(path, UINT64_MAX, "");
  if (!text.ok()) return text.status();
  return load_event(*std::move(text), path, options);
}

}  // namespace moat
