// load_event: the fields listed per source (names, pointers, decoded
// values, trusted flags) and the decoders of each source. Limits, hostile
// input, source detection and the corpus of sample events are in
// event_loader_limits_test.cc.
#include <string>
#include <vector>

#include "event_test_util.h"

namespace moat {
namespace {

using namespace event_test;

// ---- HTTP sources ----------------------------------------------------------

TEST(EventLoader, ApiGatewayRestRequest) {
  Event e = Load(R"({
    "resource": "/items/{id}", "path": "/items/42", "httpMethod": "POST",
    "headers": {"User-Agent": "curl/8", "X-Forwarded-For": "1.2.3.4"},
    "multiValueHeaders": {"Cookie": ["a=1", "b=2"]},
    "queryStringParameters": {"q": "' OR 1=1--"},
    "multiValueQueryStringParameters": {"q": ["' OR 1=1--"]},
    "pathParameters": {"id": "42"},
    "stageVariables": {"env": "prod"},
    "requestContext": {"accountId": "123456789012", "apiId": "abc", "stage": "prod",
      "identity": {"sourceIp": "203.0.113.9", "userAgent": "curl/8"},
      "authorizer": {"claims": {"email": "x@example.com"}}},
    "body": "eyJuYW1lIjoiPHNjcmlwdD4ifQ==", "isBase64Encoded": true})");
  EXPECT_EQ(e.source, "apigateway.rest");
  EXPECT_EQ(e.records, 0);
  EXPECT_TRUE(e.warnings.empty()) << e.all_warnings();

  const Field& ua = e.at("/headers/User-Agent");
  EXPECT_EQ(ua.name, "http.header");
  EXPECT_EQ(ua.key, "User-Agent");
  EXPECT_EQ(ua.value, "curl/8");
  EXPECT_FALSE(ua.trusted);
  EXPECT_EQ(ua.record, -1);
  EXPECT_EQ(e.at("/multiValueHeaders/Cookie/1").value, "b=2");
  EXPECT_EQ(e.at("/multiValueHeaders/Cookie/1").key, "Cookie");
  EXPECT_EQ(e.at("/queryStringParameters/q").name, "http.query");
  EXPECT_EQ(e.at("/queryStringParameters/q").value, "' OR 1=1--");
  EXPECT_EQ(e.at("/pathParameters/id").name, "http.path_parameter");
  EXPECT_EQ(e.at("/path").name, "http.path");
  EXPECT_EQ(e.at("/requestContext/identity/userAgent").name, "http.user_agent");
  EXPECT_EQ(e.at("/requestContext/authorizer/claims/email").name, "apigateway.authorizer");
  EXPECT_FALSE(e.at("/requestContext/authorizer/claims/email").trusted);

  // The body: base64, then JSON; its strings are listed after it.
  const Field& body = e.at("/body");
  EXPECT_EQ(body.name, "http.body");
  EXPECT_EQ(body.decoding, "base64,json");
  EXPECT_EQ(body.value, R"({"name":"<script>"})");
  EXPECT_EQ(body.raw, "eyJuYW1lIjoiPHNjcmlwdD4ifQ==");
  const Field& leaf = e.at("/body#/name");
  EXPECT_EQ(leaf.name, "http.body.leaf");
  EXPECT_EQ(leaf.key, "name");
  EXPECT_EQ(leaf.value, "<script>");
  EXPECT_EQ(leaf.decoding, "base64,json");

  EXPECT_TRUE(e.at("/requestContext/identity/sourceIp").trusted);
  EXPECT_EQ(e.at("/requestContext/identity/sourceIp").name, "http.source_ip");
  EXPECT_EQ(e.at("/requestContext/accountId").name, "apigateway.account_id");
  EXPECT_EQ(e.at("/stageVariables/env").name, "apigateway.stage_variable");
  EXPECT_TRUE(e.at("/stageVariables/env").trusted);
  EXPECT_EQ(e.at("/httpMethod").name, "http.method");
}

// API Gateway sends each header and query parameter twice, single-valued
// (the last value) and as a list. A list item equal to its single-valued
// twin is listed once, under the single-valued pointer: every rule would
// otherwise scan the same text twice. Items that differ are all listed.
TEST(EventLoader, ApiGatewayMultiValueTwinsListedOnce) {
  Event e = Load(R"({
    "resource": "/", "path": "/", "httpMethod": "GET",
    "headers": {"Cookie": "b=2", "Host": "example.com"},
    "multiValueHeaders": {"Cookie": ["a=1", "b=2"], "Host": ["example.com"]},
    "queryStringParameters": {"q": "x", "id": "7"},
    "multiValueQueryStringParameters": {"q": ["' OR 1=1--", "x"], "id": ["7"]},
    "requestContext": {"accountId": "123456789012", "apiId": "abc", "stage": "prod"}})");
  EXPECT_EQ(e.source, "apigateway.rest");
  EXPECT_EQ(e.at("/headers/Cookie").value, "b=2");
  EXPECT_EQ(e.at("/multiValueHeaders/Cookie/0").value, "a=1");
  EXPECT_EQ(e.at("/multiValueHeaders/Cookie/1").name, "<none>");
  EXPECT_EQ(e.at("/headers/Host").value, "example.com");
  EXPECT_EQ(e.at("/multiValueHeaders/Host/0").name, "<none>");
  EXPECT_EQ(e.at("/multiValueQueryStringParameters/q/0").value, "' OR 1=1--");
  EXPECT_EQ(e.at("/multiValueQueryStringParameters/q/1").name, "<none>");
  EXPECT_EQ(e.at("/multiValueQueryStringParameters/id/0").name, "<none>");
  EXPECT_EQ(e.at("/queryStringParameters/id").value, "7");
}

