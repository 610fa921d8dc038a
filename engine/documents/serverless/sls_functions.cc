// Compiler basics, the shared execution role and functions.
#include <cctype>

#include "documents/cloudformation/cfn_intrinsics.h"
#include "documents/serverless/sls_compile.h"

namespace moat::sls {

using cfn::cat;
using cfn::member;

std::string normalize_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '-')
      out += "Dash";
    else if (c == '_')
      out += "Underscore";
    else if (std::isalnum(static_cast<unsigned char>(c)))
      out += c;
  }
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string function_logical_id(std::string_view function_name) {
  return normalize_name(function_name) + "LambdaFunction";
}

std::string normalize_path(std::string_view path) {
  std::string out;
  for (std::string_view part : cfn::split(path, "/")) {
    if (part.starts_with("{") && part.ends_with("}")) {
      std::string_view inner = part.substr(1, part.size() - 2);
      if (inner.ends_with("+")) inner.remove_suffix(1);
      out += normalize_name(inner) + "Var";
    } else {
      out += normalize_name(part);
    }
  }
  return out;
}

const Value* at_path(const Value& v, std::string_view dotted) {
  const Value* cur = &v;
  for (std::string_view part : cfn::split(dotted, ".")) {
    cur = member(*cur, part);
    if (!cur) return nullptr;
  }
  return cur;
}

std::string text(const Value* v) {
  std::string out;
  if (v && !v->is_null()) cfn::scalar_text(*v, &out);
  return out;
}

bool truthy(const Value* v) {
  if (!v || v->is_null()) return false;
  if (v->is_bool()) return v->as_bool();
  if (v->is_string()) return v->as_string() != "false" && !v->as_string().empty();
  return true;
}

Compiler::Compiler(cfn::Context& c, const Value& r, const Variables& vars, std::string stage, std::string region)
    : ctx(c), root(r), vars_(vars), stage_(std::move(stage)), region_(std::move(region)) {}

Value Compiler::map(std::initializer_list<std::pair<std::string_view, Value>> members) {
  std::vector<Member> out;
  for (const auto& [k, v] : members)
    if (!v.is_null()) out.push_back(Member{str(k), v});
  return make_map(ctx.arena, out);
}

Value Compiler::map(const std::vector<std::pair<std::string, Value>>& members) {
  std::vector<Member> out;
  for (const auto& [k, v] : members)
    if (!v.is_null()) out.push_back(Member{str(k), v});
  return make_map(ctx.arena, out);
}

Value Compiler::get_att(std::string_view id, std::string_view attr) {
  return map({{"Fn::GetAtt", list({str(id), str(attr)})}});
}

bool Compiler::exists(std::string_view id) const {
  if (index_.contains(std::string(id))) return true;
  return user_resources_ && member(*user_resources_, id) != nullptr;
}

const Value* Compiler::function_name(const std::string& fn_id) const {
  auto it = index_.find(fn_id);
  if (it == index_.end()) return nullptr;
  const Value* props = member(generated[it->second].cfn, "Properties");
  return props ? member(*props, "FunctionName") : nullptr;
}

Generated& Compiler::add(Generated g) {
  auto it = index_.find(g.id);
  if (it != index_.end()) return generated[it->second];
  index_[g.id] = generated.size();
  generated.push_back(std::move(g));
  return generated.back();
}

const Value* Compiler::provider(std::string_view dotted) const {
  const Value* p = member(root, "provider");
  return p ? at_path(*p, dotted) : nullptr;
}

std::string Compiler::service_name() const {
  const Value* s = member(root, "service");
  if (s && s->is_map()) s = member(*s, "name");  // v1 `service: {name: ...}`
  return text(s);
}

Value Compiler::environment(const Value& def) {
  std::vector<std::pair<std::string, Value>> vars;
  auto merge = [&](const Value* env) {
    if (!env || !env->is_map()) return;
    for (const Member& m : env->as_map()) {
      std::string k(m.key.as_string());
      bool replaced = false;
      for (auto& [key, value] : vars)
        if (key == k) value = m.value, replaced = true;
      if (!replaced) vars.emplace_back(k, m.value);
    }
  };
  merge(provider("environment"));
  merge(member(def, "environment"));
  if (vars.empty()) return Value();
  return map({{"Variables", map(vars)}});
}

