// AWS::Serverless::Connector and the `Connectors` attribute of resources:
// what the SAM translator generates from its connector profiles
// (aws_tables: connector_profiles.inc, connector_resources.inc). A connector
// names a source and one or more destinations, by logical id or by type and
// ARN, and Read/Write permissions; per (source type, destination type) the
// profile says whether that becomes an IAM managed policy on a role, an SQS
// queue policy, an SNS topic policy or Lambda permissions, with which
// statements. Connectors are expanded after every other SAM resource, as the
// translator does, so they see the CloudFormation the others became.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "documents/aws_tables/aws_tables.h"
#include "documents/json_reader.h"
#include "documents/sam/sam_transform.h"

namespace moat::sam {

namespace {

// How the translator maps SAM types a connector may name by Type.
std::string_view cfn_type_of(std::string_view type) {
  if (type == "AWS::Serverless::Function") return "AWS::Lambda::Function";
  if (type == "AWS::Serverless::StateMachine") return "AWS::StepFunctions::StateMachine";
  if (type == "AWS::Serverless::Api") return "AWS::ApiGateway::RestApi";
  if (type == "AWS::Serverless::HttpApi") return "AWS::ApiGatewayV2::Api";
  if (type == "AWS::Serverless::SimpleTable") return "AWS::DynamoDB::Table";
  return type;
}

// One end of a connector, as the profile variables need it.
struct Reference {
  std::string logical_id;  // "" when given by Type and properties
  std::string type;        // CloudFormation type
  Value arn, role_name, queue_url, resource_id, name, qualifier;
};

Value get(const Value& v, std::string_view key) {
  const Value* m = member(v, key);
  return m ? *m : Value();
}

// Logical id of {Ref: X} or {Fn::GetAtt: [X, A]} ("X.A" too), else "".
std::string logical_id_of(const Value& v) {
  if (!v.is_map() || v.as_map().size != 1) return "";
  return ref_target(v);
}

bool same(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return false;
  std::string ja, jb;
  write_json(a, ja);
  write_json(b, jb);
  return ja == jb;
}

// `v` with every string holding %{Key} variables replaced the translator's
// way: a string that is exactly one variable becomes its value; a string
// with variables inside becomes Fn::Sub [text with ${Key}, {Key: value}];
// any other string with ${...} becomes Fn::Sub. `missing` receives the first
// variable used whose value is absent.
class ProfileReplacer {
 public:
  ProfileReplacer(Transform& t, std::vector<std::pair<std::string, Value>> values)
      : t_(t), values_(std::move(values)) {}
  std::string missing;
  bool unresolved = false;  // a %{...} no value names

  Value operator()(const Value& v, int depth = 0) {
    if (depth > cfn::Resolver::kMaxDepth) return v;
    if (v.is_string()) return text(std::string(v.as_string()));
    if (v.is_list()) {
      std::vector<Value> out;
      for (const Value& item : v.as_list()) out.push_back((*this)(item, depth + 1));
      return t_.list(out);
    }
    if (v.is_map()) {
      std::vector<std::pair<std::string, Value>> out;
      for (const Member& m : v.as_map()) out.emplace_back(std::string(m.key.as_string()), (*this)(m.value, depth + 1));
      return t_.map(out);
    }
    return v;
  }

 private:
  Value text(std::string s) {
    std::vector<std::pair<std::string, Value>> vars;
    for (const auto& [key, value] : values_) {
      std::string pattern = cat("%{", key, "}");
      if (s.find(pattern) == std::string::npos) continue;
      if (value.is_null()) {
        if (missing.empty()) missing = key;
        return t_.str(s);
      }
      if (s == pattern) return value;
      std::string var;  // Fn::Sub variable names are alphanumeric
      for (char c : key)
        if (std::isalnum(static_cast<unsigned char>(c))) var += c;
      for (size_t at = s.find(pattern); at != std::string::npos; at = s.find(pattern, at + var.size() + 3))
        s.replace(at, pattern.size(), cat("${", var, "}"));
      vars.emplace_back(var, value);
    }
    if (s.find("%{") != std::string::npos) unresolved = true;
    size_t open = s.find("${");
    if (open == std::string::npos || s.find('}', open + 3) == std::string::npos) return t_.str(s);
    if (vars.empty()) return t_.map({{"Fn::Sub", t_.str(s)}});
    return t_.map({{"Fn::Sub", t_.list({t_.str(s), t_.map(vars)})}});
  }