TEST(EventLoader, HttpApiAndFunctionUrl) {
  const std::string http = R"({"version": "2.0", "routeKey": "$default", "rawPath": "/a/../b",
    "rawQueryString": "x=%27&y=2", "cookies": ["s=1"], "headers": {"content-type": "application/json"},
    "queryStringParameters": {"x": "'"},
    "requestContext": {"domainName": "DOMAIN", "apiId": "id",
      "http": {"method": "GET", "path": "/a/../b", "sourceIp": "198.51.100.1", "userAgent": "ua"},
      "authorizer": {"jwt": {"claims": {"name": "Robert'); DROP TABLE"}}}},
    "body": "{\"a\": [\"x\", {\"b\": \"y\"}]}", "isBase64Encoded": false})";
  auto with_domain = [&](std::string_view domain) {
    std::string s = http;
    s.replace(s.find("DOMAIN"), 6, domain);
    return s;
  };
  Event e = Load(with_domain("abc.execute-api.us-east-1.amazonaws.com"));
  EXPECT_EQ(e.source, "apigateway.http");
  EXPECT_EQ(e.at("/rawPath").name, "http.path");
  EXPECT_EQ(e.at("/rawQueryString").name, "http.query_string");
  EXPECT_EQ(e.at("/rawQueryString").value, "x=%27&y=2");  // raw: as the client sent it
  EXPECT_EQ(e.at("/cookies/0").name, "http.cookie");
  EXPECT_EQ(e.at("/headers/content-type").key, "content-type");
  EXPECT_EQ(e.at("/requestContext/authorizer/jwt/claims/name").name, "apigateway.authorizer");
  EXPECT_EQ(e.at("/body").decoding, "json");
  EXPECT_EQ(e.at("/body#/a/0").value, "x");
  EXPECT_EQ(e.at("/body#/a/0").key, "a");
  EXPECT_EQ(e.at("/body#/a/1/b").value, "y");
  EXPECT_EQ(e.at("/body#/a/1/b").key, "b");
  EXPECT_TRUE(e.at("/requestContext/http/sourceIp").trusted);
  EXPECT_TRUE(e.at("/requestContext/http/method").trusted);

  Event url = Load(with_domain("abcdef.lambda-url.us-west-2.on.aws"));
  EXPECT_EQ(url.source, "lambda.url");
  EXPECT_EQ(url.at("/rawPath").value, "/a/../b");
}

TEST(EventLoader, WebSocketAndAuthorizers) {
  Event ws = Load(R"({"requestContext": {"routeKey": "$default", "eventType": "MESSAGE", "connectionId": "c1",
    "apiId": "a", "identity": {"sourceIp": "192.0.2.1"}}, "body": "hello", "isBase64Encoded": false})");
  EXPECT_EQ(ws.source, "apigateway.websocket");
  EXPECT_EQ(ws.at("/body").value, "hello");
  EXPECT_EQ(ws.at("/requestContext/connectionId").name, "apigateway.connection_id");
  EXPECT_TRUE(ws.at("/requestContext/connectionId").trusted);

  Event token = Load(R"({"type": "TOKEN", "authorizationToken": "Bearer x.y.z",
    "methodArn": "arn:aws:execute-api:us-east-1:1:api/prod/GET/"})");
  EXPECT_EQ(token.source, "apigateway.authorizer");
  EXPECT_EQ(token.at("/authorizationToken").name, "apigateway.authorization_token");
  EXPECT_FALSE(token.at("/authorizationToken").trusted);
  EXPECT_TRUE(token.at("/methodArn").trusted);

  Event request = Load(R"({"version": "2.0", "type": "REQUEST", "routeArn": "arn:r", "identitySource": ["tok"],
    "rawPath": "/p", "headers": {"authorization": "tok"}, "requestContext": {"http": {"method": "GET"}}})");
  EXPECT_EQ(request.source, "apigateway.authorizer");
  EXPECT_EQ(request.at("/identitySource/0").name, "apigateway.identity_source");
  EXPECT_EQ(request.at("/headers/authorization").name, "http.header");
  EXPECT_EQ(request.at("/rawPath").name, "http.path");
}

