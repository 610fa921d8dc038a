// functions.<name>.events -> the trigger resources the Framework generates
// (API Gateway methods/routes, event source mappings, rules, subscriptions,
// permissions, ...), each with a "triggers" edge to the function.
#include <cctype>

#include "documents/serverless/sls_event_compiler.h"

namespace moat::sls {

using cfn::cat;
using cfn::member;

namespace {

// provider.httpApi.cors (a map) in CloudFormation's CorsConfiguration names,
// as the Framework writes it, so the API's `cors` reads as SAM's and
// CloudFormation's. `cors: true` (the Framework's defaults) is not expanded.
Value http_api_cors(Compiler& c) {
  const Value* cors = c.provider("httpApi.cors");
  if (cors == nullptr || !cors->is_map()) return Value();
  constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"allowedOrigins", "AllowOrigins"},     {"allowedHeaders", "AllowHeaders"},
      {"allowedMethods", "AllowMethods"},     {"allowCredentials", "AllowCredentials"},
      {"exposedResponseHeaders", "ExposeHeaders"}, {"maxAge", "MaxAge"}};
  std::vector<std::pair<std::string, Value>> out;
  for (const Member& m : cors->as_map()) {
    std::string name(m.key.as_string());
    for (const auto& [framework, cloudformation] : kNames)
      if (name == framework) name = std::string(cloudformation);
    out.emplace_back(std::move(name), m.value);
  }
  return c.map(out);
}

}  // namespace

