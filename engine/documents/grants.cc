// `grants` edges (see grants.h and docs/documents.md, "Grants").
//
// Cost: a template may have 10,000 resources and hundreds of roles, so no
// statement is compared with every resource. Targets are indexed by IAM
// service (which actions apply) and, per ARN service, by the resource part
// of their ARN (sorted, for a pattern's literal prefix, and hashed, for the
// bucket an object pattern lives in); a role's grants are computed once and
// shared by every function that assumes it.
#include "documents/grants.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "builtins/iam_wildcard.h"
#include "documents/aws_tables/aws_tables.h"
#include "documents/document.h"
#include "documents/json_reader.h"
#include "value/build.h"

namespace moat {
namespace {

using cfn::cat;
using cfn::member;

// What `Ref` returns for a resource, as far as a statement resource built
// with Fn::Sub/Fn::Join cares: the name, the ARN, or something that is
// neither (a queue URL).
enum class RefIs { kName, kArn, kOther };

// A resource type that IAM statements can name, and how its ARN is built:
// arn:<partition>:<arn_service>:<region>:<account>:<part_prefix><name>.
struct TargetKind {
  std::string_view type;
  std::string_view arn_service;
  std::string_view part_prefix;
  char sub;         // separator of the resources inside it (objects, indexes, qualifiers), or 0
  bool regional;    // false: the ARN's region is empty (S3, IAM)
  bool in_account;  // false: the ARN's account is empty (S3)
  bool named;       // false: the ARN holds an id AWS generates (API id, key id), never in the model
  RefIs ref;
  std::array<std::string_view, 2> iam_services;  // action prefixes that apply ("" = none)
  std::array<std::string_view, 2> name_keys;     // normalized properties holding the name, first wins
  std::string_view name_attribute;               // the Fn::GetAtt attribute that is the name (or id)
};

// Only these types are targets: IAM-addressable resources. Configuration
// resources (permissions, mappings, methods, policies) are never granted to.
constexpr TargetKind kTargets[] = {
    {"aws.s3.bucket", "s3", "", '/', false, false, true, RefIs::kName, {"s3", ""}, {"name", ""}, ""},
    {"aws.sqs.queue", "sqs", "", 0, true, true, true, RefIs::kOther, {"sqs", ""}, {"name", ""}, "QueueName"},
    {"aws.sns.topic", "sns", "", 0, true, true, true, RefIs::kArn, {"sns", ""}, {"name", ""}, "TopicName"},
    {"aws.dynamodb.table", "dynamodb", "table/", '/', true, true, true, RefIs::kName, {"dynamodb", ""}, {"name", "table_name"}, ""},
    {"aws.dynamodb.global_table", "dynamodb", "table/", '/', true, true, true, RefIs::kName, {"dynamodb", ""}, {"table_name", "name"}, ""},
    {"aws.lambda.function", "lambda", "function:", ':', true, true, true, RefIs::kName, {"lambda", ""}, {"function_name", "name"}, ""},
    {"aws.lambda.layer", "lambda", "layer:", ':', true, true, true, RefIs::kArn, {"lambda", ""}, {"name", ""}, ""},
    {"aws.secretsmanager.secret", "secretsmanager", "secret:", '-', true, true, true, RefIs::kArn, {"secretsmanager", ""}, {"name", ""}, ""},
    {"aws.kinesis.stream", "kinesis", "stream/", '/', true, true, true, RefIs::kName, {"kinesis", ""}, {"name", ""}, ""},
    {"aws.kinesisfirehose.delivery_stream", "firehose", "deliverystream/", 0, true, true, true, RefIs::kName, {"firehose", ""}, {"delivery_stream_name", "name"}, ""},
    {"aws.ssm.parameter", "ssm", "parameter/", 0, true, true, true, RefIs::kName, {"ssm", ""}, {"name", ""}, ""},
    {"aws.logs.log_group", "logs", "log-group:", ':', true, true, true, RefIs::kName, {"logs", ""}, {"name", ""}, ""},
    {"aws.events.rule", "events", "rule/", 0, true, true, true, RefIs::kName, {"events", ""}, {"name", ""}, ""},
    {"aws.events.event_bus", "events", "event-bus/", 0, true, true, true, RefIs::kName, {"events", ""}, {"name", ""}, "Name"},
    {"aws.stepfunctions.state_machine", "states", "stateMachine:", ':', true, true, true, RefIs::kArn, {"states", ""}, {"name", ""}, "Name"},
    {"aws.kms.key", "kms", "key/", 0, true, true, false, RefIs::kName, {"kms", ""}, {"", ""}, "KeyId"},
    {"aws.iam.role", "iam", "role/", 0, false, true, true, RefIs::kName, {"iam", ""}, {"name", ""}, ""},
    {"aws.iam.user", "iam", "user/", 0, false, true, true, RefIs::kName, {"iam", ""}, {"name", ""}, ""},
    {"aws.cognito.user_pool", "cognito-idp", "userpool/", 0, true, true, false, RefIs::kName, {"cognito-idp", ""}, {"", ""}, "UserPoolId"},
    {"aws.cognito.identity_pool", "cognito-identity", "identitypool/", 0, true, true, false, RefIs::kName, {"cognito-identity", ""}, {"", ""}, ""},
    {"aws.apigateway.rest_api", "execute-api", "", '/', true, true, false, RefIs::kName, {"execute-api", "apigateway"}, {"", ""}, "RestApiId"},
    {"aws.apigateway.http_api", "execute-api", "", '/', true, true, false, RefIs::kName, {"execute-api", "apigateway"}, {"", ""}, "ApiId"},
    {"aws.ecr.repository", "ecr", "repository/", 0, true, true, true, RefIs::kName, {"ecr", ""}, {"repository_name", "name"}, ""},
    {"aws.cloudwatch.alarm", "cloudwatch", "alarm:", 0, true, true, true, RefIs::kName, {"cloudwatch", ""}, {"alarm_name", "name"}, ""},
};

const TargetKind* target_kind(std::string_view type) {
  for (const TargetKind& k : kTargets)
    if (k.type == type) return &k;
  return nullptr;
}

// Text that stands for a part no pattern can match (an attribute other than
// the ARN, a resource that is not a target): "\x02" never occurs in an ARN.
constexpr std::string_view kNoMatch = "\x02";

bool has_wildcard(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

// The six fields of an ARN or ARN pattern (arn, partition, service, region,
// account, resource part), split at the first five colons; nullopt when it
// has fewer than five.
std::optional<std::array<std::string_view, 6>> arn_fields(std::string_view s) {
  std::array<std::string_view, 6> f;
  size_t pos = 0;
  for (size_t i = 0; i < 5; ++i) {
    size_t colon = s.find(':', pos);
    if (colon == std::string_view::npos) return std::nullopt;
    f[i] = s.substr(pos, colon - pos);
    pos = colon + 1;
  }
  f[5] = s.substr(pos);
  return f;
}

// One statement as the pass reads it, from the normalized shape or from the
// compiled managed-policy table (AWS's own keys).
struct Statement {
  bool allow = false;
  bool deny = false;
  std::vector<std::string_view> actions, not_actions;  // known strings only
  std::vector<Value> resources, not_resources;         // strings or unknowns
  bool conditional = false;
  std::string pointer;  // JSON pointer in the document, or "<ARN>#/Statement/<i>"
  std::string policy;   // the policy resource / managed ARN, "" for the role's own
};

std::vector<Value> items(const Value* v) {
  std::vector<Value> out;
  if (v == nullptr) return out;
  if (v->is_list())
    for (const Value& x : v->as_list()) out.push_back(x);
  else
    out.push_back(*v);
  return out;
}

std::vector<std::string_view> strings(const Value* v) {
  std::vector<std::string_view> out;
  for (const Value& x : items(v))
    if (x.is_string()) out.push_back(x.as_string());
  return out;
}

bool read_statement(const Value& s, bool aws_keys, Statement* out) {
  if (!s.is_map()) return false;
  const Value* effect = member(s, aws_keys ? "Effect" : "effect");
  if (effect == nullptr || !effect->is_string()) return false;
  out->allow = effect->as_string() == "Allow";
  out->deny = effect->as_string() == "Deny";
  if (!out->allow && !out->deny) return false;
  out->actions = strings(member(s, aws_keys ? "Action" : "actions"));
  out->not_actions = strings(member(s, aws_keys ? "NotAction" : "not_actions"));
  out->resources = items(member(s, aws_keys ? "Resource" : "resources"));
  out->not_resources = items(member(s, aws_keys ? "NotResource" : "not_resources"));
  const Value* c = member(s, aws_keys ? "Condition" : "conditions");
  out->conditional = c != nullptr && !(c->is_map() && c->as_map().size == 0);
  // An unknown NotAction/NotResource list still makes the statement a Not-one.
  if (const Value* na = member(s, aws_keys ? "NotAction" : "not_actions"); na && na->is_unknown())
    out->not_actions.push_back("\x02");
  if (const Value* nr = member(s, aws_keys ? "NotResource" : "not_resources"); nr && nr->is_unknown())
    out->not_resources.push_back(Value::string(kNoMatch));
  return true;
}

// An in-document resource that statements can name, with its ARN.
struct Target {
  std::string id;
  const TargetKind* kind = nullptr;
  Value resource;
  // ARN fields; nullopt: not known before deployment (matched as a wildcard).
  std::optional<std::string> partition, region, account;
  std::string service;  // the ARN's service
  std::string part;     // the ARN's resource part: "table/Orders", "table/\x01Table\x01"
};

struct Match {
  bool self = false;  // the resource itself
  bool sub = false;   // something inside it (objects of a bucket, a table's index, a qualifier)
};

class GrantPass {
 public:
  GrantPass(cfn::Context& ctx, const Value& resources, std::span<const cfn::Edge> edges,
            const PlaceholderOf& placeholder)
      : ctx_(ctx), resources_(resources), edges_(edges), placeholder_(placeholder) {}

  void run(std::vector<Value>& out);

 private:
  struct Grant {
    uint32_t target;
    uint32_t statement;
    std::vector<std::string_view> actions;
    std::vector<std::string_view> not_actions;
  };
  struct RoleGrants {
    std::vector<Statement> statements;
    std::vector<Grant> grants;
  };

  void index_targets();
  std::string name_text(uint32_t t, int depth);
  std::string arn_text(uint32_t t, int depth);
  std::string expand(std::string_view placeholder, int depth);
  std::optional<std::string> pattern_of(const Value& entry);
  const RoleGrants& grants_of(const std::string& role_id);
  std::vector<Statement> statements_of(const std::string& role_id);
  void add_statements(const Value& list, std::string_view pointer, std::string_view policy, bool aws_keys,
                      std::vector<Statement>& out);
  void candidates(const std::array<std::string_view, 6>& f, std::vector<uint32_t>& out);
  Match match(const std::array<std::string_view, 6>& f, const Target& t) const;
  bool matches_id_or_star(const Value& entry, const Target& t) const;
  std::vector<std::string_view> applicable(const std::vector<std::string_view>& actions, const Target& t) const;
  bool denied(const std::vector<Statement>& denies, const Target& t, const Match& m, std::string_view action) const;
  bool deny_covers(const Statement& d, const Target& t, const Match& m) const;

  cfn::Context& ctx_;
  Value resources_;
  std::span<const cfn::Edge> edges_;
  const PlaceholderOf& placeholder_;

  std::vector<Target> targets_;
  absl::flat_hash_map<std::string, uint32_t> target_by_id_;
  absl::flat_hash_map<std::string, std::vector<uint32_t>> by_iam_service_;
  // Per ARN service: (part, target) sorted by part, and part -> targets.
  absl::flat_hash_map<std::string, std::vector<std::pair<std::string, uint32_t>>> by_part_sorted_;
  absl::flat_hash_map<std::string, std::vector<uint32_t>> by_part_;
  std::vector<std::optional<std::string>> names_;
  std::vector<uint32_t> seen_;  // stamp per target, for deduplicating candidates
  uint32_t stamp_ = 0;
  absl::flat_hash_map<std::string, std::vector<std::string>> policies_of_role_;
  absl::flat_hash_map<std::string, RoleGrants> role_grants_;
  size_t budget_ = kMaxGrantEdges;
  bool capped_ = false;
};

const Value* resource_of(const Value& resources, std::string_view id) {
  return resources.is_map() ? resources.as_map().find(id) : nullptr;
}

std::string_view type_of(const Value& resource) {
  const Value* t = member(resource, "type");
  return t && t->is_string() ? t->as_string() : std::string_view();
}

void GrantPass::index_targets() {
  if (!resources_.is_map()) return;
  for (const Member& m : resources_.as_map()) {
    const TargetKind* kind = target_kind(type_of(m.value));
    if (kind == nullptr) continue;
    Target t;
    t.id = std::string(m.key.as_string());
    t.kind = kind;
    t.resource = m.value;
    t.service = std::string(kind->arn_service);
    if (!kind->regional) t.region = "";
    if (!kind->in_account) t.account = "";
    target_by_id_[t.id] = static_cast<uint32_t>(targets_.size());
    targets_.push_back(std::move(t));
  }
  names_.assign(targets_.size(), std::nullopt);
  seen_.assign(targets_.size(), 0);
  for (uint32_t i = 0; i < targets_.size(); ++i) {
    Target& t = targets_[i];
    // A planned ARN (Terraform, resources that already exist) wins over one built from the name.
    const Value* native = member(t.resource, "native");
    const Value* arn = native ? member(*native, "arn") : nullptr;
    std::optional<std::array<std::string_view, 6>> f;
    if (arn && arn->is_string() && (f = arn_fields(arn->as_string())) && (*f)[0] == "arn" && !has_wildcard(arn->as_string())) {
      t.partition = std::string((*f)[1]);
      t.service = std::string((*f)[2]);
      t.region = std::string((*f)[3]);
      t.account = std::string((*f)[4]);
      t.part = std::string((*f)[5]);
    } else {
      t.part = cat(t.kind->part_prefix, name_text(i, 0));
    }
    for (std::string_view s : t.kind->iam_services)
      if (!s.empty()) by_iam_service_[std::string(s)].push_back(i);
    by_part_sorted_[t.service].emplace_back(t.part, i);
    by_part_[cat(t.service, "\n", t.part)].push_back(i);
  }
  for (auto& [service, parts] : by_part_sorted_) std::sort(parts.begin(), parts.end());
}

// The name part of a target's ARN: the name when the model has it, the
// text of a partly known name (pseudo parameters as `*`), else a token of
// its own ("\x01<id>\x01") that only a statement referring to it produces.
std::string GrantPass::name_text(uint32_t i, int depth) {
  if (names_[i]) return *names_[i];
  const Target& t = targets_[i];
  std::string out = cat("\x01", t.id, "\x01");
  if (t.kind->named)
    for (std::string_view key : t.kind->name_keys) {
      if (key.empty()) continue;
      const Value* v = member(t.resource, key);
      if (v == nullptr) continue;
      if (v->is_string()) {
        out = std::string(v->as_string());
      } else if (v->is_unknown() && placeholder_) {
        if (const std::string* p = placeholder_(*v); p && depth < 4) out = expand(*p, depth + 1);
      }
      break;
    }
  // An SSM parameter's ARN has no slash of its own before a path name.
  if (t.kind->type == "aws.ssm.parameter" && out.starts_with("/")) out.erase(0, 1);
  if (depth == 0) names_[i] = out;
  return out;
}

// The target's ARN as a pattern: unknown fields are `*`.
std::string GrantPass::arn_text(uint32_t i, int depth) {
  const Target& t = targets_[i];
  auto field = [](const std::optional<std::string>& f) -> std::string_view { return f ? std::string_view(*f) : "*"; };
  std::string part = depth == 0 ? t.part : cat(t.kind->part_prefix, name_text(i, depth));
  return cat("arn:", field(t.partition), ":", t.service, ":", field(t.region), ":", field(t.account), ":", part);
}

// A placeholder ("arn:${AWS::Partition}:s3:::${Bucket}/*") as a pattern:
// pseudo parameters become `*`, `${R}` what Ref R returns, `${R.Arn}` R's
// ARN; other attributes and resources that are not targets match nothing;
// anything else (a parameter without a default) a token of its own.
std::string GrantPass::expand(std::string_view text, int depth) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("${", pos);
    size_t close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) {
      out += text.substr(pos);
      break;
    }
    out += text.substr(pos, open - pos);
    std::string_view name = text.substr(open + 2, close - open - 2);
    pos = close + 1;
    if (name.starts_with("AWS::")) {
      out += '*';
      continue;
    }
    size_t dot = name.find('.');
    std::string_view id = name.substr(0, dot);
    std::string_view attribute = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
    if (resource_of(resources_, id) == nullptr) {
      out += cat("\x01", name, "\x01");
      continue;
    }
    auto it = target_by_id_.find(std::string(id));
    if (it == target_by_id_.end() || depth > 4) {
      out += kNoMatch;
      continue;
    }
    const TargetKind& k = *targets_[it->second].kind;
    if (attribute == "Arn" || (attribute.empty() && k.ref == RefIs::kArn))
      out += arn_text(it->second, depth + 1);
    else if ((attribute.empty() && k.ref == RefIs::kName) || (!attribute.empty() && attribute == k.name_attribute))
      out += name_text(it->second, depth + 1);
    else if (attribute == "StreamArn" && k.sub == '/')  // a table's or stream's stream: inside it
      out += cat(arn_text(it->second, depth + 1), "/stream/*");
    else
      out += kNoMatch;
  }
  return out;
}

