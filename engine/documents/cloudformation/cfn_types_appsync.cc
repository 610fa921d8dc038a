// AWS::AppSync::* -> aws.appsync.*: GraphQL APIs with their authentication
// providers, logging and X-Ray; schemas, API keys (expiry), caches, domain
// names; data sources with their service roles and targets; pipeline
// functions and resolvers. AppSync resources name each other by attributes
// that are not ARNs (GetAtt Api.ApiId, DataSource.Name, Function.FunctionId):
// those become the resource's id here, with their edge.
#include <string>
#include <vector>

#include "documents/cloudformation/cfn_normalize.h"

namespace moat::cfn {

namespace {

// Sets `key` to the id of the resource `path` names by Ref or any GetAtt
// (and adds edge `kind` self -> it), else to the value as resolved.
std::string set_target(ResourceContext& r, std::string_view key, std::string_view path, std::string_view kind = {}) {
  const Value* v = r.get(path);
  if (v == nullptr) return {};
  const RefTarget* target = r.resolver.reference(*v);
  if (target == nullptr || !r.resolver.is_resource(target->resource)) {
    r.put(key, r.ids(*v), path);
    return {};
  }
  r.put(key, r.ctx.str(target->resource), path);
  if (!kind.empty()) r.edge(kind, r.id, target->resource);
  return target->resource;
}

void belongs_to_api(ResourceContext& r) { set_target(r, "api", "ApiId", "belongs_to"); }

void runtime(ResourceContext& r) {
  r.set("runtime.name", "Runtime.Name");
  r.set("runtime.version", "Runtime.RuntimeVersion");
}

void graphql_api(ResourceContext& r) {
  r.set("name", "Name");
  Value primary = r.set("authentication_type", "AuthenticationType");
  // Every provider's type, the primary one first: what a rule asks when it
  // wants to know whether API keys or IAM are accepted at all.
  std::vector<Value> types;
  if (!primary.is_null()) types.push_back(primary);
  std::vector<Value> additional;
  if (const Value* providers = r.get("AdditionalAuthenticationProviders"); providers && providers->is_list())
    for (const Value& p : providers->as_list())
      if (const Value* type = member(p, "AuthenticationType")) {
        types.push_back(r.ids(*type));
        additional.push_back(r.ids(*type));
      }
  if (r.get("AdditionalAuthenticationProviders")) {
    r.put("additional_authentication_types", make_list(r.ctx.arena, additional), "AdditionalAuthenticationProviders");
    r.set("additional_authentication_providers", "AdditionalAuthenticationProviders", Conv::kSnake);
  }
  r.put("authentication_types", make_list(r.ctx.arena, types), "AuthenticationType");
  std::string authorizer = r.set_ref("lambda_authorizer.function", "LambdaAuthorizerConfig.AuthorizerUri");
  r.set("lambda_authorizer.result_ttl", "LambdaAuthorizerConfig.AuthorizerResultTtlInSeconds", Conv::kInt);
  r.set("lambda_authorizer.identity_validation_expression", "LambdaAuthorizerConfig.IdentityValidationExpression");
  if (!authorizer.empty()) r.edge("invokes", r.id, authorizer, {{"via", r.ctx.str("authorizer")}});
  // Additional Lambda authorizers invoke their functions too.
  if (const Value* providers = r.get("AdditionalAuthenticationProviders"); providers && providers->is_list())
    for (const Value& p : providers->as_list())
      if (const Value* config = member(p, "LambdaAuthorizerConfig"); const Value* uri = config ? member(*config, "AuthorizerUri") : nullptr) {
        std::string fn = r.ref_id(*uri);
        if (!fn.empty()) r.edge("invokes", r.id, fn, {{"via", r.ctx.str("authorizer")}});
      }
  r.set("user_pool", "UserPoolConfig", Conv::kSnake);
  r.set("openid_connect", "OpenIDConnectConfig", Conv::kSnake);
  // Logging: on when LogConfig is set; field_log_level NONE/ERROR/INFO/DEBUG/ALL.
  r.put("logging.enabled", Value::boolean(r.get("LogConfig") != nullptr), "LogConfig");
  r.set("logging.field_log_level", "LogConfig.FieldLogLevel");
  r.set("logging.exclude_verbose_content", "LogConfig.ExcludeVerboseContent", Conv::kBool);
  r.set_ref("logging.role", "LogConfig.CloudWatchLogsRoleArn");
  if (r.get("XrayEnabled"))
    r.set("xray", "XrayEnabled", Conv::kBool);
  else
    r.put("xray", Value::boolean(false), "XrayEnabled");
  r.set("visibility", "Visibility");
  r.set("introspection", "IntrospectionConfig");
  r.set("query_depth_limit", "QueryDepthLimit", Conv::kInt);
  r.set("resolver_count_limit", "ResolverCountLimit", Conv::kInt);
  r.set("api_type", "ApiType");
  r.set("owner_contact", "OwnerContact");
  r.set_ref("merged_api_execution_role", "MergedApiExecutionRoleArn", "execution_role");
  r.set("environment", "EnvironmentVariables");
}

void schema(ResourceContext& r) {
  belongs_to_api(r);
  r.set("definition", "Definition");
  r.set("definition_s3_location", "DefinitionS3Location");
}

void api_key(ResourceContext& r) {
  belongs_to_api(r);
  r.set("description", "Description");
  r.set("api_key_id", "ApiKeyId");
  // Unix seconds; absent means AppSync's default (7 days after creation).
  r.set("expires", "Expires", Conv::kInt);
}

void api_cache(ResourceContext& r) {
  belongs_to_api(r);
  r.set("cache_type", "Type");
  r.set("ttl", "Ttl", Conv::kInt);
  r.set("caching_behavior", "ApiCachingBehavior");
  r.set("at_rest_encryption", "AtRestEncryptionEnabled", Conv::kBool);
  r.set("transit_encryption", "TransitEncryptionEnabled", Conv::kBool);
}

void data_source(ResourceContext& r) {
  belongs_to_api(r);
  r.set("name", "Name");
  r.set("data_source_type", "Type");
  r.set("description", "Description");
  // AppSync assumes the service role to reach the target.
  r.set_ref("service_role", "ServiceRoleArn", "execution_role");
  std::string fn = r.set_ref("lambda_function", "LambdaConfig.LambdaFunctionArn");
  if (!fn.empty()) r.edge("invokes", r.id, fn);
  r.set("dynamodb.table_name", "DynamoDBConfig.TableName");
  r.set("dynamodb.region", "DynamoDBConfig.AwsRegion");
  r.set("dynamodb.use_caller_credentials", "DynamoDBConfig.UseCallerCredentials", Conv::kBool);
  r.set("dynamodb.versioned", "DynamoDBConfig.Versioned", Conv::kBool);
  r.set("http_endpoint", "HttpConfig.Endpoint");
  r.set_ref("event_bus", "EventBridgeConfig.EventBusArn");
  r.set("relational_database", "RelationalDatabaseConfig", Conv::kSnake);
  r.set("opensearch_endpoint", "OpenSearchServiceConfig.Endpoint");
}

// The JavaScript runtime and code of a pipeline function or a resolver.
void code(ResourceContext& r) {
  runtime(r);
  r.set("code", "Code");
  r.set("code_s3_location", "CodeS3Location");
}

void function_configuration(ResourceContext& r) {
  belongs_to_api(r);
  r.set("name", "Name");
  r.set("description", "Description");
  set_target(r, "data_source", "DataSourceName", "uses");
  code(r);
  r.set("max_batch_size", "MaxBatchSize", Conv::kInt);
  r.set("sync", "SyncConfig", Conv::kSnake);
}

void resolver(ResourceContext& r) {
  belongs_to_api(r);
  r.set("type_name", "TypeName");
  r.set("field_name", "FieldName");
  r.set("kind", "Kind");
  set_target(r, "data_source", "DataSourceName", "uses");
  std::vector<Value> functions;
  if (const Value* fns = r.get("PipelineConfig.Functions"); fns && fns->is_list()) {
    for (const Value& f : fns->as_list()) {
      const RefTarget* target = r.resolver.reference(f);
      if (target && r.resolver.is_resource(target->resource)) {
        functions.push_back(r.ctx.str(target->resource));
        r.edge("uses", r.id, target->resource);
      } else {
        functions.push_back(r.ids(f));
      }
    }
    r.put("pipeline_functions", make_list(r.ctx.arena, functions), "PipelineConfig.Functions");
  }
  code(r);
  r.set("caching.ttl", "CachingConfig.Ttl", Conv::kInt);
  r.set("caching.keys", "CachingConfig.CachingKeys", Conv::kList);
  r.set("max_batch_size", "MaxBatchSize", Conv::kInt);
}

void domain_name(ResourceContext& r) {
  r.set("domain_name", "DomainName");
  r.set_ref("certificate", "CertificateArn");
  r.set("description", "Description");
}

void domain_name_association(ResourceContext& r) {
  belongs_to_api(r);
  set_target(r, "domain_name", "DomainName", "references");
}

}  // namespace

std::vector<TypeSpec> appsync_types() {
  return {
      {"AWS::AppSync::GraphQLApi", "aws.appsync.graphql_api", graphql_api},
      {"AWS::AppSync::GraphQLSchema", "aws.appsync.schema", schema},
      {"AWS::AppSync::ApiKey", "aws.appsync.api_key", api_key},
      {"AWS::AppSync::ApiCache", "aws.appsync.api_cache", api_cache},
      {"AWS::AppSync::DataSource", "aws.appsync.data_source", data_source},
      {"AWS::AppSync::FunctionConfiguration", "aws.appsync.function", function_configuration},
      {"AWS::AppSync::Resolver", "aws.appsync.resolver", resolver},
      {"AWS::AppSync::DomainName", "aws.appsync.domain_name", domain_name},
      {"AWS::AppSync::DomainNameApiAssociation", "aws.appsync.domain_name_api_association", domain_name_association},
  };
}

}  // namespace moat::cfn