TEST(EventLoader, AlbDecodesQueryValues) {
  Event e = Load(R"({"requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:tg"}},
    "httpMethod": "GET", "path": "/x", "queryStringParameters": {"q": "a%20b+c%27"},
    "headers": {"host": "h"}, "body": "", "isBase64Encoded": false})");
  EXPECT_EQ(e.source, "alb");
  const Field& query = e.at("/queryStringParameters/q");
  EXPECT_EQ(query.value, "a b c'");
  EXPECT_EQ(query.raw, "a%20b+c%27");
  EXPECT_EQ(query.decoding, "url_plus");
  EXPECT_EQ(e.at("/requestContext/elb/targetGroupArn").name, "alb.target_group_arn");
  EXPECT_TRUE(e.at("/requestContext/elb/targetGroupArn").trusted);
}

TEST(EventLoader, CloudFrontRequest) {
  Event e = Load(R"({"Records": [{"cf": {"config": {"distributionId": "D1", "eventType": "viewer-request"},
    "request": {"clientIp": "2001:db8::1", "method": "POST", "uri": "/index.html", "querystring": "a=1",
      "headers": {"user-agent": [{"key": "User-Agent", "value": "bot"}]},
      "body": {"inputTruncated": false, "action": "read-only", "encoding": "base64", "data": "aGk="}}}}]})");
  EXPECT_EQ(e.source, "cloudfront");
  EXPECT_EQ(e.records, 1);
  EXPECT_EQ(e.at("/Records/0/cf/request/uri").name, "http.path");
  EXPECT_EQ(e.at("/Records/0/cf/request/uri").record, 0);
  EXPECT_EQ(e.at("/Records/0/cf/request/headers/user-agent/0/value").key, "User-Agent");
  EXPECT_EQ(e.at("/Records/0/cf/request/body/data").value, "hi");
  EXPECT_EQ(e.at("/Records/0/cf/request/body/data").decoding, "base64");
  EXPECT_TRUE(e.at("/Records/0/cf/request/clientIp").trusted);
  EXPECT_EQ(e.at("/Records/0/cf/config/distributionId").name, "cloudfront.config");
}

// ---- Record batches -------------------------------------------------------

TEST(EventLoader, S3KeysAreUrlDecoded) {
  Event e = Load(R"({"Records": [
    {"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "awsRegion": "us-east-1",
     "userIdentity": {"principalId": "AWS:AIDAEXAMPLE"}, "requestParameters": {"sourceIPAddress": "192.0.2.7"},
     "s3": {"bucket": {"name": "uploads", "arn": "arn:aws:s3:::uploads"},
            "object": {"key": "photos/my+cat%3B+rm+-rf+%2F.jpg", "size": 10}}},
    {"eventSource": "aws:s3", "s3": {"bucket": {"name": "uploads"}, "object": {"key": "bad%ff%zz"}}}]})");
  EXPECT_EQ(e.source, "s3");
  EXPECT_EQ(e.records, 2);
  const Field& key = e.at("/Records/0/s3/object/key");
  EXPECT_EQ(key.name, "s3.object.key");
  EXPECT_EQ(key.value, "photos/my cat; rm -rf /.jpg");
  EXPECT_EQ(key.raw, "photos/my+cat%3B+rm+-rf+%2F.jpg");
  EXPECT_EQ(key.decoding, "url_plus");
  EXPECT_EQ(key.record, 0);
  EXPECT_FALSE(key.trusted);
  // %ff is not UTF-8: replaced; a malformed escape stays as it is.
  EXPECT_EQ(e.at("/Records/1/s3/object/key").value, "bad\xEF\xBF\xBD%zz");
  EXPECT_EQ(e.at("/Records/1/s3/object/key").decoding, "url_plus,utf8_replace");
  EXPECT_EQ(e.at("/Records/1/s3/object/key").record, 1);
  EXPECT_EQ(e.at("/Records/0/userIdentity/principalId").name, "s3.principal_id");
  EXPECT_EQ(e.at("/Records/0/requestParameters/sourceIPAddress").name, "s3.source_ip");
  EXPECT_EQ(e.at("/Records/0/s3/bucket/name").name, "s3.bucket.name");
  EXPECT_TRUE(e.at("/Records/0/s3/bucket/name").trusted);
  EXPECT_TRUE(e.at("/Records/0/eventName").trusted);
}

