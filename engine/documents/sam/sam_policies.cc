// Execution roles SAM creates for functions (and state machines): the
// basic execution policy, the `Policies` property (AWS-managed policy names
// and ARNs, inline documents, SAM policy templates with their parameters
// substituted) and what other properties and events add.
#include <string>

#include "absl/container/flat_hash_set.h"
#include "documents/aws_tables/aws_tables.h"
#include "documents/json_reader.h"
#include "documents/sam/sam_transform.h"

namespace moat::sam {

namespace {

bool is_intrinsic(const Value& v) {
  if (!v.is_map() || v.as_map().size != 1) return false;
  std::string_view k = v.as_map().members[0].key.as_string();
  return k == "Ref" || k.starts_with("Fn::");
}

// {"Ref": "<Parameter>"} of a policy template -> the value the function gave.
Value substitute(Transform& t, const Value& v, const Value& params, const absl::flat_hash_set<std::string>& names,
                 std::vector<std::string>& missing) {
  if (v.is_map()) {
    if (const Value* r = member(v, "Ref"); r && r->is_string() && v.as_map().size == 1 &&
                                           names.contains(std::string(r->as_string()))) {
      if (const Value* given = member(params, r->as_string())) return *given;
      missing.emplace_back(r->as_string());
      return v;
    }
    std::vector<std::pair<std::string, Value>> out;
    for (const Member& m : v.as_map())
      out.emplace_back(std::string(m.key.as_string()), substitute(t, m.value, params, names, missing));
    return t.map(out);
  }
  if (v.is_list()) {
    std::vector<Value> out;
    for (const Value& item : v.as_list()) out.push_back(substitute(t, item, params, names, missing));
    return t.list(out);
  }
  return v;
}

// A policy template's statements, or null when `name` is not a template.
Value policy_template(Transform& t, std::string_view name, const Value& params, const Location& where) {
  const aws_tables::PolicyTemplate* tpl = aws_tables::find_policy_template(name);
  if (tpl == nullptr) return Value();
  Value statements;
  if (!read_json(tpl->statements, t.ctx.arena, JsonLimits{}, &statements, nullptr)) return Value();
  absl::flat_hash_set<std::string> names;
  for (std::string_view p : cfn::split(tpl->parameters, ",")) names.insert(std::string(p));
  std::vector<std::string> missing;
  Value out = substitute(t, statements, params.is_map() ? params : t.map({}), names, missing);
  for (const std::string& m : missing) t.warn(cat("policy template ", name, ": parameter ", m, " is missing"), where);
  return out;
}

Value managed_arn(Transform& t, const Value& v) {
  if (!v.is_string() || v.as_string().starts_with("arn:")) return v;
  if (const aws_tables::ManagedPolicy* p = aws_tables::find_managed_policy(v.as_string())) return t.str(p->arn);
  return v;
}

}  // namespace

void sam_policies(Transform& t, const std::string& owner, const Value& policies, std::vector<Value>& managed,
                  std::vector<Value>& inline_policies) {
  std::vector<Value> items;
  if (policies.is_list())
    items.assign(policies.as_list().begin(), policies.as_list().end());
  else if (!policies.is_null())
    items.push_back(policies);
  Location where = t.location_of(owner);
  for (size_t i = 0; i < items.size(); ++i) {
    const Value& p = items[i];
    std::string name = cat(owner, "RolePolicy", i);
    if (p.is_string() || is_intrinsic(p)) {
      managed.push_back(managed_arn(t, p));
    } else if (p.is_map() && member(p, "Statement")) {
      inline_policies.push_back(t.map({{"PolicyName", t.str(name)}, {"PolicyDocument", p}}));
    } else if (p.is_map() && p.as_map().size == 1) {
      std::string_view tpl = p.as_map().members[0].key.as_string();
      Value statements = policy_template(t, tpl, p.as_map().members[0].value, where);
      if (statements.is_null()) {
        t.warn(cat("resource ", owner, ": unknown SAM policy template ", tpl, "; skipped"), where);
        continue;
      }
      inline_policies.push_back(
          t.map({{"PolicyName", t.str(name)}, {"PolicyDocument", t.map({{"Statement", statements}})}}));
    } else {
      t.warn(cat("resource ", owner, ": Policies item ", i, " is neither a policy name, a document nor a template"),
             where);
    }
  }
}

Value function_role(Transform& t, const std::string& fn, const Value& props, std::string_view principal,
                    std::vector<Value> managed) {
  std::vector<Value> inline_policies;
  if (const Value* p = member(props, "Policies")) sam_policies(t, fn, *p, managed, inline_policies);
  if (member(props, "VpcConfig"))
    managed.push_back(t.str("arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"));
  if (text(member(props, "Tracing")) == "Active")
    managed.push_back(t.str("arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"));
  if (const Value* dlq = member(props, "DeadLetterQueue"); dlq && dlq->is_map()) {
    std::string type = text(member(*dlq, "Type"));
    const Value* target = member(*dlq, "TargetArn");
    Value action = t.str(type == "SNS" ? "sns:Publish" : "sqs:SendMessage");
    inline_policies.push_back(t.map(
        {{"PolicyName", t.str("DeadLetterQueuePolicy")},
         {"PolicyDocument",
          t.map({{"Version", t.str("2012-10-17")},
                 {"Statement", t.list({t.map({{"Action", action},
                                              {"Effect", t.str("Allow")},
                                              {"Resource", target ? *target : Value()}})})}})}}));
  }
  Transform::RoleAdditions& more = t.role_additions(fn);
  for (const Value& m : more.managed_arns) managed.push_back(m);
  for (const auto& [name, statements] : more.policies)
    inline_policies.push_back(
        t.map({{"PolicyName", t.str(name)}, {"PolicyDocument", t.map({{"Statement", statements}})}}));
  // One ARN once (two SQS events add the SQS policy once).
  std::vector<Value> unique;
  absl::flat_hash_set<std::string> seen;
  for (const Value& m : managed) {
    std::string key;
    write_json(m, key);
    if (seen.insert(key).second) unique.push_back(m);
  }
  // A Function's AssumeRolePolicyDocument replaces SAM's default trust policy.
  Value assume = member(props, "AssumeRolePolicyDocument") ? *member(props, "AssumeRolePolicyDocument") : t.map(
      {{"Version", t.str("2012-10-17")},
       {"Statement", t.list({t.map({{"Action", t.list({t.str("sts:AssumeRole")})},
                                    {"Effect", t.str("Allow")},
                                    {"Principal", t.map({{"Service", t.list({t.str(principal)})}})}})})}});
  return t.map({{"AssumeRolePolicyDocument", assume},
                {"ManagedPolicyArns", unique.empty() ? Value() : t.list(unique)},
                {"Policies", inline_policies.empty() ? Value() : t.list(inline_policies)},
                {"PermissionsBoundary", member(props, "PermissionsBoundary") ? *member(props, "PermissionsBoundary")
                                                                             : Value()},
                {"Path", member(props, "RolePath") ? *member(props, "RolePath") : Value()},
                {"Tags", t.list({t.map({{"Key", t.str("lambda:createdBy")}, {"Value", t.str("SAM")}})})}});
}

}  // namespace moat::sam
