// The SAM transform: agreement with the SAM translator's own test suite
// (which CloudFormation resources, by logical id and type, each accepted
// input becomes), focused checks, and golden normalized documents.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "golden_util.h"

#include "documents/cloudformation/cfn_parse.h"
#include "documents/json_reader.h"
#include "documents/sam/sam_transform.h"
#include "documents/template_loader.h"
#include "value/build.h"
#include "value/value.h"

namespace moat {
namespace {

using testing_golden::read_file;

constexpr double kAgreementFloor = 95.0;
using IdSet = std::set<std::pair<std::string, std::string>>;

// Ids the translator derives from a hash of the content: compared without it.
std::string unhashed(const std::string& id, const std::string& type) {
  static const std::regex hashed("^(.*?)([0-9a-f]{10})$");
  static const std::set<std::string> hashed_types = {
      "AWS::ApiGateway::Deployment", "AWS::Lambda::Version", "AWS::Lambda::LayerVersion",
      "AWS::ApiGateway::DomainName", "AWS::ApiGatewayV2::DomainName", "AWS::Route53::RecordSetGroup",
      "AWS::StepFunctions::StateMachineVersion", "AWS::ApiGateway::DomainNameV2",
      "AWS::ApiGateway::DomainNameAccessAssociation",
      // stage names that are not alphanumeric become a hash in stage and permission ids
      "AWS::ApiGateway::Stage", "AWS::Lambda::Permission"};
  std::smatch m;
  if (hashed_types.contains(type) && std::regex_match(id, m, hashed)) return m[1].str();
  return id;
}

std::string text_of(const Value* v) { return v && v->is_string() ? std::string(v->as_string()) : ""; }

struct Agreement {
  IdSet expected, produced;
};

// (id, type) of what the SAM resources of `input` become, per the expected
// output and per Moat's transform (model-only resources excluded).
std::optional<Agreement> compare(const std::filesystem::path& input, const std::filesystem::path& output) {
  Arena arena;
  Value expected;
  if (!read_json(read_file(output), arena, JsonLimits{}, &expected, nullptr)) return std::nullopt;
  if (expected.as_map().find("errorMessage")) return std::nullopt;
  auto parsed = cfn::parse_template_text(read_file(input), input.filename().string(), false, TemplateOptions{}, arena);
  if (!parsed.ok()) return std::nullopt;
  const Value* in_res = parsed->root.is_map() ? parsed->root.as_map().find("Resources") : nullptr;
  std::set<std::string> plain;  // the input's own CloudFormation resources pass through
  if (in_res && in_res->is_map())
    for (const Member& m : in_res->as_map()) {
      const Value* t = m.value.is_map() ? m.value.as_map().find("Type") : nullptr;
      if (!text_of(t).starts_with("AWS::Serverless::")) plain.insert(std::string(m.key.as_string()));
    }
  Agreement a;
  if (const Value* out_res = expected.as_map().find("Resources"); out_res && out_res->is_map())
    for (const Member& m : out_res->as_map()) {
      std::string id(m.key.as_string());
      if (plain.contains(id)) continue;
      std::string type = text_of(m.value.is_map() ? m.value.as_map().find("Type") : nullptr);
      a.expected.insert({unhashed(id, type), type});
    }
  cfn::Context ctx(arena, parsed->positions, input.filename().string());
  sam::Transform transform(ctx, parsed->positions, parsed->root);
  transform.run();
  for (const sam::Generated& g : transform.generated()) {
    if (g.model_only || plain.contains(g.id)) continue;
    std::string type(g.type());
    a.produced.insert({unhashed(g.id, type), type});
  }
  return a;
}

std::string describe(const IdSet& s) {
  std::string out;
  for (const auto& [id, type] : s) out += " " + id + ":" + type;
  return out;
}

// Every input the real translator accepts (its expected output has no
// errorMessage): does Moat produce the same set of (logical id, type)?
TEST(SamTransformHeavy, AgreesWithTranslatorTestSuite) {
  const std::filesystem::path root =
      std::filesystem::path(MOAT_SOURCE_DIR) / "../shared/corpus/serverless-application-model/tests/translator";
  if (!std::filesystem::exists(root)) GTEST_SKIP() << "no SAM translator tests at " << root;
  int total = 0, agree = 0;
  std::vector<std::filesystem::path> inputs;
  for (const auto& entry : std::filesystem::directory_iterator(root / "input"))
    if (entry.path().extension() == ".yaml") inputs.push_back(entry.path());
  std::sort(inputs.begin(), inputs.end());
  for (const auto& input : inputs) {
    auto output = root / "output" / (input.stem().string() + ".json");
    if (!std::filesystem::exists(output)) continue;
    auto a = compare(input, output);
    if (!a) continue;
    ++total;
    if (a->expected == a->produced) {
      ++agree;
      continue;
    }
    IdSet missing, extra;
    std::set_difference(a->expected.begin(), a->expected.end(), a->produced.begin(), a->produced.end(),
                        std::inserter(missing, missing.end()));
    std::set_difference(a->produced.begin(), a->produced.end(), a->expected.begin(), a->expected.end(),
                        std::inserter(extra, extra.end()));
    std::cout << "miss " << input.stem().string() << ":" << (missing.empty() ? "" : " missing") << describe(missing)
              << (extra.empty() ? "" : " extra") << describe(extra) << "\n";
  }
  ASSERT_GT(total, 400);
  double share = 100.0 * agree / total;
  std::cout << "SAM agreement: " << agree << "/" << total << " inputs (" << share << "%)\n";
  EXPECT_GE(share, kAgreementFloor);
}

LoadedDocument load(const std::string& text) {
  auto r = load_template(text, "t.yaml");
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok()) return {};
  return *std::move(r);
}

std::string res(const LoadedDocument& d, std::string_view id, std::string_view key) {
  Value v = d.document->resources();
  const Value* r = v.is_map() ? v.as_map().find(id) : nullptr;
  const Value* k = r && r->is_map() ? r->as_map().find(key) : nullptr;
  return k ? to_json(*k) : "absent";
}

TEST(SamTransform, ApiEventsBecomeMethodsWithTheirAuthorization) {
  auto d = load(R"(Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      Auth:
        DefaultAuthorizer: AWS_IAM
        ApiKeyRequired: true
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Events:
        Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: "/a/{id}", Method: get}}
        Open: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /open, Method: post, Auth: {Authorizer: NONE, ApiKeyRequired: false}}}
        Implicit: {Type: Api, Properties: {Path: /i, Method: any}}
)");
  EXPECT_EQ(res(d, "FnGetMethod", "type"), "\"aws.apigateway.method\"");
  EXPECT_EQ(res(d, "FnGetMethod", "authorization_type"), "\"AWS_IAM\"");
  EXPECT_EQ(res(d, "FnGetMethod", "api_key_required"), "true");
  EXPECT_EQ(res(d, "FnGetMethod", "path"), "\"/a/{id}\"");
  EXPECT_EQ(res(d, "FnGetMethod", "rest_api"), "\"Api\"");
  EXPECT_EQ(res(d, "FnOpenMethod", "authorization_type"), "\"NONE\"");
  EXPECT_EQ(res(d, "FnOpenMethod", "api_key_required"), "false");
  EXPECT_EQ(res(d, "FnImplicitMethod", "rest_api"), "\"ServerlessRestApi\"");
  EXPECT_EQ(res(d, "FnImplicitMethod", "authorization_type"), "\"NONE\"");
  EXPECT_EQ(res(d, "FnGetPermissionv1", "type"), "\"aws.lambda.permission\"");
  EXPECT_EQ(res(d, "Apiv1Stage", "stage_name"), "\"v1\"");
  EXPECT_EQ(res(d, "ServerlessRestApiProdStage", "derived_from"), "\"Fn\"");
  EXPECT_EQ(res(d, "Api", "native_type"), "\"AWS::Serverless::Api\"");
}

