// AWS::IAM::* -> aws.iam.*
#include "documents/aws_tables/aws_tables.h"
#include "documents/cloudformation/cfn_normalize.h"
#include "documents/json_reader.h"

namespace moat::cfn {

namespace {

// [{name, statements}] from a Policies property.
Value inline_policies(ResourceContext& r, const Value& policies) {
  if (!policies.is_list()) return r.ids(policies);
  std::vector<Value> out;
  for (const Value& p : policies.as_list()) {
    MapBuilder b;
    if (const Value* name = member(p, "PolicyName")) b.set("name", r.ids(*name));
    const Value* doc = member(p, "PolicyDocument");
    b.set("statements", doc ? r.statements(*doc) : make_list(r.ctx.arena, {}));
    out.push_back(b.build(r.ctx));
  }
  return make_list(r.ctx.arena, out);
}

// The ARN a ManagedPolicyArns item names when the template alone decides
// it: a string, or a Fn::Sub whose only variable is the partition (how SAM
// and most templates write AWS-managed ARNs).
std::string managed_arn(const Value& raw) {
  if (raw.is_string()) return std::string(raw.as_string());
  const Value* sub = member(raw, "Fn::Sub");
  if (sub == nullptr || !sub->is_string()) return "";
  std::string s(sub->as_string());
  constexpr std::string_view kPartition = "${AWS::Partition}";
  if (size_t at = s.find(kPartition); at != std::string::npos) s.replace(at, kPartition.size(), "aws");
  return s.find("${") == std::string::npos ? s : "";
}

// `policies` (inline ones first) plus one {name, arn, managed: true,
// statements} per AWS-managed policy of ManagedPolicyArns that the compiled
// table knows, so statement rules see what AmazonDynamoDBFullAccess grants.
void set_policies(ResourceContext& r) {
  std::vector<Value> out;
  const Value* inline_p = r.get("Policies");
  if (inline_p) {
    Value v = inline_policies(r, *inline_p);
    if (!v.is_list()) {
      r.put("policies", v, "Policies");
      return;
    }
    for (const Value& p : v.as_list()) out.push_back(p);
  }
  size_t inline_count = out.size();
  if (const Value* arns = r.raw("ManagedPolicyArns"); arns && arns->is_list())
    for (const Value& item : arns->as_list()) {
      const aws_tables::ManagedPolicy* p = aws_tables::find_managed_policy(managed_arn(item));
      if (p == nullptr) continue;
      Value statements;
      if (!read_json(p->statements, r.ctx.arena, JsonLimits{}, &statements, nullptr)) continue;
      MapBuilder doc;
      doc.set("Statement", statements);
      MapBuilder b;
      b.set("name", r.ctx.str(p->name));
      b.set("arn", r.ctx.str(p->arn));
      b.set("managed", Value::boolean(true));
      b.set("statements", r.statements(doc.build(r.ctx)));
      out.push_back(b.build(r.ctx));
    }
  if (inline_p || out.size() > inline_count)
    r.put("policies", make_list(r.ctx.arena, out), inline_p ? "Policies" : "ManagedPolicyArns");
}

// Properties that list roles/users/groups by name: ids, plus "attached_to" edges.
void attachments(ResourceContext& r, std::string_view key, std::string_view path) {
  Value v = r.set(key, path, Conv::kList);
  const Value* resolved = r.get(path);
  if (resolved && resolved->is_list())
    for (const Value& item : resolved->as_list()) {
      std::string target = r.ref_id(item);
      if (!target.empty()) r.edge("attached_to", r.id, target);
    }
  (void)v;
}

void role(ResourceContext& r) {
  r.set("name", "RoleName");
  r.set("path", "Path");
  if (const Value* doc = r.get("AssumeRolePolicyDocument")) {
    r.put("assume_role_policy.statements", r.statements(*doc), "AssumeRolePolicyDocument");
  }
  set_policies(r);
  r.set("managed_policy_arns", "ManagedPolicyArns", Conv::kList);
  if (const Value* arns = r.get("ManagedPolicyArns"); arns && arns->is_list())
    for (const Value& a : arns->as_list()) {
      std::string target = r.ref_id(a);
      if (!target.empty()) r.edge("attached_to", target, r.id);
    }
  r.set_ref("permissions_boundary", "PermissionsBoundary");
  r.set("max_session_duration", "MaxSessionDuration", Conv::kInt);
}

void policy(ResourceContext& r) {
  r.put("managed", Value::boolean(false), "");
  r.set("name", "PolicyName");
  if (const Value* doc = r.get("PolicyDocument")) r.put("statements", r.statements(*doc), "PolicyDocument");
  attachments(r, "roles", "Roles");
  attachments(r, "users", "Users");
  attachments(r, "groups", "Groups");
}

void managed_policy(ResourceContext& r) {
  r.put("managed", Value::boolean(true), "");
  r.set("name", "ManagedPolicyName");
  r.set("path", "Path");
  if (const Value* doc = r.get("PolicyDocument")) r.put("statements", r.statements(*doc), "PolicyDocument");
  attachments(r, "roles", "Roles");
  attachments(r, "users", "Users");
  attachments(r, "groups", "Groups");
}

void role_policy(ResourceContext& r) {
  r.put("managed", Value::boolean(false), "");
  r.set("name", "PolicyName");
  if (const Value* doc = r.get("PolicyDocument")) r.put("statements", r.statements(*doc), "PolicyDocument");
  if (const Value* role = r.get("RoleName")) {
    Value one = r.ids(*role);
    r.put("roles", make_list(r.ctx.arena, std::span<const Value>(&one, 1)), "RoleName");
    std::string target = r.ref_id(*role);
    if (!target.empty()) r.edge("attached_to", r.id, target);
  }
}

void user(ResourceContext& r) {
  r.set("name", "UserName");
  set_policies(r);
  r.set("managed_policy_arns", "ManagedPolicyArns", Conv::kList);
  r.set("groups", "Groups", Conv::kList);
  r.set("login_profile", "LoginProfile", Conv::kSnake);
}

void group(ResourceContext& r) {
  r.set("name", "GroupName");
  set_policies(r);
  r.set("managed_policy_arns", "ManagedPolicyArns", Conv::kList);
}

void instance_profile(ResourceContext& r) {
  r.set("name", "InstanceProfileName");
  attachments(r, "roles", "Roles");
}

void access_key(ResourceContext& r) {
  r.set_ref("user", "UserName");
  r.set("status", "Status");
}

}  // namespace

std::vector<TypeSpec> iam_types() {
  return {
      {"AWS::IAM::Role", "aws.iam.role", role},
      {"AWS::IAM::Policy", "aws.iam.policy", policy},
      {"AWS::IAM::ManagedPolicy", "aws.iam.policy", managed_policy},
      {"AWS::IAM::RolePolicy", "aws.iam.policy", role_policy},
      {"AWS::IAM::User", "aws.iam.user", user},
      {"AWS::IAM::Group", "aws.iam.group", group},
      {"AWS::IAM::InstanceProfile", "aws.iam.instance_profile", instance_profile},
      {"AWS::IAM::AccessKey", "aws.iam.access_key", access_key},
  };
}

}  // namespace moat::cfn
