// The per-source extractors: each lists the attacker-controlled and the
// AWS-generated fields of one kind of event (see documents/event_loader.h
// for the names). They are called after detect_event_source() recognized
// the payload, but they still check every member they read: a payload can
// look like an event and lack any field.
#pragma once

#include <string>
#include <string_view>

#include "documents/events/event_builder.h"
#include "value/value.h"

namespace moat::events {

// http_sources.cc
void extract_apigateway_rest(EventBuilder& b, const Value& p);       // also websocket, REQUEST authorizer 1.0
void extract_apigateway_http(EventBuilder& b, const Value& p);       // also lambda.url, REQUEST authorizer 2.0
void extract_apigateway_authorizer(EventBuilder& b, const Value& p);
void extract_alb(EventBuilder& b, const Value& p);
void extract_cloudfront(EventBuilder& b, const Value& p);

// record_sources.cc
void extract_s3(EventBuilder& b, const Value& p);
void extract_sqs(EventBuilder& b, const Value& p);
void extract_sns(EventBuilder& b, const Value& p);
void extract_ses(EventBuilder& b, const Value& p);
void extract_kinesis(EventBuilder& b, const Value& p);
void extract_firehose(EventBuilder& b, const Value& p);
void extract_kafka(EventBuilder& b, const Value& p);
void extract_mq(EventBuilder& b, const Value& p);
void extract_cloudwatch_logs(EventBuilder& b, const Value& p);

// dynamodb.cc
void extract_dynamodb(EventBuilder& b, const Value& p);
// Unmarshals one AttributeValue map (an image) into plain values; each
// string inside becomes an untrusted "<name>.leaf" field pointing at its "S"
// (or SS/B/BS item) in the payload. Adds the image itself as field `name`.
void add_dynamodb_image(EventBuilder& b, const std::string& pointer, std::string_view name, const Value* image,
                        int64_t record);

// other_sources.cc
void extract_eventbridge(EventBuilder& b, const Value& p, bool scheduled);
void extract_s3_eventbridge(EventBuilder& b, const Value& p);
void extract_cognito(EventBuilder& b, const Value& p);
void extract_iot(EventBuilder& b, const Value& p);
void extract_unknown(EventBuilder& b, const Value& p);

}  // namespace moat::events
