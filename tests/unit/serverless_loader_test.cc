// serverless.yml loader: functions, events, provider settings, the shared
// role, variables, resources:, a golden output and a corpus smoke test.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>

#include "golden_util.h"

#include "documents/template_loader.h"
#include "value/value.h"

namespace moat {
namespace {

LoadedDocument load(const std::string& text, const std::string& name = "serverless.yml") {
  auto r = load_template(text, name);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok()) return {};
  EXPECT_EQ(r->format, "serverless");
  return *std::move(r);
}

Value at(const Value& v, std::initializer_list<std::string_view> path) {
  Value cur = v;
  for (std::string_view p : path) {
    if (cur.is_map()) {
      const Value* m = cur.as_map().find(p);
      if (!m) return Value();
      cur = *m;
    } else if (cur.is_list()) {
      size_t i = std::stoul(std::string(p));
      if (i >= cur.as_list().size) return Value();
      cur = cur.as_list().items[i];
    } else {
      return Value();
    }
  }
  return cur;
}

std::string res(const LoadedDocument& d, std::string_view id, std::string_view key) {
  return to_json(at(d.document->root(), {"resources", id, key}));
}

size_t count_type(const LoadedDocument& d, std::string_view type) {
  const auto* v = d.document->resources_of_type(type);
  return v ? v->size() : 0;
}

bool has_warning(const LoadedDocument& d, std::string_view text) {
  for (const auto& w : d.warnings)
    if (w.message.find(text) != std::string::npos) return true;
  return false;
}

bool has_edge(const LoadedDocument& d, std::string_view kind, std::string_view from, std::string_view to) {
  Value edges = at(d.document->root(), {"edges"});
  if (!edges.is_list()) return false;
  for (const Value& e : edges.as_list())
    if (to_json(at(e, {"kind"})) == "\"" + std::string(kind) + "\"" &&
        to_json(at(e, {"from"})) == "\"" + std::string(from) + "\"" &&
        to_json(at(e, {"to"})) == "\"" + std::string(to) + "\"")
      return true;
  return false;
}

std::string fn(std::string_view events) {
  return "service: svc\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  hello:\n    handler: h.main\n"
         "    events:\n" +
         std::string(events);
}

TEST(ServerlessLoader, FunctionDefaultsAndProvider) {
  auto d = load(R"(service: svc
provider:
  name: aws
  runtime: nodejs20.x
  memorySize: 256
  timeout: 20
  environment: {A: "1", B: "2"}
  tracing: {lambda: true}
  vpc: {securityGroupIds: [sg-1], subnetIds: [subnet-1, subnet-2]}
functions:
  my-func_x:
    handler: index.handler
    memorySize: 2048
    environment: {B: "override", C: "3"}
    reservedConcurrency: 5
    layers: [arn:aws:lambda:us-east-1:1:layer:l:1]
  other:
    handler: o.h
    runtime: python3.12
    role: arn:aws:iam::123456789012:role/custom
    tracing: PassThrough
)");
  const std::string id = "MyDashfuncUnderscorexLambdaFunction";
  EXPECT_EQ(res(d, id, "type"), R"("aws.lambda.function")");
  EXPECT_EQ(res(d, id, "native_type"), R"("serverless.function")");
  EXPECT_EQ(res(d, id, "name"), R"("my-func_x")");
  EXPECT_EQ(res(d, id, "function_name"), R"("svc-dev-my-func_x")");
  EXPECT_EQ(res(d, id, "handler"), R"("index.handler")");
  EXPECT_EQ(res(d, id, "runtime"), R"("nodejs20.x")");
  EXPECT_EQ(res(d, id, "memory_size"), "2048");
  EXPECT_EQ(res(d, id, "timeout"), "20");
  EXPECT_EQ(res(d, id, "environment"), R"({"A":"1","B":"override","C":"3"})");
  EXPECT_EQ(res(d, id, "tracing"), R"("Active")");
  EXPECT_EQ(res(d, id, "reserved_concurrency"), "5");
  EXPECT_EQ(res(d, id, "vpc"), R"({"subnet_ids":["subnet-1","subnet-2"],"security_group_ids":["sg-1"]})");
  EXPECT_EQ(res(d, id, "role"), R"("IamRoleLambdaExecution")");
  EXPECT_TRUE(has_edge(d, "execution_role", id, "IamRoleLambdaExecution"));
  EXPECT_EQ(res(d, "OtherLambdaFunction", "runtime"), R"("python3.12")");
  EXPECT_EQ(res(d, "OtherLambdaFunction", "timeout"), "20");
  EXPECT_EQ(res(d, "OtherLambdaFunction", "tracing"), R"("PassThrough")");
  EXPECT_EQ(res(d, "OtherLambdaFunction", "role"), R"("arn:aws:iam::123456789012:role/custom")");
  // Location: the function's key in serverless.yml.
  EXPECT_EQ(to_json(at(d.document->root(), {"resources", id, "location", "line"})), "11");
  EXPECT_EQ(to_json(at(d.document->root(), {"resources", id, "location", "pointer"})), R"("/functions/my-func_x")");
  EXPECT_EQ(to_json(at(d.document->root(), {"resources", id, "native", "memorySize"})), "2048");
}

TEST(ServerlessLoader, DefaultsWhenProviderIsSilent) {
  auto d = load("service: s\nprovider:\n  name: aws\nfunctions:\n  a:\n    handler: a.h\n");
  EXPECT_EQ(res(d, "ALambdaFunction", "memory_size"), "1024");
  EXPECT_EQ(res(d, "ALambdaFunction", "timeout"), "6");
}

TEST(ServerlessLoader, SharedRoleV3AndV2) {
  auto v3 = load(R"(service: s
provider:
  name: aws
  iam:
    role:
      statements:
        - Effect: Allow
          Action: [s3:GetObject]
          Resource: "*"
      managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
functions:
  a: {handler: a.h}
)");
  EXPECT_EQ(res(v3, "IamRoleLambdaExecution", "type"), R"("aws.iam.role")");
  std::string policies = res(v3, "IamRoleLambdaExecution", "policies");
  EXPECT_NE(policies.find(R"("actions":["s3:GetObject"])"), std::string::npos) << policies;
  EXPECT_NE(policies.find(R"("resources":["*"])"), std::string::npos) << policies;
  EXPECT_EQ(res(v3, "IamRoleLambdaExecution", "managed_policy_arns"), R"(["arn:aws:iam::aws:policy/ReadOnlyAccess"])");
  auto v2 = load(R"(service: s
provider:
  name: aws
  iamRoleStatements:
    - Effect: Allow
      Action: "sqs:*"
      Resource: "*"
  iamManagedPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
functions:
  a: {handler: a.h}
)");
  policies = res(v2, "IamRoleLambdaExecution", "policies");
  EXPECT_NE(policies.find(R"("actions":["sqs:*"])"), std::string::npos) << policies;
  EXPECT_EQ(res(v2, "IamRoleLambdaExecution", "managed_policy_arns"),
            R"(["arn:aws:iam::aws:policy/AdministratorAccess"])");
  // A function with its own role: no shared role.
  auto own = load("service: s\nprovider: {name: aws}\nfunctions:\n  a: {handler: a.h, role: MyRole}\n"
                  "resources:\n  Resources:\n    MyRole:\n      Type: AWS::IAM::Role\n");
  EXPECT_EQ(res(own, "IamRoleLambdaExecution", "type"), "null");
  EXPECT_EQ(res(own, "ALambdaFunction", "role"), R"("MyRole")");
}

TEST(ServerlessLoader, HttpEvents) {
  auto d = load(R"(service: s
provider:
  name: aws
  logs: {restApi: true}
  tracing: {apiGateway: true}
functions:
  a:
    handler: a.h
    events:
      - http: {method: get, path: 'users/{id}', private: true}
      - http: {method: post, path: /users, authorizer: aws_iam}
      - http: {method: delete, path: /users, authorizer: {name: auth, type: request}}
      - http: GET /open
)");
  EXPECT_EQ(res(d, "ApiGatewayMethodUsersIdVarGet", "type"), R"("aws.apigateway.method")");
  EXPECT_EQ(res(d, "ApiGatewayMethodUsersIdVarGet", "http_method"), R"("GET")");
  EXPECT_EQ(res(d, "ApiGatewayMethodUsersIdVarGet", "path"), R"("/users/{id}")");
  EXPECT_EQ(res(d, "ApiGatewayMethodUsersIdVarGet", "api_key_required"), "true");
  EXPECT_EQ(res(d, "ApiGatewayMethodUsersIdVarGet", "authorization_type"), R"("NONE")");
  EXPECT_EQ(res(d, "ApiGatewayMethodUsersIdVarGet", "native_type"), R"("serverless.event.http")");
  EXPECT_EQ(res(d, "ApiGatewayMethodUsersPost", "authorization_type"), R"("AWS_IAM")");
  EXPECT_EQ(res(d, "ApiGatewayMethodUsersDelete", "authorization_type"), R"("CUSTOM")");
  EXPECT_EQ(res(d, "ApiGatewayMethodUsersDelete", "authorizer"), R"("AuthApiGatewayAuthorizer")");
  EXPECT_EQ(res(d, "ApiGatewayMethodOpenGet", "authorization_type"), R"("NONE")");
  EXPECT_TRUE(has_edge(d, "triggers", "ApiGatewayMethodUsersIdVarGet", "ALambdaFunction"));
  EXPECT_EQ(res(d, "ApiGatewayStage", "tracing"), "true");
  EXPECT_NE(res(d, "ApiGatewayStage", "access_log"), "null");
  EXPECT_EQ(to_json(at(d.document->root(), {"resources", "ApiGatewayMethodOpenGet", "location", "line"})), "13");
}

TEST(ServerlessLoader, HttpApiEventsAndUrl) {
  auto d = load(R"(service: s
provider:
  name: aws
  logs: {httpApi: true}
  httpApi:
    authorizers:
      jwtAuth: {identitySource: $request.header.Authorization, issuerUrl: https://x, audience: [a]}
functions:
  a:
    handler: a.h
    url: true
    events:
      - httpApi: GET /items
      - httpApi: {method: post, path: /items, authorizer: {name: jwtAuth}}
      - httpApi: '*'
  b:
    handler: b.h
    url: {authorizer: aws_iam}
)");
  EXPECT_EQ(res(d, "HttpApiRouteGETItems", "type"), R"("aws.apigateway.route")");
  EXPECT_EQ(res(d, "HttpApiRouteGETItems", "route_key"), R"("GET /items")");
  EXPECT_EQ(res(d, "HttpApiRouteGETItems", "authorization_type"), R"("NONE")");
  EXPECT_EQ(res(d, "HttpApiRoutePOSTItems", "authorization_type"), R"("JWT")");
  EXPECT_EQ(res(d, "HttpApiRouteDefault", "route_key"), R"("$default")");
  EXPECT_TRUE(has_edge(d, "triggers", "HttpApiRouteGETItems", "ALambdaFunction"));
  EXPECT_EQ(res(d, "ALambdaFunctionUrl", "type"), R"("aws.lambda.url")");
  EXPECT_EQ(res(d, "ALambdaFunctionUrl", "auth_type"), R"("NONE")");
  EXPECT_EQ(res(d, "BLambdaFunctionUrl", "auth_type"), R"("AWS_IAM")");
  EXPECT_NE(res(d, "HttpApiStage", "access_log"), "null");
}

TEST(ServerlessLoader, HttpApiCorsInCloudFormationNames) {
  auto d = load(R"(service: s
provider:
  name: aws
  httpApi:
    cors:
      allowedOrigins: [https://app.example.com]
      allowedHeaders: [Content-Type]
      allowedMethods: [GET, POST]
      allowCredentials: true
      exposedResponseHeaders: [X-Request-Id]
      maxAge: 600
functions:
  a:
    handler: a.h
    events:
      - httpApi: GET /items
)");
  EXPECT_EQ(res(d, "HttpApi", "cors"),
            R"({"allow_origins":["https://app.example.com"],"allow_headers":["Content-Type"],"allow_methods":["GET","POST"],)"
            R"("allow_credentials":true,"expose_headers":["X-Request-Id"],"max_age":600})");
  // `cors: true` keeps the Framework's defaults unexpanded: no cors member.
  auto t = load("service: s\nprovider: {name: aws, httpApi: {cors: true}}\nfunctions:\n  a:\n    handler: a.h\n"
                "    events:\n      - httpApi: GET /items\n");
  EXPECT_EQ(res(t, "HttpApi", "cors"), "null");
}

TEST(ServerlessLoader, QueueStreamTopicBucketEvents) {
  auto d = load(fn(R"(      - s3: photos
      - s3: {bucket: existing-b, event: "s3:ObjectRemoved:*", existing: true}
      - sqs: arn:aws:sqs:us-east-1:123456789012:work
      - sqs: {arn: !GetAtt Jobs.Arn, batchSize: 5}
      - sns: alerts
      - sns: {arn: arn:aws:sns:us-east-1:123456789012:ext, topicName: ext}
      - stream: {type: dynamodb, arn: arn:aws:dynamodb:us-east-1:1:table/T/stream/2020}
      - stream: arn:aws:kinesis:us-east-1:1:stream/K
resources:
  Resources:
    Jobs: {Type: AWS::SQS::Queue}
)"));
  const std::string f = "HelloLambdaFunction";
  EXPECT_EQ(res(d, "S3BucketPhotos", "type"), R"("aws.s3.bucket")");
  EXPECT_TRUE(has_edge(d, "triggers", "S3BucketPhotos", f));
  EXPECT_EQ(res(d, "S3BucketExistingDashb", "type"), "null");
  EXPECT_EQ(res(d, "HelloEventSourceMappingSQSJobs", "type"), R"("aws.lambda.event_source_mapping")");
  EXPECT_EQ(res(d, "HelloEventSourceMappingSQSJobs", "event_source"), R"("Jobs")");
  EXPECT_TRUE(has_edge(d, "triggers", "HelloEventSourceMappingSQSJobs", f));
  EXPECT_EQ(res(d, "SNSTopicAlerts", "type"), R"("aws.sns.topic")");
  EXPECT_EQ(res(d, "HelloSnsSubscriptionAlerts", "type"), R"("aws.sns.subscription")");
  EXPECT_TRUE(has_edge(d, "triggers", "SNSTopicAlerts", f));
  EXPECT_EQ(res(d, "SNSTopicExt", "type"), "null");
  EXPECT_EQ(res(d, "HelloEventSourceMappingDynamodbT", "type"), R"("aws.lambda.event_source_mapping")");
  EXPECT_EQ(res(d, "HelloEventSourceMappingKinesisK", "native_type"), R"("serverless.event.stream")");
  EXPECT_GE(count_type(d, "aws.lambda.permission"), 3u);
}

TEST(ServerlessLoader, RuleAndOtherEvents) {
  auto d = load(fn(R"(      - schedule: rate(5 minutes)
      - schedule: {rate: ['cron(0 12 * * ? *)'], enabled: false}
      - eventBridge: {pattern: {source: [aws.ec2]}}
      - iot: {sql: "SELECT * FROM 'topic'"}
      - cognitoUserPool: {pool: users, trigger: PreSignUp}
      - alb: {listenerArn: arn:aws:elasticloadbalancing:us-east-1:1:listener/app/a/b/c, priority: 1, conditions: {path: /x}}
      - websocket: $connect
      - websocket: {route: $default}
      - cloudwatchLog: /aws/lambda/other
      - unknownThing: {}
)"));
  const std::string f = "HelloLambdaFunction";
  EXPECT_EQ(res(d, "HelloEventsRuleSchedule1", "schedule"), "\"rate(5 minutes)\"");
  EXPECT_EQ(res(d, "HelloEventsRuleSchedule2", "state"), R"("DISABLED")");
  EXPECT_TRUE(has_edge(d, "triggers", "HelloEventsRuleSchedule1", f));
  EXPECT_EQ(res(d, "HelloEventBridgeRule3", "event_pattern"), R"({"source":["aws.ec2"]})");
  EXPECT_EQ(res(d, "HelloIotTopicRule4", "type"), R"("aws.iot.topic_rule")");
  EXPECT_EQ(res(d, "CognitoUserPoolUsers", "type"), R"("aws.cognito.user_pool")");
  EXPECT_TRUE(has_edge(d, "triggers", "CognitoUserPoolUsers", f));
  EXPECT_EQ(res(d, "HelloAlbListenerRule1", "native_type"), R"("serverless.event.alb")");
  EXPECT_EQ(res(d, "ConnectWebsocketsRoute", "route_key"), R"("$connect")");
  EXPECT_TRUE(has_edge(d, "triggers", "DefaultWebsocketsRoute", f));
  EXPECT_TRUE(has_edge(d, "triggers", "HelloLogsSubscriptionFilterCloudWatchLog9", f));
  EXPECT_TRUE(has_warning(d, "event type unknownThing is not modeled"));
}

// Permissions carry the SourceArn / SourceAccount the Framework writes;
// ARNs built from pseudo parameters are unknowns showing the text.
TEST(ServerlessLoader, EventPermissionsAsTheFramework) {
  auto d = load(fn(R"(      - http: GET /a
      - httpApi: GET /b
      - s3: photos
      - sns: alerts
      - sns: {arn: arn:aws:sns:us-east-1:123456789012:ext, topicName: ext}
      - schedule: rate(5 minutes)
      - eventBridge: {pattern: {source: [aws.ec2]}}
      - alb: {listenerArn: arn:aws:elasticloadbalancing:us-east-1:1:listener/app/a/b/c, priority: 1, conditions: {path: /x}}
      - websocket: $connect
      - cloudwatchLog: /aws/lambda/one
      - cloudwatchLog: /aws/lambda/other
      - cognitoUserPool: {pool: users, trigger: PreSignUp}
)"));
  auto perm = [&](std::string_view id, std::string_view key) { return res(d, id, key); };
  EXPECT_EQ(perm("HelloLambdaPermissionApiGateway", "source_arn"),
            R"("<unknown: Fn::Join 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${ApiGatewayRestApi}/*/*' is known at deploy time>")");
  EXPECT_EQ(perm("HelloLambdaPermissionHttpApi", "source_arn"),
            R"("<unknown: Fn::Join 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*' is known at deploy time>")");
  EXPECT_EQ(perm("HelloLambdaPermissionPhotosS3", "source_arn"),
            R"("<unknown: Fn::Join 'arn:${AWS::Partition}:s3:::photos' is known at deploy time>")");
  EXPECT_EQ(perm("HelloLambdaPermissionPhotosS3", "source_account"),
            R"("<unknown: AWS::AccountId is known at deploy time>")");
  EXPECT_NE(perm("HelloLambdaPermissionAlertsSNS", "source_arn").find(":sns:${AWS::Region}:${AWS::AccountId}:alerts"),
            std::string::npos);
  EXPECT_EQ(perm("HelloLambdaPermissionExtSNS", "source_arn"), R"("arn:aws:sns:us-east-1:123456789012:ext")");
  EXPECT_EQ(perm("HelloLambdaPermissionEventsRuleSchedule6", "source_arn"), R"("HelloEventsRuleSchedule6")");
  EXPECT_TRUE(has_edge(d, "triggers", "HelloEventsRuleSchedule6", "HelloLambdaFunction"));
  EXPECT_NE(perm("HelloEventBridgeLambdaPermission7", "source_arn").find("rule/svc-dev-hello-rule-7"), std::string::npos)
      << perm("HelloEventBridgeLambdaPermission7", "source_arn");
  EXPECT_EQ(perm("HelloLambdaPermissionAlb", "source_arn"), R"("HelloAlbTargetGroupC1")");
  EXPECT_EQ(perm("HelloLambdaPermissionRegisterTarget", "source_arn"), "null");
  EXPECT_EQ(perm("HelloLambdaPermissionWebsockets", "source_arn"), "null");  // the Framework sets none
  // One permission for the function's log groups: their common prefix.
  EXPECT_NE(perm("HelloLambdaPermissionLogsSubscriptionFilterCloudWatchLog", "source_arn").find("log-group:/aws/lambda/o*:*"),
            std::string::npos)
      << perm("HelloLambdaPermissionLogsSubscriptionFilterCloudWatchLog", "source_arn");
  EXPECT_EQ(perm("HelloLambdaPermissionCognitoUserPoolUsersTriggerSourcePreSignUp", "source_arn"),
            R"("CognitoUserPoolUsers")");
}

TEST(ServerlessLoader, LogGroupPerFunction) {
  auto d = load(R"(service: svc
provider:
  name: aws
  logRetentionInDays: 14
functions:
  a: {handler: a.h}
  b: {handler: b.h, name: custom-b, logRetentionInDays: 365}
  c: {handler: c.h, disableLogs: true}
)");
  EXPECT_EQ(res(d, "ALogGroup", "type"), R"("aws.logs.log_group")");
  EXPECT_EQ(res(d, "ALogGroup", "name"), R"("/aws/lambda/svc-dev-a")");
  EXPECT_EQ(res(d, "ALogGroup", "retention_days"), "14");
  EXPECT_EQ(res(d, "ALogGroup", "native_type"), R"("serverless.function.log_group")");
  EXPECT_EQ(res(d, "BLogGroup", "name"), R"("/aws/lambda/custom-b")");
  EXPECT_EQ(res(d, "BLogGroup", "retention_days"), "365");
  EXPECT_EQ(res(d, "CLogGroup", "type"), "null");
  EXPECT_TRUE(has_edge(d, "logs_to", "ALambdaFunction", "ALogGroup"));
  auto silent = load("service: s\nprovider: {name: aws}\nfunctions:\n  a: {handler: a.h}\n");
  EXPECT_EQ(res(silent, "ALogGroup", "retention_days"), "null");  // never expires: absent
}

TEST(ServerlessLoader, DestinationsAndOnError) {
  auto d = load(R"(service: svc
provider: {name: aws}
functions:
  trigger:
    handler: t.h
    maximumRetryAttempts: 1
    maximumEventAge: 3600
    onError: arn:aws:sns:us-east-1:123456789012:dlq
    destinations:
      onSuccess: target
      onFailure: arn:aws:sqs:us-east-1:123456789012:failed
  typed:
    handler: t.h
    destinations:
      onFailure: {type: sns, arn: !Ref Failures}
  target: {handler: t.h}
resources:
  Resources:
    Failures: {Type: AWS::SNS::Topic}
)");
  const std::string ev = "TriggerLambdaEvConf";
  EXPECT_EQ(res(d, ev, "type"), R"("aws.lambda.event_invoke_config")");
  EXPECT_EQ(res(d, ev, "function"), R"("TriggerLambdaFunction")");
  EXPECT_EQ(res(d, ev, "on_success"), R"("TargetLambdaFunction")");
  EXPECT_EQ(res(d, ev, "on_failure"), R"("arn:aws:sqs:us-east-1:123456789012:failed")");
  EXPECT_EQ(res(d, ev, "maximum_retry_attempts"), "1");
  EXPECT_EQ(res(d, ev, "maximum_event_age"), "3600");
  EXPECT_EQ(res(d, ev, "qualifier"), R"("$LATEST")");
  EXPECT_EQ(res(d, "TypedLambdaEvConf", "on_failure"), R"("Failures")");
  EXPECT_TRUE(has_edge(d, "dead_letter", "TypedLambdaFunction", "Failures"));
  EXPECT_EQ(res(d, "TriggerLambdaFunction", "dead_letter_target"), R"("arn:aws:sns:us-east-1:123456789012:dlq")");
  EXPECT_EQ(res(d, "TargetLambdaEvConf", "type"), "null");
  // The shared role may reach the destinations.
  std::string policies = res(d, "IamRoleLambdaExecution", "policies");
  EXPECT_NE(policies.find(R"("actions":["sqs:SendMessage"])"), std::string::npos) << policies;
  EXPECT_NE(policies.find(R"("actions":["sns:Publish"])"), std::string::npos) << policies;
  EXPECT_NE(policies.find(R"("actions":["lambda:InvokeFunction"])"), std::string::npos) << policies;
}

TEST(ServerlessLoader, ApiKeysAndUsagePlan) {
  auto d = load(R"(service: svc
provider:
  name: aws
  apiGateway:
    apiKeys:
      - plain-key
      - {name: given, value: abcdefghij0123456789, description: fixed}
    usagePlan:
      quota: {limit: 5000, period: MONTH}
      throttle: {burstLimit: 200, rateLimit: 100}
functions:
  a: {handler: a.h, events: [{http: {method: get, path: /x, private: true}}]}
)");
  EXPECT_EQ(res(d, "ApiGatewayApiKey1", "type"), R"("aws.apigateway.api_key")");
  EXPECT_EQ(res(d, "ApiGatewayApiKey1", "name"), R"("plain-key")");
  EXPECT_EQ(res(d, "ApiGatewayApiKey1", "value"), "null");
  EXPECT_EQ(res(d, "ApiGatewayApiKey2", "value"), R"("abcdefghij0123456789")");
  EXPECT_EQ(res(d, "ApiGatewayApiKey2", "enabled"), "true");
  EXPECT_EQ(res(d, "ApiGatewayUsagePlan", "type"), R"("aws.apigateway.usage_plan")");
  EXPECT_EQ(res(d, "ApiGatewayUsagePlan", "throttle"), R"({"BurstLimit":200,"RateLimit":100})");
  EXPECT_EQ(res(d, "ApiGatewayUsagePlan", "quota"), R"({"Limit":5000,"Period":"MONTH"})");
  EXPECT_EQ(res(d, "ApiGatewayUsagePlanKey2", "key_id"), R"("ApiGatewayApiKey2")");
  EXPECT_EQ(res(d, "ApiGatewayUsagePlanKey2", "usage_plan_id"), R"("ApiGatewayUsagePlan")");
  EXPECT_EQ(to_json(at(d.document->root(), {"resources", "ApiGatewayApiKey2", "location", "pointer"})),
            R"("/provider/apiGateway/apiKeys/1")");
  // No REST API: nothing to attach keys to.
  auto none = load("service: s\nprovider: {name: aws, apiGateway: {apiKeys: [k]}}\nfunctions:\n  a: {handler: a.h}\n");
  EXPECT_EQ(count_type(none, "aws.apigateway.api_key"), 0u);
}

TEST(ServerlessLoader, NativeKeepsVariablesAsWritten) {
  auto d = load(R"(service: svc
custom: {table: orders}
provider:
  name: aws
functions:
  a:
    handler: a.h
    environment:
      SECRET: ${ssm:/app/secret}
      HOME_DIR: ${env:HOME}
      TABLE: ${self:custom.table}
    events:
      - sqs: ${self:custom.queueArn, 'arn:aws:sqs:us-east-1:1:q'}
resources:
  Resources:
    Q:
      Type: AWS::SQS::Queue
      Properties: {QueueName: '${self:custom.table}-q'}
)");
  Value native = at(d.document->root(), {"resources", "ALambdaFunction", "native", "environment"});
  EXPECT_EQ(to_json(at(native, {"SECRET"})), R"("${ssm:/app/secret}")");
  EXPECT_EQ(to_json(at(native, {"HOME_DIR"})), R"("${env:HOME}")");
  EXPECT_EQ(to_json(at(native, {"TABLE"})), R"("${self:custom.table}")");
  // Normalized properties stay resolved.
  Value env = at(d.document->root(), {"resources", "ALambdaFunction", "environment"});
  EXPECT_EQ(to_json(at(env, {"TABLE"})), R"("orders")");
  EXPECT_TRUE(at(env, {"SECRET"}).is_unknown());
  EXPECT_EQ(to_json(at(d.document->root(), {"resources", "AEventSourceMappingSQSQ", "native"})),
            R"("${self:custom.queueArn, 'arn:aws:sqs:us-east-1:1:q'}")");
  EXPECT_EQ(to_json(at(d.document->root(), {"resources", "Q", "native", "QueueName"})), R"("${self:custom.table}-q")");
  EXPECT_EQ(res(d, "Q", "name"), R"("orders-q")");
}

TEST(ServerlessLoader, LoggingConfig) {
  auto d = load(R"(service: svc
provider:
  name: aws
  logs: {lambda: {logFormat: JSON, applicationLogLevel: WARN}}
functions:
  a: {handler: a.h}
  b: {handler: b.h, logs: {logFormat: Text}}
)");
  EXPECT_EQ(res(d, "ALambdaFunction", "logging"), R"({"log_format":"JSON","application_log_level":"WARN"})");
  EXPECT_EQ(res(d, "BLambdaFunction", "logging"), R"({"log_format":"Text"})");
}

TEST(ServerlessLoader, Variables) {
  auto d = load(R"(service: vars
custom:
  base: 100
  nested: ${self:custom.base}
  stageName: ${sls:stage}
  pick: ${self:custom.missing, 'fallback'}
  perStage:
    prod: big
  chosen: ${self:custom.perStage.${self:provider.stage}}
  loopA: ${self:custom.loopB}
  loopB: ${self:custom.loopA}
provider:
  name: aws
  stage: ${opt:stage, 'prod'}
  region: ${opt:region, 'eu-west-1'}
  environment:
    NESTED: ${self:custom.nested}
    STAGE: ${self:custom.stageName}
    PICK: ${self:custom.pick}
    CHOSEN: ${self:custom.chosen}
    MIXED: ${self:service}-${opt:stage, 'x'}-db
    ENV: ${env:HOME}
    SSM: ${ssm:/a/b}
    FILE: ${file(./config.json):key}
    CF: ${cf:other.Output}
    AWS: ${aws:accountId}
    LOOP: ${self:custom.loopA}
functions:
  a: {handler: a.h}
)");
  std::string env = res(d, "ALambdaFunction", "environment");
  EXPECT_NE(env.find(R"("NESTED":100)"), std::string::npos) << env;
  EXPECT_NE(env.find(R"("STAGE":"prod")"), std::string::npos) << env;
  EXPECT_NE(env.find(R"("PICK":"fallback")"), std::string::npos) << env;
  EXPECT_NE(env.find(R"("CHOSEN":"big")"), std::string::npos) << env;
  EXPECT_NE(env.find(R"("MIXED":"vars-x-db")"), std::string::npos) << env;
  Value e = at(d.document->root(), {"resources", "ALambdaFunction", "environment"});
  for (const char* k : {"ENV", "SSM", "FILE", "CF", "AWS", "LOOP"}) {
    EXPECT_TRUE(at(e, {k}).is_unknown()) << k << " " << env;
  }
  EXPECT_NE(to_json(at(e, {"SSM"})).find("ssm:/a/b"), std::string::npos);
  EXPECT_TRUE(has_warning(d, "cycle"));
  EXPECT_EQ(to_json(at(d.document->root(), {"stage"})), R"("prod")");
  EXPECT_EQ(to_json(at(d.document->root(), {"region"})), R"("eu-west-1")");
}

TEST(ServerlessLoader, DeepVariableChainTerminates) {
  std::string text = "service: s\ncustom:\n";
  for (int i = 0; i < 100; ++i) text += "  v" + std::to_string(i) + ": ${self:custom.v" + std::to_string(i + 1) + "}\n";
  text += "  v100: end\nprovider: {name: aws, environment: {X: '${self:custom.v0}'}}\nfunctions:\n  a: {handler: a.h}\n";
  auto start = std::chrono::steady_clock::now();
  auto d = load(text);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(at(d.document->root(), {"resources", "ALambdaFunction", "environment", "X"}).is_unknown());
}

TEST(ServerlessLoader, ResourcesSectionThroughCloudFormation) {
  auto d = load(R"(service: s
provider: {name: aws}
functions:
  a: {handler: a.h, events: [{sqs: {arn: !GetAtt Q.Arn}}]}
resources:
  Resources:
    Q:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: q-${sls:stage}
        KmsMasterKeyId: !Ref Key
    Key: {Type: AWS::KMS::Key}
)");
  EXPECT_EQ(res(d, "Q", "type"), R"("aws.sqs.queue")");
  EXPECT_EQ(res(d, "Q", "native_type"), R"("AWS::SQS::Queue")");
  EXPECT_EQ(res(d, "Q", "name"), R"("q-dev")");
  EXPECT_EQ(to_json(at(d.document->root(), {"resources", "Q", "location", "pointer"})), R"("/resources/Resources/Q")");
  EXPECT_EQ(to_json(at(d.document->root(), {"resources", "Q", "location", "line"})), "7");
  EXPECT_EQ(res(d, "Key", "type"), R"("aws.kms.key")");
}

TEST(ServerlessLoader, Detection) {
  EXPECT_EQ(detect_input_format("service: a\nprovider:\n  name: aws\n", "serverless.yml"), "serverless");
  auto r = load_template("service: a\nprovider: 3\nfunctions: 4\n", "serverless.yml");
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto azure = load("service: a\nprovider: {name: azure}\nfunctions:\n  f: {handler: h, events: [{http: true}]}\n");
  EXPECT_TRUE(has_warning(azure, "provider azure is not AWS"));
  EXPECT_EQ(count_type(azure, "aws.lambda.function"), 0u);
  auto bad = load_template("service: [\n", "serverless.yml");
  EXPECT_FALSE(bad.ok());
}

// Valid YAML may indent every top-level key: detection reads the parsed
// keys, not columns.
TEST(ServerlessLoader, DetectionByParsedTopLevelKeys) {
  EXPECT_EQ(detect_input_format("  AWSTemplateFormatVersion: '2010-09-09'\n  Resources:\n    Q:\n      Type: AWS::SQS::Queue\n",
                                "t.yaml"),
            "cloudformation");
  EXPECT_EQ(detect_input_format("  Resources:\n    Q: {Type: AWS::SQS::Queue}\n", "t.yaml"), "cloudformation");
  EXPECT_EQ(detect_input_format("  service: s\n  provider:\n    name: aws\n", "serverless.yml"), "serverless");
  EXPECT_EQ(detect_input_format("  a: 1\n  b: [2]\n", "x.yaml"), "yaml");
  EXPECT_EQ(detect_input_format("  Resources:\n    note: {Type: other}\n", "x.yaml"), "yaml");
  auto r = load_template("  AWSTemplateFormatVersion: '2010-09-09'\n  Resources:\n    Q:\n      Type: AWS::SQS::Queue\n",
                         "t.yaml");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->format, "cloudformation");
  EXPECT_EQ(count_type(*r, "aws.sqs.queue"), 1u);
}

using testing_golden::read_file;

// Golden normalized documents of the fixtures (MOAT_UPDATE_GOLDEN=1 rewrites them).
TEST(ServerlessLoader, GoldenOutputs) { testing_golden::check_loader_goldens("serverless", 1); }

// Every serverless.yml of the shared corpus loads without crash or hang.
TEST(ServerlessLoaderHeavy, CorpusSmoke) {
  const std::filesystem::path base = std::filesystem::path(MOAT_SOURCE_DIR) / "../shared/corpus";
  size_t files = 0, loaded = 0, errors = 0, warnings = 0, resources = 0, functions = 0;
  for (const char* dir : {"serverless", "serverless-examples"}) {
    const std::filesystem::path root = base / dir;
    if (!std::filesystem::exists(root)) continue;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file()) continue;
      auto fname = entry.path().filename().string();
      if (fname != "serverless.yml" && fname != "serverless.yaml") continue;
      ++files;
      auto start = std::chrono::steady_clock::now();
      TemplateOptions options;
      options.input_format = "serverless";
      auto r = load_template(read_file(entry.path()), entry.path().string(), options);
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
      EXPECT_LT(ms, 5000) << entry.path();
      if (!r.ok()) {
        ++errors;
        std::cout << "error: " << r.status().message() << "\n";
        continue;
      }
      ++loaded;
      warnings += r->warnings.size();
      Value res = r->document->resources();
      if (res.is_map()) resources += res.as_map().size;
      if (const auto* f = r->document->resources_of_type("aws.lambda.function")) functions += f->size();
    }
  }
  if (files == 0) GTEST_SKIP() << "no serverless corpus under " << base;
  std::cout << "serverless corpus: " << files << " files, " << loaded << " loaded, " << errors << " errors, "
            << warnings << " warnings, " << resources << " resources, " << functions << " functions\n";
  EXPECT_GT(loaded, files / 2);
}

}  // namespace
}  // namespace moat
