#include <cmath>

#include "documents/cloudformation/cfn_normalize.h"
#include "documents/json_reader.h"

namespace moat::cfn {

const Value* ResourceContext::at_path(const Value& root, std::string_view path) {
  const Value* cur = &root;
  for (std::string_view part : split(path, ".")) {
    cur = member(*cur, part);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

Location ResourceContext::where(std::string_view path) const {
  Location best = ctx.current;
  const Value* cur = &raw_;
  for (std::string_view part : split(path, ".")) {
    if (!cur->is_map()) break;
    if (auto p = ctx.positions.of_member(*cur, part)) best = ctx.at(p);
    cur = member(*cur, part);
    if (cur == nullptr) break;
  }
  return best;
}

void ResourceContext::put(std::string_view key, Value v, std::string_view path_for_location) {
  MapBuilder* target = &out;
  std::vector<std::string_view> parts = split(key, ".");
  std::string_view first_path = path_for_location.substr(0, path_for_location.find('.'));
  for (size_t i = 0; i + 1 < parts.size(); ++i) target = &target->child(parts[i], where(first_path));
  target->set(parts.back(), v, where(path_for_location));
  // A map copied from the template: each member points at its own line.
  const Value* from = raw(path_for_location);
  if (v.is_map() && from && from->is_map())
    for (const Member& m : v.as_map())
      if (auto p = ctx.positions.of_member(*from, m.key.as_string()))
        ctx.locations.add_member(v.identity(), std::string(m.key.as_string()), ctx.at(p));
}

Value ResourceContext::set(std::string_view key, std::string_view path, Conv conv) {
  const Value* v = get(path);
  if (v == nullptr) return Value();
  Value c = convert(*v, conv);
  put(key, c, path);
  return c;
}

std::string ResourceContext::set_ref(std::string_view key, std::string_view path, std::string_view edge_kind,
                                     bool reversed) {
  const Value* v = get(path);
  if (v == nullptr) return {};
  std::string target = ref_id(*v);
  put(key, ids(*v), path);
  if (!target.empty() && !edge_kind.empty()) {
    if (reversed) edge(edge_kind, target, id);
    else edge(edge_kind, id, target);
  }
  return target;
}

void ResourceContext::edge(std::string_view kind, std::string_view from, std::string_view to,
                           std::vector<std::pair<std::string, Value>> extra) {
  edges_.push_back(Edge{std::string(kind), std::string(from), std::string(to), std::move(extra)});
}

std::string ResourceContext::ref_id(const Value& v) const {
  const RefTarget* r = resolver.reference(v);
  if (r == nullptr) return {};
  std::string_view a = r->attribute;
  if (a.empty() || a.ends_with("Arn") || a.ends_with("ARN")) return r->resource;
  return {};
}

std::string ResourceContext::referenced(const Value& v, std::span<const std::string_view> native_types) const {
  auto matches = [&](const RefTarget& r) {
    std::string_view t = resolver.resource_type(r.resource);
    for (std::string_view want : native_types)
      if (t == want) return true;
    return false;
  };
  if (const RefTarget* r = resolver.reference(v); r && matches(*r)) return r->resource;
  if (const auto* parts = resolver.references_in(v))
    for (const RefTarget& r : *parts)
      if (matches(r)) return r.resource;
  return {};
}

static bool same(const Value& a, const Value& b) { return a.kind() == b.kind() && a.identity() == b.identity(); }

Value ResourceContext::ids(const Value& v) {
  if (v.is_unknown()) {
    std::string target = ref_id(v);
    return target.empty() ? v : ctx.str(target);
  }
  if (v.is_list()) {
    std::vector<Value> items;
    bool changed = false;
    for (const Value& item : v.as_list()) {
      items.push_back(ids(item));
      changed |= !same(items.back(), item);
    }
    return changed ? make_list(ctx.arena, items) : v;
  }
  if (v.is_map()) {
    std::vector<Member> members;
    bool changed = false;
    for (const Member& m : v.as_map()) {
      members.push_back(Member{m.key, ids(m.value)});
      changed |= !same(members.back().value, m.value);
    }
    return changed ? make_map(ctx.arena, members) : v;
  }
  return v;
}

Value ResourceContext::as_list(const Value& v) {
  // Every non-list becomes a one-item list, unknowns included: an unknown
  // list ([unknown]) and an unknown item decide the same way.
  if (v.is_list()) return ids(v);
  Value one = ids(v);
  return make_list(ctx.arena, std::span<const Value>(&one, 1));
}

Value ResourceContext::snake(const Value& v, int depth) {
  if (depth > 64) return v;
  if (v.is_list()) {
    std::vector<Value> items;
    for (const Value& item : v.as_list()) items.push_back(snake(item, depth + 1));
    return make_list(ctx.arena, items);
  }
  if (!v.is_map()) return ids(v);
  std::vector<Member> members;
  for (const Member& m : v.as_map())
    members.push_back(Member{ctx.str(snake_case(m.key.as_string())), snake(m.value, depth + 1)});
  return make_map(ctx.arena, members);
}

Value ResourceContext::convert(const Value& v, Conv conv) {
  switch (conv) {
    case Conv::kAny: return ids(v);
    case Conv::kInt: {
      if (v.is_float() && std::floor(v.as_float()) == v.as_float() && std::fabs(v.as_float()) < 9e15)
        return Value::integer(static_cast<int64_t>(v.as_float()));
      if (v.is_string()) {
        std::string_view s = v.as_string();
        size_t i = !s.empty() && s[0] == '-' ? 1 : 0;
        if (s.size() > i && s.size() < 18 && s.find_first_not_of("0123456789", i) == std::string_view::npos)
          return Value::integer(std::stoll(std::string(s)));
      }
      return ids(v);
    }
    case Conv::kBool:
      if (v.is_string()) {
        if (v.as_string() == "true" || v.as_string() == "True") return Value::boolean(true);
        if (v.as_string() == "false" || v.as_string() == "False") return Value::boolean(false);
      }
      return ids(v);
    case Conv::kList: return as_list(v);
    case Conv::kSnake: return snake(v, 0);
    case Conv::kJson:
      if (v.is_string()) {
        Value parsed;
        JsonError error;
        if (read_json(v.as_string(), ctx.arena, JsonLimits{}, &parsed, &error)) return snake(parsed, 0);
        return v;
      }
      return snake(v, 0);
  }
  return v;
}

Value ResourceContext::principals(const Value& p) {
  if (p.is_string()) return p.as_string() == "*" ? p : make_unknown(ctx.arena, "malformed principal");
  if (!p.is_map()) return ids(p);
  std::vector<Member> members;
  for (const Member& m : p.as_map()) {
    std::string_view k = m.key.as_string();
    std::string_view key = k == "AWS"             ? "aws"
                           : k == "Service"       ? "service"
                           : k == "Federated"     ? "federated"
                           : k == "CanonicalUser" ? "canonical_user"
                                                  : std::string_view();
    members.push_back(Member{key.empty() ? ctx.str(snake_case(k)) : Value::string(key), as_list(m.value)});
  }
  return make_map(ctx.arena, members);
}

Value ResourceContext::statement(const Value& s) {
  if (!s.is_map()) return ids(s);
  MapBuilder b;
  auto list_of = [&](std::string_view key) {
    const Value* v = member(s, key);
    return v ? as_list(*v) : make_list(ctx.arena, {});
  };
  if (const Value* sid = member(s, "Sid")) b.set("sid", ids(*sid));
  const Value* effect = member(s, "Effect");
  b.set("effect", effect ? ids(*effect) : Value::string("Allow"));
  b.set("actions", list_of("Action"));
  b.set("not_actions", list_of("NotAction"));
  b.set("resources", list_of("Resource"));
  b.set("not_resources", list_of("NotResource"));
  if (const Value* p = member(s, "Principal")) b.set("principals", principals(*p));
  if (const Value* p = member(s, "NotPrincipal")) b.set("not_principals", principals(*p));
  std::vector<Member> conditions;
  if (const Value* c = member(s, "Condition"); c && c->is_map()) {
    for (const Member& op : c->as_map()) {
      std::vector<Member> keys;
      if (op.value.is_map())
        for (const Member& k : op.value.as_map()) keys.push_back(Member{k.key, as_list(k.value)});
      conditions.push_back(Member{op.key, op.value.is_map() ? make_map(ctx.arena, keys) : ids(op.value)});
    }
  } else if (c) {
    b.set("conditions", ids(*c));
  }
  if (!b.has("conditions")) b.set("conditions", make_map(ctx.arena, conditions));
  return b.build(ctx);
}

Value ResourceContext::statements(const Value& document) {
  Value doc = document;
  if (doc.is_string()) {
    Value parsed;
    JsonError error;
    if (read_json(doc.as_string(), ctx.arena, JsonLimits{}, &parsed, &error)) doc = parsed;
  }
  if (doc.is_unknown()) return doc;
  const Value* st = member(doc, "Statement");
  if (st == nullptr) {
    ctx.warn("policy document without Statement", ctx.current);
    return make_list(ctx.arena, {});
  }
  if (st->is_unknown()) return *st;
  std::vector<Value> out;
  if (st->is_list()) {
    for (const Value& s : st->as_list()) out.push_back(statement(s));
  } else {
    out.push_back(statement(*st));
  }
  return make_list(ctx.arena, out);
}

}  // namespace moat::cfn
