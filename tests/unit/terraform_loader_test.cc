// Terraform plan loader: canonical types, unknowns known after apply,
// module addresses, IAM policy strings, S3 split sub-resources, locations,
// a golden output and a corpus smoke test.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>

#include "documents/template_loader.h"
#include "value/value.h"

namespace moat {
namespace {

const std::filesystem::path kFixtures = std::filesystem::path(MOAT_SOURCE_DIR) / "tests/fixtures/terraform";

LoadedDocument load_fixture(const std::string& file) {
  auto r = load_template_file((kFixtures / file).string());
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok()) return {};
  return *std::move(r);
}

LoadedDocument load_text(const std::string& text) {
  auto r = load_template(text, "plan.json");
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

std::string res(const LoadedDocument& d, std::string_view id, std::initializer_list<std::string_view> path) {
  Value r = at(d.document->root(), {"resources", id});
  return to_json(at(r, path));
}

bool has_edge(const LoadedDocument& d, std::string_view kind, std::string_view from, std::string_view to) {
  auto is = [](const Value& v, std::string_view s) { return v.is_string() && v.as_string() == s; };
  for (const Value& e : at(d.document->root(), {"edges"}).as_list())
    if (is(at(e, {"kind"}), kind) && is(at(e, {"from"}), from) && is(at(e, {"to"}), to)) return true;
  return false;
}

TEST(TerraformLoader, DetectedAndLoadedAsAPlan) {
  LoadedDocument d = load_fixture("lambda_app.json");
  EXPECT_EQ(d.format, "terraform-plan");
  EXPECT_EQ(to_json(at(d.document->root(), {"source", "format"})), "\"terraform-plan\"");
  EXPECT_TRUE(d.warnings.empty());
  ASSERT_NE(d.document->resources_of_type("aws.lambda.function"), nullptr);
  EXPECT_EQ(d.document->resources_of_type("aws.lambda.function")->size(), 1u);
}

TEST(TerraformLoader, LambdaFunctionNormalized) {
  LoadedDocument d = load_fixture("lambda_app.json");
  const char* f = "aws_lambda_function.api";
  EXPECT_EQ(res(d, f, {"type"}), "\"aws.lambda.function\"");
  EXPECT_EQ(res(d, f, {"native_type"}), "\"aws_lambda_function\"");
  EXPECT_EQ(res(d, f, {"name"}), "\"api\"");
  EXPECT_EQ(res(d, f, {"timeout"}), "900");
  EXPECT_EQ(res(d, f, {"memory_size"}), "512");
  EXPECT_EQ(res(d, f, {"environment"}), R"({"TABLE":"orders","DEBUG":"1"})");
  EXPECT_EQ(res(d, f, {"tracing"}), "\"Active\"");
  EXPECT_EQ(res(d, f, {"reserved_concurrency"}), "null");  // -1: no reservation
  // role is known after apply; the configuration's reference names the role.
  EXPECT_EQ(res(d, f, {"role"}), "\"aws_iam_role.api\"");
  EXPECT_TRUE(has_edge(d, "execution_role", f, "aws_iam_role.api"));
  EXPECT_EQ(res(d, f, {"native", "function_name"}), "\"api\"");
}

TEST(TerraformLoader, UnknownAfterApply) {
  LoadedDocument d = load_fixture("api_and_more.json");
  Value v = at(d.document->root(), {"resources", "aws_ssm_parameter.token", "value"});
  EXPECT_TRUE(v.is_unknown());
  EXPECT_NE(to_json(v).find("known after apply"), std::string::npos);
  EXPECT_TRUE(at(d.document->root(), {"resources", "aws_api_gateway_method.get", "resource"}).is_unknown());
  // A nested unknown inside a block.
  LoadedDocument n = load_text(R"({"format_version":"1.2","planned_values":{"root_module":{"resources":[
    {"address":"aws_lambda_function.f","mode":"managed","type":"aws_lambda_function","name":"f",
     "values":{"function_name":"f","environment":[{"variables":{"A":"1"}}]}}]}},
    "resource_changes":[{"address":"aws_lambda_function.f","change":{"actions":["create"],
     "after_unknown":{"environment":[{"variables":{"B":true}}],"timeout":true}}}]})");
  EXPECT_TRUE(at(n.document->root(), {"resources", "aws_lambda_function.f", "timeout"}).is_unknown());
  EXPECT_TRUE(at(n.document->root(), {"resources", "aws_lambda_function.f", "environment", "B"}).is_unknown());
  EXPECT_EQ(res(n, "aws_lambda_function.f", {"environment", "A"}), "\"1\"");
}

