// AWS::ApiGateway::* and AWS::ApiGatewayV2::* -> aws.apigateway.*
#include "documents/cloudformation/cfn_normalize.h"

namespace moat::cfn {

namespace {

void rest_api(ResourceContext& r) {
  r.set("name", "Name");
  r.put("protocol", Value::string("REST"), "");
  r.set("endpoint_types", "EndpointConfiguration.Types", Conv::kList);
  r.set("vpc_endpoint_ids", "EndpointConfiguration.VpcEndpointIds", Conv::kList);
  if (const Value* p = r.get("Policy")) r.put("policy_statements", r.statements(*p), "Policy");
  r.set("api_key_source", "ApiKeySourceType");
  r.set("disable_execute_api_endpoint", "DisableExecuteApiEndpoint", Conv::kBool);
  r.set("minimum_compression_size", "MinimumCompressionSize", Conv::kInt);
  r.set("binary_media_types", "BinaryMediaTypes", Conv::kList);
}

void method(ResourceContext& r) {
  r.set_ref("rest_api", "RestApiId", "belongs_to");
  r.set_ref("resource", "ResourceId");
  r.set("http_method", "HttpMethod");
  r.set("authorization_type", "AuthorizationType");
  r.set("api_key_required", "ApiKeyRequired", Conv::kBool);
  r.set_ref("authorizer", "AuthorizerId", "authorizer");
  r.set("authorization_scopes", "AuthorizationScopes", Conv::kList);
  r.set_ref("request_validator", "RequestValidatorId");
  r.set("request_parameters", "RequestParameters");
  r.set("request_models", "RequestModels");
  r.set("integration.type", "Integration.Type");
  r.set("integration.uri", "Integration.Uri");
  r.set("integration.http_method", "Integration.IntegrationHttpMethod");
  r.set_ref("integration.credentials", "Integration.Credentials");
  if (const Value* uri = r.get("Integration.Uri")) {
    std::string fn = r.referenced(*uri, kFunctionTypes);
    if (!fn.empty()) {
      r.put("integration.function", r.ctx.str(fn), "Integration.Uri");
      r.edge("invokes", r.id, fn);
    }
  }
}

void stage(ResourceContext& r) {
  r.set("stage_name", "StageName");
  r.set_ref("rest_api", "RestApiId", "belongs_to");
  r.set_ref("api", "ApiId", "belongs_to");
  r.set_ref("deployment", "DeploymentId");
  // v1 AccessLogSetting / v2 AccessLogSettings
  r.set_ref("access_log.destination", "AccessLogSetting.DestinationArn", "logs_to");
  r.set("access_log.format", "AccessLogSetting.Format");
  r.set_ref("access_log.destination", "AccessLogSettings.DestinationArn", "logs_to");
  r.set("access_log.format", "AccessLogSettings.Format");
  r.set("tracing", "TracingEnabled", Conv::kBool);
  r.set("method_settings", "MethodSettings", Conv::kSnake);
  r.set("default_route_settings", "DefaultRouteSettings", Conv::kSnake);
  r.set("route_settings", "RouteSettings", Conv::kSnake);
  r.set("variables", "Variables");
  r.set("variables", "StageVariables");
  r.set_ref("client_certificate", "ClientCertificateId");
  r.set("cache_cluster_enabled", "CacheClusterEnabled", Conv::kBool);
  r.set("auto_deploy", "AutoDeploy", Conv::kBool);
}

void authorizer(ResourceContext& r) {
  r.set("name", "Name");
  r.set_ref("rest_api", "RestApiId", "belongs_to");
  r.set_ref("api", "ApiId", "belongs_to");
  r.set("authorizer_type", "Type");
  r.set("authorizer_type", "AuthorizerType");
  r.set("identity_source", "IdentitySource", Conv::kList);
  r.set("provider_arns", "ProviderARNs", Conv::kList);
  r.set("jwt", "JwtConfiguration", Conv::kSnake);
  r.set("result_ttl", "AuthorizerResultTtlInSeconds", Conv::kInt);
  r.set("uri", "AuthorizerUri");
  if (const Value* uri = r.get("AuthorizerUri")) {
    std::string fn = r.referenced(*uri, kFunctionTypes);
    if (!fn.empty()) {
      r.put("function", r.ctx.str(fn), "AuthorizerUri");
      r.edge("invokes", r.id, fn);
    }
  }
}

void http_api(ResourceContext& r) {
  r.set("name", "Name");
  r.set("protocol", "ProtocolType");
  r.set("cors", "CorsConfiguration", Conv::kSnake);
  r.set("disable_execute_api_endpoint", "DisableExecuteApiEndpoint", Conv::kBool);
  r.set("route_selection_expression", "RouteSelectionExpression");
  if (const Value* target = r.get("Target")) {
    r.put("target", r.ids(*target), "Target");
    std::string fn = r.referenced(*target, kFunctionTypes);
    if (!fn.empty()) r.edge("invokes", r.id, fn);
  }
}

void route(ResourceContext& r) {
  r.set_ref("api", "ApiId", "belongs_to");
  r.set("route_key", "RouteKey");
  r.set("authorization_type", "AuthorizationType");
  r.set_ref("authorizer", "AuthorizerId", "authorizer");
  r.set("authorization_scopes", "AuthorizationScopes", Conv::kList);
  r.set("api_key_required", "ApiKeyRequired", Conv::kBool);
  if (const Value* target = r.get("Target")) {
    // "integrations/<IntegrationId>", usually through Fn::Join or Fn::Sub.
    std::string integration = r.referenced(*target, "AWS::ApiGatewayV2::Integration");
    if (!integration.empty()) {
      r.put("target", r.ctx.str(integration), "Target");
      r.edge("integration", r.id, integration);
    } else {
      r.put("target", r.ids(*target), "Target");
    }
  }
}

void integration(ResourceContext& r) {
  r.set_ref("api", "ApiId", "belongs_to");
  r.set("integration_type", "IntegrationType");
  r.set("uri", "IntegrationUri");
  r.set("method", "IntegrationMethod");
  r.set("payload_format_version", "PayloadFormatVersion");
  r.set_ref("credentials", "CredentialsArn");
  if (const Value* uri = r.get("IntegrationUri")) {
    std::string fn = r.referenced(*uri, kFunctionTypes);
    if (!fn.empty()) {
      r.put("function", r.ctx.str(fn), "IntegrationUri");
      r.edge("invokes", r.id, fn);
    }
  }
}

void api_key(ResourceContext& r) {
  r.set("name", "Name");
  r.set("value", "Value");
  r.set("enabled", "Enabled", Conv::kBool);
}

}  // namespace

std::vector<TypeSpec> api_types() {
  return {
      {"AWS::ApiGateway::RestApi", "aws.apigateway.rest_api", rest_api},
      {"AWS::ApiGateway::Method", "aws.apigateway.method", method},
      {"AWS::ApiGateway::Stage", "aws.apigateway.stage", stage},
      {"AWS::ApiGateway::Authorizer", "aws.apigateway.authorizer", authorizer},
      {"AWS::ApiGateway::ApiKey", "aws.apigateway.api_key", api_key},
      {"AWS::ApiGatewayV2::Api", "aws.apigateway.http_api", http_api},
      {"AWS::ApiGatewayV2::Route", "aws.apigateway.route", route},
      {"AWS::ApiGatewayV2::Integration", "aws.apigateway.integration", integration},
      {"AWS::ApiGatewayV2::Stage", "aws.apigateway.stage", stage},
      {"AWS::ApiGatewayV2::Authorizer", "aws.apigateway.authorizer", authorizer},
  };
}

}  // namespace moat::cfn
