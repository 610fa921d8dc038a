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

using testing_golden::read_file;

// Golden normalized documents of the fixtures (MOAT_UPDATE_GOLDEN=1 rewrites them).
TEST(ServerlessLoader, GoldenOutputs) { testing_golden::check_loader_goldens("serverless", 1); }

// Every serverless.yml of the shared corpus loads without crash or hang.
TEST(ServerlessLoader, CorpusSmoke) {
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
