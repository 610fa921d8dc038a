// `grants` edges (engine/documents/grants.cc) in each template format:
// function -> resource its execution role's Allow statements grant, by id,
// ARN pattern and action prefix; Deny statements, NotAction, unknowns, and
// the cost bound on large templates.
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "documents/grants.h"
#include "documents/template_loader.h"
#include "value/value.h"

namespace moat {
namespace {

LoadedDocument load(const std::string& text, const std::string& name) {
  auto r = load_template(text, name);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok()) return {};
  return *std::move(r);
}

std::string text(const Value& v) { return v.is_string() ? std::string(v.as_string()) : to_json(v); }

const Value* field(const Value& map, std::string_view key) {
  return map.is_map() ? map.as_map().find(key) : nullptr;
}

// Every grants edge as "from -> to [actions] via statement", in document order.
std::vector<std::string> grants(const LoadedDocument& d) {
  std::vector<std::string> out;
  if (!d.document) return out;
  const Value* edges = field(d.document->root(), "edges");
  if (edges == nullptr) return out;
  for (const Value& e : edges->as_list()) {
    if (text(*field(e, "kind")) != "grants") continue;
    std::string line = text(*field(e, "from")) + " -> " + text(*field(e, "to")) + " " + to_json(*field(e, "actions")) +
                       " via " + text(*field(e, "via")) + " " + text(*field(e, "statement"));
    if (const Value* p = field(e, "policy")) line += " policy " + text(*p);
    if (const Value* na = field(e, "not_actions")) line += " not " + to_json(*na);
    if (field(e, "conditional")) line += " conditional";
    out.push_back(line);
  }
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

TEST(Grants, CloudFormationInlineAttachedAndManagedPolicies) {
  LoadedDocument d = load(R"(AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt FnRole.Arn
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
  FnRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole]
      Policies:
        - PolicyName: app
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [dynamodb:GetItem, dynamodb:PutItem, s3:GetObject]
                Resource: !GetAtt Table.Arn
              - Effect: Allow
                Action: s3:GetObject
                Resource: !Sub "${Uploads.Arn}/*"
              - Effect: Allow
                Action: sqs:SendMessage
                Resource: "*"
              - Effect: Deny
                Action: dynamodb:Put*
                Resource: "*"
  Publish:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: publish
      Roles: [!Ref FnRole]
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: sns:Publish, Resource: !Ref Topic, Condition: {Bool: {aws:SecureTransport: true}}}
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
  Uploads:
    Type: AWS::S3::Bucket
  Other:
    Type: AWS::S3::Bucket
  Queue:
    Type: AWS::SQS::Queue
  Topic:
    Type: AWS::SNS::Topic
)", "template.yaml");
  EXPECT_EQ(joined(grants(d)),
            "Fn -> Table [\"dynamodb:GetItem\"] via FnRole /resources/FnRole/policies/0/statements/0\n"
            "Fn -> Uploads [\"s3:GetObject\"] via FnRole /resources/FnRole/policies/0/statements/1\n"
            "Fn -> Queue [\"sqs:SendMessage\"] via FnRole /resources/FnRole/policies/0/statements/2\n"
            "Fn -> Queue [\"sqs:ReceiveMessage\",\"sqs:DeleteMessage\",\"sqs:GetQueueAttributes\"] via FnRole "
            "/resources/FnRole/policies/1/statements/0 policy "
            "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole\n"
            "Fn -> Topic [\"sns:Publish\"] via FnRole /resources/Publish/statements/0 policy Publish conditional\n");
}

TEST(Grants, SamPolicyTemplatesAndDeny) {
  LoadedDocument d = load(R"(Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Policies:
        - DynamoDBCrudPolicy: {TableName: !Ref Table}
        - SQSSendMessagePolicy: {QueueName: !GetAtt Queue.QueueName}
        - S3ReadPolicy: {BucketName: uploads-prod}
        - Statement:
            - Effect: Deny
              Action: dynamodb:DeleteItem
              Resource: !GetAtt Table.Arn
  Table:
    Type: AWS::Serverless::SimpleTable
  Queue:
    Type: AWS::SQS::Queue
  Uploads:
    Type: AWS::S3::Bucket
    Properties: {BucketName: uploads-prod}
  Logs:
    Type: AWS::S3::Bucket
    Properties: {BucketName: logs-prod}
)", "template.yaml");
  EXPECT_EQ(joined(grants(d)),
            "Fn -> Table [\"dynamodb:GetItem\",\"dynamodb:PutItem\",\"dynamodb:Scan\",\"dynamodb:Query\",\"dynamodb:UpdateItem\","
            "\"dynamodb:BatchWriteItem\",\"dynamodb:BatchGetItem\",\"dynamodb:DescribeTable\",\"dynamodb:ConditionCheckItem\"] "
            "via FnRole /resources/FnRole/policies/0/statements/0\n"
            "Fn -> Queue [\"sqs:SendMessage*\"] via FnRole /resources/FnRole/policies/1/statements/0\n"
            "Fn -> Uploads [\"s3:GetObject\",\"s3:ListBucket\",\"s3:GetBucketLocation\",\"s3:GetObjectVersion\","
            "\"s3:GetLifecycleConfiguration\"] via FnRole /resources/FnRole/policies/2/statements/0\n");
  // The Deny took DeleteItem out; the bucket the statements do not name gets nothing.
}