// A statement resource entry as an ARN pattern (or "*"), or nullopt when it
// is not one (an id, a non-ARN literal, an unknown without a placeholder).
std::optional<std::string> GrantPass::pattern_of(const Value& entry) {
  if (entry.is_string()) {
    std::string_view s = entry.as_string();
    if (s == "*" || s.starts_with("arn:")) return std::string(s);
    return std::nullopt;
  }
  if (!entry.is_unknown() || !placeholder_) return std::nullopt;
  const std::string* p = placeholder_(entry);
  if (p == nullptr) return std::nullopt;
  std::string s = expand(*p, 0);
  if (s.find(kNoMatch) != std::string::npos || !s.starts_with("arn:")) return std::nullopt;
  return s;
}

bool GrantPass::matches_id_or_star(const Value& entry, const Target& t) const {
  return entry.is_string() && (entry.as_string() == "*" || entry.as_string() == t.id);
}

// Field by field (a `*` does not cross a colon of the first five): unknown
// fields of the target match anything; the resource part matches the
// target itself, or (for kinds with sub-resources) what is inside it: some
// text "<part><sep>..." the pattern matches, i.e. a prefix of the pattern
// that matches "<part><sep>".
Match GrantPass::match(const std::array<std::string_view, 6>& f, const Target& t) const {
  Match m;
  auto field_ok = [](std::string_view pattern, const std::optional<std::string>& text) {
    return !text || iam_wildcard_match(pattern, *text, false);
  };
  if (!iam_wildcard_match(f[0], "arn", false) || !field_ok(f[1], t.partition) ||
      !iam_wildcard_match(f[2], t.service, false) || !field_ok(f[3], t.region) || !field_ok(f[4], t.account))
    return m;
  std::string_view p = f[5];
  m.self = iam_wildcard_match(p, t.part, false);
  if (t.kind->sub != 0) {
    std::string inside = cat(t.part, t.kind->sub);
    size_t literal = 0;  // non-star characters of p[0..k)
    for (size_t k = 1; k <= p.size() && !m.sub; ++k) {
      char c = p[k - 1];
      if (c != '*') ++literal;
      if (literal > inside.size()) break;
      if (c == '*' || c == '?' || c == t.kind->sub) m.sub = iam_wildcard_match(p.substr(0, k), inside, false);
    }
  }
  return m;
}

