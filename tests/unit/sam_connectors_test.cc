// SAM connectors (AWS::Serverless::Connector and `Connectors` attributes),
// GraphQLApi and CapacityProvider: the resources the transform generates,
// by id and type, and the permissions the normalized model then carries.
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "documents/template_loader.h"
#include "value/value.h"

namespace moat {
namespace {

// Resources every connector case can name.
constexpr const char* kResources = R"(Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: index.handler, InlineCode: "def handler(e, c): pass"}
  Table: {Type: AWS::DynamoDB::Table}
  Bucket: {Type: AWS::S3::Bucket}
  Queue: {Type: AWS::SQS::Queue}
  Topic: {Type: AWS::SNS::Topic}
  Bus: {Type: AWS::Events::EventBus}
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties: {Definition: {StartAt: A, States: {A: {Type: Succeed}}}}
  Api:
    Type: AWS::Serverless::Api
    Properties: {StageName: v1}
  RuleRole:
    Type: AWS::IAM::Role
    Properties: {AssumeRolePolicyDocument: {Statement: []}}
  Rule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: {source: [app]}
      Targets:
        - {Id: bus, Arn: !GetAtt Bus.Arn, RoleArn: !GetAtt RuleRole.Arn}
        - {Id: machine, Arn: !Ref Machine, RoleArn: !GetAtt RuleRole.Arn}
)";

LoadedDocument load(const std::string& text) {
  auto r = load_template(text, "t.yaml");
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok()) return {};
  return *std::move(r);
}

const Value* resource(const LoadedDocument& d, std::string_view id) {
  if (!d.document) return nullptr;
  Value all = d.document->resources();
  return all.is_map() ? all.as_map().find(id) : nullptr;
}

std::string field(const LoadedDocument& d, std::string_view id, std::string_view key) {
  const Value* r = resource(d, id);
  const Value* v = r && r->is_map() ? r->as_map().find(key) : nullptr;
  return v ? to_json(*v) : "absent";
}

bool has_edge(const LoadedDocument& d, std::string_view kind, std::string_view from, std::string_view to) {
  const Value* edges = d.document->root().as_map().find("edges");
  if (edges == nullptr || !edges->is_list()) return false;
  auto is = [](const Value& e, std::string_view key, std::string_view want) {
    const Value* v = e.as_map().find(key);
    return v && v->is_string() && v->as_string() == want;
  };
  for (const Value& e : edges->as_list())
    if (is(e, "kind", kind) && is(e, "from", from) && is(e, "to", to)) return true;
  return false;
}

std::string warnings(const LoadedDocument& d) {
  std::string out;
  for (const auto& w : d.warnings) out += w.message + "\n";
  return out;
}

struct ConnectorCase {
  const char* name;
  const char* connector;  // the connector's Properties
  // Generated (id, canonical type), each with text its normalized JSON must hold.
  std::vector<std::pair<std::string, std::string>> generated;
  std::vector<std::vector<std::string>> holds;
};