TEST(TerraformLoader, ReferencesByPlannedArnWithoutConfiguration) {
  LoadedDocument d = load_text(R"({"format_version":"1.2","planned_values":{"root_module":{"resources":[
    {"address":"aws_iam_role.r[0]","mode":"managed","type":"aws_iam_role","name":"r","index":0,
     "values":{"name":"r","arn":"arn:aws:iam::1:role/r","assume_role_policy":""}},
    {"address":"aws_lambda_function.f[\"a\"]","mode":"managed","type":"aws_lambda_function","name":"f","index":"a",
     "values":{"function_name":"f","role":"arn:aws:iam::1:role/r","timeout":"30"}}]}}})");
  const char* f = "aws_lambda_function.f[\"a\"]";
  EXPECT_EQ(res(d, f, {"role"}), "\"aws_iam_role.r[0]\"");
  EXPECT_EQ(res(d, f, {"timeout"}), "30");
  EXPECT_TRUE(has_edge(d, "execution_role", f, "aws_iam_role.r[0]"));
  EXPECT_EQ(res(d, "aws_iam_role.r[0]", {"assume_role_policy"}), "null");  // "" is no policy
}

TEST(TerraformLoader, IamPolicyStringsBecomeStatements) {
  LoadedDocument d = load_fixture("lambda_app.json");
  const char* r = "aws_iam_role.api";
  EXPECT_EQ(res(d, r, {"assume_role_policy", "statements", "0", "principals", "service"}), R"(["lambda.amazonaws.com"])");
  EXPECT_EQ(res(d, r, {"assume_role_policy", "statements", "0", "actions"}), R"(["sts:AssumeRole"])");
  EXPECT_EQ(res(d, r, {"policies", "0", "name"}), "\"logs\"");
  EXPECT_EQ(res(d, r, {"policies", "0", "statements", "0", "conditions"}),
            R"({"StringEquals":{"aws:SourceAccount":["123456789012"]}})");
  // A single Statement object and single-string Action/Resource become lists.
  EXPECT_EQ(res(d, "aws_iam_policy.admin", {"statements", "0", "actions"}), R"(["*"])");
  EXPECT_EQ(res(d, "aws_iam_policy.admin", {"managed"}), "true");
  EXPECT_EQ(res(d, "aws_iam_role_policy.extra", {"roles"}), R"(["aws_iam_role.api"])");
  EXPECT_TRUE(has_edge(d, "attached_to", "aws_iam_role_policy.extra", r));
  // Attachments join the role's managed_policy_arns (the in-plan policy by id).
  EXPECT_EQ(res(d, r, {"managed_policy_arns"}),
            R"(["aws_iam_policy.admin","arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"])");
  EXPECT_TRUE(has_edge(d, "attached_to", "aws_iam_policy.admin", r));
  // ... and the AWS-managed one among them expands to its statements, as in CloudFormation.
  EXPECT_EQ(res(d, r, {"policies", "1", "name"}), "\"AWSLambdaBasicExecutionRole\"");
  EXPECT_EQ(res(d, r, {"policies", "1", "managed"}), "true");
  EXPECT_EQ(res(d, r, {"policies", "1", "statements", "0", "actions"}),
            R"(["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"])");
  EXPECT_EQ(res(d, r, {"policies", "2"}), "null");  // the in-plan policy stays a resource of its own
  EXPECT_EQ(res(d, "aws_sqs_queue_policy.jobs", {"statements", "0", "principals"}), "\"*\"");
  EXPECT_EQ(res(d, "aws_sns_topic_policy.events", {"statements", "0", "principals", "aws"}), R"(["*"])");
}

