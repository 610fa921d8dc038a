// CloudFormation loader: short-form tags, intrinsics, normalization,
// locations, errors, golden outputs and a corpus smoke test.
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "golden_util.h"

#include "documents/template_loader.h"
#include "value/value.h"

namespace moat {
namespace {

LoadedDocument load(const std::string& text, const std::string& name = "t.yaml") {
  auto r = load_template(text, name);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok()) return {};
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

std::string json_at(const LoadedDocument& d, std::initializer_list<std::string_view> path) {
  return to_json(at(d.document->root(), path));
}

std::string res(const LoadedDocument& d, std::string_view id, std::string_view key) {
  return to_json(at(d.document->root(), {"resources", id, key}));
}

bool has_warning(const LoadedDocument& d, std::string_view text) {
  for (const auto& w : d.warnings)
    if (w.message.find(text) != std::string::npos) return true;
  return false;
}

bool has_edge(const LoadedDocument& d, std::string_view kind, std::string_view from, std::string_view to) {
  Value edges = at(d.document->root(), {"edges"});
  for (const Value& e : edges.as_list())
    if (to_json(at(e, {"kind"})) == "\"" + std::string(kind) + "\"" &&
        to_json(at(e, {"from"})) == "\"" + std::string(from) + "\"" && to_json(at(e, {"to"})) == "\"" + std::string(to) + "\"")
      return true;
  return false;
}

constexpr const char* kHeader = R"(AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Stage: {Type: String, Default: prod}
  Secret: {Type: String, NoEcho: true}
  Ids: {Type: "List<AWS::EC2::Subnet::Id>", Default: "a,b"}
Mappings:
  M: {prod: {Size: 512}}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Or [!Condition IsDev, !Equals [1, 1]]]
  Unknowable: !Equals [!Ref AWS::Region, us-east-1]
)";

TEST(CloudFormationLoader, ShortFormTagsBecomeLongForms) {
  auto d = load(std::string(kHeader) + R"(Resources:
  R:
    Type: AWS::CloudWatch::Alarm
    Properties:
      A: !Ref Stage
      B: !GetAtt F.Arn
      C: !GetAtt [F, Arn]
      D: !Sub "x-${Stage}"
      E: !Sub ["${A}-${Stage}", {A: one}]
      G: !Join [":", [a, !Ref Stage]]
      H: !If [IsProd, yes, no]
      I: !Select [1, [a, b, c]]
      J: !Split [",", "x,y"]
      K: !FindInMap [M, !Ref Stage, Size]
      L: !ImportValue shared
      N: !Base64 hi
      O: !GetAZs ""
      P: !Cidr [10.0.0.0/16, 2, 8]
      Q: !Equals [a, a]
      S: !Not [!Equals [a, b]]
      T: !And [true, !Condition IsProd]
      U: !Or [false, !Condition IsDev]
      V: !Transform {Name: M, Parameters: {}}
      W: !Select [0, !Ref Ids]
  F:
    Type: AWS::Lambda::Function
)");
  auto native = [&](std::string_view k) { return json_at(d, {"resources", "R", "native", k}); };
  EXPECT_EQ(native("A"), R"({"Ref":"Stage"})");
  EXPECT_EQ(native("B"), R"({"Fn::GetAtt":["F","Arn"]})");
  EXPECT_EQ(native("C"), R"({"Fn::GetAtt":["F","Arn"]})");
  EXPECT_EQ(native("D"), R"({"Fn::Sub":"x-${Stage}"})");
  EXPECT_EQ(native("H"), R"({"Fn::If":["IsProd",true,false]})");
  EXPECT_EQ(native("T"), R"({"Fn::And":[true,{"Condition":"IsProd"}]})");
  EXPECT_EQ(native("V"), R"({"Fn::Transform":{"Name":"M","Parameters":{}}})");
  auto r = [&](std::string_view k) { return res(d, "R", k); };
  EXPECT_EQ(r("a"), "\"prod\"");
  EXPECT_EQ(r("b"), "\"F\"");
  EXPECT_EQ(r("c"), "\"F\"");
  EXPECT_EQ(r("d"), "\"x-prod\"");
  EXPECT_EQ(r("e"), "\"one-prod\"");
  EXPECT_EQ(r("g"), "\"a:prod\"");
  EXPECT_EQ(r("h"), "true");
  EXPECT_EQ(r("i"), "\"b\"");
  EXPECT_EQ(r("j"), R"(["x","y"])");
  EXPECT_EQ(r("k"), "512");
  EXPECT_EQ(r("l"), "\"<unknown: Fn::ImportValue shared is known at deploy time>\"");
  EXPECT_EQ(r("n"), "\"aGk=\"");
  EXPECT_EQ(r("o"), "\"<unknown: Fn::GetAZs is known at deploy time>\"");
  EXPECT_EQ(r("p"), "\"<unknown: Fn::Cidr is known at deploy time>\"");
  EXPECT_EQ(r("q"), "true");
  EXPECT_EQ(r("s"), "true");
  EXPECT_EQ(r("t"), "true");
  EXPECT_EQ(r("u"), "false");
  EXPECT_EQ(r("v"), "\"<unknown: Fn::Transform is known at deploy time>\"");
  EXPECT_EQ(r("w"), "\"a\"");
  EXPECT_EQ(json_at(d, {"conditions"}),
            R"({"IsProd":true,"IsDev":false,"Both":true,"Unknowable":"<unknown: condition Unknowable depends on deploy-time values>"})");
  EXPECT_EQ(json_at(d, {"parameters", "Secret"}), R"({"type":"String","no_echo":true})");
}