TEST(SamTransform, RoleStatementsFromTemplatesManagedPoliciesAndEvents) {
  auto d = load(R"(Transform: AWS::Serverless-2016-10-31
Resources:
  T:
    Type: AWS::DynamoDB::Table
  Q:
    Type: AWS::SQS::Queue
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Policies:
        - DynamoDBCrudPolicy: {TableName: orders}
        - AmazonS3FullAccess
      Events:
        Jobs: {Type: SQS, Properties: {Queue: !GetAtt Q.Arn, BatchSize: 7}}
)");
  std::string policies = res(d, "FnRole", "policies");
  EXPECT_NE(policies.find("\"name\":\"FnRolePolicy0\""), std::string::npos) << policies;
  EXPECT_NE(policies.find("dynamodb:PutItem"), std::string::npos) << policies;
  EXPECT_NE(policies.find("table/orders"), std::string::npos) << policies;
  EXPECT_NE(policies.find("\"name\":\"AmazonS3FullAccess\""), std::string::npos) << policies;
  EXPECT_NE(policies.find("\"s3:*\""), std::string::npos) << policies;
  EXPECT_NE(policies.find("sqs:ReceiveMessage"), std::string::npos) << policies;
  EXPECT_NE(policies.find("\"managed\":true"), std::string::npos) << policies;
  EXPECT_EQ(res(d, "FnJobs", "batch_size"), "7");
  EXPECT_EQ(res(d, "FnJobs", "event_source"), "\"Q\"");
  EXPECT_EQ(res(d, "Fn", "role"), "\"FnRole\"");
}