TEST(TerraformLoader, LambdaTriggersAndPermissions) {
  LoadedDocument d = load_fixture("lambda_app.json");
  const char* f = "aws_lambda_function.api";
  EXPECT_EQ(res(d, "aws_lambda_permission.from_sns", {"function"}), "\"aws_lambda_function.api\"");
  EXPECT_EQ(res(d, "aws_lambda_permission.from_sns", {"principal"}), "\"sns.amazonaws.com\"");
  EXPECT_TRUE(has_edge(d, "invokes", "aws_lambda_permission.from_sns", f));
  EXPECT_TRUE(has_edge(d, "triggers", "aws_sns_topic.events", f));
  EXPECT_EQ(res(d, "aws_lambda_function_url.api", {"auth_type"}), "\"NONE\"");
  EXPECT_TRUE(has_edge(d, "url", "aws_lambda_function_url.api", f));
  EXPECT_EQ(res(d, "aws_lambda_event_source_mapping.jobs", {"event_source"}), "\"aws_sqs_queue.jobs\"");
  EXPECT_EQ(res(d, "aws_lambda_event_source_mapping.jobs", {"batch_size"}), "10");
  EXPECT_TRUE(has_edge(d, "triggers", "aws_sqs_queue.jobs", f));
  EXPECT_EQ(res(d, "aws_lambda_layer_version_permission.public", {"type"}), "\"aws.lambda.layer_permission\"");
  EXPECT_EQ(res(d, "aws_lambda_layer_version_permission.public", {"principal"}), "\"*\"");
  EXPECT_EQ(res(d, "aws_sqs_queue.jobs", {"redrive"}), R"({"dead_letter_target":"aws_sqs_queue.dlq","max_receive_count":5})");
  EXPECT_EQ(res(d, "aws_sqs_queue.jobs", {"visibility_timeout"}), "960");
  EXPECT_EQ(res(d, "aws_sns_topic_subscription.api", {"endpoint"}), "\"aws_lambda_function.api\"");
  EXPECT_TRUE(has_edge(d, "subscribes", "aws_sns_topic_subscription.api", "aws_sns_topic.events"));
}

TEST(TerraformLoader, S3SplitSubResourcesMergeIntoTheBucketInAModule) {
  LoadedDocument d = load_fixture("s3_split.json");
  const char* b = "module.storage.aws_s3_bucket.uploads";
  EXPECT_EQ(res(d, b, {"id"}), "\"module.storage.aws_s3_bucket.uploads\"");
  EXPECT_EQ(res(d, b, {"public_access_block"}),
            R"({"block_public_acls":true,"block_public_policy":false,"ignore_public_acls":true,"restrict_public_buckets":false})");
  EXPECT_EQ(res(d, b, {"encryption"}), R"({"algorithm":"aws:kms","bucket_key":true})");
  EXPECT_EQ(res(d, b, {"versioning"}), "true");
  EXPECT_EQ(res(d, b, {"logging"}), R"({"target_bucket":"module.storage.aws_s3_bucket.logs","prefix":"uploads/"})");
  EXPECT_EQ(res(d, b, {"notifications", "0", "target"}), "\"module.storage.aws_lambda_function.resize\"");
  EXPECT_TRUE(has_edge(d, "triggers", b, "module.storage.aws_lambda_function.resize"));
  EXPECT_TRUE(has_edge(d, "logs_to", b, "module.storage.aws_s3_bucket.logs"));
  EXPECT_TRUE(has_edge(d, "applies_to", "module.storage.aws_s3_bucket_policy.uploads", b));
  EXPECT_EQ(res(d, "module.storage.aws_s3_bucket_policy.uploads", {"statements", "0", "principals"}), "\"*\"");
  EXPECT_TRUE(at(d.document->root(), {"resources", b, "acl"}).is_unknown());
  // The other bucket got nothing.
  EXPECT_EQ(res(d, "module.storage.aws_s3_bucket.logs", {"public_access_block"}), "null");
  // A role outside the plan keeps its ARN.
  EXPECT_EQ(res(d, "module.storage.aws_lambda_function.resize", {"role"}), "\"arn:aws:iam::123456789012:role/external\"");
  EXPECT_EQ(res(d, "module.storage.aws_lambda_function.resize", {"reserved_concurrency"}), "5");
}