TEST(CloudFormationLoader, JsonLongForms) {
  auto d = load(R"({"Parameters": {"P": {"Type": "String"}},
  "Resources": {
    "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}}}},
    "F": {"Type": "AWS::Lambda::Function", "Properties": {
      "Role": {"Fn::GetAtt": "Role.Arn"}, "Timeout": "30",
      "Handler": {"Ref": "P"}, "Runtime": {"Fn::Sub": "${Role.RoleId}"}}}}})", "t.json");
  EXPECT_EQ(res(d, "F", "role"), "\"Role\"");
  EXPECT_EQ(res(d, "F", "timeout"), "30");
  EXPECT_EQ(res(d, "F", "handler"), "\"<unknown: parameter P has no default>\"");
  EXPECT_EQ(res(d, "F", "runtime"), "\"<unknown: Fn::GetAtt Role.RoleId is known at deploy time>\"");
  EXPECT_EQ(json_at(d, {"resources", "Role", "assume_role_policy", "statements", "0", "principals"}), "\"*\"");
  EXPECT_TRUE(has_edge(d, "execution_role", "F", "Role"));
  // JSON positions: the member's value.
  auto loc = d.document->locate("/resources/F/timeout");
  ASSERT_TRUE(loc.has_value());
  EXPECT_EQ(loc->line, 5u);
}

TEST(CloudFormationLoader, NoValueRemovesAndSubKeepsTemplate) {
  auto d = load(std::string(kHeader) + R"(Resources:
  B:
    Type: AWS::S3::Bucket
  F:
    Type: AWS::Lambda::Function
    Properties:
      Timeout: !If [IsProd, !Ref AWS::NoValue, 10]
      Layers: [!If [IsDev, x, !Ref AWS::NoValue], y]
      Handler: !Sub "arn:aws:s3:::${B}/${AWS::Region}/${!Literal}"
      Runtime: !Sub "${Stage}-${!Literal}"
)");
  EXPECT_EQ(res(d, "F", "timeout"), "null");  // absent
  EXPECT_EQ(json_at(d, {"resources", "F", "native", "Timeout", "Fn::If", "0"}), "\"IsProd\"");
  EXPECT_EQ(res(d, "F", "layers"), R"(["y"])");
  EXPECT_EQ(res(d, "F", "handler"),
            "\"<unknown: Fn::Sub 'arn:aws:s3:::${B}/${AWS::Region}/${Literal}' is known at deploy time>\"");
  EXPECT_EQ(res(d, "F", "runtime"), "\"prod-${Literal}\"");
  EXPECT_TRUE(has_edge(d, "references", "F", "B"));
}