TEST(SamTransform, ManagedPolicyArnsExpandInPlainCloudFormationToo) {
  auto d = load(R"(Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
      ManagedPolicyArns:
        - !Sub arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess
        - arn:aws:iam::123456789012:policy/custom
)");
  std::string policies = res(d, "R", "policies");
  EXPECT_NE(policies.find("\"name\":\"AdministratorAccess\""), std::string::npos) << policies;
  EXPECT_NE(policies.find("\"actions\":[\"*\"]"), std::string::npos) << policies;
  EXPECT_EQ(policies.find("custom"), std::string::npos) << policies;
}

TEST(SamTransform, GlobalsMergeByTheRules) {
  auto d = load(R"(Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 30
    Environment: {Variables: {A: global, B: global}}
    Layers: [g]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: 5
      Environment: {Variables: {B: own}}
      Layers: [own]
)");
  EXPECT_EQ(res(d, "Fn", "timeout"), "5");
  EXPECT_EQ(res(d, "Fn", "environment"), R"({"A":"global","B":"own"})");
  EXPECT_EQ(res(d, "Fn", "layers"), R"(["g","own"])");
}

TEST(SamTransform, ReferablePropertiesNameGeneratedResources) {
  auto d = load(R"(Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, AutoPublishAlias: live}
  Api:
    Type: AWS::Serverless::Api
    Properties: {StageName: v1}
  Rule:
    Type: AWS::Events::Rule
    Properties:
      Targets: [{Id: t, Arn: !Ref Fn.Alias}]
  Other:
    Type: Custom::Thing
    Properties: {Stage: !Ref Api.Stage}
)");
  EXPECT_TRUE(d.warnings.empty()) << d.warnings[0].message;
  EXPECT_NE(res(d, "Rule", "targets").find("FnAliaslive"), std::string::npos) << res(d, "Rule", "targets");
  EXPECT_EQ(res(d, "Other", "stage"), "\"Apiv1Stage\"");
}

TEST(SamTransform, UnsupportedTypesWarn) {
  auto d = load(R"(Transform: AWS::Serverless-2016-10-31
Resources:
  C:
    Type: AWS::Serverless::Unheard
    Properties: {}
)");
  ASSERT_FALSE(d.warnings.empty());
  EXPECT_NE(d.warnings[0].message.find("not expanded"), std::string::npos);
}

// Golden normalized documents of tests/fixtures/sam (MOAT_UPDATE_GOLDEN=1 rewrites them).
TEST(SamTransform, GoldenOutputs) { testing_golden::check_loader_goldens("sam", 8); }

// The SAM templates of the shared corpus load without errors.
TEST(SamTransformHeavy, CorpusTemplatesLoad) {
  const std::filesystem::path corpus = std::filesystem::path(MOAT_SOURCE_DIR) / "../shared/corpus";
  if (!std::filesystem::exists(corpus)) GTEST_SKIP() << "no corpus at " << corpus;
  std::vector<std::filesystem::path> files = {corpus / "aws-serverless-security-workshop/src/template.yaml"};
  for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus / "serverless-patterns")) {
    auto ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml") &&
        read_file(entry.path()).find("AWS::Serverless-2016-10-31") != std::string::npos)
      files.push_back(entry.path());
  }
  // Files the corpus itself lists as malformed (duplicate keys, ...) are rejected like CloudFormation does.
  std::set<std::string> malformed;
  {
    std::istringstream lines(read_file(corpus / "_malformed.tsv"));
    for (std::string line; std::getline(lines, line);) malformed.insert(line.substr(0, line.find('\t')));
  }
  size_t loaded = 0, resources = 0, skipped = 0;
  for (const auto& f : files) {
    if (malformed.contains(std::filesystem::relative(f, corpus).string())) {
      ++skipped;
      continue;
    }
    TemplateOptions options;
    options.input_format = "cloudformation";
    auto r = load_template(read_file(f), f.string(), options);
    EXPECT_TRUE(r.ok()) << f << ": " << r.status().message();
    if (!r.ok()) continue;
    ++loaded;
    EXPECT_EQ(r->format, "sam") << f;
    Value res = r->document->resources();
    if (res.is_map()) resources += res.as_map().size;
  }
  std::cout << "SAM corpus: " << loaded << " of " << files.size() << " templates (" << skipped
            << " listed as malformed), " << resources << " resources\n";
  EXPECT_GT(loaded, 100u);
}

}  // namespace
}  // namespace moat