// One case per (source, destination) family of the translator's profiles.
const ConnectorCase kConnectorCases[] = {
    {"FunctionToTable", "{Source: {Id: Fn}, Destination: {Id: Table}, Permissions: [Read, Write]}",
     {{"CPolicy", "aws.iam.policy"}},
     {{"dynamodb:GetItem", "dynamodb:PutItem", "\"FnRole\"", "\"derived_from\":\"C\""}}},
    {"FunctionToBucketAndQueue", "{Source: {Id: Fn}, Destination: [{Id: Bucket}, {Id: Queue}], Permissions: [Read]}",
     {{"CPolicyDestination0", "aws.iam.policy"}, {"CPolicyDestination1", "aws.iam.policy"}},
     {{"s3:GetObject", "\"Bucket\""}, {"sqs:ReceiveMessage", "\"Queue\""}}},
    {"FunctionToStateMachine", "{Source: {Id: Fn}, Destination: {Id: Machine}, Permissions: [Write]}",
     {{"CPolicy", "aws.iam.policy"}},
     {{"states:StartExecution", "states:StopExecution", ":execution:"}}},
    {"QueueToFunction", "{Source: {Id: Queue}, Destination: {Id: Fn}, Permissions: [Read, Write]}",
     {{"CPolicy", "aws.iam.policy"}},
     {{"sqs:DeleteMessage", "sqs:ReceiveMessage", "\"FnRole\""}}},
    {"TableStreamToFunction", "{Source: {Id: Table}, Destination: {Id: Fn}, Permissions: [Read]}",
     {{"CPolicy", "aws.iam.policy"}},
     {{"dynamodb:GetRecords", "/stream/*"}}},
    {"StateMachineToFunction", "{Source: {Id: Machine}, Destination: {Id: Fn}, Permissions: [Write]}",
     {{"CPolicy", "aws.iam.policy"}},
     {{"lambda:InvokeFunction", "\"MachineRole\""}}},
    {"RuleToEventBus", "{Source: {Id: Rule}, Destination: {Id: Bus}, Permissions: [Write]}",
     {{"CPolicy", "aws.iam.policy"}},
     {{"events:PutEvents", "\"RuleRole\""}}},
    {"RuleToTopic", "{Source: {Id: Rule}, Destination: {Id: Topic}, Permissions: [Write]}",
     {{"CTopicPolicy", "aws.sns.topic_policy"}},
     {{"sns:Publish", "events.amazonaws.com", "aws:SourceArn"}}},
    {"RuleToQueue", "{Source: {Id: Rule}, Destination: {Id: Queue}, Permissions: [Write]}",
     {{"CQueuePolicy", "aws.sqs.queue_policy"}},
     {{"sqs:SendMessage", "events.amazonaws.com"}}},
    {"TopicToQueue", "{Source: {Id: Topic}, Destination: {Id: Queue}, Permissions: [Write]}",
     {{"CQueuePolicy", "aws.sqs.queue_policy"}},
     {{"sqs:SendMessage", "sns.amazonaws.com"}}},
    {"TopicToFunction", "{Source: {Id: Topic}, Destination: {Id: Fn}, Permissions: [Write]}",
     {{"CWriteLambdaPermission", "aws.lambda.permission"}},
     {{"lambda:InvokeFunction", "sns.amazonaws.com", "\"function\":\"Fn\""}}},
    {"ApiToFunction", "{Source: {Id: Api}, Destination: {Id: Fn}, Permissions: [Write]}",
     {{"CWriteLambdaPermission", "aws.lambda.permission"}},
     {{"apigateway.amazonaws.com", "execute-api", "\"function\":\"Fn\""}}},
    {"BucketToFunction", "{Source: {Id: Bucket}, Destination: {Id: Fn}, Permissions: [Write]}",
     {{"CWriteLambdaPermission", "aws.lambda.permission"}},
     {{"s3.amazonaws.com", "source_account"}}},
    {"ByTypeAndArn",
     "{Source: {Type: AWS::Lambda::Function, Arn: !GetAtt Fn.Arn, RoleName: !Ref RuleRole}, "
     "Destination: {Type: AWS::DynamoDB::Table, Arn: !GetAtt Table.Arn}, Permissions: [Write]}",
     {{"CPolicy", "aws.iam.policy"}},
     {{"dynamodb:BatchWriteItem", "\"RuleRole\""}}},
};

class Connector : public testing::TestWithParam<ConnectorCase> {};

TEST_P(Connector, GeneratesTheTranslatorsResources) {
  const ConnectorCase& c = GetParam();
  auto d = load(std::string(kResources) + "  C:\n    Type: AWS::Serverless::Connector\n    Properties: " + c.connector +
                "\n");
  ASSERT_TRUE(d.document);
  EXPECT_EQ(warnings(d), "");
  for (size_t i = 0; i < c.generated.size(); ++i) {
    const auto& [id, type] = c.generated[i];
    EXPECT_EQ(field(d, id, "type"), "\"" + type + "\"") << id;
    const Value* r = resource(d, id);
    std::string json = r ? to_json(*r) : "";
    for (const std::string& text : c.holds[i]) EXPECT_NE(json.find(text), std::string::npos) << id << " lacks " << text << ": " << json;
  }
}

INSTANTIATE_TEST_SUITE_P(SamConnectors, Connector, testing::ValuesIn(kConnectorCases),
                         [](const testing::TestParamInfo<ConnectorCase>& p) { return std::string(p.param.name); });

