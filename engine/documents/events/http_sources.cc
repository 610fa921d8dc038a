// HTTP-shaped events: API Gateway REST (payload 1.0), HTTP API (2.0),
// function URLs, WebSocket APIs, Lambda authorizers, ALB targets and
// CloudFront (Lambda@Edge). They share the http.* field names so that one
// rule covers every way a request reaches a function.
#include <string>

#include "documents/events/sources.h"

namespace moat::events {
namespace {

constexpr int64_t kNoRecord = -1;

bool is_true(const Value* v) { return v != nullptr && v->is_bool() && v->as_bool(); }

void body(EventBuilder& b, const Value& p) {
  b.untrusted("/body", "http.body", member(p, "body"), kNoRecord,
              is_true(member(p, "isBase64Encoded")) ? Decode::kBase64 : Decode::kNone);
}

// requestContext members AWS fills in, for both payload versions.
void context_trusted(EventBuilder& b, const Value& p) {
  const Value* rc = member(p, "requestContext");
  if (rc == nullptr) return;
  b.trusted("/requestContext/accountId", "apigateway.account_id", member(*rc, "accountId"), kNoRecord);
  b.trusted("/requestContext/apiId", "apigateway.api_id", member(*rc, "apiId"), kNoRecord);
  b.trusted("/requestContext/stage", "apigateway.stage", member(*rc, "stage"), kNoRecord);
  b.trusted("/requestContext/requestId", "apigateway.request_id", member(*rc, "requestId"), kNoRecord);
  b.trusted("/requestContext/domainName", "apigateway.domain_name", member(*rc, "domainName"), kNoRecord);
  b.trusted("/requestContext/routeKey", "apigateway.route_key", member(*rc, "routeKey"), kNoRecord);
  b.trusted("/requestContext/resourcePath", "apigateway.resource", member(*rc, "resourcePath"), kNoRecord);
  b.trusted("/requestContext/httpMethod", "http.method", member(*rc, "httpMethod"), kNoRecord);
  b.trusted("/requestContext/connectionId", "apigateway.connection_id", member(*rc, "connectionId"), kNoRecord);
  b.trusted("/requestContext/eventType", "apigateway.event_type", member(*rc, "eventType"), kNoRecord);
  b.trusted_all("/stageVariables", "apigateway.stage_variable", member(p, "stageVariables"), kNoRecord);
}

// Payload 1.0: REST APIs, WebSocket APIs, REQUEST authorizers (1.0).
void rest_request(EventBuilder& b, const Value& p) {
  b.untrusted("/path", "http.path", member(p, "path"), kNoRecord);
  b.untrusted_members("/pathParameters", "http.path_parameter", member(p, "pathParameters"), kNoRecord);
  b.untrusted_members("/queryStringParameters", "http.query", member(p, "queryStringParameters"), kNoRecord);
  b.untrusted_members("/multiValueQueryStringParameters", "http.query", member(p, "multiValueQueryStringParameters"),
                      kNoRecord, Decode::kNone, member(p, "queryStringParameters"));
  b.untrusted_members("/headers", "http.header", member(p, "headers"), kNoRecord);
  b.untrusted_members("/multiValueHeaders", "http.header", member(p, "multiValueHeaders"), kNoRecord, Decode::kNone,
                      member(p, "headers"));
  body(b, p);
  b.untrusted("/requestContext/identity/userAgent", "http.user_agent",
              member_at(p, {"requestContext", "identity", "userAgent"}), kNoRecord);
  // A Lambda authorizer's context and Cognito claims are only as
  // trustworthy as the authorizer, and claims such as email are user input.
  b.untrusted_strings("/requestContext/authorizer", "apigateway.authorizer",
                      member_at(p, {"requestContext", "authorizer"}), kNoRecord);

  b.trusted("/requestContext/identity/sourceIp", "http.source_ip",
            member_at(p, {"requestContext", "identity", "sourceIp"}), kNoRecord);
  b.trusted("/httpMethod", "http.method", member(p, "httpMethod"), kNoRecord);
  b.trusted("/resource", "apigateway.resource", member(p, "resource"), kNoRecord);
  if (const Value* identity = member_at(p, {"requestContext", "identity"})) {
    for (std::string_view k : {"accountId", "caller", "user", "userArn", "accessKey", "apiKeyId",
                               "cognitoIdentityId", "cognitoIdentityPoolId", "cognitoAuthenticationType",
                               "cognitoAuthenticationProvider"})
      b.trusted(child("/requestContext/identity", k), "apigateway.identity", member(*identity, k), kNoRecord);
  }
  context_trusted(b, p);
}

// Payload 2.0: HTTP APIs, function URLs, REQUEST authorizers (2.0).
void http_request(EventBuilder& b, const Value& p) {
  b.untrusted("/rawPath", "http.path", member(p, "rawPath"), kNoRecord);
  b.untrusted("/rawQueryString", "http.query_string", member(p, "rawQueryString"), kNoRecord);
  if (const ListRep* cookies = list_member(p, "cookies"))
    for (uint32_t i = 0; i < cookies->size; ++i)
      b.untrusted(child("/cookies", i), "http.cookie", cookies->items[i], kNoRecord);
  b.untrusted_members("/headers", "http.header", member(p, "headers"), kNoRecord);
  b.untrusted_members("/queryStringParameters", "http.query", member(p, "queryStringParameters"), kNoRecord);
  b.untrusted_members("/pathParameters", "http.path_parameter", member(p, "pathParameters"), kNoRecord);
  body(b, p);
  b.untrusted("/requestContext/http/path", "http.path", member_at(p, {"requestContext", "http", "path"}), kNoRecord);
  b.untrusted("/requestContext/http/userAgent", "http.user_agent",
              member_at(p, {"requestContext", "http", "userAgent"}), kNoRecord);
  b.untrusted_strings("/requestContext/authorizer/jwt", "apigateway.authorizer",
                      member_at(p, {"requestContext", "authorizer", "jwt"}), kNoRecord);
  b.untrusted_strings("/requestContext/authorizer/lambda", "apigateway.authorizer",
                      member_at(p, {"requestContext", "authorizer", "lambda"}), kNoRecord);

  // IAM authorization: the caller's identity, verified by SigV4.
  b.trusted_all("/requestContext/authorizer/iam", "apigateway.identity",
                member_at(p, {"requestContext", "authorizer", "iam"}), kNoRecord);
  b.trusted("/requestContext/http/sourceIp", "http.source_ip", member_at(p, {"requestContext", "http", "sourceIp"}),
            kNoRecord);
  b.trusted("/requestContext/http/method", "http.method", member_at(p, {"requestContext", "http", "method"}),
            kNoRecord);
  b.trusted("/routeKey", "apigateway.route_key", member(p, "routeKey"), kNoRecord);
  context_trusted(b, p);
}

}  // namespace

void extract_apigateway_rest(EventBuilder& b, const Value& p) { rest_request(b, p); }

void extract_apigateway_http(EventBuilder& b, const Value& p) { http_request(b, p); }

void extract_apigateway_authorizer(EventBuilder& b, const Value& p) {
  std::string_view type = string_member(p, "type");
  if (type == "REQUEST") {
    if (string_member(p, "version") == "2.0" || member(p, "routeArn") != nullptr) http_request(b, p);
    else rest_request(b, p);
  }
  b.untrusted("/authorizationToken", "apigateway.authorization_token", member(p, "authorizationToken"), kNoRecord);
  if (const Value* sources = member(p, "identitySource")) {
    if (sources->is_list()) {
      for (uint32_t i = 0; i < sources->as_list().size; ++i)
        b.untrusted(child("/identitySource", i), "apigateway.identity_source", sources->as_list().items[i], kNoRecord);
    } else {
      b.untrusted("/identitySource", "apigateway.identity_source", *sources, kNoRecord);
    }
  }
  b.trusted("/methodArn", "apigateway.method_arn", member(p, "methodArn"), kNoRecord);
  b.trusted("/routeArn", "apigateway.method_arn", member(p, "routeArn"), kNoRecord);
}

void extract_alb(EventBuilder& b, const Value& p) {
  b.untrusted("/path", "http.path", member(p, "path"), kNoRecord);
  // ALB passes query strings on exactly as the client sent them.
  b.untrusted_members("/queryStringParameters", "http.query", member(p, "queryStringParameters"), kNoRecord,
                      Decode::kUrlPlus);
  b.untrusted_members("/multiValueQueryStringParameters", "http.query", member(p, "multiValueQueryStringParameters"),
                      kNoRecord, Decode::kUrlPlus, member(p, "queryStringParameters"));
  b.untrusted_members("/headers", "http.header", member(p, "headers"), kNoRecord);
  b.untrusted_members("/multiValueHeaders", "http.header", member(p, "multiValueHeaders"), kNoRecord, Decode::kNone,
                      member(p, "headers"));
  body(b, p);
  b.trusted("/requestContext/elb/targetGroupArn", "alb.target_group_arn",
            member_at(p, {"requestContext", "elb", "targetGroupArn"}), kNoRecord);
  b.trusted("/httpMethod", "http.method", member(p, "httpMethod"), kNoRecord);
}

namespace {

// CloudFront headers: {"user-agent": [{"key": "User-Agent", "value": "..."}]}.
void cloudfront_headers(EventBuilder& b, const std::string& pointer, std::string_view name, const Value* headers,
                        int64_t record) {
  if (headers == nullptr || !headers->is_map()) return;
  for (const Member& h : headers->as_map()) {
    if (!h.value.is_list()) continue;
    std::string hp = child(pointer, h.key.as_string());
    const ListRep& items = h.value.as_list();
    for (uint32_t j = 0; j < items.size; ++j) {
      const Value& item = items.items[j];
      const Value* key = member(item, "key");
      const Value* value = member(item, "value");
      if (value == nullptr) continue;
      b.untrusted(child(child(hp, j), "value"), name, *value, record, Decode::kNone,
                  key != nullptr && key->is_string() ? key : &h.key);
    }
  }
}

}  // namespace

void extract_cloudfront(EventBuilder& b, const Value& p) {
  const ListRep* records = list_member(p, "Records");
  if (records == nullptr) return;
  b.set_records(records->size);
  for (uint32_t i = 0; i < records->size; ++i) {
    const Value* cf = member(records->items[i], "cf");
    if (cf == nullptr) continue;
    std::string base = child(child("/Records", i), "cf");
    if (const Value* req = member(*cf, "request")) {
      std::string rp = base + "/request";
      b.untrusted(rp + "/uri", "http.path", member(*req, "uri"), i);
      b.untrusted(rp + "/querystring", "http.query_string", member(*req, "querystring"), i);
      cloudfront_headers(b, rp + "/headers", "http.header", member(*req, "headers"), i);
      if (const Value* body = member(*req, "body")) {
        b.untrusted(rp + "/body/data", "http.body", member(*body, "data"), i,
                    string_member(*body, "encoding") == "base64" ? Decode::kBase64 : Decode::kNone);
      }
      b.trusted(rp + "/clientIp", "http.source_ip", member(*req, "clientIp"), i);
      b.trusted(rp + "/method", "http.method", member(*req, "method"), i);
    }
    // Origin responses carry what the origin (and, for S3, the uploader's
    // x-amz-meta-* metadata) chose.
    if (const Value* resp = member(*cf, "response"))
      cloudfront_headers(b, base + "/response/headers", "cloudfront.response_header", member(*resp, "headers"), i);
    b.trusted_all(base + "/config", "cloudfront.config", member(*cf, "config"), i);
  }
}

}  // namespace moat::events