// Targets a pattern's fields may match: by ARN service when the service is
// literal, then by the literal prefix of the resource part (targets whose
// part starts with it, and targets it names something inside of).
void GrantPass::candidates(const std::array<std::string_view, 6>& f, std::vector<uint32_t>& out) {
  ++stamp_;
  auto add = [&](uint32_t i) {
    if (seen_[i] != stamp_) {
      seen_[i] = stamp_;
      out.push_back(i);
    }
  };
  std::vector<std::string_view> services;
  if (!has_wildcard(f[2])) {
    services.push_back(f[2]);
  } else {
    for (const auto& [s, parts] : by_part_sorted_)
      if (iam_wildcard_match(f[2], s, false)) services.push_back(s);
  }
  std::string_view part = f[5];
  std::string_view literal = part.substr(0, std::min(part.find_first_of("*?"), part.size()));
  for (std::string_view s : services) {
    auto it = by_part_sorted_.find(std::string(s));
    if (it == by_part_sorted_.end()) continue;
    const auto& parts = it->second;
    auto lo = std::lower_bound(parts.begin(), parts.end(), literal,
                               [](const std::pair<std::string, uint32_t>& a, std::string_view b) { return a.first < b; });
    for (; lo != parts.end() && std::string_view(lo->first).starts_with(literal); ++lo) add(lo->second);
    for (size_t i = 0; i < literal.size(); ++i)
      if (literal[i] == '/' || literal[i] == ':' || literal[i] == '-')
        if (auto e = by_part_.find(cat(s, "\n", literal.substr(0, i))); e != by_part_.end())
          for (uint32_t t : e->second) add(t);
  }
}

