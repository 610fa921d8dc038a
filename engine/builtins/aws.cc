// AWS builtins: ARNs, IAM action and resource patterns, principals.
//
// IAM policies are written in their own little language (wildcard actions,
// wildcard resources, principal maps), and rules about them should use IAM's
// semantics, not a regex approximation: actions match case-insensitively,
// resources case-sensitively, and `*`/`?` are the only metacharacters (see
// iam_wildcard.h).
//
// Access levels and the high-risk list are heuristics over action verbs
// (no IAM dataset ships with Moat); their rules are written in the summaries
// so that `moat builtins` tells a policy author exactly what they get.
#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "builtins/builtin.h"
#include "builtins/iam_wildcard.h"
#include "builtins/util.h"
#include "value/build.h"

namespace moat {
namespace {

char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower_ascii(a[i]) != lower_ascii(b[i])) return false;
  return true;
}

bool icontains(std::string_view s, std::string_view part) {
  for (size_t i = 0; i + part.size() <= s.size(); ++i)
    if (iequals(s.substr(i, part.size()), part)) return true;
  return false;
}

bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

// Attacker-controlled text is echoed into messages, so keep it short.
std::string quoted(std::string_view s) {
  constexpr size_t kMax = 64;
  if (s.size() <= kMax) return "'" + std::string(s) + "'";
  return "'" + std::string(s.substr(0, kMax)) + "...'";
}

// ---------------------------------------------------------------- ARNs

