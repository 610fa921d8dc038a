// Logs, DynamoDB, Kinesis, EventBridge, KMS, Secrets Manager, SSM, Cognito,
// Step Functions, CloudTrail.
#include "documents/cloudformation/cfn_normalize.h"
#include "documents/json_reader.h"

namespace moat::cfn {

namespace {

void log_group(ResourceContext& r) {
  r.set("name", "LogGroupName");
  r.set("retention_days", "RetentionInDays", Conv::kInt);
  r.set_ref("kms_key", "KmsKeyId");
  r.set("data_protection_policy", "DataProtectionPolicy");
}

void table(ResourceContext& r) {
  r.set("name", "TableName");
  r.set("billing_mode", "BillingMode");
  r.set("encryption.enabled", "SSESpecification.SSEEnabled", Conv::kBool);
  r.set("encryption.type", "SSESpecification.SSEType");
  r.set_ref("encryption.kms_key", "SSESpecification.KMSMasterKeyId");
  r.set("point_in_time_recovery", "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled", Conv::kBool);
  r.set("stream_view_type", "StreamSpecification.StreamViewType");
  r.set("deletion_protection", "DeletionProtectionEnabled", Conv::kBool);
  r.set("key_schema", "KeySchema", Conv::kSnake);
}

void stream(ResourceContext& r) {
  r.set("name", "Name");
  r.set("shard_count", "ShardCount", Conv::kInt);
  r.set("retention_hours", "RetentionPeriodHours", Conv::kInt);
  r.set("encryption.type", "StreamEncryption.EncryptionType");
  r.set_ref("encryption.kms_key", "StreamEncryption.KeyId");
  r.set("stream_mode", "StreamModeDetails.StreamMode");
}

void rule(ResourceContext& r) {
  r.set("name", "Name");
  r.set("event_pattern", "EventPattern", Conv::kJson);
  r.set("schedule", "ScheduleExpression");
  r.set("state", "State");
  r.set_ref("event_bus", "EventBusName");
  r.set_ref("role", "RoleArn");
  const Value* targets = r.get("Targets");
  if (!targets || !targets->is_list()) return;
  std::vector<Value> out;
  for (const Value& t : targets->as_list()) {
    MapBuilder b;
    if (const Value* id = member(t, "Id")) b.set("id", r.ids(*id));
    std::string target_id;
    if (const Value* arn = member(t, "Arn")) {
      b.set("target", r.ids(*arn));
      target_id = r.ref_id(*arn);
    }
    if (const Value* role = member(t, "RoleArn")) b.set("role", r.ids(*role));
    if (const Value* input = member(t, "Input")) b.set("input", r.ids(*input));
    if (const Value* dlq = member(t, "DeadLetterConfig")) b.set("dead_letter", r.convert(*dlq, Conv::kSnake));
    out.push_back(b.build(r.ctx));
    if (!target_id.empty()) r.edge("triggers", r.id, target_id);
  }
  r.put("targets", make_list(r.ctx.arena, out), "Targets");
}

void key(ResourceContext& r) {
  r.set("key_rotation", "EnableKeyRotation", Conv::kBool);
  r.set("enabled", "Enabled", Conv::kBool);
  r.set("key_spec", "KeySpec");
  r.set("key_usage", "KeyUsage");
  r.set("pending_window_days", "PendingWindowInDays", Conv::kInt);
  r.set("multi_region", "MultiRegion", Conv::kBool);
  if (const Value* p = r.get("KeyPolicy")) r.put("policy_statements", r.statements(*p), "KeyPolicy");
}

void secret(ResourceContext& r) {
  r.set("name", "Name");
  r.set_ref("kms_key", "KmsKeyId");
  r.set("secret_string", "SecretString");
  r.set("generate_secret_string", "GenerateSecretString", Conv::kSnake);
  r.set("replica_regions", "ReplicaRegions", Conv::kSnake);
}

void secret_policy(ResourceContext& r) {
  std::string s = r.set_ref("secret", "SecretId");
  if (const Value* p = r.get("ResourcePolicy")) r.put("statements", r.statements(*p), "ResourcePolicy");
  r.set("block_public_policy", "BlockPublicPolicy", Conv::kBool);
  if (!s.empty()) r.edge("applies_to", r.id, s);
}

void rotation_schedule(ResourceContext& r) {
  std::string s = r.set_ref("secret", "SecretId");
  r.set_ref("function", "RotationLambdaARN");
  r.set("automatically_after_days", "RotationRules.AutomaticallyAfterDays", Conv::kInt);
  r.set("schedule", "RotationRules.ScheduleExpression");
  if (!s.empty()) r.edge("rotates", r.id, s);
}

void parameter(ResourceContext& r) {
  r.set("name", "Name");
  r.set("parameter_type", "Type");
  r.set("value", "Value");
  r.set("tier", "Tier");
  r.set("data_type", "DataType");
}

void user_pool(ResourceContext& r) {
  r.set("name", "UserPoolName");
  r.set("mfa", "MfaConfiguration");
  r.set("password_policy", "Policies.PasswordPolicy", Conv::kSnake);
  r.set("advanced_security_mode", "UserPoolAddOns.AdvancedSecurityMode");
  r.set("allow_admin_create_user_only", "AdminCreateUserConfig.AllowAdminCreateUserOnly", Conv::kBool);
  r.set("deletion_protection", "DeletionProtection");
  r.set("lambda_triggers", "LambdaConfig", Conv::kSnake);
  if (const Value* triggers = r.get("LambdaConfig"); triggers && triggers->is_map())
    for (const Member& m : triggers->as_map()) {
      std::string fn = r.ref_id(m.value);
      if (!fn.empty()) r.edge("triggers", r.id, fn, {{"event", m.key}});
    }
}

void user_pool_client(ResourceContext& r) {
  r.set("name", "ClientName");
  r.set_ref("user_pool", "UserPoolId", "belongs_to");
  r.set("explicit_auth_flows", "ExplicitAuthFlows", Conv::kList);
  r.set("allowed_oauth_flows", "AllowedOAuthFlows", Conv::kList);
  r.set("prevent_user_existence_errors", "PreventUserExistenceErrors");
  r.set("enable_token_revocation", "EnableTokenRevocation", Conv::kBool);
  r.set("generate_secret", "GenerateSecret", Conv::kBool);
  r.set("refresh_token_validity", "RefreshTokenValidity", Conv::kInt);
}

void identity_pool(ResourceContext& r) {
  r.set("name", "IdentityPoolName");
  r.set("allow_unauthenticated", "AllowUnauthenticatedIdentities", Conv::kBool);
  r.set("allow_classic_flow", "AllowClassicFlow", Conv::kBool);
  r.set("cognito_identity_providers", "CognitoIdentityProviders", Conv::kSnake);
}

void state_machine(ResourceContext& r) {
  r.set("name", "StateMachineName");
  r.set("state_machine_type", "StateMachineType");
  r.set_ref("role", "RoleArn", "execution_role");
  // Definitions keep their own (Amazon States Language) key names.
  if (r.get("Definition")) {
    r.set("definition", "Definition");
  } else if (const Value* s = r.get("DefinitionString")) {
    Value def;
    JsonError error;
    if (s->is_string() && read_json(s->as_string(), r.ctx.arena, JsonLimits{}, &def, &error))
      r.put("definition", def, "DefinitionString");
    else
      r.put("definition", r.ids(*s), "DefinitionString");
  }
  r.set("logging.level", "LoggingConfiguration.Level");
  r.set("logging.include_execution_data", "LoggingConfiguration.IncludeExecutionData", Conv::kBool);
  r.set("logging.destinations", "LoggingConfiguration.Destinations", Conv::kSnake);
  r.set("tracing", "TracingConfiguration.Enabled", Conv::kBool);
}

void trail(ResourceContext& r) {
  r.set("name", "TrailName");
  r.set("is_logging", "IsLogging", Conv::kBool);
  r.set("multi_region", "IsMultiRegionTrail", Conv::kBool);
  r.set("organization_trail", "IsOrganizationTrail", Conv::kBool);
  r.set("log_file_validation", "EnableLogFileValidation", Conv::kBool);
  r.set("include_global_service_events", "IncludeGlobalServiceEvents", Conv::kBool);
  r.set_ref("kms_key", "KMSKeyId");
  r.set_ref("cloudwatch_logs_log_group", "CloudWatchLogsLogGroupArn", "logs_to");
  r.set_ref("s3_bucket", "S3BucketName", "logs_to");
  r.set("event_selectors", "EventSelectors", Conv::kSnake);
  r.set("advanced_event_selectors", "AdvancedEventSelectors", Conv::kSnake);
}

}  // namespace

std::vector<TypeSpec> other_types() {
  return {
      {"AWS::Logs::LogGroup", "aws.logs.log_group", log_group},
      {"AWS::DynamoDB::Table", "aws.dynamodb.table", table},
      {"AWS::Kinesis::Stream", "aws.kinesis.stream", stream},
      {"AWS::Events::Rule", "aws.events.rule", rule},
      {"AWS::KMS::Key", "aws.kms.key", key},
      {"AWS::SecretsManager::Secret", "aws.secretsmanager.secret", secret},
      {"AWS::SecretsManager::ResourcePolicy", "aws.secretsmanager.resource_policy", secret_policy},
      {"AWS::SecretsManager::RotationSchedule", "aws.secretsmanager.rotation_schedule", rotation_schedule},
      {"AWS::SSM::Parameter", "aws.ssm.parameter", parameter},
      {"AWS::Cognito::UserPool", "aws.cognito.user_pool", user_pool},
      {"AWS::Cognito::UserPoolClient", "aws.cognito.user_pool_client", user_pool_client},
      {"AWS::Cognito::IdentityPool", "aws.cognito.identity_pool", identity_pool},
      {"AWS::StepFunctions::StateMachine", "aws.stepfunctions.state_machine", state_machine},
      {"AWS::CloudTrail::Trail", "aws.cloudtrail.trail", trail},
  };
}

}  // namespace moat::cfn