TEST(EventLoader, SqsBodiesAndSnsEnvelopes) {
  std::string envelope = R"({"Type": "Notification", "MessageId": "m", "TopicArn": "arn:aws:sns:us-east-1:1:t",
    "Subject": "hi", "Message": "{\"order\": \"1; DROP TABLE x\"}",
    "MessageAttributes": {"trace": {"Type": "String", "Value": "abc"}}})";
  Event e = Load(R"({"Records": [
    {"messageId": "1", "body": )" + q(envelope) + R"(, "eventSource": "aws:sqs",
     "eventSourceARN": "arn:aws:sqs:us-east-1:1:q", "attributes": {"SenderId": "AIDA", "MessageGroupId": "g"},
     "messageAttributes": {"kind": {"stringValue": "x", "dataType": "String"},
                           "blob": {"binaryValue": "aGk=", "dataType": "Binary"}}},
    {"messageId": "2", "body": "plain text", "eventSource": "aws:sqs"}]})");
  EXPECT_EQ(e.source, "sqs");
  EXPECT_EQ(e.records, 2);
  EXPECT_TRUE(e.warnings.empty()) << e.all_warnings();
  EXPECT_EQ(e.at("/Records/0/body").name, "sqs.body");
  EXPECT_EQ(e.at("/Records/0/body").decoding, "json");
  const Field& message = e.at("/Records/0/body#/Message");
  EXPECT_EQ(message.name, "sqs.sns.message");
  EXPECT_EQ(message.decoding, "json,sns_envelope,json");
  EXPECT_EQ(message.value, R"({"order":"1; DROP TABLE x"})");
  const Field& order = e.at("/Records/0/body#/Message#/order");
  EXPECT_EQ(order.name, "sqs.sns.message.leaf");
  EXPECT_EQ(order.value, "1; DROP TABLE x");
  EXPECT_EQ(order.key, "order");
  EXPECT_EQ(order.record, 0);
  EXPECT_EQ(e.at("/Records/0/body#/Subject").name, "sqs.sns.subject");
  EXPECT_EQ(e.at("/Records/0/body#/MessageAttributes/trace/Value").name, "sqs.sns.message_attribute");
  EXPECT_EQ(e.at("/Records/0/body#/MessageAttributes/trace/Value").key, "trace");
  // The envelope's own members are forgeable by anyone who can send.
  EXPECT_EQ(e.at("/Records/0/body#/TopicArn").name, "sqs.body.leaf");
  EXPECT_FALSE(e.at("/Records/0/body#/TopicArn").trusted);

  EXPECT_EQ(e.at("/Records/1/body").value, "plain text");
  EXPECT_EQ(e.at("/Records/1/body").decoding, "");
  EXPECT_EQ(e.at("/Records/1/body").record, 1);
  EXPECT_EQ(e.at("/Records/0/messageAttributes/kind/stringValue").key, "kind");
  EXPECT_EQ(e.at("/Records/0/messageAttributes/blob/binaryValue").value, "hi");
  EXPECT_EQ(e.at("/Records/0/attributes/MessageGroupId").name, "sqs.message_group_id");
  EXPECT_TRUE(e.at("/Records/0/attributes/SenderId").trusted);
  EXPECT_TRUE(e.at("/Records/0/eventSourceARN").trusted);
}

TEST(EventLoader, Sns) {
  Event e = Load(R"({"Records": [{"EventSource": "aws:sns", "EventSubscriptionArn": "arn:sub",
    "Sns": {"Type": "Notification", "TopicArn": "arn:aws:sns:us-east-1:1:t", "Subject": "s",
            "Message": "{\"cmd\": \"$(id)\"}", "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/c.pem",
            "MessageAttributes": {"bin": {"Type": "Binary", "Value": "aGk="}, "s": {"Type": "String", "Value": "v"}}}}]})");
  EXPECT_EQ(e.source, "sns");
  EXPECT_EQ(e.at("/Records/0/Sns/Message").name, "sns.message");
  EXPECT_EQ(e.at("/Records/0/Sns/Message#/cmd").value, "$(id)");
  EXPECT_EQ(e.at("/Records/0/Sns/Subject").name, "sns.subject");
  EXPECT_EQ(e.at("/Records/0/Sns/MessageAttributes/bin/Value").value, "hi");
  EXPECT_EQ(e.at("/Records/0/Sns/MessageAttributes/s/Value").key, "s");
  EXPECT_EQ(e.at("/Records/0/Sns/TopicArn").name, "sns.topic_arn");
  EXPECT_TRUE(e.at("/Records/0/Sns/TopicArn").trusted);
  EXPECT_EQ(e.at("/Records/0/Sns/SigningCertUrl").name, "sns.signing_cert_url");
}