Value Compiler::role_for(const Value& def) {
  const Value* role = member(def, "role");
  if (!role) role = provider("iam.role");
  if (role && role->is_map() && member(*role, "statements") == nullptr && member(*role, "managedPolicies") == nullptr &&
      member(*role, "name") == nullptr && member(*role, "permissionsBoundary") == nullptr &&
      member(*role, "path") == nullptr && member(*role, "tags") == nullptr)
    return *role;                              // {Fn::GetAtt: ...} / {Ref: ...}
  if (role && role->is_map()) role = nullptr;  // provider.iam.role: {statements, ...}
  if (!role) role = provider("role");          // v2
  if (role && !role->is_map()) {
    std::string r = text(role);
    if (!r.empty() && r.find(':') == std::string::npos && r.find('/') == std::string::npos) return get_att(r, "Arn");
    return *role;
  }
  if (role) return *role;
  needs_role_ = true;
  return get_att("IamRoleLambdaExecution", "Arn");
}

void Compiler::compile_role() {
  const Value* statements = provider("iam.role.statements");
  if (!statements) statements = provider("iamRoleStatements");
  const Value* managed = provider("iam.role.managedPolicies");
  if (!managed) managed = provider("iamManagedPolicies");
  std::string service = service_name();
  Value assume = map({{"Version", str("2012-10-17")},
                      {"Statement", list({map({{"Effect", str("Allow")},
                                               {"Principal", map({{"Service", list({str("lambda.amazonaws.com")})}})},
                                               {"Action", list({str("sts:AssumeRole")})}})})}});
  // The Framework's default statement: the functions' log groups.
  std::vector<Value> all;
  all.push_back(
      map({{"Effect", str("Allow")},
           {"Action", list({str("logs:CreateLogStream"), str("logs:CreateLogGroup"), str("logs:PutLogEvents")})},
           {"Resource",
            list({str(cat("arn:aws:logs:", region_, ":*:log-group:/aws/lambda/", service, "-", stage_, "*:*"))})}}));
  if (statements && statements->is_list())
    for (const Value& s : statements->as_list()) all.push_back(s);
  for (const Value& s : role_statements_) all.push_back(s);
  Value policies = list({map({{"PolicyName", str(cat(service, "-", stage_, "-lambda"))},
                              {"PolicyDocument", map({{"Version", str("2012-10-17")}, {"Statement", list(all)}})}})});
  Value name = provider("iam.role.name") ? *provider("iam.role.name") : Value();
  Value boundary = provider("iam.role.permissionsBoundary") ? *provider("iam.role.permissionsBoundary") : Value();
  if (boundary.is_null() && provider("rolePermissionsBoundary")) boundary = *provider("rolePermissionsBoundary");
  Generated g;
  g.id = "IamRoleLambdaExecution";
  g.cfn = resource("AWS::IAM::Role", map({{"RoleName", name},
                                          {"AssumeRolePolicyDocument", assume},
                                          {"Policies", policies},
                                          {"ManagedPolicyArns", managed ? *managed : Value()},
                                          {"PermissionsBoundary", boundary}}));
  g.native_type = "serverless.provider.iam.role";
  const Value* p = member(root, "provider");
  g.location = p ? ctx.member_location(root, "provider") : Location{ctx.file, 1, 1};
  g.pointer = "/provider";
  if (provider("iam")) {
    g.location = ctx.member_location(*p, "iam");
    g.pointer = "/provider/iam";
    g.native = *provider("iam");
  } else if (statements) {
    g.location = ctx.member_location(*p, "iamRoleStatements");
    g.pointer = "/provider/iamRoleStatements";
    g.native = *statements;
  }
  add(std::move(g));
}