// The actions of `actions` whose service prefix applies to the target.
std::vector<std::string_view> GrantPass::applicable(const std::vector<std::string_view>& actions, const Target& t) const {
  std::vector<std::string_view> out;
  for (std::string_view a : actions) {
    std::string_view prefix = a == "*" ? a : a.substr(0, a.find(':'));
    if (prefix.size() == a.size() && a != "*") continue;  // not service:Name
    for (std::string_view s : t.kind->iam_services)
      if (!s.empty() && iam_wildcard_match(prefix, s, true)) {
        if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
        break;
      }
  }
  return out;
}

// Whether a Deny statement's resources cover what the Allow matched: the
// target by id or `*`, or a pattern matching the target (when the Allow
// matched it) and everything inside it (when the Allow matched inside).
bool GrantPass::deny_covers(const Statement& d, const Target& t, const Match& m) const {
  // The entries together: one may cover the bucket, another its objects.
  bool self = !m.self, inside = !m.sub;
  for (const Value& entry : d.resources) {
    if (matches_id_or_star(entry, t)) return true;
    if (!entry.is_string()) continue;
    auto f = arn_fields(entry.as_string());
    if (!f) continue;
    Match dm = match(*f, t);
    self |= dm.self;
    // "<part><sep>*" read as text: the pattern's stars cover every name inside.
    if (dm.sub && (*f)[5].find('?') == std::string_view::npos)
      inside |= iam_wildcard_match((*f)[5], cat(t.part, t.kind->sub, "*"), false);
  }
  return self && inside;
}

