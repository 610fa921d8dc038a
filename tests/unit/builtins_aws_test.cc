// AWS builtins: ARNs, IAM wildcard matching, action classification and
// principals.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "builtin_test_util.h"
#include "builtins/builtin.h"
#include "value/build.h"

namespace moat {
namespace {

std::string error_code(const Value& v) {
  return v.is_error() ? std::string(v.as_error().code) : "<not an error: " + to_json(v) + ">";
}

constexpr int64_t kNow = 1795910400;  // 2026-11-29T00:00:00Z

class AwsBuiltinsTest : public ::testing::Test {
 protected:
  AwsBuiltinsTest() { register_aws_builtins(registry_); }

  Value call(std::string_view name, std::vector<Value> args) {
    return testing::call(registry_, name, std::move(args), ctx_);
  }
  bool call_bool(std::string_view name, std::string_view a, std::string_view b) {
    Value v = call(name, {str(a), str(b)});
    EXPECT_TRUE(v.is_bool()) << name << "(" << a << ", " << b << "): " << to_json(v);
    return v.is_bool() && v.as_bool();
  }
  Value str(std::string_view s) { return make_string(arena_, s); }
  Value list(std::vector<Value> items) { return make_list(arena_, items); }
  Value map(std::vector<std::pair<std::string_view, Value>> entries) {
    std::vector<Member> members;
    for (auto& [k, v] : entries) members.push_back({str(k), v});
    return make_map(arena_, members);
  }
  Value missing() { return make_missing(arena_, Value::null(), str("x")); }