TEST(SamConnectors, ManagedPolicyAttachesToTheSourceRole) {
  auto d = load(std::string(kResources) +
                "  C:\n    Type: AWS::Serverless::Connector\n"
                "    Properties: {Source: {Id: Fn}, Destination: {Id: Table}, Permissions: [Read]}\n");
  ASSERT_TRUE(d.document);
  EXPECT_TRUE(has_edge(d, "attached_to", "CPolicy", "FnRole"));
  EXPECT_EQ(field(d, "CPolicy", "native_type"), "\"AWS::IAM::ManagedPolicy\"");
  // Read only: no write actions.
  EXPECT_EQ(field(d, "CPolicy", "statements").find("dynamodb:PutItem"), std::string::npos);
}

TEST(SamConnectors, EmbeddedConnectorsUseTheirResourceAsSource) {
  auto d = load(std::string(kResources) + R"(  Worker:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: index.handler, InlineCode: x}
    Connectors:
      Writes:
        Properties: {Destination: [{Id: Topic}, {Id: Queue}], Permissions: [Write]}
      Starts:
        Properties:
          SourceReference: {Qualifier: "*"}
          Destination: {Id: Machine}
          Permissions: [Read]
)");
  ASSERT_TRUE(d.document);
  EXPECT_EQ(warnings(d), "");
  EXPECT_EQ(field(d, "WorkerWritesPolicyDestination0", "type"), "\"aws.iam.policy\"");
  EXPECT_NE(field(d, "WorkerWritesPolicyDestination0", "statements").find("sns:Publish"), std::string::npos);
  EXPECT_NE(field(d, "WorkerWritesPolicyDestination1", "statements").find("sqs:SendMessage"), std::string::npos);
  EXPECT_NE(field(d, "WorkerStartsPolicy", "statements").find("states:DescribeStateMachine"), std::string::npos);
  EXPECT_EQ(field(d, "WorkerStartsPolicy", "derived_from"), "\"Worker\"");
  EXPECT_TRUE(has_edge(d, "attached_to", "WorkerStartsPolicy", "WorkerRole"));
  // Where the connector is written.
  EXPECT_NE(field(d, "WorkerStartsPolicy", "location").find("/Resources/Worker/Connectors/Starts"), std::string::npos)
      << field(d, "WorkerStartsPolicy", "location");
}

TEST(SamConnectors, ConditionAndDependsOnCarryOver) {
  auto d = load(std::string(kResources) + R"(  C:
    Type: AWS::Serverless::Connector
    Condition: Never
    DependsOn: Queue
    Properties: {Source: {Id: Fn}, Destination: {Id: Queue}, Permissions: [Write]}
Conditions:
  Never: !Equals [a, b]
)");
  ASSERT_TRUE(d.document);
  EXPECT_EQ(field(d, "CPolicy", "condition"), "\"Never\"");
  EXPECT_EQ(field(d, "CPolicy", "depends_on"), "[\"Queue\"]");
}

struct BadConnector {
  const char* name;
  const char* connector;
  const char* warning;
};

const BadConnector kBadConnectors[] = {
    {"UnsupportedPair", "{Source: {Id: Topic}, Destination: {Id: Table}, Permissions: [Write]}",
     "unable to create connector from AWS::SNS::Topic to AWS::DynamoDB::Table"},
    {"UnsupportedPermission", "{Source: {Id: Fn}, Destination: {Id: Topic}, Permissions: [Read]}",
     "valid values are: Write"},
    {"InvalidCombination", "{Source: {Id: Queue}, Destination: {Id: Fn}, Permissions: [Read]}",
     "combination"},
    {"UnknownId", "{Source: {Id: Fn}, Destination: {Id: Nowhere}, Permissions: [Read]}",
     "unable to find resource with logical ID 'Nowhere'"},
    {"NoRole", "{Source: {Type: AWS::Lambda::Function, Arn: x}, Destination: {Id: Table}, Permissions: [Read]}",
     "unable to get IAM role name from 'Source' resource"},
    {"IdAndType", "{Source: {Id: Fn, Type: AWS::Lambda::Function}, Destination: {Id: Table}, Permissions: [Read]}",
     "must provide 'Id'"},
    {"EmptyDestinations", "{Source: {Id: Fn}, Destination: [], Permissions: [Read]}", "empty list"},
};

class BadConnectorTest : public testing::TestWithParam<BadConnector> {};