TEST(CloudFormationLoader, DynamicReferences) {
  auto d = load(R"(Resources:
  F:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables:
          A: "{{resolve:ssm:/app/a}}"
          B: "{{resolve:ssm-secure:/app/b:1}}"
          C: "pre-{{resolve:secretsmanager:s:SecretString:k}}"
          D: literal
)");
  EXPECT_EQ(json_at(d, {"resources", "F", "environment", "A"}), "\"<unknown: dynamic reference resolve:ssm:/app/a>\"");
  EXPECT_EQ(json_at(d, {"resources", "F", "environment", "C"}),
            "\"<unknown: dynamic reference resolve:secretsmanager:s:SecretString:k in 'pre-{{resolve:secretsmanager:s:SecretString:k}}'>\"");
  EXPECT_EQ(json_at(d, {"resources", "F", "environment", "D"}), "\"literal\"");
  EXPECT_EQ(json_at(d, {"resources", "F", "dynamic_references", "1"}),
            R"({"pointer":"/Resources/F/Properties/Environment/Variables/B","service":"ssm-secure","reference":"{{resolve:ssm-secure:/app/b:1}}"})");
  EXPECT_EQ(json_at(d, {"resources", "F", "native", "Environment", "Variables", "A"}), "\"{{resolve:ssm:/app/a}}\"");
}

TEST(CloudFormationLoader, CyclesAndUnknownsWarnNeverHang) {
  auto d = load(R"(Conditions:
  A: !Condition B
  B: !Not [!Condition A]
Mappings:
  M: {k: {k: !FindInMap [M, k, k]}}
Resources:
  R:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !FindInMap [M, k, k]
      DisplayName: !Foo bar
      KmsMasterKeyId: {"Fn::Foo": 1}
      Other: !Ref Nowhere
)");
  EXPECT_TRUE(has_warning(d, "circular condition"));
  EXPECT_TRUE(has_warning(d, "nested too deeply"));
  EXPECT_TRUE(has_warning(d, "unsupported YAML tag !Foo"));
  EXPECT_TRUE(has_warning(d, "unsupported intrinsic function Fn::Foo"));
  EXPECT_TRUE(has_warning(d, "Ref to 'Nowhere'"));
  for (const auto& w : d.warnings)
    if (w.message.find("!Foo") != std::string::npos) {
      EXPECT_EQ(w.location.line, 11u);
      EXPECT_EQ(w.location.column, 7u);
    }
  EXPECT_EQ(res(d, "R", "kms_key"), "\"<unknown: unsupported intrinsic function Fn::Foo>\"");
}