TEST(Grants, ServerlessRoleStatementsWithArnPattern) {
  LoadedDocument d = load(R"(service: shop
provider:
  name: aws
  runtime: nodejs20.x
  region: eu-west-1
  iam:
    role:
      statements:
        - Effect: Allow
          Action: [dynamodb:Query, dynamodb:GetItem]
          Resource: "arn:aws:dynamodb:${aws:region}:*:table/${self:service}-orders*"
        - Effect: Allow
          Action: sns:Publish
          Resource: "*"
functions:
  list:
    handler: list.handler
  get:
    handler: get.handler
resources:
  Resources:
    Orders:
      Type: AWS::DynamoDB::Table
      Properties:
        TableName: shop-orders
    Users:
      Type: AWS::DynamoDB::Table
      Properties:
        TableName: shop-users
    Topic:
      Type: AWS::SNS::Topic
)", "serverless.yml");
  // The Framework's log statement names the service's log groups; the ARN
  // pattern names shop-orders only; "*" every topic.
  std::string expected;
  for (std::string fn : {"ListLambdaFunction", "GetLambdaFunction"}) {
    const std::string via = " via IamRoleLambdaExecution /resources/IamRoleLambdaExecution/policies/0/statements/";
    for (std::string group : {"ListLogGroup", "GetLogGroup"})
      expected += fn + " -> " + group + " [\"logs:CreateLogStream\",\"logs:CreateLogGroup\",\"logs:PutLogEvents\"]" + via + "0\n";
    expected += fn + " -> Orders [\"dynamodb:Query\",\"dynamodb:GetItem\"]" + via + "1\n";
    expected += fn + " -> Topic [\"sns:Publish\"]" + via + "2\n";
  }
  EXPECT_EQ(joined(grants(d)), expected);
}

