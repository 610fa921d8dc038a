// AWS::Serverless::Api and AWS::Serverless::HttpApi (explicit, or the
// implicit ServerlessRestApi / ServerlessHttpApi): the API, its deployment
// and stage (logging, tracing, throttling and caching settings land there),
// the resource policy SAM writes from Auth.ResourcePolicy, authorizers (as
// model-only authorizer resources, plus the permission SAM creates for
// Lambda authorizers), usage plans and API keys.
#include <cctype>

#include "documents/sam/sam_transform.h"

namespace moat::sam {

namespace {

Value prop(const Value& props, std::string_view key) {
  const Value* v = member(props, key);
  return v ? *v : Value();
}

std::string alnum(std::string_view s) {
  std::string out;
  for (char c : s)
    if (std::isalnum(static_cast<unsigned char>(c))) out += c;
  return out;
}

Generated& add_api(Transform& t, const Transform::ApiInfo& api, std::string id, std::string_view type, Value props) {
  return t.add(std::move(id), type, props, api.from.empty() ? api.id : api.from, &api.location, api.pointer);
}

Value statement(Transform& t, std::string_view effect, Value principal, Value condition, const Value& stage) {
  return t.map({{"Effect", t.str(effect)},
                {"Principal", principal},
                {"Action", t.str("execute-api:Invoke")},
                {"Resource", t.list({t.map({{"Fn::Sub", t.list({t.str("execute-api:/${__Stage__}/*"),
                                                                t.map({{"__Stage__", stage}})})}})})},
                {"Condition", condition}});
}

// Auth.ResourcePolicy -> the statements SAM puts into the API's policy.
Value resource_policy(Transform& t, const Value& rp, const Value& stage) {
  if (!rp.is_map()) return Value();
  std::vector<Value> out;
  if (const Value* custom = member(rp, "CustomStatements")) {
    if (custom->is_list())
      out.insert(out.end(), custom->as_list().begin(), custom->as_list().end());
    else
      out.push_back(*custom);
  }
  Value any = t.str("*");
  auto list_of = [&](std::string_view key) -> Value {
    const Value* v = member(rp, key);
    if (v == nullptr) return Value();
    return v->is_list() ? *v : t.list({*v});
  };
  if (Value a = list_of("AwsAccountWhitelist"); !a.is_null())
    out.push_back(statement(t, "Allow", t.map({{"AWS", a}}), Value(), stage));
  if (Value a = list_of("AwsAccountBlacklist"); !a.is_null())
    out.push_back(statement(t, "Deny", t.map({{"AWS", a}}), Value(), stage));
  if (Value ips = list_of("IpRangeWhitelist"); !ips.is_null()) {
    out.push_back(statement(t, "Allow", any, Value(), stage));
    out.push_back(statement(t, "Deny", any, t.map({{"NotIpAddress", t.map({{"aws:SourceIp", ips}})}}), stage));
  }
  if (Value ips = list_of("IpRangeBlacklist"); !ips.is_null()) {
    out.push_back(statement(t, "Allow", any, Value(), stage));
    out.push_back(statement(t, "Deny", any, t.map({{"IpAddress", t.map({{"aws:SourceIp", ips}})}}), stage));
  }
  if (Value vpcs = list_of("SourceVpcWhitelist"); !vpcs.is_null()) {
    out.push_back(statement(t, "Allow", any, Value(), stage));
    out.push_back(statement(t, "Deny", any, t.map({{"StringNotEquals", t.map({{"aws:SourceVpce", vpcs}})}}), stage));
  }
  if (Value vpcs = list_of("SourceVpcBlacklist"); !vpcs.is_null()) {
    out.push_back(statement(t, "Allow", any, Value(), stage));
    out.push_back(statement(t, "Deny", any, t.map({{"StringEquals", t.map({{"aws:SourceVpce", vpcs}})}}), stage));
  }
  if (out.empty()) return Value();
  return t.map({{"Version", t.str("2012-10-17")}, {"Statement", t.list(out)}});
}

Value endpoint_configuration(Transform& t, const Value& v) {
  if (v.is_null()) return v;
  if (v.is_string()) return t.map({{"Types", t.list({v})}});
  if (v.is_map())
    return t.map({{"Types", member(v, "Type") ? t.list({*member(v, "Type")}) : Value()},
                  {"VpcEndpointIds", prop(v, "VPCEndpointIds")}});
  return v;
}

Value lambda_authorizer_permission(Transform& t, const Transform::ApiInfo& api, std::string_view name,
                                   const Value& function_arn) {
  std::string source = api.http ? "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*"
                                 : "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*";
  return add_api(t, api, cat(api.id, name, "AuthorizerPermission"), "AWS::Lambda::Permission",
                 t.map({{"Action", t.str("lambda:InvokeFunction")},
                        {"FunctionName", function_arn},
                        {"Principal", t.str("apigateway.amazonaws.com")},
                        {"SourceArn", t.map({{"Fn::Sub", t.list({t.str(source),
                                                                 t.map({{"__ApiId__", t.ref(api.id)}})})}})}}))
      .cfn;
}

void usage_plan(Transform& t, const Transform::ApiInfo& api, const Value& stage_ref) {
  const Value* auth = member(api.props, "Auth");
  const Value* plan = auth ? member(*auth, "UsagePlan") : nullptr;
  if (plan == nullptr || !plan->is_map()) return;
  const Value* create_prop = member(*plan, "CreateUsagePlan");
  Value create_value = create_prop ? t.literal(*create_prop) : Value();
  std::string create = text(&create_value);
  if (create != "PER_API" && create != "SHARED") return;
  std::string prefix = create == "SHARED" ? "Serverless" : api.id;
  std::string plan_id = cat(prefix, "UsagePlan");
  add_api(t, api, plan_id, "AWS::ApiGateway::UsagePlan",
          t.map({{"ApiStages", t.list({t.map({{"ApiId", t.ref(api.id)}, {"Stage", stage_ref}})})},
                 {"Quota", prop(*plan, "Quota")},
                 {"Throttle", prop(*plan, "Throttle")},
                 {"Description", prop(*plan, "Description")},
                 {"UsagePlanName", prop(*plan, "UsagePlanName")}}));
  add_api(t, api, cat(prefix, "ApiKey"), "AWS::ApiGateway::ApiKey",
          t.map({{"Enabled", Value::boolean(true)}, {"StageKeys", t.list({t.map({{"RestApiId", t.ref(api.id)},
                                                                                   {"StageName", stage_ref}})})}}));
  add_api(t, api, cat(prefix, "UsagePlanKey"), "AWS::ApiGateway::UsagePlanKey",
          t.map({{"KeyId", t.ref(cat(prefix, "ApiKey"))},
                 {"KeyType", t.str("API_KEY")},
                 {"UsagePlanId", t.ref(plan_id)}}));
}

// Domain: the custom domain, its base path mappings and Route53 records.
void domain(Transform& t, const Transform::ApiInfo& api, const Value& stage_ref) {
  const Value* d = member(api.props, "Domain");
  if (d == nullptr || !d->is_map()) return;
  Value name = prop(*d, "DomainName");
  std::string domain_id = cat("ApiGatewayDomainName", api.http ? "V2" : "", short_hash(name));
  Value endpoint = prop(*d, "EndpointConfiguration");
  if (api.http) {
    add_api(t, api, domain_id, "AWS::ApiGatewayV2::DomainName",
            t.map({{"DomainName", name},
                   {"DomainNameConfigurations",
                    t.list({t.map({{"CertificateArn", prop(*d, "CertificateArn")},
                                   {"EndpointType", endpoint.is_null() ? t.str("REGIONAL") : endpoint},
                                   {"SecurityPolicy", prop(*d, "SecurityPolicy")}})})},
                   {"MutualTlsAuthentication", prop(*d, "MutualTlsAuthentication")}}));
  } else if (text(&endpoint) == "PRIVATE") {
    domain_id = cat("ApiGatewayDomainNameV2", short_hash(name));
    add_api(t, api, domain_id, "AWS::ApiGateway::DomainNameV2",
            t.map({{"DomainName", name},
                   {"CertificateArn", prop(*d, "CertificateArn")},
                   {"EndpointConfiguration", t.map({{"Types", t.list({endpoint})}})},
                   {"SecurityPolicy", prop(*d, "SecurityPolicy")},
                   {"Policy", prop(*d, "Policy")}}));
    if (const Value* assoc = member(*d, "AccessAssociation"); assoc && assoc->is_map())
      add_api(t, api, cat("DomainNameAccessAssociation", short_hash(*assoc)),
              "AWS::ApiGateway::DomainNameAccessAssociation",
              t.map({{"DomainNameArn", t.ref(domain_id)},
                     {"AccessAssociationSource", prop(*assoc, "VpcEndpointId")},
                     {"AccessAssociationSourceType", t.str("VPCE")}}));
  } else {
    bool regional = text(&endpoint) == "REGIONAL";
    add_api(t, api, domain_id, "AWS::ApiGateway::DomainName",
            t.map({{"DomainName", name},
                   {regional ? "RegionalCertificateArn" : "CertificateArn", prop(*d, "CertificateArn")},
                   {"EndpointConfiguration", t.map({{"Types", t.list({endpoint.is_null() ? t.str("EDGE") : endpoint})}})},
                   {"SecurityPolicy", prop(*d, "SecurityPolicy")},
                   {"MutualTlsAuthentication", prop(*d, "MutualTlsAuthentication")}}));
  }
  std::vector<Value> paths;
  if (const Value* bp = member(*d, "BasePath"); bp && bp->is_list())
    paths.assign(bp->as_list().begin(), bp->as_list().end());
  else if (bp && bp->is_string())
    paths.push_back(*bp);
  const bool private_domain = !api.http && text(&endpoint) == "PRIVATE";
  if (paths.empty()) paths.push_back(Value());
  for (const Value& path : paths) {
    std::string suffix = path.is_string() ? alnum(path.as_string()) : "";
    if (api.http)
      add_api(t, api, cat(api.id, suffix, "ApiMapping"), "AWS::ApiGatewayV2::ApiMapping",
              t.map({{"ApiId", t.ref(api.id)},
                     {"DomainName", t.ref(domain_id)},
                     {"Stage", stage_ref},
                     {"ApiMappingKey", path}}));
    else
      add_api(t, api, cat(api.id, suffix, "BasePathMapping"),
              private_domain ? "AWS::ApiGateway::BasePathMappingV2" : "AWS::ApiGateway::BasePathMapping",
              t.map({{private_domain ? "DomainNameArn" : "DomainName", t.ref(domain_id)},
                     {"RestApiId", t.ref(api.id)},
                     {"Stage", stage_ref},
                     {"BasePath", path}}));
  }
  if (const Value* r53 = member(*d, "Route53"); r53 && r53->is_map()) {
    Value zone = prop(*r53, "HostedZoneId");
    if (zone.is_null()) zone = prop(*r53, "HostedZoneName");
    add_api(t, api, cat("RecordSetGroup", short_hash(zone)), "AWS::Route53::RecordSetGroup",
            t.map({{"HostedZoneId", prop(*r53, "HostedZoneId")},
                   {"HostedZoneName", prop(*r53, "HostedZoneName")},
                   {"RecordSets", t.list({t.map({{"Name", name}, {"Type", t.str("A")}})})}}));
  }
}

}  // namespace

void expand_rest_api(Transform& t, const Transform::ApiInfo& api) {
  const Value& p = api.props;
  Value body = prop(p, "DefinitionBody");
  const Value* auth = member(p, "Auth");
  Value stage_name = prop(p, "StageName").is_null() ? t.str(api.stage) : prop(p, "StageName");
  Value policy = auth ? resource_policy(t, prop(*auth, "ResourcePolicy"), stage_name) : Value();
  Generated& main =
      add_api(t, api, api.id, "AWS::ApiGateway::RestApi",
              t.map({{"Name", prop(p, "Name")},
                     {"Description", prop(p, "Description")},
                     {"Body", body},
                     {"BodyS3Location", prop(p, "DefinitionUri").is_map() ? prop(p, "DefinitionUri") : Value()},
                     {"EndpointConfiguration", endpoint_configuration(t, prop(p, "EndpointConfiguration"))},
                     {"Policy", policy},
                     {"BinaryMediaTypes", prop(p, "BinaryMediaTypes")},
                     {"MinimumCompressionSize", prop(p, "MinimumCompressionSize")},
                     {"ApiKeySourceType", prop(p, "ApiKeySourceType")},
                     {"DisableExecuteApiEndpoint", prop(p, "DisableExecuteApiEndpoint")},
                     {"Mode", prop(p, "Mode")}}));
  if (api.from.empty()) {
    main.derived_from = "";
    main.native_type = "AWS::Serverless::Api";
  }
  std::string deployment = cat(api.id, "Deployment", short_hash(p));
  t.referable(api.id, "Deployment", deployment);
  add_api(t, api, deployment, "AWS::ApiGateway::Deployment",
          t.map({{"RestApiId", t.ref(api.id)}, {"StageName", t.str("Stage")}}));
  std::string suffix = stage_suffix(api.stage);
  std::string stage_id = suffix == api.stage ? cat(api.id, suffix, "Stage") : cat(api.id, "Stage", suffix);
  t.referable(api.id, "Stage", stage_id);
  add_api(t, api, stage_id, "AWS::ApiGateway::Stage",
          t.map({{"RestApiId", t.ref(api.id)},
                 {"DeploymentId", t.ref(deployment)},
                 {"StageName", prop(p, "StageName").is_null() ? t.str(api.stage) : prop(p, "StageName")},
                 {"AccessLogSetting", prop(p, "AccessLogSetting")},
                 {"MethodSettings", prop(p, "MethodSettings")},
                 {"TracingEnabled", prop(p, "TracingEnabled")},
                 {"CacheClusterEnabled", prop(p, "CacheClusterEnabled")},
                 {"CacheClusterSize", prop(p, "CacheClusterSize")},
                 {"Variables", prop(p, "Variables")},
                 {"CanarySetting", prop(p, "CanarySetting")},
                 {"Description", prop(p, "Description")}}));
  // Authorizers SAM writes into the OpenAPI body: model-only resources.
  if (const Value* authorizers = auth ? member(*auth, "Authorizers") : nullptr; authorizers && authorizers->is_map())
    for (const Member& m : authorizers->as_map()) {
      std::string name(m.key.as_string());
      const Value& a = m.value;
      bool cognito = member(a, "UserPoolArn") != nullptr;
      std::string payload = text(member(a, "FunctionPayloadType"));
      Value identity = prop(a, "Identity");
      Value header = member(identity, "Header") ? prop(identity, "Header") : t.str("Authorization");
      Generated& g = add_api(
          t, api, cat(api.id, name, "Authorizer"), "AWS::ApiGateway::Authorizer",
          t.map({{"Name", t.str(name)},
                 {"RestApiId", t.ref(api.id)},
                 {"Type", t.str(cognito ? "COGNITO_USER_POOLS" : payload == "REQUEST" ? "REQUEST" : "TOKEN")},
                 {"ProviderARNs", cognito ? (prop(a, "UserPoolArn").is_list() ? prop(a, "UserPoolArn")
                                                                             : t.list({prop(a, "UserPoolArn")}))
                                          : Value()},
                 {"IdentitySource", payload == "REQUEST" ? Value() : t.str(cat("method.request.header.", text(&header)))},
                 {"AuthorizerResultTtlInSeconds", prop(identity, "ReauthorizeEvery")},
                 {"AuthorizerUri",
                  member(a, "FunctionArn")
                      ? t.map({{"Fn::Sub", t.list({t.str("arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
                                                          "functions/${__FunctionArn__}/invocations"),
                                                    t.map({{"__FunctionArn__", prop(a, "FunctionArn")}})})}})
                      : Value()}}));
      g.model_only = true;
      if (const Value* fn = member(a, "FunctionArn"); fn && !truthy(member(a, "DisableFunctionDefaultPermissions")))
        lambda_authorizer_permission(t, api, name, *fn);
    }
  usage_plan(t, api, t.ref(stage_id));
  domain(t, api, t.ref(stage_id));
}

void expand_http_api(Transform& t, const Transform::ApiInfo& api) {
  const Value& p = api.props;
  Value cors = prop(p, "CorsConfiguration");
  if (cors.is_bool() || cors.is_string()) cors = truthy(&cors) ? t.map({{"AllowOrigins", t.list({t.str("*")})}}) : Value();
  Generated& main = add_api(t, api, api.id, "AWS::ApiGatewayV2::Api",
                            t.map({{"Name", prop(p, "Name")},
                                   {"Description", prop(p, "Description")},
                                   {"ProtocolType", t.str("HTTP")},
                                   {"Body", prop(p, "DefinitionBody")},
                                   {"BodyS3Location", prop(p, "DefinitionUri").is_map() ? prop(p, "DefinitionUri") : Value()},
                                   {"CorsConfiguration", cors},
                                   {"DisableExecuteApiEndpoint", prop(p, "DisableExecuteApiEndpoint")}}));
  if (api.from.empty()) {
    main.derived_from = "";
    main.native_type = "AWS::Serverless::HttpApi";
  }
  std::string suffix = stage_suffix(api.stage);
  std::string stage_id = api.stage == "$default" ? cat(api.id, "ApiGatewayDefaultStage")
                         : suffix == api.stage   ? cat(api.id, suffix, "Stage")
                                                 : cat(api.id, "Stage", suffix);
  t.referable(api.id, "Stage", stage_id);
  add_api(t, api, stage_id, "AWS::ApiGatewayV2::Stage",
          t.map({{"ApiId", t.ref(api.id)},
                 {"StageName", prop(p, "StageName").is_null() ? t.str(api.stage) : prop(p, "StageName")},
                 {"AutoDeploy", Value::boolean(true)},
                 {"AccessLogSettings", prop(p, "AccessLogSettings")},
                 {"DefaultRouteSettings", prop(p, "DefaultRouteSettings")},
                 {"RouteSettings", prop(p, "RouteSettings")},
                 {"StageVariables", prop(p, "StageVariables")},
                 {"Description", prop(p, "Description")}}));
  const Value* auth = member(p, "Auth");
  if (const Value* authorizers = auth ? member(*auth, "Authorizers") : nullptr; authorizers && authorizers->is_map())
    for (const Member& m : authorizers->as_map()) {
      std::string name(m.key.as_string());
      const Value& a = m.value;
      bool jwt = member(a, "JwtConfiguration") != nullptr;
      Generated& g = add_api(
          t, api, cat(api.id, name, "Authorizer"), "AWS::ApiGatewayV2::Authorizer",
          t.map({{"Name", t.str(name)},
                 {"ApiId", t.ref(api.id)},
                 {"AuthorizerType", t.str(jwt ? "JWT" : "REQUEST")},
                 {"JwtConfiguration", prop(a, "JwtConfiguration")},
                 {"IdentitySource", prop(a, "IdentitySource")},
                 {"AuthorizerPayloadFormatVersion", prop(a, "AuthorizerPayloadFormatVersion")},
                 {"AuthorizerUri",
                  member(a, "FunctionArn")
                      ? t.map({{"Fn::Sub", t.list({t.str("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/"
                                                          "2015-03-31/functions/${__FunctionArn__}/invocations"),
                                                    t.map({{"__FunctionArn__", prop(a, "FunctionArn")}})})}})
                      : Value()}}));
      g.model_only = true;
      // HTTP APIs: SAM adds the authorizer's permission only when asked to.
      if (const Value* fn = member(a, "FunctionArn"); fn && truthy(member(a, "EnableFunctionDefaultPermissions")))
        lambda_authorizer_permission(t, api, name, *fn);
    }
  domain(t, api, t.ref(stage_id));
}

}  // namespace moat::sam