TEST_P(BadConnectorTest, WarnsWithItsLocationAndGeneratesNothing) {
  const BadConnector& c = GetParam();
  auto d = load(std::string(kResources) + "  C:\n    Type: AWS::Serverless::Connector\n    Properties: " + c.connector +
                "\n");
  ASSERT_TRUE(d.document);
  ASSERT_EQ(d.warnings.size(), 1u) << warnings(d);
  EXPECT_NE(d.warnings[0].message.find(c.warning), std::string::npos) << d.warnings[0].message;
  EXPECT_NE(d.warnings[0].message.find("connector C"), std::string::npos) << d.warnings[0].message;
  EXPECT_GT(d.warnings[0].location.line, 20);
  for (const char* id : {"CPolicy", "CPolicyDestination0", "CTopicPolicy", "CWriteLambdaPermission"})
    EXPECT_EQ(resource(d, id), nullptr) << id;
}

INSTANTIATE_TEST_SUITE_P(SamConnectors, BadConnectorTest, testing::ValuesIn(kBadConnectors),
                         [](const testing::TestParamInfo<BadConnector>& p) { return std::string(p.param.name); });

TEST(SamGraphQLApi, GeneratesTheAppSyncResources) {
  auto d = load(R"(Transform: AWS::Serverless-2016-10-31
Resources:
  Notes: {Type: AWS::DynamoDB::Table}
  Resolve:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: index.handler, InlineCode: x}
  Authorize:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: index.handler, InlineCode: x}
  Gql:
    Type: AWS::Serverless::GraphQLApi
    Properties:
      SchemaInline: "type Query { note(id: ID!): String }"
      XrayEnabled: true
      Auth:
        Type: API_KEY
        Additional:
          - Type: AWS_LAMBDA
            LambdaAuthorizer: {AuthorizerUri: !GetAtt Authorize.Arn}
      ApiKeys:
        Web: {ExpiresOn: 1767225600}
      DataSources:
        DynamoDb:
          NotesDs: {TableName: !Ref Notes, TableArn: !GetAtt Notes.Arn, Permissions: [Read]}
        Lambda:
          FnDs: {FunctionArn: !GetAtt Resolve.Arn}
      Functions:
        GetNote:
          DataSource: NotesDs
          Runtime: {Name: APPSYNC_JS, Version: 1.0.0}
          InlineCode: "export function request() {}"
      Resolvers:
        Query:
          note: {Pipeline: [GetNote]}
)");
  ASSERT_TRUE(d.document);
  EXPECT_EQ(warnings(d), "");
  const std::pair<const char*, const char*> expected[] = {
      {"Gql", "aws.appsync.graphql_api"},
      {"GqlSchema", "aws.appsync.schema"},
      {"GqlCloudWatchRole", "aws.iam.role"},
      {"GqlWeb", "aws.appsync.api_key"},
      {"GqlNotesDsDynamoDBDataSource", "aws.appsync.data_source"},
      {"GqlNotesDsDynamoDBDataSourceRole", "aws.iam.role"},
      {"GqlNotesDsDynamoDBDataSourceToTableConnectorPolicy", "aws.iam.policy"},
      {"GqlFnDsLambdaDataSource", "aws.appsync.data_source"},
      {"GqlFnDsLambdaDataSourceRole", "aws.iam.role"},
      {"GqlFnDsLambdaDataSourceToLambdaConnectorPolicy", "aws.iam.policy"},
      {"GqlGetNote", "aws.appsync.function"},
      {"GqlQuerynote", "aws.appsync.resolver"},
      {"GqlToLambdaAuthConnector1WriteLambdaPermission", "aws.lambda.permission"},
  };
  for (const auto& [id, type] : expected) EXPECT_EQ(field(d, id, "type"), std::string("\"") + type + "\"") << id;
  EXPECT_EQ(field(d, "Gql", "native_type"), "\"AWS::Serverless::GraphQLApi\"");
  EXPECT_EQ(field(d, "Gql", "authentication_types"), R"(["API_KEY","AWS_LAMBDA"])");
  EXPECT_EQ(field(d, "Gql", "xray"), "true");
  EXPECT_NE(field(d, "Gql", "logging").find("\"field_log_level\":\"ALL\""), std::string::npos) << field(d, "Gql", "logging");
  EXPECT_NE(field(d, "Gql", "logging").find("\"role\":\"GqlCloudWatchRole\""), std::string::npos);
  EXPECT_EQ(field(d, "GqlWeb", "expires"), "1767225600");
  EXPECT_EQ(field(d, "GqlWeb", "api"), "\"Gql\"");
  EXPECT_EQ(field(d, "GqlNotesDsDynamoDBDataSource", "service_role"), "\"GqlNotesDsDynamoDBDataSourceRole\"");
  EXPECT_TRUE(has_edge(d, "execution_role", "GqlNotesDsDynamoDBDataSource", "GqlNotesDsDynamoDBDataSourceRole"));
  // Permissions: [Read] only.
  std::string table_policy = field(d, "GqlNotesDsDynamoDBDataSourceToTableConnectorPolicy", "statements");
  EXPECT_NE(table_policy.find("dynamodb:Query"), std::string::npos) << table_policy;
  EXPECT_EQ(table_policy.find("dynamodb:PutItem"), std::string::npos) << table_policy;
  EXPECT_NE(field(d, "GqlFnDsLambdaDataSourceToLambdaConnectorPolicy", "statements").find("lambda:InvokeFunction"),
            std::string::npos);
  EXPECT_TRUE(has_edge(d, "invokes", "GqlFnDsLambdaDataSource", "Resolve"));
  EXPECT_EQ(field(d, "GqlGetNote", "data_source"), "\"GqlNotesDsDynamoDBDataSource\"");
  EXPECT_EQ(field(d, "GqlQuerynote", "pipeline_functions"), R"(["GqlGetNote"])");
  EXPECT_NE(field(d, "GqlToLambdaAuthConnector1WriteLambdaPermission", "principal").find("appsync.amazonaws.com"),
            std::string::npos);
  EXPECT_TRUE(has_edge(d, "invokes", "Gql", "Authorize"));
}