TEST(CloudFormationLoader, ErrorsHaveLocations) {
  auto dup = load_template("Resources:\n  A:\n    Type: AWS::SNS::Topic\n  A:\n    Type: AWS::SNS::Topic\n", "d.yaml");
  ASSERT_FALSE(dup.ok());
  EXPECT_TRUE(std::string(dup.status().message()).starts_with("d.yaml:4:")) << dup.status().message();
  auto dup_json = load_template(R"({"Resources": {"A": {"Type": "AWS::SNS::Topic"}, "A": {}}})", "d.json");
  ASSERT_FALSE(dup_json.ok());
  EXPECT_TRUE(std::string(dup_json.status().message()).starts_with("d.json:1:")) << dup_json.status().message();
  auto bad = load_template("AWSTemplateFormatVersion: x\nA: !GetAtt NoDot\n", "b.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(std::string(bad.status().message()).starts_with("b.yaml:2:")) << bad.status().message();
  TemplateOptions small;
  small.max_file_bytes = 10;
  EXPECT_FALSE(load_template("Resources: {}\n# padding", "s.yaml", small).ok());
  std::string bomb = "AWSTemplateFormatVersion: x\na: &a [x,x,x,x,x,x,x,x,x,x]\n";
  for (char c = 'b'; c <= 'k'; ++c)
    bomb += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ",*" + char(c - 1) + ",*" + char(c - 1) + ",*" +
            char(c - 1) + ",*" + char(c - 1) + ",*" + char(c - 1) + ",*" + char(c - 1) + ",*" + char(c - 1) + "]\n";
  EXPECT_FALSE(load_template(bomb, "bomb.yaml").ok());
}

TEST(CloudFormationLoader, SamResourcesAreExpandedUnderTheTransform) {
  auto d = load(R"(Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12}
  Q:
    Type: AWS::SQS::Queue
)");
  EXPECT_EQ(d.format, "sam");
  EXPECT_EQ(res(d, "Q", "type"), "\"aws.sqs.queue\"");
  EXPECT_EQ(res(d, "Fn", "type"), "\"aws.lambda.function\"");
  EXPECT_EQ(res(d, "Fn", "native_type"), "\"AWS::Serverless::Function\"");
  EXPECT_EQ(res(d, "FnRole", "derived_from"), "\"Fn\"");
  // Without the Transform, SAM types are not CloudFormation's: skipped.
  auto plain = load("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n");
  EXPECT_TRUE(has_warning(plain, "needs Transform: AWS::Serverless-2016-10-31"));
  EXPECT_EQ(res(plain, "Fn", "type"), "null");
}

TEST(CloudFormationLoader, LocationsPointAtProperties) {
  auto d = load(R"(Resources:
  F:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs16.x
      Timeout: 900
      Environment:
        Variables:
          A: x
          PASSWORD: hunter2
      TracingConfig:
        Mode: PassThrough
)");
  auto loc = [&](std::string_view p) {
    auto l = d.document->locate(p);
    return l ? std::to_string(l->line) + ":" + std::to_string(l->column) : std::string("none");
  };
  EXPECT_EQ(loc("/resources/F"), "2:3");
  EXPECT_EQ(loc("/resources/F/timeout"), "6:7");
  EXPECT_EQ(loc("/resources/F/environment/PASSWORD"), "10:11");
  EXPECT_EQ(loc("/resources/F/tracing"), "12:9");
  EXPECT_EQ(loc("/resources/F/native/Runtime"), "5:7");
  EXPECT_EQ(json_at(d, {"resources", "F", "location"}),
            R"({"file":"t.yaml","line":2,"column":3,"pointer":"/Resources/F"})");
}

TEST(CloudFormationLoader, DetectsFormats) {
  EXPECT_EQ(detect_input_format("AWSTemplateFormatVersion: '2010-09-09'\n", "x.yaml"), "cloudformation");
  EXPECT_EQ(detect_input_format("Resources:\n  A:\n    Type: AWS::SNS::Topic\n", "x.yaml"), "cloudformation");
  EXPECT_EQ(detect_input_format(R"({"Resources": {"A": {"Type": "AWS::SNS::Topic"}}})", "x.json"), "cloudformation");
  EXPECT_EQ(detect_input_format(R"({"a": 1})", "x.json"), "json");
  EXPECT_EQ(detect_input_format("a: 1\n", "x.yaml"), "yaml");
  EXPECT_EQ(detect_input_format("service: x\nprovider:\n  name: aws\n", "serverless.yml"), "serverless");
  EXPECT_EQ(detect_input_format(R"({"format_version": "1.2", "planned_values": {}})", "p.json"), "terraform-plan");
  auto plain = load("a: [1, 2]\n", "plain.yaml");
  EXPECT_EQ(plain.format, "yaml");
  EXPECT_EQ(to_json(plain.document->root()), R"({"a":[1,2]})");
}

using testing_golden::read_file;

// Golden normalized documents of the fixtures (MOAT_UPDATE_GOLDEN=1 rewrites them).
TEST(CloudFormationLoader, OutputsAndResourceAttributes) {
  LoadedDocument d = load(R"(AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Keep: {Type: String, Default: Retain}
Conditions:
  Never: !Equals [a, b]
Resources:
  Data:
    Type: AWS::S3::Bucket
    DeletionPolicy: !Ref Keep
    UpdateReplacePolicy: Snapshot
    Metadata:
      cfn_nag: {rules_to_suppress: [{id: W35, reason: "!Ref is kept as written"}]}
      Origin: !Ref AWS::Region
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12}
Outputs:
  BucketArn:
    Description: !Sub "bucket of ${AWS::StackName}"
    Value: !GetAtt Data.Arn
    Export: {Name: !Sub "${AWS::StackName}-data"}
  FnName:
    Value: !Ref Fn
    Condition: Never
  Literal:
    Value: hello
)");
  EXPECT_EQ(res(d, "Data", "deletion_policy"), "\"Retain\"");
  EXPECT_EQ(res(d, "Data", "update_replace_policy"), "\"Snapshot\"");
  // Metadata as written: intrinsics stay long-form, not resolved.
  EXPECT_EQ(res(d, "Data", "metadata"),
            R"({"cfn_nag":{"rules_to_suppress":[{"id":"W35","reason":"!Ref is kept as written"}]},"Origin":{"Ref":"AWS::Region"}})");
  EXPECT_EQ(res(d, "Fn", "deletion_policy"), "null");
  // Outputs: references to resources become ids; what only deployment knows stays unknown.
  EXPECT_EQ(json_at(d, {"outputs", "BucketArn", "value"}), "\"Data\"");
  EXPECT_TRUE(at(d.document->root(), {"outputs", "BucketArn", "export_name"}).is_unknown());
  EXPECT_NE(json_at(d, {"outputs", "BucketArn", "export_name"}).find("${AWS::StackName}-data"), std::string::npos);
  EXPECT_TRUE(at(d.document->root(), {"outputs", "BucketArn", "description"}).is_unknown());
  EXPECT_EQ(json_at(d, {"outputs", "FnName", "value"}), "\"Fn\"");
  EXPECT_EQ(json_at(d, {"outputs", "FnName", "condition"}), "\"Never\"");
  EXPECT_EQ(json_at(d, {"outputs", "FnName", "condition_value"}), "false");
  EXPECT_EQ(json_at(d, {"outputs", "Literal"}), R"({"value":"hello"})");
  // Outputs reference nothing: no edge from an output.
  EXPECT_FALSE(has_edge(d, "references", "", "Data"));
  // Without Outputs, no member.
  LoadedDocument none = load("Resources:\n  B: {Type: AWS::S3::Bucket}\n");
  EXPECT_EQ(json_at(none, {"outputs"}), "null");
}