TEST(TerraformLoader, ApisAndOtherTypes) {
  LoadedDocument d = load_fixture("api_and_more.json");
  EXPECT_EQ(res(d, "aws_api_gateway_method.get", {"authorization_type"}), "\"NONE\"");
  EXPECT_TRUE(has_edge(d, "belongs_to", "aws_api_gateway_method.get", "aws_api_gateway_rest_api.api"));
  EXPECT_EQ(res(d, "aws_api_gateway_integration.get", {"function"}), "\"aws_lambda_function.handler\"");
  EXPECT_EQ(res(d, "aws_api_gateway_stage.prod", {"tracing"}), "false");
  EXPECT_EQ(res(d, "aws_api_gateway_authorizer.auth", {"result_ttl"}), "300");
  EXPECT_EQ(res(d, "aws_apigatewayv2_api.http", {"type"}), "\"aws.apigateway.http_api\"");
  EXPECT_EQ(res(d, "aws_apigatewayv2_route.get", {"authorization_type"}), "\"NONE\"");
  EXPECT_TRUE(has_edge(d, "integration", "aws_apigatewayv2_route.get", "aws_apigatewayv2_integration.fn"));
  EXPECT_TRUE(has_edge(d, "invokes", "aws_apigatewayv2_integration.fn", "aws_lambda_function.handler"));
  EXPECT_EQ(res(d, "aws_apigatewayv2_stage.default", {"type"}), "\"aws.apigateway.stage\"");
  EXPECT_EQ(res(d, "aws_apigatewayv2_authorizer.jwt", {"jwt", "issuer"}), "\"https://issuer\"");
  EXPECT_EQ(res(d, "aws_cognito_user_pool.users", {"mfa"}), "\"OFF\"");
  EXPECT_EQ(res(d, "aws_cognito_user_pool.users", {"password_policy", "minimum_length"}), "6");
  EXPECT_EQ(res(d, "aws_cognito_identity_pool.ids", {"allow_unauthenticated"}), "true");
  EXPECT_EQ(res(d, "aws_cloudtrail.main", {"type"}), "\"aws.cloudtrail.trail\"");
  EXPECT_EQ(res(d, "aws_cloudtrail.main", {"log_file_validation"}), "false");
  EXPECT_EQ(res(d, "aws_cloudwatch_log_group.fn", {"retention_days"}), "14");
  EXPECT_EQ(res(d, "aws_kms_key.data", {"key_rotation"}), "false");
  EXPECT_EQ(res(d, "aws_kms_key.data", {"policy_statements", "0", "actions"}), R"(["kms:*"])");
  EXPECT_EQ(res(d, "aws_secretsmanager_secret.db", {"type"}), "\"aws.secretsmanager.secret\"");
  EXPECT_EQ(res(d, "aws_ssm_parameter.token", {"parameter_type"}), "\"String\"");
  EXPECT_EQ(res(d, "aws_cloudwatch_event_rule.nightly", {"schedule"}), "\"rate(1 day)\"");
  EXPECT_EQ(res(d, "aws_dynamodb_table.orders", {"point_in_time_recovery"}), "false");
  // Types without a normalizer: derived canonical type, attributes as-is.
  EXPECT_EQ(res(d, "aws_security_group.web", {"type"}), "\"aws.ec2.security_group\"");
  EXPECT_EQ(res(d, "aws_security_group.web", {"ingress", "0", "from_port"}), "22");
}