// Whether an unconditional Deny removes `action` (an Allow's action pattern):
// a deny action pattern that covers it (matches it read as text; a `?`
// covers only an action without wildcards).
bool GrantPass::denied(const std::vector<Statement>& denies, const Target& t, const Match& m,
                       std::string_view action) const {
  for (const Statement& d : denies) {
    bool covers = false;
    for (std::string_view da : d.actions)
      if (iam_wildcard_match(da, action, true) && !(da.find('?') != std::string_view::npos && has_wildcard(action))) {
        covers = true;
        break;
      }
    if (covers && deny_covers(d, t, m)) return true;
  }
  return false;
}

void GrantPass::add_statements(const Value& list, std::string_view pointer, std::string_view policy, bool aws_keys,
                               std::vector<Statement>& out) {
  if (!list.is_list()) {
    Statement s;
    if (list.is_map() && read_statement(list, aws_keys, &s)) {  // a managed policy's lone Statement object
      s.pointer = std::string(pointer);
      s.policy = std::string(policy);
      out.push_back(std::move(s));
    }
    return;
  }
  for (uint32_t j = 0; j < list.as_list().size; ++j) {
    Statement s;
    if (!read_statement(list.as_list().items[j], aws_keys, &s)) continue;
    s.pointer = cat(pointer, "/", j);
    s.policy = std::string(policy);
    out.push_back(std::move(s));
  }
}