// SAM: a Function's AssumeRolePolicyDocument is its generated role's trust policy.
TEST(CloudFormationLoader, SamFunctionAssumeRolePolicyDocument) {
  LoadedDocument d = load(R"(Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: [sts:AssumeRole, sts:TagSession]
            Principal: {Service: [lambda.amazonaws.com, edgelambda.amazonaws.com]}
  Plain:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: src/}
)");
  EXPECT_EQ(json_at(d, {"resources", "FnRole", "assume_role_policy", "statements", "0", "actions"}),
            R"(["sts:AssumeRole","sts:TagSession"])");
  EXPECT_EQ(json_at(d, {"resources", "FnRole", "assume_role_policy", "statements", "0", "principals", "service"}),
            R"(["lambda.amazonaws.com","edgelambda.amazonaws.com"])");
  EXPECT_EQ(json_at(d, {"resources", "PlainRole", "assume_role_policy", "statements", "0", "principals", "service"}),
            R"(["lambda.amazonaws.com"])");
}

TEST(CloudFormationLoader, GoldenOutputs) { testing_golden::check_loader_goldens("cloudformation", 2); }

// Every template of the shared corpus loads without crash or hang.
TEST(CloudFormationLoaderHeavy, CorpusSmoke) {
  const std::filesystem::path root = std::filesystem::path(MOAT_SOURCE_DIR) / "../shared/corpus/aws-cloudformation-templates";
  if (!std::filesystem::exists(root)) GTEST_SKIP() << "no corpus at " << root;
  size_t loaded = 0, warnings = 0, errors = 0, resources = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    auto ext = entry.path().extension().string();
    if (ext != ".yaml" && ext != ".yml" && ext != ".json" && ext != ".template") continue;
    auto start = std::chrono::steady_clock::now();
    TemplateOptions options;
    options.input_format = "cloudformation";
    auto r = load_template(read_file(entry.path()), entry.path().string(), options);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(ms, 5000) << entry.path();
    if (!r.ok()) {
      ++errors;
      std::string m(r.status().message());
      std::cout << "error: " << m << "\n";
      // file:line:col: message
      std::string prefix = entry.path().string() + ":";
      ASSERT_TRUE(m.starts_with(prefix)) << m;
      EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(m[prefix.size()]))) << m;
      continue;
    }
    ++loaded;
    warnings += r->warnings.size();
    Value res = r->document->resources();
    if (res.is_map()) resources += res.as_map().size;
  }
  std::cout << "corpus: " << loaded << " loaded, " << errors << " errors, " << warnings << " warnings, " << resources
            << " resources\n";
  EXPECT_GT(loaded, 100u);
}

}  // namespace
}  // namespace moat