TEST(EventLoader, Ses) {
  Event e = Load(R"({"Records": [{"eventSource": "aws:ses", "ses": {
    "mail": {"source": "a@example.com", "destination": ["b@example.com"], "messageId": "mid",
             "headers": [{"name": "X-Evil", "value": "<img src=x>"}],
             "commonHeaders": {"from": ["A <a@example.com>"], "to": ["b@example.com"], "subject": "Hello' --"}},
    "receipt": {"recipients": ["b@example.com"], "spamVerdict": {"status": "PASS"},
                "action": {"type": "Lambda", "functionArn": "arn:f"}}}}]})");
  EXPECT_EQ(e.source, "ses");
  EXPECT_EQ(e.at("/Records/0/ses/mail/commonHeaders/subject").name, "ses.subject");
  EXPECT_EQ(e.at("/Records/0/ses/mail/commonHeaders/from/0").name, "ses.from");
  EXPECT_EQ(e.at("/Records/0/ses/mail/headers/0/value").key, "X-Evil");
  EXPECT_EQ(e.at("/Records/0/ses/mail/source").name, "ses.source");
  EXPECT_EQ(e.at("/Records/0/ses/mail/destination/0").name, "ses.destination");
  EXPECT_EQ(e.at("/Records/0/ses/receipt/recipients/0").name, "ses.recipient");
  EXPECT_EQ(e.at("/Records/0/ses/receipt/spamVerdict/status").name, "ses.spam_verdict");
  EXPECT_TRUE(e.at("/Records/0/ses/receipt/spamVerdict/status").trusted);
  EXPECT_TRUE(e.at("/Records/0/ses/receipt/action/functionArn").trusted);
}

TEST(EventLoader, DynamoDbImagesAreUnmarshalled) {
  Event e = Load(R"({"Records": [{"eventSource": "aws:dynamodb", "eventName": "INSERT",
    "eventSourceARN": "arn:aws:dynamodb:us-east-1:1:table/t/stream/s",
    "dynamodb": {"Keys": {"id": {"S": "k1"}},
      "NewImage": {"id": {"S": "k1"}, "n": {"N": "42"}, "f": {"N": "1.5"}, "ok": {"BOOL": true}, "none": {"NULL": true},
                   "tags": {"SS": ["a", "b"]}, "blob": {"B": "aGk="},
                   "m": {"M": {"l": {"L": [{"S": "deep"}, {"N": "1"}]}}}},
      "SequenceNumber": "111", "StreamViewType": "NEW_IMAGE"}}]})");
  EXPECT_EQ(e.source, "dynamodb");
  EXPECT_TRUE(e.warnings.empty()) << e.all_warnings();
  const Field& image = e.at("/Records/0/dynamodb/NewImage");
  EXPECT_EQ(image.name, "dynamodb.new_image");
  EXPECT_EQ(image.decoding, "dynamodb");
  EXPECT_EQ(image.value,
            R"({"id":"k1","n":42,"f":1.5,"ok":true,"none":null,"tags":["a","b"],"blob":"hi","m":{"l":["deep",1]}})");
  const Field& id = e.at("/Records/0/dynamodb/NewImage/id/S");
  EXPECT_EQ(id.name, "dynamodb.new_image.leaf");
  EXPECT_EQ(id.key, "id");
  EXPECT_EQ(id.value, "k1");
  EXPECT_EQ(id.decoding, "dynamodb");
  EXPECT_EQ(e.at("/Records/0/dynamodb/NewImage/tags/SS/1").value, "b");
  EXPECT_EQ(e.at("/Records/0/dynamodb/NewImage/blob/B").value, "hi");
  EXPECT_EQ(e.at("/Records/0/dynamodb/NewImage/blob/B").decoding, "dynamodb,base64");
  EXPECT_EQ(e.at("/Records/0/dynamodb/NewImage/m/M/l/L/0/S").value, "deep");
  EXPECT_EQ(e.at("/Records/0/dynamodb/NewImage/m/M/l/L/0/S").key, "l");
  EXPECT_EQ(e.at("/Records/0/dynamodb/Keys").name, "dynamodb.keys");
  EXPECT_TRUE(e.at("/Records/0/eventSourceARN").trusted);
  EXPECT_EQ(e.at("/Records/0/eventName").name, "dynamodb.event_name");

  Event bad = Load(R"({"Records": [{"eventSource": "aws:dynamodb",
    "dynamodb": {"NewImage": {"x": {"Q": "1"}, "y": {"N": "abc"}, "z": "plain"}}}]})");
  EXPECT_EQ(bad.source, "dynamodb");
  EXPECT_EQ(bad.warnings.size(), 3u) << bad.all_warnings();
}