  Transform& t_;
  std::vector<std::pair<std::string, Value>> values_;
};

Value parse(Transform& t, std::string_view json) {
  Value v;
  if (!read_json(json, t.ctx.arena, JsonLimits{}, &v, nullptr)) return Value();
  return v;
}

// The IAM role a resource of this type uses (its Inputs.Role), as {Ref: Role}.
Value role_name_of(Transform& t, const Value& inputs, const Value& props, const Value& connecting) {
  const Value* role_input = member(inputs, "Role");
  Value role;
  if (role_input && role_input->is_string()) {
    role = get(props, role_input->as_string());
  } else if (role_input && text(member(*role_input, "Function")) == "GetEventsRuleRole") {
    // An EventBridge rule: the role of the target that is the other end.
    std::string other_id = text(member(connecting, "Id"));
    Value other_arn = get(connecting, "Arn");
    if (const Value* targets = member(props, "Targets"); targets && targets->is_list())
      for (const Value& target : targets->as_list()) {
        Value arn = get(target, "Arn");
        std::string target_id = logical_id_of(arn);
        if ((!target_id.empty() && target_id == other_id) || same(arn, other_arn)) {
          role = get(target, "RoleArn");
          break;
        }
      }
  }
  std::string id = logical_id_of(role);
  return id.empty() ? Value() : t.ref(id);
}

// Source or Destination `obj` (`connecting` is the other end).
std::optional<Reference> reference(Transform& t, const Value& obj, const Value& connecting, std::string& error) {
  if (!obj.is_map()) {
    error = "must be a map";
    return std::nullopt;
  }
  bool has_id = member(obj, "Id") != nullptr, has_other = false;
  for (const Member& m : obj.as_map())
    has_other |= m.key.as_string() != "Id" && m.key.as_string() != "Qualifier";
  if (has_id == has_other) {
    error = "must provide 'Id' (with optional 'Qualifier') or a supported combination of other properties";
    return std::nullopt;
  }
  Reference r;
  if (!has_id) {
    r.type = std::string(cfn_type_of(text(member(obj, "Type"))));
    if (r.type.empty()) {
      error = "'Type' is missing or not a string";
      return std::nullopt;
    }
    r.arn = get(obj, "Arn");
    r.role_name = get(obj, "RoleName");
    r.queue_url = get(obj, "QueueUrl");
    r.resource_id = get(obj, "ResourceId");
    r.name = get(obj, "Name");
    r.qualifier = get(obj, "Qualifier");
    return r;
  }
  const Value* id = member(obj, "Id");
  if (!id->is_string() || id->as_string().empty()) {
    error = "'Id' is missing or not a string";
    return std::nullopt;
  }
  r.logical_id = std::string(id->as_string());
  const Value* resource = t.expanded(r.logical_id);
  if (resource == nullptr) {
    error = cat("unable to find resource with logical ID '", r.logical_id, "'");
    return std::nullopt;
  }
  r.type = text(member(*resource, "Type"));
  Value props = get(*resource, "Properties");
  Value facts;
  if (const aws_tables::ConnectorResource* kind = aws_tables::find_connector_resource(r.type))
    facts = ProfileReplacer(t, {{"logicalId", t.str(r.logical_id)}})(parse(t, kind->properties));
  Value outputs = get(facts, "Outputs");
  r.arn = get(outputs, "Arn");
  r.role_name = role_name_of(t, get(facts, "Inputs"), props, connecting);
  r.queue_url = get(outputs, "Url");
  r.resource_id = get(outputs, "Id");
  r.name = get(outputs, "Name");
  r.qualifier = member(obj, "Qualifier") ? get(obj, "Qualifier") : get(outputs, "Qualifier");
  return r;
}

class Expansion {
 public:
  Expansion(Transform& t, const ConnectorSite& site) : t_(t), site_(site) {}