namespace moat::sam {

namespace {

// "$connect" -> "Connect", "send" -> "Send": how SAM names route resources.
std::string route_name(std::string_view key) {
  std::string out;
  for (char c : key)
    if (std::isalnum(static_cast<unsigned char>(c))) out += c;
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

}  // namespace

void expand_websocket_api(Transform& t, const std::string& id, const Value& p) {
  Transform::ApiInfo api;
  api.id = id;
  api.http = true;
  api.props = p;
  api.stage = member(p, "StageName") ? text(member(p, "StageName")) : "default";
  api.location = t.location_of(id);
  api.pointer = t.pointer_of(id);
  Generated& main = add_api(t, api, id, "AWS::ApiGatewayV2::Api",
                            t.map({{"Name", prop(p, "Name")},
                                   {"Description", prop(p, "Description")},
                                   {"ProtocolType", t.str("WEBSOCKET")},
                                   {"RouteSelectionExpression", prop(p, "RouteSelectionExpression")},
                                   {"ApiKeySelectionExpression", prop(p, "ApiKeySelectionExpression")},
                                   {"DisableExecuteApiEndpoint", prop(p, "DisableExecuteApiEndpoint")},
                                   {"DisableSchemaValidation", prop(p, "DisableSchemaValidation")}}));
  main.derived_from = "";
  main.native_type = "AWS::Serverless::WebSocketApi";
  std::string stage_id = cat(id, route_name(api.stage), "Stage");
  t.referable(id, "Stage", stage_id);
  add_api(t, api, stage_id, "AWS::ApiGatewayV2::Stage",
          t.map({{"ApiId", t.ref(id)},
                 {"StageName", t.str(api.stage)},
                 {"AutoDeploy", Value::boolean(true)},
                 {"AccessLogSettings", prop(p, "AccessLogSettings")},
                 {"DefaultRouteSettings", prop(p, "DefaultRouteSettings")},
                 {"RouteSettings", prop(p, "RouteSettings")},
                 {"StageVariables", prop(p, "StageVariables")}}));
  // Auth applies to the $connect route: a Lambda (CUSTOM) authorizer or AWS_IAM.
  const Value* auth = member(p, "Auth");
  std::string auth_type = auth ? text(member(*auth, "AuthType")) : "";
  std::string authorizer;
  if (auth_type == "CUSTOM") {
    authorizer = cat(id, "ConnectAuthorizer");
    Value arn = prop(*auth, "AuthArn");
    add_api(t, api, authorizer, "AWS::ApiGatewayV2::Authorizer",
            t.map({{"ApiId", t.ref(id)},
                   {"AuthorizerType", t.str("REQUEST")},
                   {"Name", member(*auth, "Name") ? prop(*auth, "Name") : t.str(cat(id, "Authorizer"))},
                   {"IdentitySource", prop(*auth, "IdentitySource")},
                   {"AuthorizerCredentialsArn", prop(*auth, "InvokeRole")},
                   {"AuthorizerUri",
                    t.map({{"Fn::Sub", t.list({t.str("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/"
                                                     "2015-03-31/functions/${__FunctionArn__}/invocations"),
                                               t.map({{"__FunctionArn__", arn}})})}})}}));
    // With an invoke role API Gateway needs no resource-based permission.
    if (!member(*auth, "InvokeRole"))
      add_api(t, api, cat(id, "AuthorizerPermission"), "AWS::Lambda::Permission",
              t.map({{"Action", t.str("lambda:InvokeFunction")},
                     {"FunctionName", arn},
                     {"Principal", t.str("apigateway.amazonaws.com")},
                     {"SourceArn", t.sub(cat("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${",
                                             id, ".ApiId}/authorizers/*"))}}));
  }
  if (const Value* routes = member(p, "Routes"); routes && routes->is_map())
    for (const Member& m : routes->as_map()) {
      std::string key(m.key.as_string());
      std::string name = route_name(key);
      Value fn = prop(m.value, "FunctionArn");
      std::string integration = cat(id, name, "Integration");
      add_api(t, api, integration, "AWS::ApiGatewayV2::Integration",
              t.map({{"ApiId", t.ref(id)},
                     {"IntegrationType", t.str("AWS_PROXY")},
                     {"TimeoutInMillis", prop(m.value, "IntegrationTimeout")},
                     {"IntegrationUri",
                      t.map({{"Fn::Sub", t.list({t.str("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/"
                                                       "2015-03-31/functions/${FunctionArn}/invocations"),
                                                 t.map({{"FunctionArn", fn}})})}})}}));
      const bool connect = key == "$connect";
      add_api(t, api, cat(id, name, "Route"), "AWS::ApiGatewayV2::Route",
              t.map({{"ApiId", t.ref(id)},
                     {"RouteKey", t.str(key)},
                     {"AuthorizationType", connect && !auth_type.empty() ? t.str(auth_type) : Value()},
                     {"AuthorizerId", connect && !authorizer.empty() ? t.ref(authorizer) : Value()},
                     {"ApiKeyRequired", prop(m.value, "ApiKeyRequired")},
                     {"OperationName", prop(m.value, "OperationName")},
                     {"RequestModels", prop(m.value, "RequestModels")},
                     {"RequestParameters", prop(m.value, "RequestParameters")},
                     {"ModelSelectionExpression", prop(m.value, "ModelSelectionExpression")},
                     {"RouteResponseSelectionExpression", prop(m.value, "RouteResponseSelectionExpression")},
                     {"Target", t.map({{"Fn::Join", t.list({t.str("/"), t.list({t.str("integrations"),
                                                                               t.ref(integration)})})}})}}));
      add_api(t, api, cat(id, name, "Permission"), "AWS::Lambda::Permission",
              t.map({{"Action", t.str("lambda:InvokeFunction")},
                     {"FunctionName", fn},
                     {"Principal", t.str("apigateway.amazonaws.com")},
                     {"SourceArn", t.sub(cat("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${",
                                             id, ".ApiId}/", api.stage, "/", key))}}));
    }
  domain(t, api, t.ref(stage_id));
}

}  // namespace moat::sam