TEST(EventLoader, KinesisFirehoseKafkaMq) {
  std::string data = base64(R"({"user": "alice", "cmd": "; cat /etc/passwd"})");
  Event k = Load(R"({"Records": [{"eventSource": "aws:kinesis", "eventSourceARN": "arn:k", "eventID": "e",
    "kinesis": {"data": ")" + data + R"(", "partitionKey": "pk", "sequenceNumber": "1"}}]})");
  EXPECT_EQ(k.source, "kinesis");
  EXPECT_EQ(k.at("/Records/0/kinesis/data").decoding, "base64,json");
  EXPECT_EQ(k.at("/Records/0/kinesis/data#/cmd").value, "; cat /etc/passwd");
  EXPECT_EQ(k.at("/Records/0/kinesis/data#/cmd").name, "kinesis.data.leaf");
  EXPECT_EQ(k.at("/Records/0/kinesis/partitionKey").name, "kinesis.partition_key");
  EXPECT_TRUE(k.at("/Records/0/kinesis/sequenceNumber").trusted);

  Event f = Load(R"({"invocationId": "i", "deliveryStreamArn": "arn:f", "region": "us-east-1",
    "records": [{"recordId": "r1", "approximateArrivalTimestamp": 1, "data": ")" + base64("line one") + R"("}]})");
  EXPECT_EQ(f.source, "firehose");
  EXPECT_EQ(f.records, 1);
  EXPECT_EQ(f.at("/records/0/data").value, "line one");
  EXPECT_EQ(f.at("/records/0/data").name, "firehose.data");
  EXPECT_TRUE(f.at("/records/0/recordId").trusted);
  EXPECT_TRUE(f.at("/deliveryStreamArn").trusted);

  Event kafka = Load(R"({"eventSource": "SelfManagedKafka", "bootstrapServers": "b:9092", "records": {
    "t-0": [{"topic": "t", "partition": 0, "offset": 5, "key": "a2V5", "value": ")" + base64("v1") + R"(",
             "headers": [{"h1": [104, 105]}, {"h2": [-1, 65]}]}],
    "t-1": [{"topic": "t", "partition": 1, "offset": 6, "value": ")" + base64("v2") + R"("}]}})");
  EXPECT_EQ(kafka.source, "kafka");
  EXPECT_EQ(kafka.records, 2);
  EXPECT_EQ(kafka.at("/records/t-0/0/value").value, "v1");
  EXPECT_EQ(kafka.at("/records/t-0/0/key").value, "key");
  EXPECT_EQ(kafka.at("/records/t-0/0/headers/0/h1").value, "hi");
  EXPECT_EQ(kafka.at("/records/t-0/0/headers/0/h1").key, "h1");
  EXPECT_EQ(kafka.at("/records/t-0/0/headers/0/h1").decoding, "bytes");
  EXPECT_EQ(kafka.at("/records/t-0/0/headers/1/h2").value, "\xEF\xBF\xBD" "A");
  EXPECT_EQ(kafka.at("/records/t-0/0/headers/1/h2").decoding, "bytes,utf8_replace");
  EXPECT_EQ(kafka.at("/records/t-1/0/value").record, 1);
  EXPECT_TRUE(kafka.at("/records/t-1/0/topic").trusted);

  Event amq = Load(R"({"eventSource": "aws:mq", "eventSourceArn": "arn:mq", "messages": [
    {"messageID": "ID:1", "data": ")" + base64("<xml/>") + R"(", "properties": {"p": "v"}, "correlationID": "c",
     "destination": {"physicalName": "q"}}]})");
  EXPECT_EQ(amq.source, "mq");
  EXPECT_EQ(amq.at("/messages/0/data").value, "<xml/>");
  EXPECT_EQ(amq.at("/messages/0/properties/p").name, "mq.property");
  EXPECT_EQ(amq.at("/messages/0/correlationID").key, "correlationID");
  EXPECT_TRUE(amq.at("/messages/0/destination/physicalName").trusted);

  Event rmq = Load(R"({"eventSource": "aws:rmq", "eventSourceArn": "arn:mq", "rmqMessagesByQueue": {"q::/": [
    {"basicProperties": {"headers": {"h": {"bytes": [118, 49]}, "n": 10}, "replyTo": "r", "userId": "u"},
     "data": ")" + base64("body") + R"("}]}})");
  EXPECT_EQ(rmq.source, "mq");
  EXPECT_EQ(rmq.records, 1);
  EXPECT_EQ(rmq.at("/rmqMessagesByQueue/q::~1/0/data").value, "body");
  EXPECT_EQ(rmq.at("/rmqMessagesByQueue/q::~1/0/basicProperties/headers/h/bytes").value, "v1");
  EXPECT_EQ(rmq.at("/rmqMessagesByQueue/q::~1/0/basicProperties/replyTo").name, "mq.property");
  EXPECT_TRUE(rmq.at("/rmqMessagesByQueue/q::~1/0/basicProperties/userId").trusted);
}

