#include "documents/terraform/tf_plan.h"

#include <optional>

#include "documents/json_reader.h"

namespace moat::tf {

using cfn::cat;
using cfn::member;

namespace {

constexpr int kMaxModuleDepth = 64;

// "module.a[0].module.b.aws_x.y[\"k\"]" -> "module.a.module.b.aws_x.y".
std::string strip_indexes(std::string_view address) {
  std::string out;
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < address.size(); ++i) {
    char c = address[i];
    if (depth > 0) {
      if (quoted) {
        if (c == '\\') ++i;
        else if (c == '"') quoted = false;
      } else if (c == '"') {
        quoted = true;
      } else if (c == '[') {
        ++depth;
      } else if (c == ']') {
        --depth;
      }
      continue;
    }
    if (c == '[') {
      depth = 1;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string_view str_member(const Value& v, std::string_view key) {
  const Value* m = member(v, key);
  return m && m->is_string() ? m->as_string() : std::string_view();
}

}  // namespace

Plan::Plan(Context& ctx, const Value& root) : ctx_(ctx) {
  if (const Value* changes = member(root, "resource_changes"); changes && changes->is_list())
    for (const Value& c : changes->as_list()) {
      std::string_view address = str_member(c, "address");
      const Value* change = member(c, "change");
      const Value* au = change ? member(*change, "after_unknown") : nullptr;
      if (!address.empty() && au) after_unknown_[std::string(address)] = *au;
    }
  if (const Value* prior = member(root, "prior_state"))
    if (const Value* v = member(*prior, "values"))
      if (const Value* m = member(*v, "root_module")) collect_data_values(*m, 0);
  if (const Value* config = member(root, "configuration"))
    if (const Value* m = member(*config, "root_module")) collect_config(*m, "", 0);
  if (const Value* pv = member(root, "planned_values"))
    if (const Value* m = member(*pv, "root_module")) collect(*m, "/planned_values/root_module", 0);
  for (size_t i = 0; i < resources_.size(); ++i) {
    const PlanResource& r = resources_[i];
    for (std::string_view attr : {"arn", "id", "name", "bucket", "function_name", "qualified_arn", "invoke_arn"}) {
      std::string_view v = str_member(r.values, attr);
      // Names are matched only within the same type family (a bucket name
      // in `bucket`, a function name in `function_name`), ARNs anywhere.
      if (!v.empty()) by_value_.emplace(cat(attr == "arn" || attr == "qualified_arn" || attr == "invoke_arn" ? "" : r.type, "\n", v), i);
    }
  }
}

void Plan::collect_config(const Value& module, const std::string& prefix, int depth) {
  if (depth > kMaxModuleDepth) return;
  if (const Value* res = member(module, "resources"); res && res->is_list())
    for (const Value& r : res->as_list()) {
      std::string_view address = str_member(r, "address");
      if (const Value* e = member(r, "expressions"); e && !address.empty())
        expressions_[cat(prefix, address)] = *e;
    }
  if (const Value* calls = member(module, "module_calls"); calls && calls->is_map())
    for (const Member& c : calls->as_map())
      if (const Value* m = member(c.value, "module"))
        collect_config(*m, cat(prefix, "module.", c.key.as_string(), "."), depth + 1);
}

void Plan::collect(const Value& module, const std::string& pointer, int depth) {
  if (depth > kMaxModuleDepth) {
    ctx_.warn("modules nested too deeply; skipped", ctx_.location_of(module));
    return;
  }
  std::string_view module_address = str_member(module, "address");
  if (const Value* res = member(module, "resources"); res && res->is_list()) {
    for (uint32_t i = 0; i < res->as_list().size; ++i) {
      const Value& r = res->as_list().items[i];
      std::string_view address = str_member(r, "address");
      std::string_view type = str_member(r, "type");
      if (address.empty() || type.empty()) {
        ctx_.warn("planned resource without address or type; skipped", ctx_.location_of(r));
        continue;
      }
      if (str_member(r, "mode") == "data") continue;
      PlanResource p;
      p.address = std::string(address);
      p.type = std::string(type);
      p.module = module_address.empty() ? "" : cat(module_address, ".");
      p.pointer = cat(pointer, "/resources/", i);
      p.object = r;
      const Value* values = member(r, "values");
      p.raw = values && values->is_map() ? *values : make_map(ctx_.arena, {});
      auto au = after_unknown_.find(p.address);
      p.values = au == after_unknown_.end() ? p.raw : merge_unknown(p.raw, au->second, 0);
      std::string key = strip_indexes(p.address);
      if (auto e = expressions_.find(key); e != expressions_.end()) p.expressions = e->second;
      if (p.expressions.is_map()) p.values = mark_data_sources(p.values, p.expressions, p.module, 0);
      p.location = ctx_.location_of(r);
      if (by_address_.contains(p.address)) {
        ctx_.warn(cat("duplicate resource address ", p.address, "; skipped"), p.location);
        continue;
      }
      by_address_[p.address] = resources_.size();
      by_config_key_.emplace(key, resources_.size());
      resources_.push_back(std::move(p));
    }
  }
  if (const Value* children = member(module, "child_modules"); children && children->is_list())
    for (uint32_t i = 0; i < children->as_list().size; ++i)
      collect(children->as_list().items[i], cat(pointer, "/child_modules/", i), depth + 1);
}

Value Plan::merge_unknown(const Value& values, const Value& au, int depth) {
  if (au.is_bool() && au.as_bool() && (values.is_null() || values.is_missing()))
    return make_unknown(ctx_.arena, "known after apply");
  if (depth > 64) return values;
  if (au.is_map() && values.is_map()) {
    std::vector<Member> members;
    bool changed = false;
    for (const Member& m : values.as_map()) {
      const Value* a = au.as_map().find(m.key.as_string());
      Value v = a ? merge_unknown(m.value, *a, depth + 1) : m.value;
      changed |= v.kind() != m.value.kind() || v.identity() != m.value.identity();
      members.push_back(Member{m.key, v});
    }
    for (const Member& m : au.as_map())
      if (m.value.is_bool() && m.value.as_bool() && values.as_map().find(m.key.as_string()) == nullptr) {
        members.push_back(Member{m.key, make_unknown(ctx_.arena, "known after apply")});
        changed = true;
      }
    return changed ? make_map(ctx_.arena, members, values.as_map().source_offset) : values;
  }
  if (au.is_list() && values.is_list()) {
    std::vector<Value> items;
    bool changed = false;
    for (uint32_t i = 0; i < values.as_list().size; ++i) {
      const Value& item = values.as_list().items[i];
      Value v = i < au.as_list().size ? merge_unknown(item, au.as_list().items[i], depth + 1) : item;
      changed |= v.kind() != item.kind() || v.identity() != item.identity();
      items.push_back(v);
    }
    return changed ? make_list(ctx_.arena, items, values.as_list().source_offset) : values;
  }
  return values;
}

void Plan::collect_data_values(const Value& module, int depth) {
  if (depth > kMaxModuleDepth) return;
  if (const Value* res = member(module, "resources"); res && res->is_list())
    for (const Value& r : res->as_list())
      if (str_member(r, "mode") == "data")
        if (const Value* v = member(r, "values"); v && v->is_map())
          data_values_[strip_indexes(str_member(r, "address"))] = *v;
  if (const Value* children = member(module, "child_modules"); children && children->is_list())
    for (const Value& c : children->as_list()) collect_data_values(c, depth + 1);
}

namespace {

// Data sources whose values are secrets: what they read is materialised
// into the plan and the state, whatever the plan shows.
bool reads_secret(std::string_view data_type) {
  return data_type == "aws_secretsmanager_secret_version" || data_type == "aws_secretsmanager_random_password" ||
         data_type == "aws_ssm_parameter" || data_type == "aws_ssm_parameters_by_path" ||
         data_type == "aws_kms_secrets";
}

// "data.aws_x.y[0].attr" -> {"data.aws_x.y", "aws_x", "attr"}.
struct DataRef {
  std::string address, type, attribute;
};
std::optional<DataRef> data_ref(std::string_view ref) {
  if (!ref.starts_with("data.")) return std::nullopt;
  std::vector<std::string_view> parts = cfn::split(ref, ".");
  if (parts.size() < 3) return std::nullopt;
  DataRef d;
  std::string_view name = parts[2].substr(0, parts[2].find('['));
  d.type = std::string(parts[1]);
  d.address = cat("data.", parts[1], ".", name);
  if (parts.size() > 3) d.attribute = std::string(parts[3].substr(0, parts[3].find('[')));
  return d;
}

}  // namespace

Value Plan::mark_data_sources(const Value& values, const Value& expressions, const std::string& module, int depth) {
  if (depth > 64) return values;
  if (expressions.is_list() && values.is_list()) {
    std::vector<Value> items;
    bool changed = false;
    for (uint32_t i = 0; i < values.as_list().size; ++i) {
      const Value& item = values.as_list().items[i];
      Value v = i < expressions.as_list().size ? mark_data_sources(item, expressions.as_list().items[i], module, depth + 1)
                                               : item;
      changed |= v.kind() != item.kind() || v.identity() != item.identity();
      items.push_back(v);
    }
    return changed ? make_list(ctx_.arena, items, values.as_list().source_offset) : values;
  }
  if (!expressions.is_map()) return values;
  const Value* refs = member(expressions, "references");
  if (refs == nullptr) {
    // Nested blocks / attributes: the expressions mirror the values.
    if (!values.is_map()) return values;
    std::vector<Member> members;
    bool changed = false;
    for (const Member& m : values.as_map()) {
      const Value* e = member(expressions, m.key.as_string());
      Value v = e ? mark_data_sources(m.value, *e, module, depth + 1) : m.value;
      changed |= v.kind() != m.value.kind() || v.identity() != m.value.identity();
      members.push_back(Member{m.key, v});
    }
    return changed ? make_map(ctx_.arena, members, values.as_map().source_offset) : values;
  }
  // An attribute's expression: the data sources it reads.
  std::vector<DataRef> data;
  if (refs->is_list())
    for (const Value& r : refs->as_list())
      if (r.is_string())
        if (auto d = data_ref(r.as_string())) {
          d->address = cat(module, d->address);
          bool seen = false;
          for (const DataRef& x : data) seen |= x.address == d->address && x.attribute == d->attribute;
          if (!seen && !d->attribute.empty()) data.push_back(*std::move(d));
        }
  if (data.empty()) return values;
  bool secret = false;
  for (const DataRef& d : data) secret |= reads_secret(d.type);
  auto reason = [&] {
    std::string r;
    for (const DataRef& d : data) r += cat(r.empty() ? "" : ", ", "data source ", d.address, " (", d.attribute, ")");
    return make_unknown(ctx_.arena, cat(r, secret ? " is read at deploy time" : " is known after apply"));
  };
  // A value read at plan time that is a data source's attribute (a map
  // member such as one environment variable): the member, not the map.
  auto from_data = [&](const Value& v) {
    if (!v.is_string()) return false;
    for (const DataRef& d : data) {
      auto it = data_values_.find(d.address);
      if (it == data_values_.end()) continue;
      const Value* a = member(it->second, d.attribute);
      if (a && a->is_string() && a->as_string() == v.as_string()) return true;
    }
    return false;
  };
  if (values.is_unknown() || values.is_null() || values.is_missing()) return values.is_unknown() ? reason() : values;
  if (values.is_map()) {
    std::vector<Member> members;
    bool changed = false;
    for (const Member& m : values.as_map()) {
      bool replace = m.value.is_unknown() || (secret && from_data(m.value));
      members.push_back(Member{m.key, replace ? reason() : m.value});
      changed |= replace;
    }
    return changed ? make_map(ctx_.arena, members, values.as_map().source_offset) : values;
  }
  return secret ? reason() : values;
}

const PlanResource* Plan::find(std::string_view address) const {
  auto it = by_address_.find(std::string(address));
  return it == by_address_.end() ? nullptr : &resources_[it->second];
}

std::string Plan::resolve_reference(std::string_view module, std::string_view ref) const {
  if (ref.starts_with("var.") || ref.starts_with("local.") || ref.starts_with("module.") ||
      ref.starts_with("data.") || ref.starts_with("each.") || ref.starts_with("count.") || ref.starts_with("path."))
    return {};
  // type.name[index].attr...: keep type.name and an index right after name.
  size_t dot = ref.find('.');
  if (dot == std::string_view::npos) return {};
  size_t end = ref.find_first_of(".[", dot + 1);
  std::string base = cat(module, ref.substr(0, end));
  if (end != std::string_view::npos && ref[end] == '[') {
    size_t close = ref.find(']', end);
    if (close != std::string_view::npos) {
      std::string indexed = cat(base, ref.substr(end, close - end + 1));
      if (by_address_.contains(indexed)) return indexed;
    }
  }
  if (by_address_.contains(base)) return base;
  auto it = by_config_key_.find(base);
  return it == by_config_key_.end() ? std::string() : resources_[it->second].address;
}

std::string Plan::resource_with_value(const Value& v, std::string_view type) const {
  if (!v.is_string() || v.as_string().empty()) return {};
  auto it = by_value_.find(cat("\n", v.as_string()));
  if (it == by_value_.end() && !type.empty()) it = by_value_.find(cat(type, "\n", v.as_string()));
  return it == by_value_.end() ? std::string() : resources_[it->second].address;
}

}  // namespace moat::tf