  void destination(const Value& source_obj, const Value& dest_obj, const std::vector<std::string>& permissions,
                   int index, bool multi) {
    std::string error;
    std::optional<Reference> dest = reference(t_, dest_obj, source_obj, error);
    if (!dest) return fail(cat("Destination ", error));
    std::optional<Reference> source = reference(t_, source_obj, dest_obj, error);
    if (!source) return fail(cat("Source ", error));
    const aws_tables::ConnectorProfile* profile = aws_tables::find_connector_profile(source->type, dest->type);
    if (profile == nullptr)
      return fail(cat("unable to create connector from ", source->type, " to ", dest->type,
                      "; it's not supported or the template is invalid"));
    ProfileReplacer replace(t_, {{"Source.Arn", source->arn},
                                 {"Destination.Arn", dest->arn},
                                 {"Source.ResourceId", source->resource_id},
                                 {"Destination.ResourceId", dest->resource_id},
                                 {"Source.Name", source->name},
                                 {"Destination.Name", dest->name},
                                 {"Source.Qualifier", source->qualifier},
                                 {"Destination.Qualifier", dest->qualifier}});
    Value props = replace(parse(t_, profile->properties));
    if (!replace.missing.empty()) return fail(cat(replace.missing, " is missing"));
    if (replace.unresolved) return fail("a profile variable was not replaced");
    const Value* categories = member(props, "AccessCategories");
    if (!categories || !categories->is_map()) return fail("the connector profile has no access categories");
    if (!valid_permissions(*categories, get(props, "ValidAccessCategories"), permissions, *source, *dest)) return;
    const bool source_policy = truthy(member(props, "SourcePolicy"));
    const Reference& holder = source_policy ? *source : *dest;
    const char* end = source_policy ? "Source" : "Destination";
    std::string suffix = multi ? cat("Destination", index) : "";
    std::string_view kind = profile->kind;
    if (kind == "AWS_IAM_ROLE_MANAGED_POLICY") {
      if (holder.role_name.is_null()) return fail(cat("unable to get IAM role name from '", end, "' resource"));
      add(cat(site_.id, "Policy", suffix), "AWS::IAM::ManagedPolicy",
          t_.map({{"PolicyDocument", document(*categories, permissions)}, {"Roles", t_.list({holder.role_name})}}));
    } else if (kind == "AWS_SQS_QUEUE_POLICY") {
      if (holder.queue_url.is_null()) return fail(cat("unable to get SQS queue URL from '", end, "' resource"));
      add(cat(site_.id, "QueuePolicy", suffix), "AWS::SQS::QueuePolicy",
          t_.map({{"PolicyDocument", document(*categories, permissions)}, {"Queues", t_.list({holder.queue_url})}}));
    } else if (kind == "AWS_SNS_TOPIC_POLICY") {
      if (holder.arn.is_null()) return fail(cat("unable to get SNS topic ARN from '", end, "' resource"));
      add(cat(site_.id, "TopicPolicy", suffix), "AWS::SNS::TopicPolicy",
          t_.map({{"PolicyDocument", document(*categories, permissions)}, {"Topics", t_.list({holder.arn})}}));
    } else if (kind == "AWS_LAMBDA_PERMISSION") {
      if (holder.arn.is_null()) return fail(cat("unable to get Lambda function ARN from '", end, "' resource"));
      for (const Member& c : categories->as_map()) {
        if (!granted(permissions, c.key.as_string())) continue;
        add(cat(site_.id, c.key.as_string(), "LambdaPermission", suffix), "AWS::Lambda::Permission",
            t_.map({{"Action", get(c.value, "Action")},
                    {"FunctionName", holder.arn},
                    {"Principal", get(c.value, "Principal")},
                    {"SourceArn", get(c.value, "SourceArn")},
                    {"SourceAccount", get(c.value, "SourceAccount")}}));
      }
    } else {
      fail(cat("profile type ", kind, " is not supported"));
    }
  }

  void fail(std::string_view message) {
    t_.warn(cat("connector ", site_.id, ": ", message, "; skipped"), site_.location);
  }

 private:
  static bool granted(const std::vector<std::string>& permissions, std::string_view category) {
    for (const std::string& p : permissions)
      if (p == category) return true;
    return false;
  }

  bool valid_permissions(const Value& categories, const Value& combinations, const std::vector<std::string>& permissions,
                         const Reference& source, const Reference& dest) {
    std::string valid;
    for (const Member& c : categories.as_map()) valid += cat(valid.empty() ? "" : ", ", c.key.as_string());
    if (permissions.empty()) {
      fail(cat("'Permissions' cannot be empty; valid values are: ", valid));
      return false;
    }
    for (const std::string& p : permissions)
      if (member(categories, p) == nullptr) {
        fail(cat("unsupported 'Permissions' provided for connector from ", source.type, " to ", dest.type,
                 "; valid values are: ", valid));
        return false;
      }
    if (!combinations.is_list()) return true;
    std::vector<std::string> wanted = permissions;
    std::sort(wanted.begin(), wanted.end());
    for (const Value& combination : combinations.as_list()) {
      std::vector<std::string> allowed;
      if (combination.is_list())
        for (const Value& c : combination.as_list()) allowed.push_back(text(&c));
      std::sort(allowed.begin(), allowed.end());
      if (allowed == wanted) return true;
    }
    fail(cat("unsupported 'Permissions' combination for connector from ", source.type, " to ", dest.type));
    return false;
  }