TEST(EventLoader, CloudWatchLogsAreGunzipped) {
  std::string logs = R"({"messageType": "DATA_MESSAGE", "owner": "123456789012", "logGroup": "/aws/lambda/f",
    "logStream": "s", "subscriptionFilters": ["all"], "logEvents": [
      {"id": "1", "timestamp": 1, "message": "GET /?q=<script> 200"},
      {"id": "2", "timestamp": 2, "message": "{\"user\": \"' OR '1'='1\"}"}]})";
  Event e = Load(R"({"awslogs": {"data": ")" + base64(gzip(logs)) + R"("}})");
  EXPECT_EQ(e.source, "cloudwatch.logs");
  EXPECT_TRUE(e.warnings.empty()) << e.all_warnings();
  EXPECT_EQ(e.records, 2);
  EXPECT_EQ(e.at("/awslogs/data").name, "logs.data");
  EXPECT_EQ(e.at("/awslogs/data").decoding, "base64,gzip,json");
  const Field& m0 = e.at("/awslogs/data#/logEvents/0/message");
  EXPECT_EQ(m0.name, "logs.message");
  EXPECT_EQ(m0.value, "GET /?q=<script> 200");
  EXPECT_EQ(m0.record, 0);
  EXPECT_EQ(m0.decoding, "base64,gzip,json");
  EXPECT_EQ(e.at("/awslogs/data#/logEvents/1/message#/user").value, "' OR '1'='1");
  EXPECT_EQ(e.at("/awslogs/data#/logEvents/1/message#/user").record, 1);
  EXPECT_EQ(e.at("/awslogs/data#/logGroup").name, "logs.log_group");
  EXPECT_TRUE(e.at("/awslogs/data#/logGroup").trusted);
  EXPECT_EQ(e.at("/awslogs/data#/subscriptionFilters/0").name, "logs.subscription_filter");
  // Only the messages are attacker data: no generic leaves of logs.data.
  EXPECT_FALSE(e.has_untrusted("logs.data.leaf"));
}

// ---- EventBridge, Cognito, IoT --------------------------------------------

TEST(EventLoader, EventBridge) {
  Event custom = Load(R"({"version": "0", "id": "1", "detail-type": "OrderPlaced", "source": "com.example.shop",
    "account": "1", "time": "t", "region": "r", "resources": ["arn:x"],
    "detail": {"order": {"note": "<b>hi</b>"}, "qty": 2}})");
  EXPECT_EQ(custom.source, "eventbridge");
  EXPECT_EQ(custom.at("/detail/order/note").name, "eventbridge.detail");
  EXPECT_EQ(custom.at("/detail/order/note").key, "note");
  EXPECT_FALSE(custom.at("/source").trusted);  // anyone allowed to PutEvents can say so
  EXPECT_FALSE(custom.at("/resources/0").trusted);
  EXPECT_TRUE(custom.at("/account").trusted);

  Event aws = Load(R"({"detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
    "account": "1", "resources": ["arn:i"], "detail": {"instance-id": "i-1"}})");
  EXPECT_EQ(aws.source, "eventbridge");
  EXPECT_TRUE(aws.at("/source").trusted);
  EXPECT_TRUE(aws.at("/resources/0").trusted);
  EXPECT_FALSE(aws.at("/detail/instance-id").trusted);

  Event scheduled = Load(R"({"detail-type": "Scheduled Event", "source": "aws.events", "account": "1",
    "resources": ["arn:rule"], "detail": {}})");
  EXPECT_EQ(scheduled.source, "scheduled");
  EXPECT_TRUE(scheduled.fields.empty());
  EXPECT_TRUE(scheduled.has_trusted("eventbridge.resource"));

  Event s3 = Load(R"({"detail-type": "Object Created", "source": "aws.s3", "account": "1",
    "detail": {"bucket": {"name": "b"}, "object": {"key": "a b+c.txt"}, "requester": "1",
               "source-ip-address": "192.0.2.1"}})");
  EXPECT_EQ(s3.source, "s3.eventbridge");
  EXPECT_EQ(s3.at("/detail/object/key").name, "s3.object.key");
  EXPECT_EQ(s3.at("/detail/object/key").value, "a b+c.txt");
  EXPECT_EQ(s3.at("/detail/source-ip-address").name, "s3.source_ip");
  EXPECT_TRUE(s3.at("/detail/bucket/name").trusted);
}