// Every statement reachable from the role: its `policies` (inline and the
// managed ones the loader expanded), attached policy resources, and
// AWS-managed ARNs in `managed_policy_arns` that the loader left unexpanded.
std::vector<Statement> GrantPass::statements_of(const std::string& role_id) {
  std::vector<Statement> out;
  const Value* role = resource_of(resources_, role_id);
  if (role == nullptr) return out;
  std::string role_pointer;
  role_pointer += "/resources";
  append_pointer_token(role_pointer, role_id);
  absl::flat_hash_set<std::string> expanded;
  if (const Value* policies = member(*role, "policies"); policies && policies->is_list())
    for (uint32_t i = 0; i < policies->as_list().size; ++i) {
      const Value& p = policies->as_list().items[i];
      const Value* st = member(p, "statements");
      if (st == nullptr) continue;
      const Value* arn = member(p, "arn");
      if (arn && arn->is_string()) expanded.insert(std::string(arn->as_string()));
      add_statements(*st, cat(role_pointer, "/policies/", i, "/statements"),
                     arn && arn->is_string() ? arn->as_string() : std::string_view(), false, out);
    }
  absl::flat_hash_set<std::string> attached;
  for (const std::string& pid : policies_of_role_[role_id]) {
    if (!attached.insert(pid).second) continue;
    const Value* policy = resource_of(resources_, pid);
    const Value* st = policy ? member(*policy, "statements") : nullptr;
    if (st == nullptr) continue;
    std::string pointer = "/resources";
    append_pointer_token(pointer, pid);
    add_statements(*st, pointer + "/statements", pid, false, out);
  }
  if (const Value* arns = member(*role, "managed_policy_arns"))
    for (const Value& a : items(arns)) {
      if (!a.is_string() || !a.as_string().starts_with("arn:") || expanded.contains(std::string(a.as_string()))) continue;
      const aws_tables::ManagedPolicy* p = aws_tables::find_managed_policy(a.as_string());
      if (p == nullptr) continue;
      expanded.insert(std::string(a.as_string()));
      Value st;
      if (!read_json(p->statements, ctx_.arena, JsonLimits{}, &st, nullptr)) continue;
      add_statements(st, cat(a.as_string(), "#/Statement"), a.as_string(), true, out);
    }
  return out;
}

