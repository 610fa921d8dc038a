#include <algorithm>
#include <cctype>

#include "documents/json_reader.h"
#include "documents/terraform/tf_plan.h"

namespace moat::tf {

using cfn::cat;
using cfn::member;
using cfn::split;

namespace {

const Value* step(const Value* cur, std::string_view part) {
  while (cur && cur->is_list()) {
    if (!part.empty() && std::isdigit(static_cast<unsigned char>(part[0]))) {
      size_t i = std::stoul(std::string(part));
      return i < cur->as_list().size ? &cur->as_list().items[i] : nullptr;
    }
    if (cur->as_list().size == 0) return nullptr;
    cur = &cur->as_list().items[0];
  }
  return member(*cur, part);
}

const Value* at_path(const Value& root, std::string_view path) {
  const Value* cur = &root;
  for (std::string_view part : split(path, ".")) {
    cur = step(cur, part);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

}  // namespace

const Value* TfResource::get(std::string_view path) const {
  const Value* v = at_path(res.values, path);
  return v && v->is_null() ? nullptr : v;  // null: not set
}

Value TfResource::set(std::string_view key, std::string_view path, Conv conv) {
  const Value* v = get(path);
  if (v == nullptr) return Value();
  Value c = rc.convert(*v, conv);
  rc.put(key, c, path.substr(0, path.find('.')));
  return c;
}

std::string TfResource::ref_value(std::string_view path, const Value& v, std::string_view type) const {
  // The configuration's references for this attribute.
  if (res.expressions.is_map()) {
    const Value* e = at_path(res.expressions, path);
    if (const Value* refs = e ? member(*e, "references") : nullptr; refs && refs->is_list())
      for (const Value& r : refs->as_list())
        if (r.is_string()) {
          std::string id = plan.resolve_reference(res.module, r.as_string());
          if (!id.empty() && id != res.address && (type.empty() || plan.find(id)->type == type)) return id;
        }
  }
  std::string id = plan.resource_with_value(v, type);
  return id == res.address ? std::string() : id;
}

std::string TfResource::ref(std::string_view path, std::string_view type) const {
  const Value* v = get(path);
  return ref_value(path, v ? *v : Value(), type);
}

std::string TfResource::set_ref(std::string_view key, std::string_view path, std::string_view edge_kind,
                                bool reversed, std::string_view type) {
  const Value* v = get(path);
  if (v == nullptr) return {};
  std::string target = ref_value(path, *v, type);
  rc.put(key, target.empty() ? rc.ids(*v) : ctx().str(target), path.substr(0, path.find('.')));
  if (!target.empty() && !edge_kind.empty()) {
    if (reversed) edge(edge_kind, target, id());
    else edge(edge_kind, id(), target);
  }
  return target;
}

void TfResource::set_ref_list(std::string_view key, std::string_view path) {
  const Value* v = get(path);
  if (v == nullptr) return;
  if (!v->is_list()) {
    set_ref(key, path);
    return;
  }
  // The configuration's references, distinct resources in order.
  std::vector<std::string> referenced;
  if (const Value* e = res.expressions.is_map() ? at_path(res.expressions, path) : nullptr)
    if (const Value* refs = member(*e, "references"); refs && refs->is_list())
      for (const Value& r : refs->as_list())
        if (r.is_string())
          if (std::string id = plan.resolve_reference(res.module, r.as_string());
              !id.empty() && id != res.address && std::find(referenced.begin(), referenced.end(), id) == referenced.end())
            referenced.push_back(id);
  size_t unknown = 0;
  for (const Value& item : v->as_list()) unknown += item.is_unknown();
  std::vector<Value> out;
  size_t next_unknown = 0;
  for (const Value& item : v->as_list()) {
    std::string id = plan.resource_with_value(item);
    // Items known after apply are the referenced resources, in order, when
    // the counts leave no doubt.
    if (id.empty() && item.is_unknown() && unknown == referenced.size()) id = referenced[next_unknown++];
    out.push_back(id.empty() || id == res.address ? rc.ids(item) : ctx().str(id));
  }
  rc.put(key, make_list(ctx().arena, out), path.substr(0, path.find('.')));
}

void TfResource::statements(std::string_view key, std::string_view path) {
  const Value* v = get(path);
  if (v == nullptr) return;
  if (v->is_string() && v->as_string().empty()) return;
  rc.put(key, rc.statements(*v), path.substr(0, path.find('.')));
}

void TfResource::copy_all() {
  if (!res.values.is_map()) return;
  for (const Member& m : res.values.as_map()) {
    if (m.value.is_null()) continue;
    std::string k(m.key.as_string());
    if (rc.out.has(k)) k += "_";  // never shadow id/type/location
    rc.put(k, m.value, m.key.as_string());
  }
}

std::string tf_canonical_type(std::string_view tf_type) {
  // Provider type names whose first word is not the service (as
  // CloudFormation names it): aws_api_gateway_* is apigateway, aws_vpc ec2.
  static constexpr std::pair<std::string_view, std::string_view> kServices[] = {
      {"api_gateway_", "apigateway"},     {"apigatewayv2_", "apigateway"},   {"cloudwatch_log_", "logs"},
      {"cloudwatch_event_", "events"},    {"sfn_", "stepfunctions"},         {"security_group", "ec2"},
      {"vpc", "ec2"},                     {"subnet", "ec2"},                 {"instance", "ec2"},
      {"network_", "ec2"},                {"route_table", "ec2"},            {"internet_gateway", "ec2"},
      {"nat_gateway", "ec2"},             {"eip", "ec2"},                    {"launch_template", "ec2"},
      {"ebs_", "ec2"},                    {"lb", "elasticloadbalancingv2"},  {"alb", "elasticloadbalancingv2"},
      {"db_", "rds"},                     {"kinesis_stream", "kinesis"},     {"cloudwatch_metric_alarm", "cloudwatch"},
  };
  std::string_view t = tf_type;
  size_t us = t.find('_');
  if (us == std::string_view::npos) return std::string(t);
  std::string_view provider = t.substr(0, us);
  t.remove_prefix(us + 1);
  for (const auto& [prefix, service] : kServices) {
    if (!t.starts_with(prefix)) continue;
    bool word = prefix.back() == '_' || t.size() == prefix.size() || t[prefix.size()] == '_';
    if (!word) continue;
    std::string_view rest = prefix.back() == '_' ? t.substr(prefix.size()) : t;
    if (service == "kinesis") rest = t.substr(8);  // kinesis_stream -> stream
    else if (service == "ec2" || service == "elasticloadbalancingv2" || service == "cloudwatch" || service == "rds")
      rest = t;  // the whole name is the resource: security_group, db_instance
    return cat(provider, ".", service, ".", rest);
  }
  size_t us2 = t.find('_');
  if (us2 == std::string_view::npos) return cat(provider, ".", t, ".", t);
  return cat(provider, ".", t.substr(0, us2), ".", t.substr(us2 + 1));
}

}  // namespace moat::tf