// Terraform: a role policy (JSON string) with ARN patterns and Denies, an
// attached in-plan policy, and an attached AWS-managed policy that only the
// grants pass expands.
TEST(Grants, TerraformRolePolicyAttachmentsAndManagedArn) {
  LoadedDocument d = load(R"({"format_version":"1.2","planned_values":{"root_module":{"resources":[
 {"address":"aws_lambda_function.f","mode":"managed","type":"aws_lambda_function","name":"f",
  "values":{"function_name":"f","role":"arn:aws:iam::123456789012:role/f"}},
 {"address":"aws_iam_role.f","mode":"managed","type":"aws_iam_role","name":"f",
  "values":{"name":"f","arn":"arn:aws:iam::123456789012:role/f","assume_role_policy":""}},
 {"address":"aws_iam_role_policy.s3","mode":"managed","type":"aws_iam_role_policy","name":"s3",
  "values":{"name":"s3","role":"f","policy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:PutObject\"],\"Resource\":\"arn:aws:s3:::data-bucket/*\"},{\"Effect\":\"Deny\",\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::data-bucket/*\"},{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::other-bucket\",\"arn:aws:s3:::other-bucket/*\"]}]}"}},
 {"address":"aws_iam_policy.queue","mode":"managed","type":"aws_iam_policy","name":"queue",
  "values":{"name":"queue","arn":"arn:aws:iam::123456789012:policy/queue","policy":"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sqs:*\",\"Resource\":\"*\"}}"}},
 {"address":"aws_iam_role_policy_attachment.queue","mode":"managed","type":"aws_iam_role_policy_attachment","name":"queue",
  "values":{"role":"f","policy_arn":"arn:aws:iam::123456789012:policy/queue"}},
 {"address":"aws_iam_role_policy_attachment.read","mode":"managed","type":"aws_iam_role_policy_attachment","name":"read",
  "values":{"role":"f","policy_arn":"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}},
 {"address":"aws_s3_bucket.data","mode":"managed","type":"aws_s3_bucket","name":"data","values":{"bucket":"data-bucket"}},
 {"address":"aws_s3_bucket.other","mode":"managed","type":"aws_s3_bucket","name":"other","values":{"bucket":"other-bucket"}},
 {"address":"aws_sqs_queue.jobs","mode":"managed","type":"aws_sqs_queue","name":"jobs","values":{"name":"jobs"}},
 {"address":"aws_dynamodb_table.t","mode":"managed","type":"aws_dynamodb_table","name":"t","values":{"name":"orders"}}
]}}})", "plan.json");
  // PutObject is denied on data-bucket's objects; everything on other-bucket and its objects.
  // The AWS-managed attachment is expanded by the loader into the role's
  // `policies` (as in CloudFormation), so its statement has a pointer there.
  EXPECT_EQ(joined(grants(d)),
            "aws_lambda_function.f -> aws_s3_bucket.data [\"s3:Get*\",\"s3:List*\",\"s3:Describe*\"] via aws_iam_role.f "
            "/resources/aws_iam_role.f/policies/0/statements/0 policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\n"
            "aws_lambda_function.f -> aws_s3_bucket.data [\"s3:GetObject\"] via aws_iam_role.f "
            "/resources/aws_iam_role_policy.s3/statements/0 policy aws_iam_role_policy.s3\n"
            "aws_lambda_function.f -> aws_sqs_queue.jobs [\"sqs:*\"] via aws_iam_role.f "
            "/resources/aws_iam_policy.queue/statements/0 policy aws_iam_policy.queue\n");
}

// NotAction / NotResource grant broadly; unknown and malformed parts give no
// edge and no error.
TEST(Grants, NotActionNotResourceAndUnknowns) {
  LoadedDocument d = load(R"(AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  TableArn: {Type: String}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Role: !GetAtt FnRole.Arn, Runtime: python3.12}
  FnRole:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: broad
          PolicyDocument:
            Statement:
              - {Effect: Allow, NotAction: [s3:*, iam:*], Resource: !GetAtt Queue.Arn}
              - {Effect: Allow, NotAction: "s3:*", Resource: !GetAtt Bucket.Arn}
              - {Effect: Allow, Action: "sns:*", NotResource: !Ref Topic}
              - {Effect: Allow, Action: "dynamodb:*", Resource: !Ref TableArn}
              - {Effect: !Ref TableArn, Action: "*", Resource: "*"}
              - {Effect: Allow, Action: !Ref TableArn, Resource: "*"}
              - "not a statement"
        - PolicyName: unknown
          PolicyDocument: !Ref TableArn
  Queue: {Type: AWS::SQS::Queue}
  Bucket: {Type: AWS::S3::Bucket}
  Topic: {Type: AWS::SNS::Topic}
  Other: {Type: AWS::SNS::Topic, Properties: {TopicName: other}}
  Table: {Type: AWS::DynamoDB::Table}
)", "template.yaml");
  EXPECT_EQ(joined(grants(d)),
            "Fn -> Queue [\"*\"] via FnRole /resources/FnRole/policies/0/statements/0 not [\"s3:*\",\"iam:*\"]\n"
            "Fn -> Other [\"sns:*\"] via FnRole /resources/FnRole/policies/0/statements/2\n");
}