const GrantPass::RoleGrants& GrantPass::grants_of(const std::string& role_id) {
  if (auto it = role_grants_.find(role_id); it != role_grants_.end()) return it->second;
  RoleGrants rg;
  rg.statements = statements_of(role_id);
  std::vector<Statement> denies;
  for (const Statement& s : rg.statements)
    if (s.deny && !s.conditional && s.not_actions.empty() && s.not_resources.empty()) denies.push_back(s);

  std::vector<uint32_t> cands;
  for (uint32_t si = 0; si < rg.statements.size() && !capped_; ++si) {
    const Statement& s = rg.statements[si];
    if (!s.allow) continue;
    const bool not_action = !s.not_actions.empty();
    if (!not_action && s.actions.empty()) continue;
    // Which targets the statement's resources match, and how.
    absl::flat_hash_map<uint32_t, Match> matched;
    std::vector<uint32_t> order;
    auto note = [&](uint32_t t, Match m) {
      if (!m.self && !m.sub) return;
      auto [it, fresh] = matched.try_emplace(t, m);
      if (fresh) {
        order.push_back(t);
      } else {
        it->second.self |= m.self;
        it->second.sub |= m.sub;
      }
    };
    // Targets whose service some action (or, for NotAction, any action) applies to.
    auto service_targets = [&](auto&& visit) {
      ++stamp_;
      for (const auto& [service, list] : by_iam_service_) {
        bool applies = not_action;
        for (std::string_view a : s.actions) {
          std::string_view prefix = a == "*" ? a : a.substr(0, a.find(':'));
          if (iam_wildcard_match(prefix, service, true)) applies = true;
        }
        if (!applies) continue;
        for (uint32_t t : list)
          if (seen_[t] != stamp_) {
            seen_[t] = stamp_;
            visit(t);
          }
      }
    };
    if (!s.not_resources.empty()) {
      // NotResource: everything but what it names (an entry that is not
      // understood excludes nothing: the grant is read broadly).
      service_targets([&](uint32_t t) {
        const Target& tg = targets_[t];
        for (const Value& e : s.not_resources) {
          if (matches_id_or_star(e, tg)) return;
          if (e.is_string())
            if (auto f = arn_fields(e.as_string()); f && match(*f, tg).self) return;
        }
        note(t, Match{true, tg.kind->sub != 0});
      });
    } else {
      for (const Value& entry : s.resources) {
        if (entry.is_string() && entry.as_string() == "*") {
          service_targets([&](uint32_t t) { note(t, Match{true, targets_[t].kind->sub != 0}); });
          continue;
        }
        if (entry.is_string())
          if (auto it = target_by_id_.find(std::string(entry.as_string())); it != target_by_id_.end()) {
            note(it->second, Match{true, false});
            continue;
          }
        std::optional<std::string> pattern = pattern_of(entry);
        if (!pattern) continue;
        auto f = arn_fields(*pattern);
        if (!f) continue;
        cands.clear();
        candidates(*f, cands);
        for (uint32_t t : cands) note(t, match(*f, targets_[t]));
      }
    }
    std::sort(order.begin(), order.end());  // document order, whatever order the indexes gave
    for (uint32_t t : order) {
      const Target& tg = targets_[t];
      const Match& m = matched[t];
      Grant g{t, si, {}, {}};
      if (not_action) {
        // Everything but the NotAction list: nothing when it excludes the whole service.
        bool excluded = false;
        for (std::string_view na : s.not_actions)
          for (std::string_view svc : tg.kind->iam_services)
            if (!svc.empty() && iam_wildcard_match(na, cat(svc, ":*"), true)) excluded = true;
        if (excluded) continue;
        g.actions.push_back("*");
        for (std::string_view na : s.not_actions)
          if (na != "\x02") g.not_actions.push_back(na);
        if (denied(denies, tg, m, "*")) continue;
      } else {
        for (std::string_view a : applicable(s.actions, tg))
          if (!denied(denies, tg, m, a)) g.actions.push_back(a);
        if (g.actions.empty()) continue;
      }
      if (budget_ == 0) {
        capped_ = true;
        break;
      }
      --budget_;
      rg.grants.push_back(std::move(g));
    }
  }
  return role_grants_.emplace(role_id, std::move(rg)).first->second;
}

