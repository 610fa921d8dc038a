// AWS::Lambda::* -> aws.lambda.*
#include "documents/cloudformation/cfn_normalize.h"

namespace moat::cfn {

namespace {

void function(ResourceContext& r) {
  r.set("name", "FunctionName");
  r.set("runtime", "Runtime");
  r.set("handler", "Handler");
  r.set("timeout", "Timeout", Conv::kInt);
  r.set("memory_size", "MemorySize", Conv::kInt);
  r.set("ephemeral_storage", "EphemeralStorage.Size", Conv::kInt);
  r.set("environment", "Environment.Variables");
  r.set_ref("role", "Role", "execution_role");
  r.set("layers", "Layers", Conv::kList);
  r.set("tracing", "TracingConfig.Mode");
  r.set("reserved_concurrency", "ReservedConcurrentExecutions", Conv::kInt);
  r.set("vpc.subnet_ids", "VpcConfig.SubnetIds", Conv::kList);
  r.set("vpc.security_group_ids", "VpcConfig.SecurityGroupIds", Conv::kList);
  r.set("vpc.ipv6_allowed_for_dual_stack", "VpcConfig.Ipv6AllowedForDualStack", Conv::kBool);
  r.set_ref("dead_letter_target", "DeadLetterConfig.TargetArn", "dead_letter");
  r.set_ref("kms_key", "KmsKeyArn");
  r.set("architectures", "Architectures", Conv::kList);
  r.set("package_type", "PackageType");
  r.set("code_signing_config", "CodeSigningConfigArn");
  r.set("logging", "LoggingConfig", Conv::kSnake);
  r.set("snap_start", "SnapStart.ApplyOn");
  if (const Value* code = r.get("Code")) {
    r.put("code", r.convert(*code, Conv::kSnake), "Code");
  }
}

void permission(ResourceContext& r) {
  std::string fn = r.set_ref("function", "FunctionName");
  r.set("action", "Action");
  Value principal = r.set("principal", "Principal");
  std::string source = r.set_ref("source_arn", "SourceArn");
  r.set("source_account", "SourceAccount");
  r.set("principal_org_id", "PrincipalOrgID");
  r.set("function_url_auth_type", "FunctionUrlAuthType");
  r.set("event_source_token", "EventSourceToken");
  if (!fn.empty()) {
    std::vector<std::pair<std::string, Value>> extra;
    if (!principal.is_null()) extra.emplace_back("principal", principal);
    if (const Value* a = r.get("SourceArn")) extra.emplace_back("source_arn", r.ids(*a));
    if (const Value* a = r.get("SourceAccount")) extra.emplace_back("source_account", r.ids(*a));
    r.edge("invokes", r.id, fn, extra);
    if (!source.empty()) r.edge("triggers", source, fn, {{"via", r.ctx.str(r.id)}, {"principal", principal}});
  }
}

void url(ResourceContext& r) {
  std::string fn = r.set_ref("function", "TargetFunctionArn");
  r.set("auth_type", "AuthType");
  r.set("cors", "Cors", Conv::kSnake);
  r.set("invoke_mode", "InvokeMode");
  r.set("qualifier", "Qualifier");
  if (!fn.empty()) r.edge("url", r.id, fn);
}

void event_source_mapping(ResourceContext& r) {
  std::string fn = r.set_ref("function", "FunctionName");
  std::string source = r.set_ref("event_source", "EventSourceArn");
  r.set("batch_size", "BatchSize", Conv::kInt);
  r.set("enabled", "Enabled", Conv::kBool);
  Value filter = r.set("filter_criteria", "FilterCriteria", Conv::kSnake);
  r.set("starting_position", "StartingPosition");
  r.set_ref("destination", "DestinationConfig.OnFailure.Destination", "dead_letter");
  r.set("maximum_retry_attempts", "MaximumRetryAttempts", Conv::kInt);
  r.set("bisect_batch_on_function_error", "BisectBatchOnFunctionError", Conv::kBool);
  r.set("maximum_batching_window", "MaximumBatchingWindowInSeconds", Conv::kInt);
  r.set("parallelization_factor", "ParallelizationFactor", Conv::kInt);
  r.set("function_response_types", "FunctionResponseTypes", Conv::kList);
  r.set("topics", "Topics", Conv::kList);
  r.set("queues", "Queues", Conv::kList);
  r.set("source_access_configurations", "SourceAccessConfigurations", Conv::kSnake);
  if (!fn.empty()) r.edge("invokes", r.id, fn);
  if (!fn.empty() && !source.empty()) {
    std::vector<std::pair<std::string, Value>> extra{{"via", r.ctx.str(r.id)}};
    if (!filter.is_null()) extra.emplace_back("filter", filter);
    r.edge("triggers", source, fn, extra);
  }
}

void layer_permission(ResourceContext& r) {
  r.set_ref("layer", "LayerVersionArn");
  r.set("action", "Action");
  r.set("principal", "Principal");
  r.set("organization_id", "OrganizationId");
}

void layer(ResourceContext& r) {
  r.set("name", "LayerName");
  r.set("compatible_runtimes", "CompatibleRuntimes", Conv::kList);
  r.set("compatible_architectures", "CompatibleArchitectures", Conv::kList);
  r.set("license", "LicenseInfo");
}

void event_invoke_config(ResourceContext& r) {
  std::string fn = r.set_ref("function", "FunctionName");
  r.set("qualifier", "Qualifier");
  r.set_ref("on_failure", "DestinationConfig.OnFailure.Destination");
  r.set_ref("on_success", "DestinationConfig.OnSuccess.Destination");
  r.set("maximum_retry_attempts", "MaximumRetryAttempts", Conv::kInt);
  r.set("maximum_event_age", "MaximumEventAgeInSeconds", Conv::kInt);
  if (const Value* d = r.get("DestinationConfig.OnFailure.Destination"); d && !fn.empty()) {
    std::string target = r.ref_id(*d);
    if (!target.empty()) r.edge("dead_letter", fn, target, {{"via", r.ctx.str(r.id)}});
  }
}

void alias_or_version(ResourceContext& r) {
  r.set_ref("function", "FunctionName", "references");
  r.set("name", "Name");
  r.set("function_version", "FunctionVersion");
  r.set("provisioned_concurrency", "ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions", Conv::kInt);
}

}  // namespace

std::vector<TypeSpec> lambda_types() {
  return {
      {"AWS::Lambda::Function", "aws.lambda.function", function},
      {"AWS::Lambda::Permission", "aws.lambda.permission", permission},
      {"AWS::Lambda::Url", "aws.lambda.url", url},
      {"AWS::Lambda::EventSourceMapping", "aws.lambda.event_source_mapping", event_source_mapping},
      {"AWS::Lambda::LayerVersionPermission", "aws.lambda.layer_permission", layer_permission},
      {"AWS::Lambda::LayerVersion", "aws.lambda.layer", layer},
      {"AWS::Lambda::EventInvokeConfig", "aws.lambda.event_invoke_config", event_invoke_config},
      {"AWS::Lambda::Alias", "aws.lambda.alias", alias_or_version},
      {"AWS::Lambda::Version", "aws.lambda.version", alias_or_version},
  };
}

}  // namespace moat::cfn