  // The statements of the granted categories, in the profile's order.
  Value document(const Value& categories, const std::vector<std::string>& permissions) {
    std::vector<Value> statements;
    for (const Member& c : categories.as_map()) {
      if (!granted(permissions, c.key.as_string())) continue;
      if (const Value* s = member(c.value, "Statement"); s && s->is_list())
        statements.insert(statements.end(), s->as_list().begin(), s->as_list().end());
    }
    return t_.map({{"Version", t_.str("2012-10-17")}, {"Statement", t_.list(statements)}});
  }

  void add(std::string id, std::string_view type, Value props) {
    Generated& g = t_.add(std::move(id), type, props, site_.from, &site_.location, site_.pointer);
    for (std::string_view key : {"Condition", "DependsOn"})
      if (const Value* v = member(site_.attributes, key); v && !member(g.cfn, key)) g.cfn = t_.with(g.cfn, key, *v);
  }

  Transform& t_;
  const ConnectorSite& site_;
};

}  // namespace

void expand_connector(Transform& t, const ConnectorSite& site, const Value& props) {
  Expansion expansion(t, site);
  Value source = get(props, "Source");
  const Value* destination = member(props, "Destination");
  if (destination == nullptr || !(destination->is_map() || destination->is_list()))
    return expansion.fail("'Destination' must be a map or a list of maps");
  std::vector<std::string> permissions;
  if (const Value* p = member(props, "Permissions"); p && p->is_list())
    for (const Value& item : p->as_list()) {
      std::string name = text(&item);
      if (std::find(permissions.begin(), permissions.end(), name) == permissions.end()) permissions.push_back(name);
    }
  if (destination->is_map()) return expansion.destination(source, *destination, permissions, 0, false);
  if (destination->as_list().size == 0) return expansion.fail("'Destination' is an empty list");
  int index = 0;
  for (const Value& d : destination->as_list()) expansion.destination(source, d, permissions, index++, true);
}

void expand_connectors(Transform& t) {
  const Value* resources = member(t.root(), "Resources");
  if (resources == nullptr || !resources->is_map()) return;
  for (const Member& m : resources->as_map()) {
    std::string id(m.key.as_string());
    if (text(member(m.value, "Type")) == "AWS::Serverless::Connector") {
      ConnectorSite site{id, id, t.location_of(id), t.pointer_of(id), m.value};
      t.ctx.current = site.location;
      Value props = get(m.value, "Properties");
      expand_connector(t, site, props.is_map() ? props : t.map({}));
    }
    const Value* embedded = member(m.value, "Connectors");
    if (embedded == nullptr) continue;
    if (!embedded->is_map()) {
      t.warn(cat("resource ", id, ": Connectors must be a map; skipped"), t.location_of(id));
      continue;
    }
    // <Resource><Name>, its Source the resource (plus SourceReference).
    for (const Member& c : embedded->as_map()) {
      std::string name(c.key.as_string());
      ConnectorSite site{cat(id, name), id, t.ctx.member_location(*embedded, name),
                         cat(t.pointer_of(id), "/Connectors"), c.value};
      append_pointer_token(site.pointer, name);
      t.ctx.current = site.location;
      Expansion report(t, site);
      const Value* props = member(c.value, "Properties");
      if (props == nullptr || !props->is_map()) {
        report.fail("Properties must be a map");
        continue;
      }
      Value source = t.map({{"Id", t.str(id)}});
      if (const Value* ref = member(*props, "SourceReference")) {
        if (!ref->is_map() || member(*ref, "Id")) {
          report.fail("'SourceReference' must be a map without 'Id'");
          continue;
        }
        for (const Member& r : ref->as_map()) source = t.with(source, r.key.as_string(), r.value);
      }
      expand_connector(t, site, t.with(*props, "Source", source));
    }
  }
}

}  // namespace moat::sam