void Compiler::compile_function(std::string_view name, const Value& def, Location loc, const std::string& pointer) {
  std::string id = function_logical_id(name);
  ctx.current = loc;
  auto pick = [&](std::string_view fn_key, std::string_view provider_key) -> Value {
    if (const Value* v = member(def, fn_key)) return *v;
    if (!provider_key.empty())
      if (const Value* v = provider(provider_key)) return *v;
    return Value();
  };
  Value tracing;
  Value t = pick("tracing", "tracing.lambda");
  if (t.is_bool())
    tracing = str(t.as_bool() ? "Active" : "PassThrough");
  else if (t.is_string())
    tracing = str(t.as_string() == "true" ? "Active" : t.as_string());
  else if (!t.is_null())
    tracing = t;
  Value vpc;
  Value v = pick("vpc", "vpc");
  if (v.is_map())
    vpc = map({{"SecurityGroupIds", member(v, "securityGroupIds") ? *member(v, "securityGroupIds") : Value()},
               {"SubnetIds", member(v, "subnetIds") ? *member(v, "subnetIds") : Value()}});
  Value dlq;
  if (const Value* on_error = member(def, "onError")) dlq = map({{"TargetArn", *on_error}});
  Value memory = pick("memorySize", "memorySize");
  Value timeout = pick("timeout", "timeout");
  Value deployed_name = pick("name", "");
  if (deployed_name.is_null()) deployed_name = str(cat(service_name(), "-", stage_, "-", name));
  Value arch = pick("architecture", "architecture");
  Generated g;
  g.id = id;
  g.cfn = resource("AWS::Lambda::Function",
                   map({{"FunctionName", deployed_name},
                        {"Handler", pick("handler", "")},
                        {"Runtime", pick("runtime", "runtime")},
                        {"MemorySize", memory.is_null() ? Value::integer(1024) : memory},
                        {"Timeout", timeout.is_null() ? Value::integer(6) : timeout},
                        {"Environment", environment(def)},
                        {"Role", role_for(def)},
                        {"Layers", pick("layers", "layers")},
                        {"TracingConfig", tracing.is_null() ? Value() : map({{"Mode", tracing}})},
                        {"VpcConfig", vpc},
                        {"ReservedConcurrentExecutions", pick("reservedConcurrency", "")},
                        {"KmsKeyArn", pick("kmsKeyArn", "kmsKeyArn")},
                        {"DeadLetterConfig", dlq},
                        {"Architectures", arch.is_null() ? Value() : list({arch})},
                        {"LoggingConfig", logging_config(def)},
                        {"Code", pick("image", "").is_null() ? Value() : map({{"ImageUri", pick("image", "")}})}}));
  g.native_type = "serverless.function";
  g.location = loc;
  g.pointer = pointer;
  g.native = original(def);
  g.extra.emplace_back("name", str(name));
  g.extra.emplace_back("function_name", deployed_name);
  add(std::move(g));

  if (const Value* url = member(def, "url"); truthy(url)) {
    std::string auth = "NONE";
    if (url->is_map() && text(member(*url, "authorizer")) == "aws_iam") auth = "AWS_IAM";
    Generated u;
    u.id = normalize_name(name) + "LambdaFunctionUrl";
    u.cfn = resource("AWS::Lambda::Url",
                     map({{"TargetFunctionArn", get_att(id, "Arn")},
                          {"AuthType", str(auth)},
                          {"Cors", url->is_map() && member(*url, "cors") ? *member(*url, "cors") : Value()}}));
    u.native_type = "serverless.function.url";
    u.location = ctx.member_location(def, "url");
    u.pointer = pointer + "/url";
    u.native = *url;
    add(std::move(u));
  }
  compile_log_group(name, id, def, deployed_name, loc, pointer);
  compile_event_invoke_config(name, id, def, loc, pointer);
  if (const Value* events = member(def, "events"); events && events->is_list())
    compile_events(*this, name, id, *events, pointer + "/events");
}

void Compiler::compile_functions() {
  const Value* functions = member(root, "functions");
  if (functions && functions->is_map()) {
    for (const Member& m : functions->as_map()) {
      std::string name(m.key.as_string());
      std::string pointer = "/functions";
      append_pointer_token(pointer, name);
      Location loc = ctx.member_location(*functions, name);
      if (!m.value.is_map()) {
        ctx.warn(cat("function ", name, " is not a map; skipped"), loc);
        continue;
      }
      compile_function(name, m.value, loc, pointer);
    }
  } else if (functions && !functions->is_null()) {
    ctx.warn("functions is not a map; skipped", ctx.member_location(root, "functions"));
  }
  compile_api_keys();
  if (needs_role_ || provider("iam.role.statements") || provider("iamRoleStatements")) compile_role();
}

}  // namespace moat::sls