void GrantPass::run(std::vector<Value>& out) {
  index_targets();
  if (targets_.empty()) return;
  for (const cfn::Edge& e : edges_)
    if (e.kind == "attached_to") {
      const Value* from = resource_of(resources_, e.from);
      if (from && type_of(*from) == "aws.iam.policy") policies_of_role_[e.to].push_back(e.from);
    }
  absl::flat_hash_set<std::pair<std::string, std::string>> done;
  size_t emitted = 0;
  for (const cfn::Edge& e : edges_) {
    if (e.kind != "execution_role" || capped_) continue;
    const Value* from = resource_of(resources_, e.from);
    const Value* role = resource_of(resources_, e.to);
    if (from == nullptr || role == nullptr || type_of(*role) != "aws.iam.role") continue;
    std::string_view type = type_of(*from);
    if (type != "aws.lambda.function" && type != "aws.stepfunctions.state_machine") continue;
    if (!done.insert({e.from, e.to}).second) continue;
    const RoleGrants& rg = grants_of(e.to);
    for (const Grant& g : rg.grants) {
      if (emitted == kMaxGrantEdges) {
        capped_ = true;
        break;
      }
      ++emitted;
      const Statement& s = rg.statements[g.statement];
      cfn::MapBuilder b;
      b.set("kind", Value::string("grants"));
      b.set("from", ctx_.str(e.from));
      b.set("to", ctx_.str(targets_[g.target].id));
      std::vector<Value> actions;
      for (std::string_view a : g.actions) actions.push_back(ctx_.str(a));
      b.set("actions", make_list(ctx_.arena, actions));
      if (!g.not_actions.empty()) {
        std::vector<Value> na;
        for (std::string_view a : g.not_actions) na.push_back(ctx_.str(a));
        b.set("not_actions", make_list(ctx_.arena, na));
      }
      b.set("via", ctx_.str(e.to));
      b.set("statement", ctx_.str(s.pointer));
      if (!s.policy.empty()) b.set("policy", ctx_.str(s.policy));
      if (s.conditional) b.set("conditional", Value::boolean(true));
      out.push_back(b.build(ctx_));
    }
  }
  if (capped_)
    ctx_.warn(cat("more than ", kMaxGrantEdges, " grants edges; the rest are left out"), Location{ctx_.file, 0, 0});
}

}  // namespace

void append_grant_edges(cfn::Context& ctx, const Value& resources, std::span<const cfn::Edge> edges,
                        const PlaceholderOf& placeholder, std::vector<Value>& edge_values) {
  GrantPass(ctx, resources, edges, placeholder).run(edge_values);
}

}  // namespace moat