  Arena arena_;
  CallContext ctx_{arena_, kNow};
  BuiltinRegistry registry_;
};

// ----------------------------------------------------------------- parse_arn

struct ArnCase {
  std::string_view arn;
  std::string_view partition, service, region, account, resource, type, id;
};

TEST_F(AwsBuiltinsTest, ParseArn) {
  const ArnCase cases[] = {
      {"arn:aws:iam::123456789012:role/app", "aws", "iam", "", "123456789012", "role/app", "role",
       "app"},
      {"arn:aws:iam::123456789012:role/path/to/app", "aws", "iam", "", "123456789012",
       "role/path/to/app", "role", "path/to/app"},
      {"arn:aws:s3:::my-bucket", "aws", "s3", "", "", "my-bucket", "", "my-bucket"},
      {"arn:aws:s3:::my-bucket/path/to/key", "aws", "s3", "", "", "my-bucket/path/to/key",
       "my-bucket", "path/to/key"},
      {"arn:aws:lambda:us-east-1:123456789012:function:my-fn:PROD", "aws", "lambda", "us-east-1",
       "123456789012", "function:my-fn:PROD", "function", "my-fn:PROD"},
      {"arn:aws-cn:sns:cn-north-1:123456789012:topic", "aws-cn", "sns", "cn-north-1",
       "123456789012", "topic", "", "topic"},
      {"arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:/aws/lambda/x:*", "aws-us-gov",
       "logs", "us-gov-west-1", "123456789012", "log-group:/aws/lambda/x:*", "log-group",
       "/aws/lambda/x:*"},
      {"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets", "aws", "execute-api",
       "us-east-1", "123456789012", "abc123/prod/GET/pets", "abc123", "prod/GET/pets"},
      {"arn:aws:iam::aws:policy/AdministratorAccess", "aws", "iam", "", "aws",
       "policy/AdministratorAccess", "policy", "AdministratorAccess"},
      {"arn:aws:dynamodb:*:*:table/*", "aws", "dynamodb", "*", "*", "table/*", "table", "*"},
      {"arn:aws:s3:::", "aws", "s3", "", "", "", "", ""},
  };
  for (const ArnCase& c : cases) {
    Value v = call("parse_arn", {str(c.arn)});
    ASSERT_TRUE(v.is_map()) << c.arn << ": " << to_json(v);
    auto get = [&](std::string_view k) {
      const Value* f = v.as_map().find(k);
      return f != nullptr && f->is_string() ? std::string(f->as_string()) : "<absent>";
    };
    EXPECT_EQ(get("partition"), c.partition) << c.arn;
    EXPECT_EQ(get("service"), c.service) << c.arn;
    EXPECT_EQ(get("region"), c.region) << c.arn;
    EXPECT_EQ(get("account"), c.account) << c.arn;
    EXPECT_EQ(get("resource"), c.resource) << c.arn;
    EXPECT_EQ(get("resource_type"), c.type) << c.arn;
    EXPECT_EQ(get("resource_id"), c.id) << c.arn;
    EXPECT_EQ(v.as_map().size, 7u);
  }
}

TEST_F(AwsBuiltinsTest, ParseArnRejectsNonArns) {
  const std::string_view cases[] = {
      "",
      "arn",
      "arn:",
      "arn:aws:s3",
      "arn:aws:s3::",
      "my-bucket",
      "ARN:aws:s3:::b",
      "urn:aws:s3:::b",
      "arn::s3:::b",
      "arn:aws::::x",
      " arn:aws:s3:::b",
  };
  for (std::string_view c : cases)
    EXPECT_EQ(error_code(call("parse_arn", {str(c)})), "parse_error") << c;
  EXPECT_EQ(error_code(call("parse_arn", {Value::integer(1)})), "type_error");
  EXPECT_TRUE(call("parse_arn", {missing()}).is_missing());
}

// ------------------------------------------------------------ action_matches

struct MatchCase {
  std::string_view pattern;
  std::string_view text;
  bool want;
};

TEST_F(AwsBuiltinsTest, ActionMatches) {
  const MatchCase cases[] = {
      {"s3:Get*", "s3:GetObject", true},
      {"*", "iam:PassRole", true},
      {"*", "", true},
      {"s3:*", "s3:PutObject", true},
      {"S3:getobject", "s3:GetObject", true},
      {"s3:GetObject", "S3:GETOBJECT", true},
      {"s3:Get*", "s3:PutObject", false},
      {"s3:Get*", "s3:getobjectacl", true},
      {"s3:Get*", "s3:Get", true},
      {"s3:Get*", "s3:Ge", false},
      {"iam:*Policy", "iam:PutRolePolicy", true},
      {"iam:*Policy", "iam:PutRolePolicyX", false},
      {"iam:Put*Policy", "iam:PutPolicy", true},
      {"iam:Put*Policy", "iam:PutRolePolicy", true},
      {"iam:Put*Policy", "iam:AttachRolePolicy", false},
      {"s3:?etObject", "s3:GetObject", true},
      {"s3:?etObject", "s3:etObject", false},
      {"s3:Get*Acl", "s3:GetObjectVersionAcl", true},
      {"ec2:*Instances*", "ec2:DescribeInstancesStatus", true},
      {"*:*", "s3:GetObject", true},
      {"*:*", "s3GetObject", false},
      {"s3:*", "s3", false},
      {"s3:*", "s3-outposts:GetObject", false},
      {"", "", true},
      {"", "a", false},
      {"a*b*c", "abc", true},
      {"a*b*c", "axxbyyc", true},
      {"a*b*c", "acb", false},
      {"a*a*a", "aa", false},
      {"a*a*a", "aaa", true},
      {"*a*", "bbb", false},
      {"**", "", true},
      {"*?", "", false},
      {"?*", "x", true},
      {"lambda:*Function*", "lambda:UpdateFunctionConfiguration", true},
  };
  for (const MatchCase& c : cases)
    EXPECT_EQ(call_bool("action_matches", c.pattern, c.text), c.want)
        << c.pattern << " ~ " << c.text;
}

TEST_F(AwsBuiltinsTest, ResourceMatchesIsCaseSensitive) {
  const MatchCase cases[] = {
      {"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/key", true},
      {"arn:aws:s3:::bucket/*", "arn:aws:s3:::Bucket/key", false},
      {"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false},
      {"arn:aws:s3:::bucket*", "arn:aws:s3:::bucket-logs/a/b", true},
      {"*", "arn:aws:sqs:us-east-1:123456789012:queue", true},
      {"arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/x", true},
      {"arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:user/x", false},
      {"arn:aws:lambda:us-east-1:123456789012:function:fn-?",
       "arn:aws:lambda:us-east-1:123456789012:function:fn-1", true},
      {"arn:aws:lambda:us-east-1:123456789012:function:fn-?",
       "arn:aws:lambda:us-east-1:123456789012:function:fn-12", false},
      {"arn:aws:logs:*:*:log-group:/aws/lambda/*:*",
       "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn:log-stream:x", true},
      {"arn:aws:dynamodb:*:*:table/Orders", "arn:aws:dynamodb:us-east-1:1:table/orders", false},
  };
  for (const MatchCase& c : cases)
    EXPECT_EQ(call_bool("resource_matches", c.pattern, c.text), c.want)
        << c.pattern << " ~ " << c.text;
}

// Reference matcher: the textbook dynamic program, quadratic but obviously
// right, to compare the linear matcher against.
bool reference_match(std::string_view p, std::string_view t, bool fold) {
  auto eq = [&](char a, char b) {
    if (a == '?') return true;
    if (fold) {
      a = static_cast<char>(a >= 'A' && a <= 'Z' ? a + 32 : a);
      b = static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b);
    }
    return a == b;
  };
  std::vector<std::vector<char>> dp(p.size() + 1, std::vector<char>(t.size() + 1, 0));
  dp[0][0] = 1;
  for (size_t i = 1; i <= p.size(); ++i) {
    dp[i][0] = p[i - 1] == '*' && dp[i - 1][0];
    for (size_t j = 1; j <= t.size(); ++j) {
      if (p[i - 1] == '*')
        dp[i][j] = dp[i - 1][j] || dp[i][j - 1];
      else
        dp[i][j] = dp[i - 1][j - 1] && eq(p[i - 1], t[j - 1]);
    }
  }
  return dp[p.size()][t.size()];
}

TEST_F(AwsBuiltinsTest, WildcardMatcherAgreesWithReference) {
  std::mt19937 rng(12345);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  // Short texts exercise direct comparison; long pieces (> 64 characters)
  // exercise the multi-word automaton.
  for (int round = 0; round < 3000; ++round) {
    int text_len = round < 2000 ? pick(20) : 100 + pick(300);
    std::string text;
    for (int i = 0; i < text_len; ++i) text += "aAb"[pick(round % 2 ? 2 : 3)];
    // Derive the pattern from the text so that matches are common.
    std::string pattern;
    for (int i = 0; i < text_len; ++i) {
      int r = pick(100);
      if (r < 3) pattern += '*';
      if (r < 6) continue;  // drop (sometimes into a star)
      if (r < 12)
        pattern += '?';
      else if (r < 14)
        pattern += "ab"[pick(2)];  // mutate
      else
        pattern += text[i];
    }
    if (pick(4) == 0)
      pattern.insert(pattern.begin() + pick(static_cast<int>(pattern.size()) + 1), '*');
    for (bool fold : {true, false}) {
      bool want = reference_match(pattern, text, fold);
      bool got = call_bool(fold ? "action_matches" : "resource_matches", pattern, text);
      ASSERT_EQ(got, want) << (fold ? "action" : "resource") << " pattern " << pattern << " text "
                           << text;
    }
  }
}

TEST_F(AwsBuiltinsTest, WildcardMatcherHasNoBacktrackingBlowup) {
  std::string text(200000, 'a');
  std::string stars;
  for (int i = 0; i < 2000; ++i) stars += "a*";
  std::string long_piece = "*" + std::string(100, 'a') + "?" + std::string(100, 'a') + "b*";
  std::string short_piece = "*" + std::string(30, 'a') + "b*";
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(call_bool("action_matches", stars + "b", text));
  EXPECT_FALSE(call_bool("resource_matches", long_piece, text));
  EXPECT_FALSE(call_bool("resource_matches", short_piece, text));
  EXPECT_TRUE(call_bool("resource_matches", long_piece, text + "b"));
  EXPECT_TRUE(call_bool("action_matches", stars, text));
  auto elapsed = std::chrono::steady_clock::now() - start;
  // A backtracking or quadratic matcher takes minutes here.
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 2000);
}

TEST_F(AwsBuiltinsTest, MatchersWrongTypeAndMissing) {
  for (std::string_view fn : {"action_matches", "resource_matches"}) {
    EXPECT_EQ(error_code(call(fn, {Value::integer(1), str("s3:GetObject")})), "type_error") << fn;
    EXPECT_EQ(error_code(call(fn, {str("*"), list({})})), "type_error") << fn;
    EXPECT_TRUE(call(fn, {missing(), str("s3:GetObject")}).is_missing()) << fn;
    EXPECT_TRUE(call(fn, {str("*"), missing()}).is_missing()) << fn;
  }
}

// ---------------------------------------------------- action_service / _name

TEST_F(AwsBuiltinsTest, ActionServiceAndName) {
  struct Case {
    std::string_view action, service, name;
  };
  const Case cases[] = {
      {"s3:GetObject", "s3", "GetObject"},
      {"S3:GetObject", "s3", "GetObject"},
      {"IAM:PassRole", "iam", "PassRole"},
      {"execute-api:Invoke", "execute-api", "Invoke"},
      {"s3:*", "s3", "*"},
      {"*", "*", "*"},
      {"iam:", "iam", ""},
      {"a:b:c", "a", "b:c"},
  };
  for (const Case& c : cases) {
    Value s = call("action_service", {str(c.action)});
    Value n = call("action_name", {str(c.action)});
    ASSERT_TRUE(s.is_string() && n.is_string()) << c.action;
    EXPECT_EQ(s.as_string(), c.service) << c.action;
    EXPECT_EQ(n.as_string(), c.name) << c.action;
  }
  for (std::string_view fn : {"action_service", "action_name"}) {
    EXPECT_EQ(error_code(call(fn, {str("GetObject")})), "parse_error") << fn;
    EXPECT_EQ(error_code(call(fn, {str(":GetObject")})), "parse_error") << fn;
    EXPECT_EQ(error_code(call(fn, {str("")})), "parse_error") << fn;
    EXPECT_EQ(error_code(call(fn, {Value::null()})), "type_error") << fn;
    EXPECT_TRUE(call(fn, {missing()}).is_missing()) << fn;
  }
}

// ------------------------------------------------------- action_access_level

TEST_F(AwsBuiltinsTest, ActionAccessLevel) {
  struct Case {
    std::string_view action, level;
  };
  const Case cases[] = {
      {"iam:PutRolePolicy", "permissions"},
      {"iam:putrolepolicy", "permissions"},
      {"iam:AttachRolePolicy", "permissions"},
      {"iam:DetachUserPolicy", "permissions"},
      {"iam:CreatePolicy", "permissions"},
      {"iam:CreatePolicyVersion", "permissions"},
      {"iam:SetDefaultPolicyVersion", "permissions"},
      {"iam:PassRole", "permissions"},
      {"iam:UpdateAssumeRolePolicy", "permissions"},
      {"iam:CreateRole", "permissions"},
      {"iam:DeleteRolePermissionsBoundary", "permissions"},
      {"iam:AddUserToGroup", "permissions"},
      {"iam:CreateAccessKey", "permissions"},
      {"iam:CreateUser", "permissions"},
      {"iam:CreateLoginProfile", "permissions"},
      {"sso:CreateUser", "permissions"},
      {"ram:CreateResourceShare", "permissions"},
      {"ec2:ModifySnapshotAttribute", "permissions"},
      {"rds:ModifyDBSnapshotAttribute", "permissions"},
      {"sqs:SetQueueAttributes", "permissions"},
      {"workmail:ResetPassword", "permissions"},
      {"codebuild:ImportSourceCredentials", "permissions"},
      {"sts:AssumeRole", "permissions"},
      {"sts:AssumeRoleWithWebIdentity", "permissions"},
      {"lambda:AddPermission", "permissions"},
      {"lambda:RemovePermission", "permissions"},
      {"lambda:AddLayerVersionPermission", "permissions"},
      {"s3:PutBucketPolicy", "permissions"},
      {"s3:DeleteBucketPolicy", "permissions"},
      {"s3:PutBucketAcl", "permissions"},
      {"s3:PutObjectAcl", "permissions"},
      {"sqs:AddPermission", "permissions"},
      {"kms:CreateGrant", "permissions"},
      {"kms:PutKeyPolicy", "permissions"},
      {"ecr:SetRepositoryPolicy", "permissions"},
      {"secretsmanager:PutResourcePolicy", "permissions"},
      {"s3:GetObject", "read"},
      {"s3:getobject", "read"},
      {"ec2:DescribeInstances", "read"},
      {"dynamodb:BatchGetItem", "read"},
      {"dynamodb:Query", "read"},
      {"dynamodb:Scan", "read"},
      {"s3:SelectObjectContent", "read"},
      {"iam:GetRole", "read"},
      {"iam:GetRolePolicy", "read"},
      {"s3:GetBucketPolicy", "read"},
      {"sqs:ReceiveMessage", "read"},
      {"sts:GetCallerIdentity", "read"},
      {"logs:FilterLogEvents", "read"},
      {"apigateway:GET", "read"},
      {"s3:ListBucket", "list"},
      {"iam:ListRoles", "list"},
      {"lambda:ListFunctions", "list"},
      {"s3:PutObjectTagging", "tagging"},
      {"s3:DeleteObjectTagging", "tagging"},
      {"lambda:TagResource", "tagging"},
      {"iam:TagRole", "tagging"},
      {"iam:UntagRole", "tagging"},
      {"ec2:CreateTags", "tagging"},
      {"elasticloadbalancing:AddTags", "tagging"},
      {"s3:PutObject", "write"},
      {"lambda:InvokeFunction", "write"},
      {"lambda:CreateFunction", "write"},
      {"lambda:UpdateFunctionCode", "write"},
      {"sqs:SendMessage", "write"},
      {"sns:Publish", "write"},
      {"dynamodb:PutItem", "write"},
      {"dynamodb:BatchWriteItem", "write"},
      {"dynamodb:TransactWriteItems", "write"},
      {"ec2:RunInstances", "write"},
      {"logs:PutRetentionPolicy", "write"},
      {"autoscaling:PutScalingPolicy", "write"},
      {"autoscaling:DeletePolicy", "write"},
      {"ecr:PutLifecyclePolicy", "write"},
      {"kms:Decrypt", "write"},
      {"ssm:SendCommand", "write"},
      {"apigateway:POST", "write"},
      {"s3:Get*", "wildcard"},
      {"*", "wildcard"},
      {"iam:*", "wildcard"},
      {"iam:Put*Policy", "wildcard"},
      {"s3:?etObject", "wildcard"},
      {"s3:Frobnicate", "unknown"},
      {"foo:Bar", "unknown"},
      {"s3:", "unknown"},
      {"s3:Getaway", "unknown"},  // "Get" is not a word of it
  };
  for (const Case& c : cases) {
    Value v = call("action_access_level", {str(c.action)});
    ASSERT_TRUE(v.is_string()) << c.action << ": " << to_json(v);
    EXPECT_EQ(v.as_string(), c.level) << c.action;
  }
  EXPECT_EQ(error_code(call("action_access_level", {str("GetObject")})), "parse_error");
  EXPECT_EQ(error_code(call("action_access_level", {Value::integer(3)})), "type_error");
  EXPECT_TRUE(call("action_access_level", {missing()}).is_missing());
}

// The verb heuristic against AWS's own classification of the actions the IAM
// dataset lists as exceptions to naive rules (the hard cases, so agreement
// is lower than on ordinary actions). Skipped without the shared corpus.
TEST_F(AwsBuiltinsTest, ActionAccessLevelAgreesWithIamDataset) {
#ifdef MOAT_SOURCE_DIR
  std::filesystem::path path = std::filesystem::path(MOAT_SOURCE_DIR) /
                               "../shared/corpus/iam-dataset/aws/access_level_overrides.json";
#else
  std::filesystem::path path = "../shared/corpus/iam-dataset/aws/access_level_overrides.json";
#endif
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << "shared corpus not found at " << path;
  nlohmann::json levels = nlohmann::json::parse(in);
  const std::map<std::string, std::string> names = {{"Permissions management", "permissions"},
                                                    {"Write", "write"},
                                                    {"Read", "read"},
                                                    {"List", "list"},
                                                    {"Tagging", "tagging"}};
  int agree = 0, total = 0;
  std::string disagreements;
  for (const auto& [action, level] : levels.items()) {
    Value v = call("action_access_level", {str(action)});
    ASSERT_TRUE(v.is_string()) << action;
    ++total;
    if (v.as_string() == names.at(level.get<std::string>()))
      ++agree;
    else
      disagreements += action + " ";
  }
  ASSERT_GT(total, 100);
  EXPECT_GE(agree * 100, total * 85) << agree << "/" << total << "; " << disagreements;
}

// ------------------------------------------------------- is_high_risk_action

TEST_F(AwsBuiltinsTest, IsHighRiskAction) {
  struct Case {
    std::string_view action;
    bool want;
  };
  const Case cases[] = {
      {"iam:PassRole", true},
      {"IAM:passrole", true},
      {"iam:CreatePolicyVersion", true},
      {"iam:SetDefaultPolicyVersion", true},
      {"iam:CreateAccessKey", true},
      {"iam:CreateLoginProfile", true},
      {"iam:UpdateLoginProfile", true},
      {"iam:AttachUserPolicy", true},
      {"iam:AttachGroupPolicy", true},
      {"iam:AttachRolePolicy", true},
      {"iam:PutUserPolicy", true},
      {"iam:PutGroupPolicy", true},
      {"iam:PutRolePolicy", true},
      {"iam:AddUserToGroup", true},
      {"iam:UpdateAssumeRolePolicy", true},
      {"sts:AssumeRole", true},
      {"lambda:CreateFunction", true},
      {"lambda:UpdateFunctionCode", true},
      {"lambda:UpdateFunctionConfiguration", true},
      {"lambda:AddPermission", true},
      {"lambda:CreateEventSourceMapping", true},
      {"lambda:InvokeFunction", true},
      {"glue:CreateDevEndpoint", true},
      {"glue:UpdateDevEndpoint", true},
      {"cloudformation:CreateStack", true},
      {"datapipeline:CreatePipeline", true},
      {"ec2:RunInstances", true},
      {"ssm:SendCommand", true},
      {"codebuild:StartBuild", true},
      {"ecs:RunTask", true},
      {"sagemaker:CreateNotebookInstance", true},
      // Wildcards covering one of them.
      {"*", true},
      {"*:*", true},
      {"iam:*", true},
      {"iam:Put*", true},
      {"iam:*Policy", true},
      {"iam:Attach?olePolicy", true},
      {"lambda:Update*", true},
      {"lambda:*Function*", true},
      {"*:PassRole", true},
      {"ec2:Run*", true},
      // Not on the list.
      {"s3:GetObject", false},
      {"s3:*", false},
      {"iam:GetRole", false},
      {"iam:List*", false},
      {"iam:Get*", false},
      {"sts:GetCallerIdentity", false},
      {"lambda:GetFunction", false},
      {"ec2:Describe*", false},
      {"iam:PassRoles", false},
      {"dynamodb:*", false},
  };
  for (const Case& c : cases) {
    Value v = call("is_high_risk_action", {str(c.action)});
    ASSERT_TRUE(v.is_bool()) << c.action << ": " << to_json(v);
    EXPECT_EQ(v.as_bool(), c.want) << c.action;
  }
  EXPECT_EQ(error_code(call("is_high_risk_action", {list({str("iam:PassRole")})})), "type_error");
  EXPECT_TRUE(call("is_high_risk_action", {missing()}).is_missing());
}

// ------------------------------------------------------------- principals

TEST_F(AwsBuiltinsTest, PrincipalClass) {
  const std::string canonical(64, 'a');
  const Value role = str("arn:aws:iam::123456789012:role/app");
  const Value user = str("arn:aws:iam::123456789012:user/bob");
  const std::vector<std::pair<Value, std::string_view>> cases = {
      {str("*"), "wildcard"},
      {map({{"AWS", str("*")}}), "wildcard"},
      {map({{"AWS", list({str("arn:aws:iam::123456789012:root"), str("*")})}}), "wildcard"},
      {list({str("*")}), "wildcard"},
      {map({{"Service", str("lambda.amazonaws.com")}, {"AWS", str("*")}}), "wildcard"},
      {str("123456789012"), "account"},
      {Value::integer(123456789012), "account"},
      {map({{"AWS", str("arn:aws:iam::123456789012:root")}}), "account"},
      {map({{"AWS", str("arn:aws-cn:iam::123456789012:root")}}), "account"},
      {map({{"AWS", Value::integer(123456789012)}}), "account"},  // unquoted in YAML
      {map({{"AWS", list({role, str("123456789012")})}}), "account"},
      {list({map({{"AWS", str("123456789012")}})}), "account"},
      {map({{"CanonicalUser", str(canonical)}}), "canonical_user"},
      {str(canonical), "canonical_user"},
      {map({{"Federated", str("cognito-identity.amazonaws.com")}}), "federated"},
      {map({{"Federated", str("arn:aws:iam::123456789012:saml-provider/Okta")}}), "federated"},
      {map({{"Federated", str("accounts.google.com")}, {"AWS", role}}), "federated"},
      {str("cognito-identity.amazonaws.com"), "federated"},
      {str("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"),
       "federated"},
      {str("arn:aws:sts::123456789012:federated-user/bob"), "federated"},
      {map({{"AWS", role}}), "role"},
      {map({{"AWS", str("arn:aws:sts::123456789012:assumed-role/app/session")}}), "role"},
      {map({{"AWS", role}, {"Service", str("lambda.amazonaws.com")}}), "role"},
      {map({{"AWS", list({user, role})}}), "role"},
      {map({{"AWS", user}}), "user"},
      {map({{"AWS", str("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1")}}),
       "user"},
      {map({{"Service", str("lambda.amazonaws.com")}}), "service"},
      {map({{"Service", list({str("lambda.amazonaws.com"), str("edgelambda.amazonaws.com")})}}),
       "service"},
      {str("s3.amazonaws.com"), "service"},
      {str("s3.amazonaws.com.cn"), "service"},
      {str("something"), "other"},
      {str("arn:aws:iam::123456789012:group/admins"), "other"},
      {str("arn:aws:iam::*:root"), "wildcard"},  // invalid in IAM; read as what it resembles
      {map({{"Service", str("*.amazonaws.com")}}), "wildcard"},
      {map({}), "other"},
      {list({}), "other"},
  };
  for (const auto& [principal, want] : cases) {
    Value v = call("principal_class", {principal});
    ASSERT_TRUE(v.is_string()) << to_json(principal) << ": " << to_json(v);
    EXPECT_EQ(v.as_string(), want) << to_json(principal);
  }
}

// The normalized statement shape of the document model (docs/documents.md):
// lower-case keys, every value a list; classified as the raw IAM shape.
TEST_F(AwsBuiltinsTest, PrincipalClassNormalizedShape) {
  const std::string canonical(64, 'b');
  const Value role = str("arn:aws:iam::123456789012:role/app");
  const std::vector<std::pair<Value, std::string_view>> cases = {
      {map({{"service", list({str("s3.amazonaws.com")})}}), "service"},
      {map({{"service", list({str("lambda.amazonaws.com"), str("edgelambda.amazonaws.com")})}}), "service"},
      {map({{"federated", list({str("cognito-identity.amazonaws.com")})}}), "federated"},
      {map({{"federated", list({str("arn:aws:iam::123456789012:saml-provider/Okta")})}}), "federated"},
      {map({{"canonical_user", list({str(canonical)})}}), "canonical_user"},
      {map({{"aws", list({role})}}), "role"},
      {map({{"aws", list({str("123456789012")})}}), "account"},
      {map({{"aws", list({str("*")})}}), "wildcard"},
      {map({{"aws", list({role})}, {"service", list({str("lambda.amazonaws.com")})}}), "role"},
      {map({{"service", list({str("*.amazonaws.com")})}}), "wildcard"},
      {map({{"service", list({})}}), "other"},
  };
  for (const auto& [principal, want] : cases) {
    Value v = call("principal_class", {principal});
    ASSERT_TRUE(v.is_string()) << to_json(principal) << ": " << to_json(v);
    EXPECT_EQ(v.as_string(), want) << to_json(principal);
  }
  const std::vector<std::pair<Value, bool>> public_cases = {
      {map({{"aws", list({str("*")})}}), true},
      {map({{"aws", list({str("123456789012"), str("*")})}}), true},
      {map({{"service", list({str("sns.amazonaws.com")})}}), false},
      {map({{"federated", list({str("cognito-identity.amazonaws.com")})}}), false},
      {map({{"aws", list({role})}}), false},
  };
  for (const auto& [principal, want] : public_cases) {
    Value v = call("is_public_principal", {principal});
    ASSERT_TRUE(v.is_bool()) << to_json(principal) << ": " << to_json(v);
    EXPECT_EQ(v.as_bool(), want) << to_json(principal);
  }
}

TEST_F(AwsBuiltinsTest, PrincipalUndefinedElements) {
  Value unknown = make_unknown(arena_, "unresolved Ref to parameter TrustedAccount");
  Value error = make_error(arena_, "type_error", "boom");
  Value role = str("arn:aws:iam::123456789012:role/app");
  for (std::string_view fn : {"principal_class", "is_public_principal"}) {
    // An element that could be "*" makes the answer unknown...
    EXPECT_TRUE(call(fn, {map({{"AWS", unknown}})}).is_unknown()) << fn;
    EXPECT_TRUE(call(fn, {map({{"AWS", list({missing(), role})}})}).is_missing()) << fn;
    EXPECT_TRUE(call(fn, {map({{"AWS", list({missing(), unknown})}})}).is_unknown()) << fn;
    EXPECT_EQ(error_code(call(fn, {map({{"AWS", list({unknown, error})}})})), "type_error") << fn;
    // ...unless another element already is.
    Value v = call(fn, {map({{"AWS", list({unknown, str("*")})}})});
    ASSERT_FALSE(v.is_undefined()) << fn;
  }
}

TEST_F(AwsBuiltinsTest, PrincipalWrongTypeAndMissing) {
  for (std::string_view fn : {"principal_class", "is_public_principal"}) {
    EXPECT_EQ(error_code(call(fn, {Value::boolean(true)})), "type_error") << fn;
    EXPECT_EQ(error_code(call(fn, {Value::real(1.5)})), "type_error") << fn;
    EXPECT_EQ(error_code(call(fn, {map({{"AWS", Value::null()}})})), "type_error") << fn;
    Value deep = str("*");
    for (int i = 0; i < 10; ++i) deep = list({deep});
    EXPECT_EQ(error_code(call(fn, {deep})), "type_error") << fn;
    EXPECT_TRUE(call(fn, {missing()}).is_missing()) << fn;
  }
}

TEST_F(AwsBuiltinsTest, IsPublicPrincipal) {
  const std::vector<std::pair<Value, bool>> cases = {
      {str("*"), true},
      {map({{"AWS", str("*")}}), true},
      {map({{"AWS", list({str("123456789012"), str("*")})}}), true},
      {list({map({{"AWS", str("*")}})}), true},
      {map({{"AWS", list({str("123456789012")})}}), false},
      {map({{"AWS", str("arn:aws:iam::123456789012:root")}}), false},
      {str("s3.amazonaws.com"), false},
      {map({{"Service", str("sns.amazonaws.com")}}), false},
      {map({{"Federated", str("cognito-identity.amazonaws.com")}}), false},
      {map({}), false},
  };
  for (const auto& [principal, want] : cases) {
    Value v = call("is_public_principal", {principal});
    ASSERT_TRUE(v.is_bool()) << to_json(principal) << ": " << to_json(v);
    EXPECT_EQ(v.as_bool(), want) << to_json(principal);
  }
}

TEST_F(AwsBuiltinsTest, EveryBuiltinIsDocumented) {
  ASSERT_FALSE(registry_.all().empty());
  for (const BuiltinDef& d : registry_.all()) {
    EXPECT_EQ(d.family, "aws") << d.name;
    EXPECT_FALSE(d.summary.empty()) << d.name;
    EXPECT_NE(d.example.find(std::string(d.name) + "("), std::string_view::npos) << d.name;
    EXPECT_NE(d.fn, nullptr) << d.name;
  }
}

}  // namespace
}  // namespace moat