TEST(EventLoader, Cognito) {
  Event e = Load(R"({"version": "1", "triggerSource": "PreSignUp_SignUp", "userPoolId": "us-east-1_x",
    "userName": "bob'--", "callerContext": {"clientId": "c"},
    "request": {"userAttributes": {"sub": "s-1", "email": "e@example.com", "custom:role": "admin",
                                   "email_verified": "true"},
                "validationData": {"k": "v"}, "clientMetadata": {"m": "n"}},
    "response": {"autoConfirmUser": false}})");
  EXPECT_EQ(e.source, "cognito");
  EXPECT_EQ(e.at("/userName").name, "cognito.user_name");
  EXPECT_EQ(e.at("/request/userAttributes/custom:role").key, "custom:role");
  EXPECT_FALSE(e.at("/request/userAttributes/email").trusted);
  EXPECT_TRUE(e.at("/request/userAttributes/sub").trusted);
  EXPECT_TRUE(e.at("/request/userAttributes/email_verified").trusted);
  EXPECT_EQ(e.at("/request/validationData/k").name, "cognito.validation_data");
  EXPECT_EQ(e.at("/request/clientMetadata/m").name, "cognito.client_metadata");
  EXPECT_TRUE(e.at("/triggerSource").trusted);
  EXPECT_TRUE(e.at("/userPoolId").trusted);

  Event sync = Load(R"({"eventType": "SyncTrigger", "identityPoolId": "p", "identityId": "i", "datasetName": "d",
    "datasetRecords": {"k": {"newValue": "n", "oldValue": "o", "op": "replace"}}})");
  EXPECT_EQ(sync.source, "cognito");
  EXPECT_EQ(sync.at("/datasetRecords/k/newValue").name, "cognito.sync.new_value");
  EXPECT_EQ(sync.at("/datasetRecords/k/newValue").key, "k");
  EXPECT_TRUE(sync.at("/identityPoolId").trusted);
}

TEST(EventLoader, IoT) {
  Event e = Load(R"({"token": "t", "signatureVerified": false, "protocols": ["mqtt"],
    "protocolData": {"mqtt": {"username": "u", "password": "cGFzcw==", "clientId": "c"},
                     "http": {"headers": {"X-A": "b"}, "queryString": "?x=1"}, "tls": {"serverName": "s"}},
    "connectionMetadata": {"id": "conn"}})");
  EXPECT_EQ(e.source, "iot");
  EXPECT_EQ(e.at("/token").name, "iot.token");
  EXPECT_EQ(e.at("/protocolData/mqtt/password").value, "pass");
  EXPECT_EQ(e.at("/protocolData/mqtt/password").decoding, "base64");
  EXPECT_EQ(e.at("/protocolData/http/headers/X-A").key, "X-A");
  EXPECT_TRUE(e.at("/connectionMetadata/id").trusted);

  Event button = Load(R"({"serialNumber": "G030", "clickType": "SINGLE", "batteryVoltage": "2000 mV"})");
  EXPECT_EQ(button.source, "iot");
  EXPECT_EQ(button.at("/clickType").name, "iot.click_type");
}

// ---- Unknown, malformed, limits --------------------------------------------

TEST(EventLoader, UnknownShapesAreNotErrors) {
  Event e = Load(R"({"statusCode": 200, "body": "{\"ok\": \"yes\"}", "headers": {"a": "b"}})");
  EXPECT_EQ(e.source, "unknown");
  ASSERT_EQ(e.warnings.size(), 1u);
  EXPECT_NE(e.warnings[0].find("not a recognized Lambda trigger event"), std::string::npos);
  EXPECT_EQ(e.at("/body").name, "unknown.leaf");
  EXPECT_EQ(e.at("/body#/ok").value, "yes");
  EXPECT_EQ(e.at("/headers/a").key, "a");

  Event list = Load("[1, \"x\"]");
  EXPECT_EQ(list.source, "unknown");
  EXPECT_EQ(list.at("/1").value, "x");
  // The payload is kept as it is.
  EXPECT_EQ(to_json(*list.doc->root().as_map().find("payload")), "[1,\"x\"]");
  EXPECT_EQ(to_json(*list.doc->root().as_map().find("format")), "\"moat-event/1\"");
}


}  // namespace
}  // namespace moat