Value parse_arn_fn(CallContext& ctx, std::span<const Value> args) {
  if (!args[0].is_string()) return ctx.type_error("parse_arn", "s", "string", args[0]);
  std::string_view s = args[0].as_string();
  // arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, where only RESOURCE may
  // contain further colons.
  std::array<std::string_view, 6> part;
  std::string_view rest = s;
  bool ok = true;
  for (size_t i = 0; i < 5 && ok; ++i) {
    size_t colon = rest.find(':');
    ok = colon != std::string_view::npos;
    if (!ok) break;
    part[i] = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  part[5] = rest;
  if (!ok || part[0] != "arn" || part[1].empty() || part[2].empty())
    return ctx.error("parse_error", "parse_arn: " + quoted(s) + " is not an ARN");
  std::string_view resource = part[5];
  size_t sep = resource.find_first_of("/:");
  std::string_view type =
      sep == std::string_view::npos ? std::string_view() : resource.substr(0, sep);
  std::string_view id = sep == std::string_view::npos ? resource : resource.substr(sep + 1);
  // The parts point into the argument, which outlives the call's result.
  Member members[] = {
      {Value::string("partition"), Value::string(part[1])},
      {Value::string("service"), Value::string(part[2])},
      {Value::string("region"), Value::string(part[3])},
      {Value::string("account"), Value::string(part[4])},
      {Value::string("resource"), Value::string(resource)},
      {Value::string("resource_type"), Value::string(type)},
      {Value::string("resource_id"), Value::string(id)},
  };
  return make_map_unique(ctx.arena(), members);
}

// ---------------------------------------------------------------- actions

bool two_strings(CallContext& ctx, std::span<const Value> a, std::string_view fn,
                 std::string_view p0, std::string_view p1, Value* err) {
  if (!a[0].is_string()) {
    *err = ctx.type_error(fn, p0, "string", a[0]);
    return false;
  }
  if (!a[1].is_string()) {
    *err = ctx.type_error(fn, p1, "string", a[1]);
    return false;
  }
  return true;
}

Value action_matches_fn(CallContext& ctx, std::span<const Value> args) {
  Value err;
  if (!two_strings(ctx, args, "action_matches", "pattern", "action", &err)) return err;
  return Value::boolean(iam_wildcard_match(args[0].as_string(), args[1].as_string(), true));
}

Value resource_matches_fn(CallContext& ctx, std::span<const Value> args) {
  Value err;
  if (!two_strings(ctx, args, "resource_matches", "pattern", "arn", &err)) return err;
  return Value::boolean(iam_wildcard_match(args[0].as_string(), args[1].as_string(), false));
}

struct Action {
  std::string_view service;
  std::string_view name;
};

// "s3:GetObject" -> {s3, GetObject}; "*" -> {*, *}; anything else without a
// colon is not an action.
bool split_action(std::string_view a, Action* out) {
  if (a == "*") {
    *out = {a, a};
    return true;
  }
  size_t colon = a.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  *out = {a.substr(0, colon), a.substr(colon + 1)};
  return true;
}

Value action_arg(CallContext& ctx, std::string_view fn, const Value& v, Action* out) {
  if (!v.is_string()) return ctx.type_error(fn, "action", "string", v);
  if (!split_action(v.as_string(), out))
    return ctx.error("parse_error", std::string(fn) + ": " + quoted(v.as_string()) +
                                        " is not an IAM action (service:Name)");
  return Value::null();
}

Value action_service_fn(CallContext& ctx, std::span<const Value> args) {
  Action a;
  if (Value err = action_arg(ctx, "action_service", args[0], &a); err.is_error()) return err;
  char* p = static_cast<char*>(ctx.arena().allocate(a.service.size() ? a.service.size() : 1, 1));
  for (size_t i = 0; i < a.service.size(); ++i) p[i] = lower_ascii(a.service[i]);
  return Value::string({p, a.service.size()});
}

Value action_name_fn(CallContext& ctx, std::span<const Value> args) {
  Action a;
  if (Value err = action_arg(ctx, "action_name", args[0], &a); err.is_error()) return err;
  return Value::string(a.name);
}

// Whether the action name begins with the CamelCase word `verb`
// ("GetObject" has verb Get, "Getaway" would not). A name written all in
// lower case has no word boundaries, so there a plain prefix counts.
bool has_verb(std::string_view name, std::string_view verb) {
  if (name.size() < verb.size() || !iequals(name.substr(0, verb.size()), verb)) return false;
  if (name.size() == verb.size()) return true;
  char next = name[verb.size()];
  if (!(next >= 'a' && next <= 'z')) return true;
  for (char c : name)
    if (c >= 'A' && c <= 'Z') return false;
  return true;
}

bool has_any_verb(std::string_view name, std::span<const std::string_view> verbs) {
  for (std::string_view v : verbs)
    if (has_verb(name, v)) return true;
  return false;
}

constexpr std::string_view kReadVerbs[] = {"Get",      "Describe", "Head",   "BatchGet", "Query",
                                           "Scan",     "Select",   "Lookup", "Search",   "Download",
                                           "Receive",  "View",     "Filter", "Simulate", "Validate",
                                           "Estimate", "Retrieve"};

constexpr std::string_view kWriteVerbs[] = {
    "Put",       "Create",    "Delete",       "Update",    "Attach",     "Detach",      "Add",
    "Remove",    "Set",       "Send",         "Publish",   "Invoke",     "Start",       "Stop",
    "Run",       "Modify",    "Enable",       "Disable",   "Replace",    "Restore",     "Upload",
    "Copy",      "Associate", "Disassociate", "Register",  "Deregister", "Import",      "Export",
    "Reset",     "Reboot",    "Terminate",    "Cancel",    "Change",     "Batch",       "Complete",
    "Abort",     "Apply",     "Authorize",    "Revoke",    "Allocate",   "Release",     "Accept",
    "Reject",    "Encrypt",   "Decrypt",      "ReEncrypt", "Generate",   "Sign",        "Execute",
    "Submit",    "Rotate",    "Purge",        "Write",     "Increase",   "Decrease",    "Promote",
    "Initiate",  "Schedule",  "Retry",        "Resume",    "Pause",      "Rename",      "Move",
    "Post",      "Transact",  "Confirm",      "Respond",   "Subscribe",  "Unsubscribe", "Request",
    "Deploy",    "Install",   "Merge",        "Link",      "Unlink",     "Assign",      "Unassign",
    "Pass",      "Assume",    "Grant",        "Retire",    "Activate",   "Deactivate",  "Archive",
    "Unarchive", "Restart",   "Flush",        "Sync",      "Notify",     "Signal",      "Claim",
    "Verify",    "Connect",   "Disconnect",   "Emit",      "Ingest",     "Push",        "Purchase",
    "Provision", "Reload",    "Recover",      "Undeploy",  "Patch",      "Edit",        "Save",
    "Open",      "Close",     "Lock",         "Unlock",    "Force",      "Share",       "Unshare",
    "Migrate",   "Build",     "Continue",     "Approve",   "Invite"};

// Mutating verbs that, with a policy/permission/grant noun, change who may do
// what.
constexpr std::string_view kPolicyVerbs[] = {"Put",    "Set",    "Create", "Delete", "Update",
                                             "Attach", "Detach", "Add",    "Remove", "Replace",
                                             "Modify", "Grant",  "Revoke", "Retire"};

// "Policy" names that configure something other than access.
constexpr std::string_view kNonAccessPolicies[] = {"ScalingPolicy",   "LifecyclePolicy",
                                                   "RetentionPolicy", "BackupPolicy",
                                                   "StoragePolicy",   "TieringPolicy"};

// Services whose every change is a change to who may do what (AWS's own
// reference classifies iam:CreateUser and iam:CreateAccessKey, not only the
// policy actions, as permissions management).
constexpr std::string_view kIdentityServices[] = {"iam",           "sso", "sso-directory",
                                                  "identitystore", "ram", "cognito-identity"};

bool changes_permissions(const Action& a) {
  std::string_view name = a.name;
  if (iequals(a.service, "sts")) return has_verb(name, "AssumeRole");
  for (std::string_view s : kIdentityServices)
    if (iequals(a.service, s)) return true;
  if (!has_any_verb(name, kPolicyVerbs) && !has_verb(name, "Reset") && !has_verb(name, "Rotate") &&
      !has_verb(name, "Import"))
    return false;
  for (std::string_view noun :
       {"Permission", "Grant", "Credential", "Password", "SnapshotAttribute", "ImageAttribute"})
    if (icontains(name, noun)) return true;
  if (has_verb(name, "Put") && iends_with(name, "Acl")) return true;
  // Topic and queue attributes include their access policy.
  if ((iequals(a.service, "sns") || iequals(a.service, "sqs")) && has_verb(name, "Set") &&
      iends_with(name, "Attributes"))
    return true;
  if (!icontains(name, "Policy")) return false;
  // Auto Scaling's "policies" are scaling policies.
  if (iequals(a.service, "autoscaling") || iequals(a.service, "application-autoscaling"))
    return false;
  for (std::string_view p : kNonAccessPolicies)
    if (icontains(name, p)) return false;
  return true;
}

bool is_tagging(std::string_view name) {
  if (has_verb(name, "Tag") || has_verb(name, "Untag")) return true;
  for (std::string_view v : {"AddTags", "RemoveTags", "CreateTags", "DeleteTags"})
    if (has_verb(name, v)) return true;
  return (has_verb(name, "Put") || has_verb(name, "Delete")) && iends_with(name, "Tagging");
}

std::string_view access_level(const Action& a) {
  std::string_view name = a.name;
  if (name.find_first_of("*?") != std::string_view::npos) return "wildcard";
  if (name.empty()) return "unknown";
  if (iequals(a.service, "apigateway")) {
    // API Gateway's management actions are HTTP methods.
    if (iequals(name, "GET") || iequals(name, "HEAD") || iequals(name, "OPTIONS")) return "read";
    if (iequals(name, "POST") || iequals(name, "PUT") || iequals(name, "PATCH") ||
        iequals(name, "DELETE"))
      return "write";
  }
  if (is_tagging(name)) return "tagging";
  if (has_verb(name, "List")) return "list";
  if (has_any_verb(name, kReadVerbs)) return "read";
  if (changes_permissions(a)) return "permissions";
  if (has_any_verb(name, kWriteVerbs)) return "write";
  return "unknown";
}

Value action_access_level_fn(CallContext& ctx, std::span<const Value> args) {
  Action a;
  if (Value err = action_arg(ctx, "action_access_level", args[0], &a); err.is_error()) return err;
  return Value::string(access_level(a));
}

// Single actions that escalate privilege on their own or as the second half
// of an iam:PassRole combination: the Rhino Security Labs methods plus the
// extensions Prowler and pathfinding.cloud track (CodeBuild, ECS, SageMaker,
// SSM, App Runner, permissions boundaries).
constexpr std::string_view kHighRiskActions[] = {
    "iam:PassRole",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:AddUserToGroup",
    "iam:UpdateAssumeRolePolicy",
    "iam:PutUserPermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
    "sts:AssumeRole",
    "lambda:CreateFunction",
    "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration",
    "lambda:AddPermission",
    "lambda:CreateEventSourceMapping",
    "lambda:InvokeFunction",
    "glue:CreateDevEndpoint",
    "glue:UpdateDevEndpoint",
    "glue:CreateJob",
    "glue:UpdateJob",
    "cloudformation:CreateStack",
    "cloudformation:UpdateStack",
    "cloudformation:CreateChangeSet",
    "cloudformation:ExecuteChangeSet",
    "datapipeline:CreatePipeline",
    "datapipeline:PutPipelineDefinition",
    "ec2:RunInstances",
    "ssm:SendCommand",
    "ssm:StartSession",
    "codebuild:CreateProject",
    "codebuild:UpdateProject",
    "codebuild:StartBuild",
    "ecs:RegisterTaskDefinition",
    "ecs:RunTask",
    "ecs:StartTask",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreatePresignedNotebookInstanceUrl",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "apprunner:CreateService",
    "apprunner:UpdateService",
};

Value is_high_risk_action_fn(CallContext& ctx, std::span<const Value> args) {
  if (!args[0].is_string())
    return ctx.type_error("is_high_risk_action", "action", "string", args[0]);
  std::string_view action = args[0].as_string();
  for (std::string_view risky : kHighRiskActions)
    if (iam_wildcard_match(action, risky, true)) return Value::boolean(true);
  return Value::boolean(false);
}

// ---------------------------------------------------------------- principals

// Most permissive last: the class of a set of principals is its maximum.
enum class PrincipalClass {
  kOther,
  kService,
  kUser,
  kRole,
  kFederated,
  kCanonicalUser,
  kAccount,
  kWildcard
};

std::string_view principal_class_name(PrincipalClass c) {
  switch (c) {
    case PrincipalClass::kOther: return "other";
    case PrincipalClass::kService: return "service";
    case PrincipalClass::kUser: return "user";
    case PrincipalClass::kRole: return "role";
    case PrincipalClass::kFederated: return "federated";
    case PrincipalClass::kCanonicalUser: return "canonical_user";
    case PrincipalClass::kAccount: return "account";
    case PrincipalClass::kWildcard: return "wildcard";
  }
  return "other";
}

bool all_chars(std::string_view s, size_t n, bool (*ok)(char)) {
  if (s.size() != n) return false;
  for (char c : s)
    if (!ok(c)) return false;
  return true;
}
bool is_dec(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_dec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Identity-provider host names that only appear as federated principals.
constexpr std::string_view kFederationHosts[] = {"cognito-identity.amazonaws.com",
                                                 "accounts.google.com", "graph.facebook.com",
                                                 "www.amazon.com", "appleid.apple.com"};

// `key` is the principal map's key ("AWS", "Service", ...) or empty for a
// bare string (AWS::Lambda::Permission's Principal, S3's Principal: "*").
PrincipalClass classify_principal(std::string_view p, std::string_view key) {
  // IAM rejects partial wildcards in principals ("arn:aws:iam::*:root"); a
  // template that has one is broken, and reading it as the wildcard it
  // resembles errs on the side of a finding.
  if (p.find('*') != std::string_view::npos) return PrincipalClass::kWildcard;
  if (key == "Federated") return PrincipalClass::kFederated;
  if (key == "Service") return PrincipalClass::kService;
  if (key == "CanonicalUser") return PrincipalClass::kCanonicalUser;
  if (all_chars(p, 12, is_dec)) return PrincipalClass::kAccount;
  if (p.starts_with("arn:")) {
    // arn:PARTITION:SERVICE::ACCOUNT:RESOURCE
    std::string_view rest = p.substr(4);
    std::array<std::string_view, 4> f;
    for (std::string_view& field : f) {
      size_t colon = rest.find(':');
      if (colon == std::string_view::npos) return PrincipalClass::kOther;
      field = rest.substr(0, colon);
      rest.remove_prefix(colon + 1);
    }
    std::string_view service = f[1];
    if (service == "iam") {
      if (rest == "root") return PrincipalClass::kAccount;
      if (rest.starts_with("role/")) return PrincipalClass::kRole;
      if (rest.starts_with("user/")) return PrincipalClass::kUser;
      if (rest.starts_with("saml-provider/") || rest.starts_with("oidc-provider/"))
        return PrincipalClass::kFederated;
    } else if (service == "sts") {
      if (rest.starts_with("assumed-role/")) return PrincipalClass::kRole;
      if (rest.starts_with("federated-user/")) return PrincipalClass::kFederated;
    }
    return PrincipalClass::kOther;
  }
  if (key.empty()) {
    for (std::string_view host : kFederationHosts)
      if (iequals(p, host)) return PrincipalClass::kFederated;
    if (iends_with(p, ".amazonaws.com") || iends_with(p, ".amazonaws.com.cn"))
      return PrincipalClass::kService;
    if (all_chars(p, 64, is_hex)) return PrincipalClass::kCanonicalUser;
  }
  return PrincipalClass::kOther;
}

// The IAM key of a principal map key: the raw policy shape ("Service") or
// the normalized statement shape (docs/documents.md: "service", "aws",
// "federated", "canonical_user"), so both classify alike.
std::string_view iam_principal_key(std::string_view key) {
  if (key == "service") return "Service";
  if (key == "federated") return "Federated";
  if (key == "canonical_user") return "CanonicalUser";
  if (key == "aws") return "AWS";
  return key;
}

// Walks a principal (string, list, or {"AWS": ..., "Service": ...} map),
// keeping the most permissive class and the first undefined element by the
// VM's precedence (error, unknown, missing). Returns an error value for a
// wrong type; null otherwise.
struct PrincipalWalk {
  CallContext& ctx;
  std::string_view fn;
  PrincipalClass best = PrincipalClass::kOther;
  const Value* undefined = nullptr;

  Value visit(const Value& v, std::string_view key, int depth) {
    // Deep enough for {"AWS": [..]} inside a list; a deeper value is not a
    // principal, and refusing it keeps hostile nesting off the stack.
    constexpr int kMaxDepth = 4;
    if (depth > kMaxDepth)
      return ctx.error("type_error", std::string(fn) + ": principal nested too deeply");
    switch (v.kind()) {
      case Kind::kString:
        best = std::max(best, classify_principal(v.as_string(), key));
        return Value::null();
      case Kind::kInt:
        // YAML reads an unquoted account id as a number.
        best = std::max(best, PrincipalClass::kAccount);
        return Value::null();
      case Kind::kList:
        for (const Value& item : items_of(v))
          if (Value err = visit(item, key, depth + 1); err.is_error()) return err;
        return Value::null();
      case Kind::kMap:
        for (const Member& m : v.as_map())
          if (Value err = visit(m.value, iam_principal_key(m.key.as_string()), depth + 1); err.is_error())
            return err;
        return Value::null();
      case Kind::kMissing:
      case Kind::kUnknown:
      case Kind::kError: note_undefined(v); return Value::null();
      default: return ctx.type_error(fn, "p", "string, list or map", v);
    }
  }

  void note_undefined(const Value& v) {
    auto rank = [](const Value* x) { return x->is_error() ? 3 : x->is_unknown() ? 2 : 1; };
    if (undefined == nullptr || rank(&v) > rank(undefined)) undefined = &v;
  }

  // The undefined element to return instead of the class, when it could be
  // a wildcard and so change the answer.
  const Value* pending() const { return best == PrincipalClass::kWildcard ? nullptr : undefined; }
};

Value principal_class_fn(CallContext& ctx, std::span<const Value> args) {
  PrincipalWalk walk{ctx, "principal_class"};
  if (Value err = walk.visit(args[0], "", 0); err.is_error()) return err;
  if (const Value* u = walk.pending()) return *u;
  return Value::string(principal_class_name(walk.best));
}

Value is_public_principal_fn(CallContext& ctx, std::span<const Value> args) {
  PrincipalWalk walk{ctx, "is_public_principal"};
  if (Value err = walk.visit(args[0], "", 0); err.is_error()) return err;
  if (const Value* u = walk.pending()) return *u;
  return Value::boolean(walk.best == PrincipalClass::kWildcard);
}

}  // namespace

void register_aws_builtins(BuiltinRegistry& r) {
  r.add({
      .name = "parse_arn",
      .family = "aws",
      .params = {{"s", Type::kString}},
      .result = Type::kMap,
      .summary = "Splits an ARN into {partition, service, region, account, resource, "
                 "resource_type, resource_id}; resource_type and resource_id split the resource "
                 "at its first '/' or ':' (with neither, resource_type is empty and resource_id "
                 "is the whole resource). Error parse_error unless it starts with 'arn:' and has "
                 "six colon-separated parts with a partition and a service.",
      .example = R"(parse_arn("arn:aws:iam::123456789012:role/app").resource_id == "app")",
      .fn = parse_arn_fn,
  });
  r.add({
      .name = "action_matches",
      .family = "aws",
      .params = {{"pattern", Type::kString}, {"action", Type::kString}},
      .result = Type::kBool,
      .summary = "IAM action matching: case-insensitive, '*' matches any run of characters and "
                 "'?' any one character, anywhere in the pattern. Linear time.",
      .example =
          R"(action_matches("s3:Get*", "S3:getobject") and not action_matches("s3:Get*", "s3:PutObject"))",
      .fn = action_matches_fn,
  });
  r.add({
      .name = "resource_matches",
      .family = "aws",
      .params = {{"pattern", Type::kString}, {"arn", Type::kString}},
      .result = Type::kBool,
      .summary = "IAM resource matching: case-sensitive, '*' matches any run of characters "
                 "(including '/' and ':') and '?' any one character. Linear time.",
      .example = R"(resource_matches("arn:aws:s3:::logs-*/*", "arn:aws:s3:::logs-prod/2026/a.gz"))",
      .fn = resource_matches_fn,
  });
  r.add({
      .name = "action_service",
      .family = "aws",
      .params = {{"action", Type::kString}},
      .result = Type::kString,
      .summary = "The service prefix of an IAM action, lower-cased ('*' for the action '*'). "
                 "Error parse_error without a colon.",
      .example = R"(action_service("S3:GetObject") == "s3")",
      .fn = action_service_fn,
  });
  r.add({
      .name = "action_name",
      .family = "aws",
      .params = {{"action", Type::kString}},
      .result = Type::kString,
      .summary = "The part of an IAM action after the service prefix, as written ('*' for the "
                 "action '*'). Error parse_error without a colon.",
      .example = R"(action_name("lambda:InvokeFunction") == "InvokeFunction")",
      .fn = action_name_fn,
  });
  r.add({
      .name = "action_access_level",
      .family = "aws",
      .params = {{"action", Type::kString}},
      .result = Type::kString,
      .summary =
          "Access level by verb, checked in this order: 'wildcard' if the name has '*' or '?'; "
          "'tagging' for Tag*, Untag*, AddTags*, RemoveTags*, CreateTags, DeleteTags, "
          "Put/Delete*Tagging; 'list' for List*; 'read' for Get*, Describe*, Head*, BatchGet*, "
          "Query, Scan, Select*, Lookup*, Search*, Download*, Receive*, View*, Filter*, "
          "Simulate*, Validate*, Estimate*, Retrieve*; 'permissions' for any other action of "
          "iam, sso, sso-directory, identitystore, ram and cognito-identity, for "
          "sts:AssumeRole*, and elsewhere for mutating verbs on a Policy (not scaling, "
          "lifecycle, retention, backup, storage or tiering policies), a Permission, a Grant, a "
          "Credential, a Password or a snapshot/image attribute, Put*Acl, and SNS/SQS "
          "Set*Attributes; 'write' for other mutating verbs (Put, Create, Delete, Update, Send, "
          "Invoke, Start, Run, ...); API Gateway's GET/POST/... map to read/write; else "
          "'unknown'.",
      .example =
          R"(action_access_level("iam:PutRolePolicy") == "permissions" and action_access_level("s3:GetObject") == "read")",
      .fn = action_access_level_fn,
  });
  r.add({
      .name = "is_high_risk_action",
      .family = "aws",
      .params = {{"action", Type::kString}},
      .result = Type::kBool,
      .summary = "Whether the action, or any action its wildcards cover, is one of the "
                 "privilege-escalation actions of the Rhino Security Labs methods and Prowler's "
                 "extensions: iam:PassRole, policy versions and attachments, inline policies, "
                 "access keys and login profiles, group membership, trust policies, permissions "
                 "boundaries, sts:AssumeRole, Lambda create/update/invoke/permission/event source "
                 "mapping, Glue dev endpoints and jobs, CloudFormation stacks and change sets, "
                 "Data Pipeline, ec2:RunInstances, SSM commands and sessions, CodeBuild projects, "
                 "ECS tasks, SageMaker notebooks and jobs, App Runner services.",
      .example = R"(is_high_risk_action("iam:*") and not is_high_risk_action("s3:GetObject"))",
      .fn = is_high_risk_action_fn,
  });
  r.add({
      .name = "principal_class",
      .family = "aws",
      .params = {{"p", Type::kAny}},
      .result = Type::kString,
      .summary = "Classifies a policy principal (a string, a list, or a map such as {AWS: ..., "
                 "Service: ..., Federated: ...}, or the normalized {aws, service, federated, "
                 "canonical_user} of the document model): wildcard ('*', or any principal containing '*'), "
                 "account (12-digit id or "
                 ":root ARN), canonical_user, federated (Federated key, identity providers, "
                 "SAML/OIDC providers), role (role or assumed-role ARN), user, service "
                 "(Service key or *.amazonaws.com), other. With several principals the most "
                 "permissive wins, in that order.",
      .example =
          R"(principal_class({AWS: ["arn:aws:iam::123456789012:role/a", "123456789012"]}) == "account")",
      .fn = principal_class_fn,
  });
  r.add({
      .name = "is_public_principal",
      .family = "aws",
      .params = {{"p", Type::kAny}},
      .result = Type::kBool,
      .summary = "Whether principal_class is wildcard: anyone, in any account.",
      .example =
          R"(is_public_principal({AWS: "*"}) and not is_public_principal("s3.amazonaws.com"))",
      .fn = is_public_principal_fn,
  });
}

}  // namespace moat