void EventCompiler::http() {
  std::string method = "ANY", path = "/";
  Value authorizer;
  bool is_private = false;
  if (spec.is_string()) {  // "GET /users"
    auto parts = cfn::split(spec.as_string(), " ");
    if (!parts.empty()) method = std::string(parts[0]);
    if (parts.size() > 1) path = std::string(parts[1]);
  } else {
    method = text(opt("method"));
    path = text(opt("path"));
    authorizer = opt_value("authorizer");
    is_private = truthy(opt("private"));
  }
  method = upper(method);
  if (!path.starts_with("/")) path = "/" + path;
  if (!c.exists("ApiGatewayRestApi") && !c.provider("apiGateway.restApiId")) {
    Value policy;
    if (const Value* rp = c.provider("apiGateway.resourcePolicy"); rp && rp->is_list())
      policy = c.map({{"Version", c.str("2012-10-17")}, {"Statement", *rp}});
    else if (const Value* rp1 = c.provider("resourcePolicy"); rp1 && rp1->is_list())
      policy = c.map({{"Version", c.str("2012-10-17")}, {"Statement", *rp1}});
    Value endpoint = c.provider("endpointType") ? *c.provider("endpointType") : Value();
    Generated g;
    g.id = "ApiGatewayRestApi";
    g.cfn = c.resource(
        "AWS::ApiGateway::RestApi",
        c.map({{"Name", c.str(cat(c.stage(), "-", c.service_name()))},
               {"Policy", policy},
               {"EndpointConfiguration", endpoint.is_null() ? Value() : c.map({{"Types", c.list({endpoint})}})}}));
    g.native_type = "serverless.provider.apiGateway";
    g.location = loc;
    g.pointer = pointer;
    c.add(std::move(g));
    // The stage: tracing and logs.
    Value access_log, method_settings;
    if (const Value* logs = c.provider("logs.restApi"); truthy(logs)) {
      access_log = c.map({{"DestinationArn", c.str(cat("arn:aws:logs:", c.region(), ":*:log-group:/aws/api-gateway/",
                                                       c.service_name(), "-", c.stage()))},
                          {"Format", logs->is_map() && member(*logs, "format") ? *member(*logs, "format") : Value()}});
      bool execution =
          !(logs->is_map() && member(*logs, "executionLogging") && !truthy(member(*logs, "executionLogging")));
      std::string level = logs->is_map() && member(*logs, "level") ? text(member(*logs, "level")) : "INFO";
      bool data_trace = logs->is_map() && truthy(member(*logs, "fullExecutionData"));
      if (!(logs->is_map() && member(*logs, "fullExecutionData"))) data_trace = true;
      method_settings = c.list({c.map({{"HttpMethod", c.str("*")},
                                       {"ResourcePath", c.str("/*")},
                                       {"LoggingLevel", c.str(execution ? level : "OFF")},
                                       {"DataTraceEnabled", Value::boolean(execution && data_trace)}})});
    }
    Generated s;
    s.id = "ApiGatewayStage";
    s.cfn = c.resource("AWS::ApiGateway::Stage",
                       c.map({{"RestApiId", c.ref("ApiGatewayRestApi")},
                              {"StageName", c.str(c.stage())},
                              {"TracingEnabled", Value::boolean(truthy(c.provider("tracing.apiGateway")))},
                              {"AccessLogSetting", access_log},
                              {"MethodSettings", method_settings}}));
    s.native_type = "serverless.provider.stage";
    s.location = loc;
    s.pointer = pointer;
    c.add(std::move(s));
  }
  Value rest_api =
      c.provider("apiGateway.restApiId") ? *c.provider("apiGateway.restApiId") : c.ref("ApiGatewayRestApi");
  std::string auth_type = "NONE";
  Value authorizer_id;
  if (!authorizer.is_null()) {
    std::string name = authorizer.is_map() ? text(member(authorizer, "name")) : text(&authorizer);
    std::string arn = authorizer.is_map() ? text(member(authorizer, "arn")) : "";
    std::string atype = authorizer.is_map() ? text(member(authorizer, "type")) : "";
    if (name == "aws_iam" || upper(atype) == "AWS_IAM") {
      auth_type = "AWS_IAM";
    } else if (upper(atype) == "COGNITO_USER_POOLS" || arn.find("cognito-idp") != std::string::npos ||
               name.find("cognito-idp") != std::string::npos) {
      auth_type = "COGNITO_USER_POOLS";
    } else {
      auth_type = "CUSTOM";
    }
    if (auth_type != "AWS_IAM" && authorizer.is_map() && member(authorizer, "authorizerId")) {
      authorizer_id = *member(authorizer, "authorizerId");
    } else if (auth_type != "AWS_IAM") {
      std::string aname =
          name.empty()
              ? arn_name(authorizer.is_map() && member(authorizer, "arn") ? *member(authorizer, "arn") : authorizer)
              : (name.find(':') != std::string::npos ? arn_name(c.str(name)) : name);
      std::string aid = normalize_name(aname) + "ApiGatewayAuthorizer";
      Generated a;
      a.id = aid;
      a.cfn = c.resource("AWS::ApiGateway::Authorizer",
                         c.map({{"Name", c.str(aname)},
                                {"RestApiId", rest_api},
                                {"Type", c.str(auth_type == "CUSTOM" ? (upper(atype) == "REQUEST" ? "REQUEST" : "TOKEN")
                                                                     : "COGNITO_USER_POOLS")}}));
      a.native_type = "serverless.event.http.authorizer";
      a.location = loc;
      a.pointer = pointer + "/authorizer";
      a.native = authorizer;
      c.add(std::move(a));
      authorizer_id = c.ref(aid);
    }
  }
  Value uri = c.map({{"Fn::Join", c.list({c.str(""), c.list({c.str("arn:aws:apigateway:"), c.str(c.region()),
                                                             c.str(":lambda:path/2015-03-31/functions/"), fn_arn(),
                                                             c.str("/invocations")})})}});
  std::string id = cat("ApiGatewayMethod", normalize_path(path), capitalized_lower(method));
  Generated& g =
      add(id, "AWS::ApiGateway::Method",
          c.map({{"RestApiId", rest_api},
                 {"HttpMethod", c.str(method)},
                 {"AuthorizationType", c.str(auth_type)},
                 {"AuthorizerId", authorizer_id},
                 {"ApiKeyRequired", Value::boolean(is_private)},
                 {"Integration",
                  c.map({{"Type", c.str("AWS_PROXY")}, {"IntegrationHttpMethod", c.str("POST")}, {"Uri", uri}})}}));
  g.extra.emplace_back("path", c.str(path));
  permission(permission_id("ApiGateway"), "apigateway.amazonaws.com",
             regional_arn("execute-api", {rest_api, c.str("/*/*")}));
}

