// Api and HttpApi events of a function. The SAM translator writes each into
// the API's OpenAPI body; Moat's model has a resource per route, so each
// event also becomes a model-only AWS::ApiGateway::Method (REST; with
// `path`) or AWS::ApiGatewayV2::Route + Integration (HTTP), with the
// authorization SAM would put into the body: the event's Auth.Authorizer,
// else the API's Auth.DefaultAuthorizer (NONE when neither). The permission
// SAM creates is a real resource: <Fn><Event>Permission<Stage> (REST),
// <Fn><Event>Permission (HTTP).
#include <cctype>

#include "documents/sam/sam_transform.h"

namespace moat::sam {

namespace {

Value prop(const Value& props, std::string_view key) {
  const Value* v = member(props, key);
  return v ? *v : Value();
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "/users/{id}" -> "/users/*", as SAM writes the permission's SourceArn.
std::string arn_path(std::string_view path) {
  std::string out;
  for (std::string_view part : cfn::split(path, "/")) {
    if (part.empty()) continue;
    out += "/";
    out += part.starts_with("{") ? "*" : std::string(part);
  }
  return out.empty() ? "/" : out;
}

struct Authorization {
  std::string type = "NONE";  // NONE, AWS_IAM, COGNITO_USER_POOLS, CUSTOM, JWT
  std::string authorizer;     // authorizer resource id
  Value scopes;
};

// The event's Auth.Authorizer, else the API's DefaultAuthorizer.
Authorization authorization(const Transform::ApiInfo& api, const Value& event_auth) {
  Authorization out;
  const Value* api_auth = member(api.props, "Auth");
  std::string name = text(member(event_auth, "Authorizer"));
  if (name.empty() && api_auth) name = text(member(*api_auth, "DefaultAuthorizer"));
  out.scopes = prop(event_auth, "AuthorizationScopes");
  if (name.empty() || name == "NONE") return out;
  if (name == "AWS_IAM") {
    out.type = "AWS_IAM";
    return out;
  }
  const Value* authorizers = api_auth ? member(*api_auth, "Authorizers") : nullptr;
  const Value* a = authorizers ? member(*authorizers, name) : nullptr;
  if (a == nullptr) return out;
  out.authorizer = cat(api.id, name, "Authorizer");
  if (api.http)
    out.type = member(*a, "JwtConfiguration") ? "JWT" : "CUSTOM";
  else
    out.type = member(*a, "UserPoolArn") ? "COGNITO_USER_POOLS" : "CUSTOM";
  if (out.scopes.is_null()) out.scopes = prop(*a, "AuthorizationScopes");
  return out;
}

Value source_arn(Transform& t, std::string_view prefix, const std::string& api, std::string_view method,
                 std::string_view path) {
  return t.map({{"Fn::Sub", t.list({t.str(cat(prefix, ":execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/"
                                                      "${__Stage__}/",
                                              method, path)),
                                    t.map({{"__ApiId__", t.ref(api)}, {"__Stage__", t.str("*")}})})}});
}

}  // namespace

void expand_api_event(Transform& t, const Event& e, const Target& target) {
  const Transform::ApiInfo* api = t.api_for_event(e, /*http=*/false);
  if (api == nullptr) return;
  std::string method = upper(text(member(e.props, "Method")));
  std::string path = text(member(e.props, "Path"));
  Value event_auth = prop(e.props, "Auth");
  Authorization auth = authorization(*api, event_auth);
  const Value* api_auth = member(api->props, "Auth");
  Value key_required = prop(event_auth, "ApiKeyRequired");
  if (key_required.is_null() && api_auth) key_required = prop(*api_auth, "ApiKeyRequired");
  std::string arn_method = method == "ANY" ? "*" : method;
  t.add_for_event(cat(e.owner, e.name, "Permission", api->stage.empty() ? "Stage" : stage_suffix(api->stage)), "AWS::Lambda::Permission",
                  t.map({{"Action", t.str("lambda:InvokeFunction")},
                         {"FunctionName", target.ref},
                         {"Principal", t.str("apigateway.amazonaws.com")},
                         {"SourceArn", source_arn(t, "arn:aws", api->id, arn_method, arn_path(path))}}),
                  e);
  // RequestModel {Model, Required, ValidateBody, ValidateParameters} and
  // RequestParameters [name | {name: {Required, Caching}}].
  Value models;
  std::string validator;
  if (const Value* rm = member(e.props, "RequestModel"); rm && rm->is_map()) {
    models = t.map({{"application/json", prop(*rm, "Model")}});
    bool body = truthy(member(*rm, "ValidateBody")) || (member(*rm, "Required") && truthy(member(*rm, "Required")));
    bool params = truthy(member(*rm, "ValidateParameters"));
    if (body || params) validator = body && params ? "body-and-params" : body ? "body-only" : "params-only";
  }
  Value parameters;
  if (const Value* rp = member(e.props, "RequestParameters"); rp && rp->is_list()) {
    std::vector<std::pair<std::string, Value>> out;
    for (const Value& item : rp->as_list()) {
      if (item.is_string()) {
        out.emplace_back(std::string(item.as_string()), Value::boolean(false));
      } else if (item.is_map()) {
        for (const Member& m : item.as_map())
          out.emplace_back(std::string(m.key.as_string()), Value::boolean(truthy(member(m.value, "Required"))));
      }
    }
    parameters = t.map(out);
  }
  Generated& g = t.add_for_event(
      cat(e.owner, e.name, "Method"), "AWS::ApiGateway::Method",
      t.map({{"RestApiId", t.ref(api->id)},
             {"HttpMethod", t.str(method)},
             {"AuthorizationType", t.str(auth.type)},
             {"AuthorizerId", auth.authorizer.empty() ? Value() : t.ref(auth.authorizer)},
             {"AuthorizationScopes", auth.scopes},
             {"ApiKeyRequired", key_required.is_null() ? Value() : Value::boolean(truthy(&key_required))},
             {"RequestModels", models},
             {"RequestParameters", parameters},
             {"RequestValidatorId", validator.empty() ? Value() : t.str(validator)},
             {"Integration",
              t.map({{"Type", t.str("AWS_PROXY")},
                     {"IntegrationHttpMethod", t.str("POST")},
                     {"Uri", t.map({{"Fn::Sub", t.list({t.str("arn:aws:apigateway:${AWS::Region}:lambda:path/"
                                                              "2015-03-31/functions/${__Target__}/invocations"),
                                                        t.map({{"__Target__", target.arn}})})}})}})}}),
      e);
  g.model_only = true;
  g.extra.emplace_back("path", t.str(path));
}

void expand_http_api_event(Transform& t, const Event& e, const Target& target) {
  const Transform::ApiInfo* api = t.api_for_event(e, /*http=*/true);
  if (api == nullptr) return;
  std::string method = upper(text(member(e.props, "Method")));
  std::string path = text(member(e.props, "Path"));
  std::string route_key = method.empty() && path.empty() ? "$default" : cat(method.empty() ? "ANY" : method, " ", path);
  Value event_auth = prop(e.props, "Auth");
  Authorization auth = authorization(*api, event_auth);
  const Value* api_auth = member(api->props, "Auth");
  if (auth.type == "NONE" && api_auth && truthy(member(*api_auth, "EnableIamAuthorizer")) &&
      text(member(event_auth, "Authorizer")) != "NONE")
    auth.type = "AWS_IAM";
  std::string arn_method = method.empty() || method == "ANY" ? "*" : method;
  if (!e.permission_covered)
    t.add_for_event(cat(e.owner, e.name, "Permission"), "AWS::Lambda::Permission",
                  t.map({{"Action", t.str("lambda:InvokeFunction")},
                         {"FunctionName", target.ref},
                         {"Principal", t.str("apigateway.amazonaws.com")},
                         {"SourceArn", source_arn(t, "arn:${AWS::Partition}", api->id, arn_method,
                                                  path.empty() ? "" : arn_path(path))}}),
                  e);
  std::string integration = cat(e.owner, e.name, "Integration");
  Value payload = prop(e.props, "PayloadFormatVersion");
  t.add_for_event(integration, "AWS::ApiGatewayV2::Integration",
                  t.map({{"ApiId", t.ref(api->id)},
                         {"IntegrationType", t.str("AWS_PROXY")},
                         {"IntegrationUri", target.arn},
                         {"PayloadFormatVersion", payload.is_null() ? t.str("2.0") : payload},
                         {"TimeoutInMillis", prop(e.props, "TimeoutInMillis")}}),
                  e)
      .model_only = true;
  t.add_for_event(cat(e.owner, e.name, "Route"), "AWS::ApiGatewayV2::Route",
                  t.map({{"ApiId", t.ref(api->id)},
                         {"RouteKey", t.str(route_key)},
                         {"AuthorizationType", t.str(auth.type)},
                         {"AuthorizerId", auth.authorizer.empty() ? Value() : t.ref(auth.authorizer)},
                         {"AuthorizationScopes", auth.scopes},
                         {"Target", t.map({{"Fn::Join", t.list({t.str("/"), t.list({t.str("integrations"),
                                                                                   t.ref(integration)})})}})}}),
                  e)
      .model_only = true;
}

}  // namespace moat::sam