TEST(SamGraphQLApi, LoggingOffAndGivenRoles) {
  auto d = load(R"(Transform: AWS::Serverless-2016-10-31
Resources:
  Gql:
    Type: AWS::Serverless::GraphQLApi
    Properties:
      SchemaUri: s3://bucket/schema.graphql
      Auth: {Type: AWS_IAM}
      Logging: false
      DataSources:
        DynamoDb:
          Ds: {TableName: t, ServiceRoleArn: arn:aws:iam::123456789012:role/given}
)");
  ASSERT_TRUE(d.document);
  EXPECT_EQ(resource(d, "GqlCloudWatchRole"), nullptr);
  EXPECT_EQ(resource(d, "GqlDsDynamoDBDataSourceRole"), nullptr);
  EXPECT_EQ(field(d, "Gql", "xray"), "false");
  EXPECT_NE(field(d, "Gql", "logging").find("\"enabled\":false"), std::string::npos) << field(d, "Gql", "logging");
  EXPECT_EQ(field(d, "GqlDsDynamoDBDataSource", "service_role"), "\"arn:aws:iam::123456789012:role/given\"");
}

TEST(SamCapacityProvider, ProviderAndOperatorRole) {
  auto d = load(R"(Transform: AWS::Serverless-2016-10-31
Resources:
  Provider:
    Type: AWS::Serverless::CapacityProvider
    Properties:
      VpcConfig: {SubnetIds: [subnet-1], SecurityGroupIds: [sg-1]}
      ScalingConfig: {MaxVCpuCount: 8, AverageCPUUtilization: 60}
)");
  ASSERT_TRUE(d.document);
  EXPECT_EQ(warnings(d), "");
  EXPECT_EQ(field(d, "Provider", "type"), "\"aws.lambda.capacity_provider\"");
  EXPECT_EQ(field(d, "Provider", "native_type"), "\"AWS::Serverless::CapacityProvider\"");
  EXPECT_EQ(field(d, "ProviderOperatorRole", "type"), "\"aws.iam.role\"");
  EXPECT_NE(field(d, "ProviderOperatorRole", "policies").find("AWSLambdaManagedEC2ResourceOperator"), std::string::npos)
      << field(d, "ProviderOperatorRole", "managed_policy_arns");
  EXPECT_NE(field(d, "Provider", "capacity_provider_scaling_config").find("Manual"), std::string::npos);
}

}  // namespace
}  // namespace moat
