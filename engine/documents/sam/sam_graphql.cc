// AWS::Serverless::GraphQLApi: the AppSync resources the SAM translator
// generates. The API (auth providers, logging, X-Ray, limits), its schema,
// API keys, cache, domain name, DynamoDB and Lambda data sources (with the
// service role and the connector policy SAM creates when no ServiceRoleArn
// is given), pipeline functions and resolvers, the NONE data source, the
// CloudWatch logging role and the Lambda permissions of Lambda authorizers.
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "documents/sam/sam_transform.h"

namespace moat::sam {

namespace {

// The translator's default code of a pipeline resolver written without any.
constexpr std::string_view kPipelineResolverCode =
    "\nexport function request(ctx) {\n    return {};\n}\n\nexport function response(ctx) {\n    return "
    "ctx.prev.result;\n}\n";

Value get(const Value& v, std::string_view key) {
  const Value* m = member(v, key);
  return m ? *m : Value();
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class GraphQLApi {
 public:
  GraphQLApi(Transform& t, const std::string& id, const Value& props)
      : t_(t), id_(id), props_(props), api_id_(t.get_att(id, "ApiId")) {}

  void expand() {
    api();
    schema();
    api_keys();
    cache();
    data_sources();
    domain_name();
    functions();
    resolvers();
  }

 private:
  void warn(std::string_view message) {
    t_.warn(cat("GraphQLApi ", id_, ": ", message), t_.location_of(id_));
  }

  Generated& add(std::string id, std::string_view type, Value props) {
    return t_.add(std::move(id), type, props, id_);
  }

  // Auth.Type and its configuration: {AuthenticationType[, <Kind>Config]}.
  // A Lambda authorizer's function is also recorded for its permission.
  std::vector<std::pair<std::string, Value>> provider(const Value& auth, bool additional) {
    std::string type = text(member(auth, "Type"));
    std::vector<std::pair<std::string, Value>> out = {{"AuthenticationType", get(auth, "Type")}};
    if (type == "AWS_LAMBDA") {
      Value config = get(auth, "LambdaAuthorizer");
      out.emplace_back("LambdaAuthorizerConfig", config);
      if (const Value* uri = member(config, "AuthorizerUri")) lambda_authorizers_.push_back(*uri);
    } else if (type == "OPENID_CONNECT") {
      out.emplace_back("OpenIDConnectConfig", get(auth, "OpenIDConnect"));
    } else if (type == "AMAZON_COGNITO_USER_POOLS") {
      Value pool = get(auth, "UserPool");
      // Only the primary provider has a default action.
      if (additional && pool.is_map()) {
        std::vector<std::pair<std::string, Value>> kept;
        for (const Member& m : pool.as_map())
          if (m.key.as_string() != "DefaultAction") kept.emplace_back(std::string(m.key.as_string()), m.value);
        pool = t_.map(kept);
      }
      out.emplace_back("UserPoolConfig", pool);
    }
    return out;
  }

  void api() {
    Value auth = get(props_, "Auth");
    if (!auth.is_map()) warn("Auth must be a map with a Type");
    std::vector<std::pair<std::string, Value>> p;
    Value name = get(props_, "Name");
    p.emplace_back("Name", name.is_null() ? t_.str(id_) : name);
    for (auto& kv : provider(auth, false)) p.push_back(std::move(kv));
    if (const Value* more = member(auth, "Additional"); more && more->is_list()) {
      std::vector<Value> providers;
      for (const Value& a : more->as_list()) providers.push_back(t_.map(provider(a, true)));
      p.emplace_back("AdditionalAuthenticationProviders", t_.list(providers));
    }
    p.emplace_back("XrayEnabled", get(props_, "XrayEnabled"));
    p.emplace_back("LogConfig", log_config());
    for (std::string_view key :
         {"Visibility", "OwnerContact", "IntrospectionConfig", "QueryDepthLimit", "ResolverCountLimit", "ApiType",
          "MergedApiExecutionRoleArn", "EnvironmentVariables"})
      p.emplace_back(std::string(key), get(props_, key));
    std::vector<Value> tags;
    if (const Value* given = member(props_, "Tags"); given && given->is_map())
      for (const Member& m : given->as_map()) tags.push_back(t_.map({{"Key", m.key}, {"Value", m.value}}));
    tags.push_back(t_.map({{"Key", t_.str("graphqlapi:createdBy")}, {"Value", t_.str("SAM")}}));
    p.emplace_back("Tags", t_.list(tags));
    Generated& g = t_.add(id_, "AWS::AppSync::GraphQLApi", t_.map(p), "");
    g.native_type = "AWS::Serverless::GraphQLApi";
    int n = 0;
    for (const Value& uri : lambda_authorizers_) {
      ConnectorSite site{cat(id_, "ToLambdaAuthConnector", ++n), id_, t_.location_of(id_), t_.pointer_of(id_), Value()};
      expand_connector(
          t_, site,
          t_.map({{"Source", t_.map({{"Type", t_.str("AWS::AppSync::GraphQLApi")},
                                     {"Arn", t_.ref(id_)},
                                     {"ResourceId", api_id_}})},
                  {"Destination", t_.map({{"Type", t_.str("AWS::Lambda::Function")}, {"Arn", uri}})},
                  {"Permissions", t_.list({t_.str("Write")})}}));
    }
  }

  // Logging is on unless `Logging: false`; SAM creates the CloudWatch role
  // when none is given.
  Value log_config() {
    const Value* logging = member(props_, "Logging");
    if (logging && logging->is_bool() && !logging->as_bool()) return Value();
    Value level, exclude, role;
    if (logging && logging->is_map()) {
      level = get(*logging, "FieldLogLevel");
      exclude = get(*logging, "ExcludeVerboseContent");
      role = get(*logging, "CloudWatchLogsRoleArn");
    }
    if (role.is_null()) {
      std::string role_id = cat(id_, "CloudWatchRole");
      add(role_id, "AWS::IAM::Role",
          t_.map({{"AssumeRolePolicyDocument", assume_role(t_, "appsync.amazonaws.com")},
                  {"ManagedPolicyArns",
                   t_.list({t_.sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSAppSyncPushToCloudWatchLogs")})}}));
      role = t_.get_att(role_id, "Arn");
    }
    return t_.map({{"CloudWatchLogsRoleArn", role},
                   {"ExcludeVerboseContent", truthy(&exclude) ? exclude : Value()},
                   {"FieldLogLevel", level.is_null() ? t_.str("ALL") : level}});
  }

  void schema() {
    Value inline_schema = get(props_, "SchemaInline"), uri = get(props_, "SchemaUri");
    if (inline_schema.is_null() == uri.is_null()) warn("exactly one of SchemaInline and SchemaUri must be set");
    add(cat(id_, "Schema"), "AWS::AppSync::GraphQLSchema",
        t_.map({{"ApiId", api_id_}, {"Definition", inline_schema}, {"DefinitionS3Location", uri}}));
  }

  void api_keys() {
    const Value* keys = member(props_, "ApiKeys");
    if (!keys || !keys->is_map()) return;
    for (const Member& k : keys->as_map())
      add(cat(id_, k.key.as_string()), "AWS::AppSync::ApiKey",
          t_.map({{"ApiId", api_id_},
                  {"ApiKeyId", get(k.value, "ApiKeyId")},
                  {"Description", get(k.value, "Description")},
                  {"Expires", get(k.value, "ExpiresOn")}}));
  }

  void cache() {
    const Value* c = member(props_, "Cache");
    if (!c || !c->is_map()) return;
    add(cat(id_, "ApiCache"), "AWS::AppSync::ApiCache",
        t_.map({{"ApiId", api_id_},
                {"ApiCachingBehavior", get(*c, "ApiCachingBehavior")},
                {"Type", get(*c, "Type")},
                {"Ttl", get(*c, "Ttl")},
                {"AtRestEncryptionEnabled", get(*c, "AtRestEncryptionEnabled")},
                {"TransitEncryptionEnabled", get(*c, "TransitEncryptionEnabled")}}));
  }

  // The service role SAM creates for a data source without ServiceRoleArn,
  // and the connector that grants it access to `destination`.
  Value service_role(const Value& source, const std::string& ds_id, std::string_view connector,
                     std::string_view destination_type, const Value& destination_arn, const Value& permissions) {
    if (const Value* given = member(source, "ServiceRoleArn")) return *given;
    std::string role_id = cat(ds_id, "Role");
    add(role_id, "AWS::IAM::Role", t_.map({{"AssumeRolePolicyDocument", assume_role(t_, "appsync.amazonaws.com")}}));
    ConnectorSite site{cat(ds_id, connector), id_, t_.location_of(id_), t_.pointer_of(id_), Value()};
    expand_connector(t_, site,
                     t_.map({{"Source", t_.map({{"Type", t_.str("AWS::AppSync::DataSource")},
                                                {"Arn", t_.get_att(ds_id, "DataSourceArn")},
                                                {"RoleName", t_.ref(role_id)}})},
                             {"Destination", t_.map({{"Type", t_.str(destination_type)}, {"Arn", destination_arn}})},
                             {"Permissions", permissions}}));
    return t_.get_att(role_id, "Arn");
  }

  void data_sources() {
    const Value* sources = member(props_, "DataSources");
    if (!sources || !sources->is_map()) return;
    if (const Value* tables = member(*sources, "DynamoDb"); tables && tables->is_map())
      for (const Member& m : tables->as_map()) dynamodb_source(std::string(m.key.as_string()), m.value);
    if (const Value* lambdas = member(*sources, "Lambda"); lambdas && lambdas->is_map())
      for (const Member& m : lambdas->as_map()) lambda_source(std::string(m.key.as_string()), m.value);
  }

  void dynamodb_source(const std::string& name, const Value& ds) {
    std::string ds_id = cat(id_, name, "DynamoDBDataSource");
    Value region = get(ds, "Region"), table = get(ds, "TableName");
    if (region.is_null()) region = t_.ref("AWS::Region");
    Value table_arn = get(ds, "TableArn");
    if (table_arn.is_null())
      table_arn = t_.map(
          {{"Fn::Sub", t_.list({t_.str("arn:${AWS::Partition}:dynamodb:${__Region__}:${AWS::AccountId}:table/"
                                       "${__TableName__}"),
                                t_.map({{"__Region__", region}, {"__TableName__", table}})})}});
    Value permissions = get(ds, "Permissions");
    if (permissions.is_null()) permissions = t_.list({t_.str("Read"), t_.str("Write")});
    Value delta = get(ds, "DeltaSync");
    Value config = t_.map({{"AwsRegion", region},
                           {"TableName", table},
                           {"UseCallerCredentials", truthy(member(ds, "UseCallerCredentials")) ? get(ds, "UseCallerCredentials") : Value()},
                           {"Versioned", truthy(member(ds, "Versioned")) ? get(ds, "Versioned") : Value()},
                           {"DeltaSyncConfig", delta}});
    Value role = service_role(ds, ds_id, "ToTableConnector", "AWS::DynamoDB::Table", table_arn, permissions);
    Value ds_name = get(ds, "Name");
    add(ds_id, "AWS::AppSync::DataSource",
        t_.map({{"ApiId", api_id_},
                {"Name", ds_name.is_null() ? t_.str(name) : ds_name},
                {"Type", t_.str("AMAZON_DYNAMODB")},
                {"Description", get(ds, "Description")},
                {"DynamoDBConfig", config},
                {"ServiceRoleArn", role}}));
    data_source_names_[name] = t_.get_att(ds_id, "Name");
  }

  void lambda_source(const std::string& name, const Value& ds) {
    std::string ds_id = cat(id_, name, "LambdaDataSource");
    Value function = get(ds, "FunctionArn");
    Value role = service_role(ds, ds_id, "ToLambdaConnector", "AWS::Lambda::Function", function,
                              t_.list({t_.str("Write")}));
    Value ds_name = get(ds, "Name");
    add(ds_id, "AWS::AppSync::DataSource",
        t_.map({{"ApiId", api_id_},
                {"Name", ds_name.is_null() ? t_.str(name) : ds_name},
                {"Type", t_.str("AWS_LAMBDA")},
                {"Description", get(ds, "Description")},
                {"LambdaConfig", t_.map({{"LambdaFunctionArn", function}})},
                {"ServiceRoleArn", role}}));
    data_source_names_[name] = t_.get_att(ds_id, "Name");
  }

  void domain_name() {
    const Value* d = member(props_, "DomainName");
    if (!d || !d->is_map()) return;
    std::string domain_id = cat(id_, "DomainName");
    add(domain_id, "AWS::AppSync::DomainName",
        t_.map({{"CertificateArn", get(*d, "CertificateArn")},
                {"DomainName", get(*d, "DomainName")},
                {"Description", get(*d, "Description")}}));
    add(cat(id_, "DomainNameApiAssociation"), "AWS::AppSync::DomainNameApiAssociation",
        t_.map({{"ApiId", api_id_}, {"DomainName", t_.get_att(domain_id, "DomainName")}}));
  }

  // {Name, RuntimeVersion}; SAM's default is APPSYNC_JS 1.0.0.
  Value runtime(const Value& owner) {
    const Value* r = member(owner, "Runtime");
    if (r == nullptr) return t_.map({{"Name", t_.str("APPSYNC_JS")}, {"RuntimeVersion", t_.str("1.0.0")}});
    return t_.map({{"Name", get(*r, "Name")}, {"RuntimeVersion", get(*r, "Version")}});
  }

  // DataSource of a function: NONE (the API's one none data source), a data
  // source of this API by its key, or an intrinsic naming another.
  Value data_source_name(const std::string& function, const Value& ds) {
    if (!ds.is_string()) return ds;
    std::string name(ds.as_string());
    if (lower(name) == "none") {
      std::string none_id = cat(id_, "NoneDataSource");
      if (!t_.exists(none_id))
        add(none_id, "AWS::AppSync::DataSource",
            t_.map({{"ApiId", api_id_}, {"Name", t_.str(none_id)}, {"Type", t_.str("NONE")}}));
      return t_.get_att(none_id, "Name");
    }
    auto it = data_source_names_.find(name);
    if (it != data_source_names_.end()) return it->second;
    warn(cat("function ", function, ": DataSource ", name, " is not a data source of the API"));
    return ds;
  }

  void functions() {
    const Value* fns = member(props_, "Functions");
    if (!fns || !fns->is_map()) return;
    for (const Member& m : fns->as_map()) {
      std::string name(m.key.as_string());
      if (const Value* existing = member(m.value, "Id")) {  // a function defined elsewhere
        function_ids_[name] = *existing;
        continue;
      }
      std::string fn_id = cat(id_, name);
      Value fn_name = get(m.value, "Name");
      add(fn_id, "AWS::AppSync::FunctionConfiguration",
          t_.map({{"ApiId", api_id_},
                  {"Name", fn_name.is_null() ? t_.str(name) : fn_name},
                  {"Code", get(m.value, "InlineCode")},
                  {"CodeS3Location", get(m.value, "CodeUri")},
                  {"DataSourceName", data_source_name(name, get(m.value, "DataSource"))},
                  {"MaxBatchSize", get(m.value, "MaxBatchSize")},
                  {"Description", get(m.value, "Description")},
                  {"Runtime", runtime(m.value)},
                  {"SyncConfig", get(m.value, "Sync")}}));
      function_ids_[name] = t_.get_att(fn_id, "FunctionId");
    }
  }

  void resolvers() {
    const Value* types = member(props_, "Resolvers");
    if (!types || !types->is_map()) return;
    for (const Member& type : types->as_map()) {
      if (!type.value.is_map()) continue;
      for (const Member& m : type.value.as_map()) {
        std::string name(m.key.as_string());
        std::vector<Value> pipeline;
        if (const Value* fns = member(m.value, "Pipeline"); fns && fns->is_list()) {
          for (const Value& f : fns->as_list()) {
            auto it = function_ids_.find(text(&f));
            if (it == function_ids_.end())
              warn(cat("resolver ", name, ": function ", text(&f), " does not exist"));
            else
              pipeline.push_back(it->second);
          }
        } else {
          warn(cat("resolver ", name, ": only pipeline resolvers are supported (Pipeline must be set)"));
        }
        Value code = get(m.value, "InlineCode"), uri = get(m.value, "CodeUri");
        if (code.is_null() && uri.is_null()) code = t_.str(kPipelineResolverCode);
        Value field = get(m.value, "FieldName");
        Value caching = get(m.value, "Caching");
        Generated& g = add(cat(id_, type.key.as_string(), name), "AWS::AppSync::Resolver",
            t_.map({{"ApiId", api_id_},
                    {"TypeName", type.key},
                    {"FieldName", field.is_null() ? t_.str(name) : field},
                    {"Kind", t_.str("PIPELINE")},
                    {"PipelineConfig", t_.map({{"Functions", t_.list(pipeline)}})},
                    {"Code", code},
                    {"CodeS3Location", uri},
                    {"Runtime", runtime(m.value)},
                    {"CachingConfig", caching},
                    {"MaxBatchSize", get(m.value, "MaxBatchSize")}}));
        // Resolvers need the schema first.
        g.cfn = t_.with(g.cfn, "DependsOn", t_.list({t_.str(cat(id_, "Schema"))}));
      }
    }
  }

  Transform& t_;
  const std::string& id_;
  Value props_;
  Value api_id_;
  std::vector<Value> lambda_authorizers_;
  absl::flat_hash_map<std::string, Value> data_source_names_;
  absl::flat_hash_map<std::string, Value> function_ids_;
};

}  // namespace

void expand_graphql_api(Transform& t, const std::string& id, const Value& props) { GraphQLApi(t, id, props).expand(); }

}  // namespace moat::sam