void EventCompiler::http_api() {
  std::string route_key;
  Value authorizer;
  if (spec.is_string()) {
    route_key = std::string(spec.as_string());
  } else {
    std::string method = upper(text(opt("method")));
    std::string path = text(opt("path"));
    route_key = method.empty() && path.empty() ? "*" : cat(method.empty() ? "ANY" : method, " ", path);
    authorizer = opt_value("authorizer");
  }
  if (route_key == "*")
    route_key = "$default";
  else if (route_key.starts_with("* "))
    route_key = "ANY " + route_key.substr(2);
  Value api = c.provider("httpApi.id") ? *c.provider("httpApi.id") : c.ref("HttpApi");
  if (!c.provider("httpApi.id") && !c.exists("HttpApi")) {
    Generated g;
    g.id = "HttpApi";
    g.cfn = c.resource(
        "AWS::ApiGatewayV2::Api",
        c.map({{"Name", c.str(cat(c.stage(), "-", c.service_name()))},
               {"ProtocolType", c.str("HTTP")},
               {"DisableExecuteApiEndpoint",
                c.provider("httpApi.disableDefaultEndpoint") ? *c.provider("httpApi.disableDefaultEndpoint") : Value()},
               {"CorsConfiguration", http_api_cors(c)}}));
    g.native_type = "serverless.provider.httpApi";
    g.location = loc;
    g.pointer = pointer;
    c.add(std::move(g));
    Value access_log;
    if (const Value* logs = c.provider("logs.httpApi"); truthy(logs))
      access_log = c.map({{"DestinationArn", c.str(cat("arn:aws:logs:", c.region(), ":*:log-group:/aws/http-api/",
                                                       c.service_name(), "-", c.stage()))},
                          {"Format", logs->is_map() && member(*logs, "format") ? *member(*logs, "format") : Value()}});
    Generated s;
    s.id = "HttpApiStage";
    s.cfn = c.resource("AWS::ApiGatewayV2::Stage", c.map({{"ApiId", c.ref("HttpApi")},
                                                          {"StageName", c.str("$default")},
                                                          {"AutoDeploy", Value::boolean(true)},
                                                          {"AccessLogSettings", access_log}}));
    s.native_type = "serverless.provider.httpApi.stage";
    s.location = loc;
    s.pointer = pointer;
    c.add(std::move(s));
  }
  std::string integration = cat("HttpApiIntegration", fn_norm);
  if (!c.exists(integration)) {
    Generated g;
    g.id = integration;
    g.cfn = c.resource("AWS::ApiGatewayV2::Integration", c.map({{"ApiId", api},
                                                                {"IntegrationType", c.str("AWS_PROXY")},
                                                                {"IntegrationUri", fn_arn()},
                                                                {"PayloadFormatVersion", c.str("2.0")}}));
    g.native_type = "serverless.event.httpApi.integration";
    g.location = loc;
    g.pointer = pointer;
    c.add(std::move(g));
    permission(permission_id("HttpApi"), "apigateway.amazonaws.com", regional_arn("execute-api", {api, c.str("/*")}));
  }
  std::string auth_type = "NONE";
  Value authorizer_id;
  if (!authorizer.is_null()) {
    std::string name = authorizer.is_map() ? text(member(authorizer, "name")) : text(&authorizer);
    if (authorizer.is_map() && text(member(authorizer, "type")) == "aws_iam") {
      auth_type = "AWS_IAM";
    } else {
      const Value* def = c.provider(cat("httpApi.authorizers.", name));
      std::string t = def ? text(member(*def, "type")) : "";
      auth_type = t == "request" ? "CUSTOM" : "JWT";
      std::string aid = cat("HttpApiAuthorizer", normalize_name(name));
      if (!c.exists(aid)) {
        Generated a;
        a.id = aid;
        a.cfn = c.resource(
            "AWS::ApiGatewayV2::Authorizer",
            c.map({{"ApiId", api},
                   {"Name", c.str(name)},
                   {"AuthorizerType", c.str(auth_type == "CUSTOM" ? "REQUEST" : "JWT")},
                   {"JwtConfiguration",
                    def && member(*def, "issuerUrl")
                        ? c.map({{"Issuer", *member(*def, "issuerUrl")},
                                 {"Audience", member(*def, "audience") ? *member(*def, "audience") : Value()}})
                        : Value()}}));
        a.native_type = "serverless.provider.httpApi.authorizer";
        a.location = loc;
        a.pointer = pointer;
        a.native = def ? *def : Value();
        c.add(std::move(a));
      }
      authorizer_id = c.ref(aid);
    }
  }
  std::string id = "HttpApiRoute" + normalize_path(route_key == "$default" ? "Default" : route_key);
  add(id, "AWS::ApiGatewayV2::Route",
      c.map({{"ApiId", api},
             {"RouteKey", c.str(route_key)},
             {"AuthorizationType", c.str(auth_type)},
             {"AuthorizerId", authorizer_id},
             {"AuthorizationScopes",
              authorizer.is_map() && member(authorizer, "scopes") ? *member(authorizer, "scopes") : Value()},
             {"Target",
              c.map({{"Fn::Join", c.list({c.str("/"), c.list({c.str("integrations"), c.ref(integration)})})}})}}));
}

}  // namespace moat::sls