// Types and property names as CloudFormation's normalizers give them.
TEST(TerraformLoader, CanonicalTypesMatchCloudFormation) {
  LoadedDocument d = load_fixture("canonical_types.json");
  ASSERT_TRUE(d.document);
  const std::string ev = "aws_lambda_function_event_invoke_config.worker";
  EXPECT_EQ(res(d, ev, {"type"}), R"("aws.lambda.event_invoke_config")");
  EXPECT_EQ(res(d, ev, {"function"}), R"("aws_lambda_function.worker")");
  EXPECT_EQ(res(d, ev, {"on_failure"}), R"("aws_sqs_queue.failures")");
  EXPECT_EQ(res(d, ev, {"maximum_retry_attempts"}), "0");
  EXPECT_EQ(res(d, ev, {"maximum_event_age"}), "60");
  EXPECT_TRUE(has_edge(d, "dead_letter", "aws_lambda_function.worker", "aws_sqs_queue.failures"));
  const std::string alarm = "aws_cloudwatch_metric_alarm.errors";
  EXPECT_EQ(res(d, alarm, {"type"}), R"("aws.cloudwatch.alarm")");
  EXPECT_EQ(res(d, alarm, {"dimensions"}), R"([{"Name":"FunctionName","Value":"worker"}])");
  EXPECT_EQ(res(d, alarm, {"alarm_actions"}), R"(["aws_sns_topic.alerts"])");
  EXPECT_EQ(res(d, alarm, {"comparison_operator"}), R"("GreaterThanThreshold")");
  EXPECT_EQ(res(d, alarm, {"evaluation_periods"}), "1");
  EXPECT_EQ(res(d, alarm, {"extended_statistic"}), "null");  // "" is not set
  const std::string sfn = "aws_sfn_state_machine.flow";
  EXPECT_EQ(res(d, sfn, {"type"}), R"("aws.stepfunctions.state_machine")");
  EXPECT_EQ(res(d, sfn, {"logging", "level"}), R"("ALL")");
  EXPECT_EQ(res(d, sfn, {"logging", "include_execution_data"}), "true");
  EXPECT_EQ(res(d, sfn, {"logging", "destinations"}),
            R"([{"cloud_watch_logs_log_group":{"log_group_arn":"aws_cloudwatch_log_group.flow"}}])");
  EXPECT_EQ(res(d, sfn, {"tracing"}), "true");
  EXPECT_EQ(res(d, sfn, {"definition", "StartAt"}), R"("A")");
  EXPECT_TRUE(has_edge(d, "logs_to", sfn, "aws_cloudwatch_log_group.flow"));
  EXPECT_EQ(res(d, "aws_cloudtrail.main", {"event_selectors", "0", "data_resources"}),
            R"([{"type":"AWS::S3::Object","values":["arn:aws:s3"]}])");
  EXPECT_EQ(res(d, "aws_cloudtrail.main", {"event_selectors", "0", "data_resource"}), "null");
  // Method settings land on their stage, as CloudFormation's MethodSettings.
  EXPECT_EQ(res(d, "aws_api_gateway_stage.prod", {"method_settings"}),
            R"([{"http_method":"*","resource_path":"/*","metrics_enabled":true,"logging_level":"INFO","data_trace_enabled":false,"caching_enabled":false}])");
  EXPECT_EQ(res(d, "aws_api_gateway_method_settings.all", {"stage"}), R"("aws_api_gateway_stage.prod")");
  EXPECT_EQ(res(d, "aws_s3_bucket.data", {"ownership"}), R"("BucketOwnerEnforced")");
  EXPECT_EQ(res(d, "aws_s3_bucket_ownership_controls.data", {"type"}), R"("aws.s3.bucket_ownership_controls")");
}

// ARN attributes known only after apply that the configuration points at a
// resource of the plan hold that resource's id.
TEST(TerraformLoader, ArnAttributesReferencingThePlan) {
  LoadedDocument d = load_fixture("canonical_types.json");
  ASSERT_TRUE(d.document);
  const std::string fn = "aws_lambda_function.worker";
  EXPECT_EQ(res(d, fn, {"code_signing_config"}), R"("aws_lambda_code_signing_config.signing")");
  EXPECT_EQ(res(d, fn, {"layers"}), R"(["aws_lambda_layer_version.deps"])");
}

// A data source feeding an attribute: secrets read at deploy time are
// unknowns naming the data source, even when the plan shows the value.
TEST(TerraformLoader, DataSourcesInAttributes) {
  LoadedDocument d = load_fixture("canonical_types.json");
  ASSERT_TRUE(d.document);
  Value env = at(d.document->root(), {"resources", "aws_lambda_function.worker", "environment"});
  EXPECT_TRUE(at(env, {"DB_PASSWORD"}).is_unknown()) << to_json(env);
  EXPECT_NE(to_json(at(env, {"DB_PASSWORD"})).find("data source data.aws_secretsmanager_secret_version.db"),
            std::string::npos)
      << to_json(env);
  EXPECT_EQ(to_json(at(env, {"STAGE"})), R"("prod")");
  // native keeps the plan's values.
  EXPECT_EQ(res(d, "aws_lambda_function.worker", {"native", "environment", "0", "variables", "DB_PASSWORD"}),
            R"("s3cr3t-from-plan")");
}

TEST(TerraformLoader, LocationsPointIntoThePlan) {
  LoadedDocument d = load_fixture("s3_split.json");
  const char* b = "module.storage.aws_s3_bucket.uploads";
  EXPECT_EQ(res(d, b, {"location", "pointer"}), "\"/planned_values/root_module/child_modules/0/resources/0\"");
  std::string line = res(d, b, {"location", "line"});
  EXPECT_GT(std::stoi(line), 1);
  // The document's resource map is located at the plan's resource object.
  auto loc = d.document->locate("/resources/module.storage.aws_s3_bucket.uploads");
  ASSERT_TRUE(loc.has_value());
  EXPECT_EQ(std::to_string(loc->line), line);
}

TEST(TerraformLoader, MalformedAndOddPlans) {
  auto bad = load_template(R"({"format_version":"1.2","planned_values":{)", "p.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string(bad.status().message()).find("p.json:1:"), std::string::npos);
  LoadedDocument empty = load_text(R"({"format_version":"1.2","resource_changes":[]})");
  EXPECT_FALSE(empty.warnings.empty());
  EXPECT_EQ(to_json(at(empty.document->root(), {"resources"})), "{}");
  // Deeply nested modules and resources without address are skipped, not fatal.
  LoadedDocument odd = load_text(R"({"format_version":"1.2","planned_values":{"root_module":{"resources":[{"type":"aws_sqs_queue"}]}}})");
  EXPECT_FALSE(odd.warnings.empty());
}

// Golden normalized documents (MOAT_UPDATE_GOLDEN=1 rewrites them).
TEST(TerraformLoader, GoldenOutputs) {
  const std::filesystem::path golden = std::filesystem::path(MOAT_SOURCE_DIR) / "tests/golden/terraform";
  const bool update = std::getenv("MOAT_UPDATE_GOLDEN") != nullptr;
  for (const char* name : {"lambda_app", "canonical_types"}) {
    LoadedDocument d = load_fixture(std::string(name) + ".json");
    ASSERT_TRUE(d.document);
    std::string got = to_json(d.document->root());
    // The file path is machine-specific: keep it relative.
    for (size_t p; (p = got.find(kFixtures.string())) != std::string::npos;)
      got.replace(p, kFixtures.string().size(), "tests/fixtures/terraform");
    auto path = golden / (std::string(name) + ".json");
    if (update) {
      std::filesystem::create_directories(golden);
      std::ofstream(path) << got << "\n";
      continue;
    }
    ASSERT_TRUE(std::filesystem::exists(path)) << "missing " << path << " (run with MOAT_UPDATE_GOLDEN=1)";
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string want = ss.str();
    while (!want.empty() && want.back() == '\n') want.pop_back();
    EXPECT_EQ(got, want) << "golden mismatch for " << name << " (MOAT_UPDATE_GOLDEN=1 to regenerate)";
  }
}

// Every Terraform plan of the shared corpus loads without crash.
TEST(TerraformLoaderHeavy, CorpusSmoke) {
  const std::filesystem::path root = std::filesystem::path(MOAT_SOURCE_DIR) / "../shared/corpus";
  if (!std::filesystem::exists(root)) GTEST_SKIP() << "no corpus at " << root;
  size_t plans = 0, resources = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(
           root, std::filesystem::directory_options::skip_permission_denied, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file(ec) || it->path().extension() != ".json" || it->file_size(ec) > (8u << 20)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    if (detect_input_format(text, it->path().string()) != "terraform-plan") continue;
    auto r = load_template(std::move(text), it->path().string());
    if (!r.ok()) continue;  // malformed JSON fixtures are expected errors
    ++plans;
    EXPECT_EQ(r->format, "terraform-plan") << it->path();
    resources += r->document->resources().is_map() ? r->document->resources().as_map().size : 0;
  }
  if (plans == 0) GTEST_SKIP() << "no Terraform plans in the corpus";
  std::cout << "terraform corpus: " << plans << " plans, " << resources << " resources\n";
}

}  // namespace
}  // namespace moat