// Statements naming resources by name-derived ARN: region and account
// unknown, names from the model, secrets with AWS's random suffix,
// qualifiers of a function, a log group's streams.
TEST(Grants, ArnPatternsByName) {
  LoadedDocument d = load(R"(AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Role: !GetAtt FnRole.Arn, Runtime: python3.12, FunctionName: worker}
  FnRole:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [secretsmanager:GetSecretValue, lambda:InvokeFunction, logs:PutLogEvents, ssm:GetParameter]
                Resource:
                  - arn:aws:secretsmanager:us-east-1:123456789012:secret:db-creds-*
                  - arn:aws:lambda:*:*:function:other:live
                  - !Sub "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/worker:*"
                  - arn:aws:ssm:*:*:parameter/app/*
                  - arn:aws:ssm:*:*:parameter/missing
  Secret: {Type: AWS::SecretsManager::Secret, Properties: {Name: db-creds}}
  OtherSecret: {Type: AWS::SecretsManager::Secret, Properties: {Name: db-credsx}}
  Other: {Type: AWS::Lambda::Function, Properties: {FunctionName: other, Runtime: python3.12}}
  Logs: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: /aws/lambda/worker}}
  Param: {Type: AWS::SSM::Parameter, Properties: {Name: /app/db-host, Type: String, Value: x}}
)", "template.yaml");
  const std::string via = " via FnRole /resources/FnRole/policies/0/statements/0\n";
  EXPECT_EQ(joined(grants(d)), "Fn -> Secret [\"secretsmanager:GetSecretValue\"]" + via +
                                   "Fn -> Other [\"lambda:InvokeFunction\"]" + via +
                                   "Fn -> Logs [\"logs:PutLogEvents\"]" + via +
                                   "Fn -> Param [\"ssm:GetParameter\"]" + via);
}

// Cost on a 10,000-resource template: each role's statements name its own
// table by id and another by ARN pattern, and a bucket's objects; one more
// role grants everything to hundreds of functions (the edge cap).
TEST(GrantsHeavy, TenThousandResources) {
  constexpr int kFunctions = 2000;
  std::string t = R"({"AWSTemplateFormatVersion":"2010-09-09","Resources":{)";
  for (int i = 0; i < kFunctions; ++i) {
    std::string n = std::to_string(i), m = std::to_string(i + kFunctions);
    t += R"("F)" + n + R"(":{"Type":"AWS::Lambda::Function","Properties":{"Role":{"Fn::GetAtt":["R)" + n + R"(","Arn"]}}},)";
    t += R"("R)" + n + R"(":{"Type":"AWS::IAM::Role","Properties":{"Policies":[{"PolicyName":"p","PolicyDocument":{"Statement":[)"
         R"({"Effect":"Allow","Action":["dynamodb:GetItem"],"Resource":[{"Fn::GetAtt":["T)" + n + R"(","Arn"]},)"
         R"("arn:aws:dynamodb:*:*:table/t)" + m + R"(/index/*"]},)"
         R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b)" + n + R"(/*"}]}}]}},)";
    t += R"("T)" + n + R"(":{"Type":"AWS::DynamoDB::Table","Properties":{"TableName":"t)" + n + R"("}},)";
    t += R"("T)" + m + R"(":{"Type":"AWS::DynamoDB::Table","Properties":{"TableName":"t)" + m + R"("}},)";
    t += R"("B)" + n + R"(":{"Type":"AWS::S3::Bucket","Properties":{"BucketName":"b)" + n + R"("}},)";
  }
  t.pop_back();
  t += "}}";
  auto start = std::chrono::steady_clock::now();
  LoadedDocument d = load(t, "big.json");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<std::string> g = grants(d);
  std::cout << "10,000 resources: " << g.size() << " grants edges, loaded in " << seconds << " s\n";
  ASSERT_EQ(g.size(), 3u * kFunctions);
  EXPECT_EQ(g[0], "F0 -> T0 [\"dynamodb:GetItem\"] via R0 /resources/R0/policies/0/statements/0");
  EXPECT_EQ(g[1], "F0 -> T2000 [\"dynamodb:GetItem\"] via R0 /resources/R0/policies/0/statements/0");
  EXPECT_EQ(g[2], "F0 -> B0 [\"s3:GetObject\"] via R0 /resources/R0/policies/0/statements/1");

  // 400 functions sharing a role that allows everything on 300 tables:
  // 280,000 edges would be due; the pass stops at its cap, with a warning.
  std::string c = R"({"AWSTemplateFormatVersion":"2010-09-09","Resources":{"Admin":{"Type":"AWS::IAM::Role",)"
                  R"("Properties":{"Policies":[{"PolicyName":"a","PolicyDocument":{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}}]}})";
  for (int i = 0; i < 400; ++i)
    c += R"(,"F)" + std::to_string(i) + R"(":{"Type":"AWS::Lambda::Function","Properties":{"Role":{"Fn::GetAtt":["Admin","Arn"]}}})";
  for (int i = 0; i < 300; ++i) c += R"(,"T)" + std::to_string(i) + R"(":{"Type":"AWS::DynamoDB::Table"})";
  c += "}}";
  LoadedDocument capped = load(c, "capped.json");
  EXPECT_EQ(grants(capped).size(), kMaxGrantEdges);
  bool warned = false;
  for (const TemplateWarning& w : capped.warnings) warned |= w.message.find("grants edges") != std::string::npos;
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace moat
