// aws_lambda_*, aws_iam_*, aws_api_gateway_*, aws_apigatewayv2_*,
// aws_sfn_state_machine -> the
// canonical types and property names of the CloudFormation loader.
#include "documents/json_reader.h"
#include "documents/terraform/tf_plan.h"

namespace moat::tf {

using cfn::cat;
using cfn::MapBuilder;
using cfn::member;

namespace {

constexpr std::string_view kRole = "aws_iam_role";

void function(TfResource& r) {
  r.set("name", "function_name");
  r.set("runtime", "runtime");
  r.set("handler", "handler");
  r.set("timeout", "timeout", Conv::kInt);
  r.set("memory_size", "memory_size", Conv::kInt);
  r.set("ephemeral_storage", "ephemeral_storage.size", Conv::kInt);
  r.set("environment", "environment.variables");
  r.set_ref("role", "role", "execution_role", false, kRole);
  r.set_ref_list("layers", "layers");
  r.set("tracing", "tracing_config.mode");
  // -1 is Terraform's "no reservation": absent, as when CloudFormation omits it.
  if (const Value* rc = r.get("reserved_concurrent_executions"); rc && !(rc->is_int() && rc->as_int() < 0))
    r.set("reserved_concurrency", "reserved_concurrent_executions", Conv::kInt);
  r.set_ref_list("vpc.subnet_ids", "vpc_config.subnet_ids");
  r.set_ref_list("vpc.security_group_ids", "vpc_config.security_group_ids");
  r.set("vpc.ipv6_allowed_for_dual_stack", "vpc_config.ipv6_allowed_for_dual_stack", Conv::kBool);
  r.set_ref("dead_letter_target", "dead_letter_config.target_arn", "dead_letter");
  r.set_ref("kms_key", "kms_key_arn");
  r.set("architectures", "architectures", Conv::kList);
  r.set("package_type", "package_type");
  r.set_ref("code_signing_config", "code_signing_config_arn");
  r.set("logging", "logging_config.0");
  r.set("snap_start", "snap_start.apply_on");
  MapBuilder code;
  for (std::string_view k : {"filename", "s3_bucket", "s3_key", "image_uri"})
    if (const Value* v = r.get(k)) code.set(k, *v);
  if (!code.empty()) r.rc.put("code", code.build(r.ctx()), "");
}

void permission(TfResource& r) {
  std::string fn = r.set_ref("function", "function_name");
  r.set("action", "action");
  Value principal = r.set("principal", "principal");
  std::string source = r.set_ref("source_arn", "source_arn");
  r.set("source_account", "source_account");
  r.set("principal_org_id", "principal_org_id");
  r.set("function_url_auth_type", "function_url_auth_type");
  r.set("event_source_token", "event_source_token");
  r.set("qualifier", "qualifier");
  if (fn.empty()) return;
  std::vector<std::pair<std::string, Value>> extra;
  if (!principal.is_null()) extra.emplace_back("principal", principal);
  if (const Value* a = r.get("source_arn")) extra.emplace_back("source_arn", *a);
  if (const Value* a = r.get("source_account")) extra.emplace_back("source_account", *a);
  r.edge("invokes", r.id(), fn, extra);
  if (!source.empty()) r.edge("triggers", source, fn, {{"via", r.ctx().str(r.id())}, {"principal", principal}});
}

void url(TfResource& r) {
  std::string fn = r.set_ref("function", "function_name");
  r.set("auth_type", "authorization_type");
  r.set("cors", "cors.0");
  r.set("invoke_mode", "invoke_mode");
  r.set("qualifier", "qualifier");
  if (!fn.empty()) r.edge("url", r.id(), fn);
}

void event_source_mapping(TfResource& r) {
  std::string fn = r.set_ref("function", "function_name");
  std::string source = r.set_ref("event_source", "event_source_arn");
  r.set("batch_size", "batch_size", Conv::kInt);
  r.set("enabled", "enabled", Conv::kBool);
  // filter_criteria { filter { pattern } } -> {filters: [{pattern}]} as CloudFormation's.
  Value filter;
  if (const Value* f = r.get("filter_criteria.filter"); f && f->is_list() && f->as_list().size) {
    Member m{Value::string("filters"), *f};
    filter = make_map(r.ctx().arena, std::span<const Member>(&m, 1));
    r.rc.put("filter_criteria", filter, "filter_criteria");
  }
  r.set("starting_position", "starting_position");
  r.set_ref("destination", "destination_config.on_failure.destination_arn", "dead_letter");
  r.set("maximum_retry_attempts", "maximum_retry_attempts", Conv::kInt);
  r.set("bisect_batch_on_function_error", "bisect_batch_on_function_error", Conv::kBool);
  r.set("maximum_batching_window", "maximum_batching_window_in_seconds", Conv::kInt);
  r.set("parallelization_factor", "parallelization_factor", Conv::kInt);
  r.set("function_response_types", "function_response_types", Conv::kList);
  r.set("topics", "topics", Conv::kList);
  r.set("queues", "queues", Conv::kList);
  r.set("source_access_configurations", "source_access_configuration");
  if (!fn.empty()) r.edge("invokes", r.id(), fn);
  if (!fn.empty() && !source.empty()) {
    std::vector<std::pair<std::string, Value>> extra{{"via", r.ctx().str(r.id())}};
    if (!filter.is_null()) extra.emplace_back("filter", filter);
    r.edge("triggers", source, fn, extra);
  }
}

// As CloudFormation's AWS::Lambda::EventInvokeConfig.
void event_invoke_config(TfResource& r) {
  std::string fn = r.set_ref("function", "function_name");
  r.set("qualifier", "qualifier");
  std::string failure = r.set_ref("on_failure", "destination_config.on_failure.destination");
  r.set_ref("on_success", "destination_config.on_success.destination");
  r.set("maximum_retry_attempts", "maximum_retry_attempts", Conv::kInt);
  r.set("maximum_event_age", "maximum_event_age_in_seconds", Conv::kInt);
  if (!fn.empty() && !failure.empty()) r.edge("dead_letter", fn, failure, {{"via", r.ctx().str(r.id())}});
}

void layer_permission(TfResource& r) {
  r.set_ref("layer", "layer_name");
  r.set("version", "version_number", Conv::kInt);
  r.set("action", "action");
  r.set("principal", "principal");
  r.set("organization_id", "organization_id");
}

void layer(TfResource& r) {
  r.set("name", "layer_name");
  r.set("compatible_runtimes", "compatible_runtimes", Conv::kList);
  r.set("compatible_architectures", "compatible_architectures", Conv::kList);
  r.set("license", "license_info");
}

// IAM

void role(TfResource& r) {
  r.set("name", "name");
  r.set("path", "path");
  r.statements("assume_role_policy.statements", "assume_role_policy");
  if (const Value* inl = r.get("inline_policy"); inl && inl->is_list()) {
    std::vector<Value> out;
    for (const Value& p : inl->as_list()) {
      const Value* doc = member(p, "policy");
      if (doc == nullptr || (doc->is_string() && doc->as_string().empty())) continue;
      MapBuilder b;
      if (const Value* n = member(p, "name")) b.set("name", *n);
      b.set("statements", r.rc.statements(*doc));
      out.push_back(b.build(r.ctx()));
    }
    if (!out.empty()) r.rc.put("policies", make_list(r.ctx().arena, out), "inline_policy");
  }
  r.set_ref_list("managed_policy_arns", "managed_policy_arns");
  r.set_ref("permissions_boundary", "permissions_boundary");
  r.set("max_session_duration", "max_session_duration", Conv::kInt);
}

void managed_policy(TfResource& r) {
  r.rc.put("managed", Value::boolean(true), "");
  r.set("name", "name");
  r.set("path", "path");
  r.statements("statements", "policy");
}

void role_policy(TfResource& r) {
  r.rc.put("managed", Value::boolean(false), "");
  r.set("name", "name");
  r.statements("statements", "policy");
  const Value* v = r.get("role");
  if (v == nullptr) return;
  std::string target = r.ref("role", kRole);
  Value one = target.empty() ? *v : r.ctx().str(target);
  r.rc.put("roles", make_list(r.ctx().arena, std::span<const Value>(&one, 1)), "role");
  if (!target.empty()) r.edge("attached_to", r.id(), target);
}

void policy_attachment(TfResource& r) {
  std::string role_id = r.set_ref("role", "role", {}, false, kRole);
  std::string policy_id = r.set_ref("policy", "policy_arn");
  const Value* arn = r.get("policy_arn");
  if (!role_id.empty() && arn) r.contribute(role_id, "managed_policy_arns", policy_id.empty() ? *arn : r.ctx().str(policy_id), true);
  if (!role_id.empty() && !policy_id.empty()) r.edge("attached_to", policy_id, role_id);
}

// Step Functions, named as CloudFormation's state machine: logging.level,
// logging.include_execution_data, logging.destinations
// [{cloud_watch_logs_log_group: {log_group_arn}}], tracing (bool).
void state_machine(TfResource& r) {
  r.set("name", "name");
  r.set("state_machine_type", "type");
  r.set_ref("role", "role_arn", "execution_role", false, kRole);
  // The definition keeps its Amazon States Language key names, as in CloudFormation.
  if (const Value* d = r.get("definition")) {
    Value def;
    JsonError error;
    if (d->is_string() && read_json(d->as_string(), r.ctx().arena, JsonLimits{}, &def, &error))
      r.rc.put("definition", def, "definition");
    else
      r.rc.put("definition", *d, "definition");
  }
  r.set("logging.level", "logging_configuration.level");
  r.set("logging.include_execution_data", "logging_configuration.include_execution_data", Conv::kBool);
  if (const Value* d = r.get("logging_configuration.log_destination");
      d && !(d->is_string() && d->as_string().empty())) {
    // "arn:...:log-group:name:*": the log group's ARN with the stream wildcard.
    Value target = *d;
    std::string group = r.ref("logging_configuration.log_destination", "aws_cloudwatch_log_group");
    if (group.empty() && d->is_string() && d->as_string().ends_with(":*"))
      group = r.plan.resource_with_value(r.ctx().str(d->as_string().substr(0, d->as_string().size() - 2)));
    if (!group.empty()) {
      target = r.ctx().str(group);
      r.edge("logs_to", r.id(), group);
    }
    Member arn{r.ctx().str("log_group_arn"), target};
    Member lg{r.ctx().str("cloud_watch_logs_log_group"), make_map(r.ctx().arena, std::span<const Member>(&arn, 1))};
    Value one = make_map(r.ctx().arena, std::span<const Member>(&lg, 1));
    r.rc.put("logging.destinations", make_list(r.ctx().arena, std::span<const Value>(&one, 1)),
             "logging_configuration");
  }
  r.set("tracing", "tracing_configuration.enabled", Conv::kBool);
}

// API Gateway

void rest_api(TfResource& r) {
  r.set("name", "name");
  r.rc.put("protocol", Value::string("REST"), "");
  r.set("endpoint_types", "endpoint_configuration.types", Conv::kList);
  r.set("vpc_endpoint_ids", "endpoint_configuration.vpc_endpoint_ids", Conv::kList);
  r.statements("policy_statements", "policy");
  r.set("api_key_source", "api_key_source");
  r.set("disable_execute_api_endpoint", "disable_execute_api_endpoint", Conv::kBool);
  r.set("minimum_compression_size", "minimum_compression_size", Conv::kInt);
  r.set("binary_media_types", "binary_media_types", Conv::kList);
}

// The function an integration/authorizer URI invokes, from its references.
std::string invoked_function(TfResource& r, std::string_view path) {
  std::string fn = r.ref(path, "aws_lambda_function");
  if (fn.empty()) {
    // A literal invoke ARN: ".../functions/<function arn>/invocations".
    if (const Value* uri = r.get(path); uri && uri->is_string()) {
      std::string_view s = uri->as_string();
      size_t a = s.find("/functions/"), b = s.rfind("/invocations");
      if (a != std::string_view::npos && b != std::string_view::npos && b > a + 11)
        fn = r.plan.resource_with_value(r.ctx().str(s.substr(a + 11, b - a - 11)));
    }
  }
  return fn;
}

void method(TfResource& r) {
  r.set_ref("rest_api", "rest_api_id", "belongs_to");
  r.set_ref("resource", "resource_id");
  r.set("http_method", "http_method");
  r.set("authorization_type", "authorization");
  r.set("api_key_required", "api_key_required", Conv::kBool);
  r.set_ref("authorizer", "authorizer_id", "authorizer");
  r.set("authorization_scopes", "authorization_scopes", Conv::kList);
  r.set_ref("request_validator", "request_validator_id");
  r.set("request_parameters", "request_parameters");
}

// aws_api_gateway_integration (v1): its own resource, linked to the method's API.
void integration_v1(TfResource& r) {
  r.set_ref("rest_api", "rest_api_id", "belongs_to");
  r.set_ref("resource", "resource_id");
  r.set("http_method", "http_method");
  r.set("integration_type", "type");
  r.set("uri", "uri");
  r.set("method", "integration_http_method");
  r.set_ref("credentials", "credentials");
  if (std::string fn = invoked_function(r, "uri"); !fn.empty()) {
    r.rc.put("function", r.ctx().str(fn), "uri");
    r.edge("invokes", r.id(), fn);
  }
}

void stage(TfResource& r) {
  r.set("stage_name", "stage_name");
  r.set("stage_name", "name");
  r.set_ref("rest_api", "rest_api_id", "belongs_to");
  r.set_ref("api", "api_id", "belongs_to");
  r.set_ref("deployment", "deployment_id");
  r.set_ref("access_log.destination", "access_log_settings.destination_arn", "logs_to");
  r.set("access_log.format", "access_log_settings.format");
  r.set("tracing", "xray_tracing_enabled", Conv::kBool);
  r.set("default_route_settings", "default_route_settings.0");
  r.set("route_settings", "route_settings");
  r.set("variables", "variables");
  r.set("variables", "stage_variables");
  r.set_ref("client_certificate", "client_certificate_id");
  r.set("cache_cluster_enabled", "cache_cluster_enabled", Conv::kBool);
  r.set("auto_deploy", "auto_deploy", Conv::kBool);
}

// aws_api_gateway_method_settings: its own resource, and one entry of its
// stage's method_settings as CloudFormation's Stage.MethodSettings.
void method_settings(TfResource& r) {
  r.copy_all();  // its attributes as planned (settings stays the block list)
  r.set_ref("rest_api", "rest_api_id", "belongs_to");
  const Value* settings_ptr = r.get("settings.0");
  Value settings = settings_ptr ? *settings_ptr : Value();
  std::string stage = r.set_ref("stage", "stage_name", {}, false, "aws_api_gateway_stage");
  if (stage.empty()) {
    // By value: the stage of the same API with that name.
    const Value* name = r.get("stage_name");
    const Value* api = r.get("rest_api_id");
    for (const PlanResource& p : r.plan.resources()) {
      if (p.type != "aws_api_gateway_stage" || !name || !name->is_string()) continue;
      const Value* n = member(p.values, "stage_name");
      const Value* a = member(p.values, "rest_api_id");
      if (n && n->is_string() && n->as_string() == name->as_string() &&
          (!api || !a || (a->is_string() && api->is_string() && a->as_string() == api->as_string()))) {
        stage = p.address;
        r.rc.put("stage", r.ctx().str(stage), "stage_name");
        break;
      }
    }
  }
  if (stage.empty() || !settings.is_map()) return;
  // method_path "*/*" is every method: CloudFormation's "/*" and "*";
  // "users/{id}/GET" is the resource path "/users/{id}" and method GET.
  const Value* path = r.get("method_path");
  std::string_view mp = path && path->is_string() ? path->as_string() : "*/*";
  size_t slash = mp.rfind('/');
  std::string resource_path = slash == std::string_view::npos ? "/*" : cat("/", mp.substr(0, slash));
  std::string http_method(slash == std::string_view::npos ? mp : mp.substr(slash + 1));
  std::vector<Member> entry = {{r.ctx().str("http_method"), r.ctx().str(http_method)},
                               {r.ctx().str("resource_path"), r.ctx().str(resource_path)}};
  for (const Member& m : settings.as_map()) {
    // -1 is Terraform's "no throttling": absent, as in CloudFormation.
    bool unset = m.key.as_string().starts_with("throttling_") && m.value.is_number() && m.value.as_number() < 0;
    if (!m.value.is_null() && !unset) entry.push_back(m);
  }
  r.contribute(stage, "method_settings", make_map(r.ctx().arena, entry), true);
  r.edge("belongs_to", r.id(), stage);
}

void authorizer(TfResource& r) {
  r.set("name", "name");
  r.set_ref("rest_api", "rest_api_id", "belongs_to");
  r.set_ref("api", "api_id", "belongs_to");
  r.set("authorizer_type", "type");
  r.set("authorizer_type", "authorizer_type");
  r.set("identity_source", "identity_source", Conv::kList);
  r.set("identity_source", "identity_sources", Conv::kList);
  r.set("provider_arns", "provider_arns", Conv::kList);
  r.set("jwt", "jwt_configuration.0");
  r.set("result_ttl", "authorizer_result_ttl_in_seconds", Conv::kInt);
  r.set("uri", "authorizer_uri");
  if (std::string fn = invoked_function(r, "authorizer_uri"); !fn.empty()) {
    r.rc.put("function", r.ctx().str(fn), "authorizer_uri");
    r.edge("invokes", r.id(), fn);
  }
}

void http_api(TfResource& r) {
  r.set("name", "name");
  r.set("protocol", "protocol_type");
  r.set("cors", "cors_configuration.0");
  r.set("disable_execute_api_endpoint", "disable_execute_api_endpoint", Conv::kBool);
  r.set("route_selection_expression", "route_selection_expression");
  if (r.get("target")) {
    std::string fn = r.set_ref("target", "target");
    if (!fn.empty()) r.edge("invokes", r.id(), fn);
  }
}

void route(TfResource& r) {
  r.set_ref("api", "api_id", "belongs_to");
  r.set("route_key", "route_key");
  r.set("authorization_type", "authorization_type");
  r.set_ref("authorizer", "authorizer_id", "authorizer");
  r.set("authorization_scopes", "authorization_scopes", Conv::kList);
  r.set("api_key_required", "api_key_required", Conv::kBool);
  std::string integration = r.set_ref("target", "target", {}, false, "aws_apigatewayv2_integration");
  if (!integration.empty()) r.edge("integration", r.id(), integration);
}

void integration_v2(TfResource& r) {
  r.set_ref("api", "api_id", "belongs_to");
  r.set("integration_type", "integration_type");
  r.set("uri", "integration_uri");
  r.set("method", "integration_method");
  r.set("payload_format_version", "payload_format_version");
  r.set_ref("credentials", "credentials_arn");
  if (std::string fn = invoked_function(r, "integration_uri"); !fn.empty()) {
    r.rc.put("function", r.ctx().str(fn), "integration_uri");
    r.edge("invokes", r.id(), fn);
  }
}

}  // namespace

std::vector<TfTypeSpec> tf_compute_types() {
  return {
      {"aws_lambda_function", "aws.lambda.function", function},
      {"aws_lambda_permission", "aws.lambda.permission", permission},
      {"aws_lambda_function_url", "aws.lambda.url", url},
      {"aws_lambda_event_source_mapping", "aws.lambda.event_source_mapping", event_source_mapping},
      {"aws_lambda_function_event_invoke_config", "aws.lambda.event_invoke_config", event_invoke_config},
      {"aws_lambda_layer_version_permission", "aws.lambda.layer_permission", layer_permission},
      {"aws_lambda_layer_version", "aws.lambda.layer", layer},
      {"aws_sfn_state_machine", "aws.stepfunctions.state_machine", state_machine},
      {"aws_iam_role", "aws.iam.role", role},
      {"aws_iam_policy", "aws.iam.policy", managed_policy},
      {"aws_iam_role_policy", "aws.iam.policy", role_policy},
      {"aws_iam_role_policy_attachment", "aws.iam.role_policy_attachment", policy_attachment},
      {"aws_api_gateway_rest_api", "aws.apigateway.rest_api", rest_api},
      {"aws_api_gateway_method", "aws.apigateway.method", method},
      {"aws_api_gateway_integration", "aws.apigateway.integration", integration_v1},
      {"aws_api_gateway_stage", "aws.apigateway.stage", stage},
      {"aws_api_gateway_authorizer", "aws.apigateway.authorizer", authorizer},
      {"aws_api_gateway_method_settings", "aws.apigateway.method_settings", method_settings},
      {"aws_apigatewayv2_api", "aws.apigateway.http_api", http_api},
      {"aws_apigatewayv2_route", "aws.apigateway.route", route},
      {"aws_apigatewayv2_integration", "aws.apigateway.integration", integration_v2},
      {"aws_apigatewayv2_stage", "aws.apigateway.stage", stage},
      {"aws_apigatewayv2_authorizer", "aws.apigateway.authorizer", authorizer},
  };
}

}  // namespace moat::tf
