#include "documents/cloudformation/cfn_intrinsics.h"

#include <cstdio>

#include "documents/load_deadline.h"

namespace moat::cfn {

namespace {

constexpr std::string_view kPseudo[] = {"AWS::AccountId", "AWS::NotificationARNs", "AWS::Partition",
                                        "AWS::Region",    "AWS::StackId",          "AWS::StackName",
                                        "AWS::URLSuffix"};

bool is_pseudo(std::string_view name) {
  for (std::string_view p : kPseudo)
    if (p == name) return true;
  return false;
}

std::string base64(std::string_view in) {
  static const char* kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kChars[(n >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += kChars[(n >> 18) & 63];
    out += kChars[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kChars[(n >> 18) & 63];
    out += kChars[(n >> 12) & 63];
    out += kChars[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

bool known(const Value& v) { return !v.is_undefined(); }

}  // namespace

bool scalar_text(const Value& v, std::string* out) {
  switch (v.kind()) {
    case Kind::kString: *out = std::string(v.as_string()); return true;
    case Kind::kInt: *out = std::to_string(v.as_int()); return true;
    case Kind::kBool: *out = v.as_bool() ? "true" : "false"; return true;
    case Kind::kNull: out->clear(); return true;
    case Kind::kFloat: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", v.as_float());
      *out = buf;
      return true;
    }
    default: return false;
  }
}

Resolver::Resolver(Context& ctx, const Value& root) : ctx_(ctx) {
  if (const Value* p = member(root, "Parameters"); p && p->is_map()) parameters_ = *p;
  if (const Value* m = member(root, "Mappings"); m && m->is_map()) mappings_ = *m;
  if (const Value* c = member(root, "Conditions"); c && c->is_map()) conditions_ = *c;
  if (const Value* r = member(root, "Resources"); r && r->is_map())
    for (const Member& m : r->as_map()) {
      const Value* type = member(m.value, "Type");
      resource_types_[std::string(m.key.as_string())] = type && type->is_string() ? std::string(type->as_string()) : "";
    }
  no_value_ = make_unknown(ctx_.arena, "AWS::NoValue");
}

std::string_view Resolver::resource_type(std::string_view id) const {
  auto it = resource_types_.find(std::string(id));
  return it == resource_types_.end() ? std::string_view() : std::string_view(it->second);
}

const RefTarget* Resolver::reference(const Value& v) const {
  if (!v.is_unknown()) return nullptr;
  auto it = references_.find(v.identity());
  return it == references_.end() ? nullptr : &it->second;
}

const std::vector<RefTarget>* Resolver::references_in(const Value& v) const {
  if (!v.is_unknown()) return nullptr;
  auto it = parts_.find(v.identity());
  return it == parts_.end() ? nullptr : &it->second;
}

std::vector<std::string> Resolver::take_referenced() {
  referenced_set_.clear();
  return std::exchange(referenced_, {});
}

std::vector<DynamicRef> Resolver::take_dynamic_refs() { return std::exchange(dynamic_refs_, {}); }

void Resolver::warn(std::string message, const Value& at) {
  auto p = ctx_.positions.of(at);
  ctx_.warn(std::move(message), ctx_.at(p));
}

Value Resolver::unknown(std::string_view reason, std::string_view placeholder) {
  Value u = make_unknown(ctx_.arena, reason);
  if (!placeholder.empty()) placeholders_[u.identity()] = std::string(placeholder);
  return u;
}

Value Resolver::unknown_with_refs(std::string_view reason, std::string_view placeholder, std::vector<RefTarget> refs) {
  Value u = unknown(reason, placeholder);
  if (!refs.empty()) parts_[u.identity()] = std::move(refs);
  return u;
}

Value Resolver::reference_to(std::string_view resource, std::string_view attribute) {
  std::string shown = attribute.empty() ? std::string(resource) : cat(resource, ".", attribute);
  std::string reason = attribute.empty()
                           ? cat("Ref to resource ", resource, ": its physical id is known at deploy time")
                           : cat("Fn::GetAtt ", shown, " is known at deploy time");
  Value u = unknown(reason, cat("${", shown, "}"));
  references_[u.identity()] = RefTarget{std::string(resource), std::string(attribute)};
  if (referenced_set_.insert(std::string(resource)).second) referenced_.emplace_back(resource);
  return u;
}

bool Resolver::text_of(const Value& v, std::string* out, std::vector<RefTarget>* refs) const {
  if (scalar_text(v, out)) return true;
  if (!v.is_unknown()) return false;
  if (const RefTarget* r = reference(v)) refs->push_back(*r);
  if (const auto* inner = references_in(v)) refs->insert(refs->end(), inner->begin(), inner->end());
  auto it = placeholders_.find(v.identity());
  *out = it != placeholders_.end() ? it->second : "${?}";
  return false;
}

Value Resolver::resolve(const Value& v, const std::string& pointer) {
  std::string p = pointer;
  return resolve_at(v, p, 0);
}

Value Resolver::resolve_at(const Value& v, std::string& pointer, int depth) {
  check_load_deadline();
  if (depth > kMaxDepth) {
    warn("intrinsic functions nested too deeply (circular reference?) at " + pointer, v);
    return unknown("intrinsic functions nested too deeply (circular reference?)");
  }
  if (v.is_string()) {
    if (v.as_string().find("{{resolve:") != std::string_view::npos) return dynamic_reference(v, pointer);
    return v;
  }
  if (v.is_list()) {
    std::vector<Value> items;
    items.reserve(v.as_list().size);
    size_t i = 0;
    for (const Value& item : v.as_list()) {
      size_t mark = pointer.size();
      pointer += cat("/", i++);
      Value r = resolve_at(item, pointer, depth + 1);
      pointer.resize(mark);
      if (!is_no_value(r)) items.push_back(r);
    }
    return make_list(ctx_.arena, items);
  }
  if (!v.is_map()) return v;
  const MapRep& m = v.as_map();
  if (m.size == 1) {
    std::string_view key = m.members[0].key.as_string();
    if (key == "Ref" || key.starts_with("Fn::") || (key == "Condition" && in_condition_ > 0))
      return intrinsic(key, m.members[0].value, v, pointer, depth);
  }
  std::vector<Member> members;
  members.reserve(m.size);
  for (const Member& mem : m) {
    size_t mark = pointer.size();
    append_pointer_token(pointer, mem.key.as_string());
    Value r = resolve_at(mem.value, pointer, depth + 1);
    pointer.resize(mark);
    if (!is_no_value(r)) members.push_back(Member{mem.key, r});
  }
  return make_map(ctx_.arena, members);
}

Value Resolver::dynamic_reference(const Value& s, const std::string& pointer) {
  std::string_view text = s.as_string();
  size_t start = text.find("{{resolve:");
  size_t end = text.find("}}", start);
  std::string_view inner = text.substr(start + 2, end == std::string_view::npos ? std::string_view::npos : end - start - 2);
  std::string_view service = inner.substr(8);  // after "resolve:"
  service = service.substr(0, service.find(':'));
  dynamic_refs_.push_back(DynamicRef{pointer, std::string(service), std::string(text)});
  std::string reason = cat("dynamic reference ", inner);
  if (start != 0 || end == std::string_view::npos || end + 2 != text.size()) reason += cat(" in '", text, "'");
  return unknown(reason, text);
}

Value Resolver::ref(std::string_view name, const Value& at) {
  if (name == "AWS::NoValue") return no_value_;
  if (is_pseudo(name)) return unknown(cat(name, " is known at deploy time"), cat("${", name, "}"));
  if (const Value* p = member(parameters_, name)) {
    const Value* def = member(*p, "Default");
    if (def == nullptr)
      return unknown(cat("parameter ", name, " has no default"), cat("${", name, "}"));
    const Value* type = member(*p, "Type");
    std::string_view t = type && type->is_string() ? type->as_string() : "";
    if (def->is_string() && (t.starts_with("List<") || t == "CommaDelimitedList")) {
      std::vector<Value> items;
      for (std::string_view part : split(def->as_string(), ","))
        items.push_back(ctx_.str(strip(part)));
      return make_list(ctx_.arena, items);
    }
    return *def;
  }
  if (is_resource(name)) return reference_to(name, "");
  warn(cat("Ref to '", name, "', which is neither a parameter nor a resource"), at);
  return unknown(cat("Ref to undefined '", name, "'"), cat("${", name, "}"));
}

Value Resolver::get_att(const Value& arg, const Value& at, std::string& pointer, int depth) {
  std::string resource, attribute;
  Value a = arg;
  if (a.is_string()) {
    std::string_view s = a.as_string();
    size_t dot = s.find('.');
    if (dot != std::string_view::npos) {
      resource = std::string(s.substr(0, dot));
      attribute = std::string(s.substr(dot + 1));
    }
  } else if (a.is_list() && a.as_list().size == 2 && a.as_list().items[0].is_string()) {
    resource = std::string(a.as_list().items[0].as_string());
    Value attr = resolve_at(a.as_list().items[1], pointer, depth + 1);
    if (!scalar_text(attr, &attribute)) return unknown("Fn::GetAtt with an attribute known at deploy time");
  }
  if (resource.empty() || attribute.empty()) {
    warn("malformed Fn::GetAtt (expected [Resource, Attribute] or \"Resource.Attribute\")", at);
    return unknown("malformed Fn::GetAtt");
  }
  if (!is_resource(resource)) {
    warn(cat("Fn::GetAtt of '", resource, "', which is not a resource"), at);
    return unknown(cat("Fn::GetAtt of undefined resource '", resource, "'"));
  }
  return reference_to(resource, attribute);
}

Value Resolver::sub(const Value& arg, const Value& at, std::string& pointer, int depth) {
  Value tmpl = arg;
  Value vars;
  if (arg.is_list() && arg.as_list().size == 2) {
    tmpl = arg.as_list().items[0];
    vars = resolve_at(arg.as_list().items[1], pointer, depth + 1);
  }
  if (!tmpl.is_string()) {
    warn("malformed Fn::Sub (expected a string or [string, variables])", at);
    return unknown("malformed Fn::Sub");
  }
  std::string_view t = tmpl.as_string();
  std::string out;
  std::vector<RefTarget> refs;
  bool all_known = true;
  int vars_used = 0;
  Value only;  // the value of the one variable when the text is exactly "${X}"
  size_t pos = 0;
  while (pos < t.size()) {
    size_t open = t.find("${", pos);
    if (open == std::string_view::npos) {
      out += t.substr(pos);
      break;
    }
    out += t.substr(pos, open - pos);
    size_t close = t.find('}', open);
    if (close == std::string_view::npos) {
      out += t.substr(open);
      break;
    }
    std::string_view name = strip(t.substr(open + 2, close - open - 2));
    pos = close + 1;
    if (name.starts_with("!")) {  // ${!Literal}
      out += cat("${", name.substr(1), "}");
      continue;
    }
    ++vars_used;
    Value v;
    if (const Value* given = member(vars, name)) {
      v = *given;
    } else if (size_t dot = name.find('.'); dot != std::string_view::npos && is_resource(name.substr(0, dot))) {
      v = reference_to(name.substr(0, dot), name.substr(dot + 1));
    } else {
      v = ref(name, at);
    }
    if (open == 0 && pos == t.size()) only = v;
    std::string piece;
    if (!text_of(v, &piece, &refs)) all_known = false;
    out += piece;
  }
  if (vars_used == 1 && reference(only)) return only;
  if (all_known) {
    Value s = ctx_.str(out);
    return out.find("{{resolve:") != std::string::npos ? dynamic_reference(s, pointer) : s;
  }
  return unknown_with_refs(cat("Fn::Sub '", out, "' is known at deploy time"), out, std::move(refs));
}

Value Resolver::join(const Value& arg, const Value& at, std::string& pointer, int depth) {
  if (!arg.is_list() || arg.as_list().size != 2 || !arg.as_list().items[0].is_string()) {
    warn("malformed Fn::Join (expected [delimiter, list])", at);
    return unknown("malformed Fn::Join");
  }
  std::string_view delim = arg.as_list().items[0].as_string();
  Value list = resolve_at(arg.as_list().items[1], pointer, depth + 1);
  if (!list.is_list()) {
    if (list.is_unknown()) return unknown("Fn::Join of a list known at deploy time");
    warn("Fn::Join needs a list", at);
    return unknown("malformed Fn::Join");
  }
  std::string out;
  std::vector<RefTarget> refs;
  bool all_known = true;
  bool first = true;
  for (const Value& item : list.as_list()) {
    if (!first) out += delim;
    first = false;
    std::string piece;
    if (!text_of(item, &piece, &refs)) {
      if (!item.is_unknown()) {
        warn("Fn::Join of a list or map", at);
        return unknown("malformed Fn::Join");
      }
      all_known = false;
    }
    out += piece;
  }
  if (all_known) return ctx_.str(out);
  return unknown_with_refs(cat("Fn::Join '", out, "' is known at deploy time"), out, std::move(refs));
}

Value Resolver::find_in_map(const Value& arg, const Value& at, std::string& pointer, int depth) {
  if (!arg.is_list() || arg.as_list().size < 3) {
    warn("malformed Fn::FindInMap (expected [map, key, key])", at);
    return unknown("malformed Fn::FindInMap");
  }
  const ListRep& l = arg.as_list();
  std::string keys[3];
  for (int i = 0; i < 3; ++i) {
    Value k = resolve_at(l.items[i], pointer, depth + 1);
    if (!scalar_text(k, &keys[i])) return unknown("Fn::FindInMap with a key known at deploy time");
  }
  const Value* v = member(mappings_, keys[0]);
  if (v) v = member(*v, keys[1]);
  if (v) v = member(*v, keys[2]);
  if (v) return resolve_at(*v, pointer, depth + 1);
  if (l.size >= 4)
    if (const Value* d = member(l.items[3], "DefaultValue")) return resolve_at(*d, pointer, depth + 1);
  warn(cat("Fn::FindInMap: no ", keys[0], "/", keys[1], "/", keys[2], " in Mappings"), at);
  return unknown(cat("Fn::FindInMap: no ", keys[0], "/", keys[1], "/", keys[2], " in Mappings"));
}

Value Resolver::condition(std::string_view name) {
  std::string key(name);
  if (auto it = condition_values_.find(key); it != condition_values_.end()) return it->second;
  const Value* expr = member(conditions_, name);
  if (expr == nullptr) {
    ctx_.warn(cat("condition '", name, "' is not defined"));
    return unknown(cat("undefined condition ", name));
  }
  if (!conditions_visiting_.insert(key).second) {
    warn(cat("circular condition '", name, "'"), *expr);
    return unknown(cat("circular condition ", name));
  }
  ++in_condition_;
  std::string pointer = "/Conditions";
  append_pointer_token(pointer, name);
  Value v = resolve_at(*expr, pointer, 0);
  --in_condition_;
  conditions_visiting_.erase(key);
  if (!v.is_bool() && !v.is_unknown()) {
    warn(cat("condition '", name, "' is not a boolean"), *expr);
    v = unknown(cat("condition ", name, " is not a boolean"));
  } else if (v.is_unknown()) {
    v = unknown(cat("condition ", name, " depends on deploy-time values"));
  }
  condition_values_[key] = v;
  return v;
}

Value Resolver::intrinsic(std::string_view fn, const Value& arg, const Value& at, std::string& pointer, int depth) {
  auto args = [&](size_t n) -> const ListRep* {
    if (!arg.is_list() || (n && arg.as_list().size != n)) {
      warn(cat("malformed ", fn), at);
      return nullptr;
    }
    return &arg.as_list();
  };
  auto eval = [&](const Value& v) { return resolve_at(v, pointer, depth + 1); };
  if (fn == "Ref") {
    Value name = eval(arg);
    if (!name.is_string()) {
      warn("Ref needs a name", at);
      return unknown("malformed Ref");
    }
    return ref(name.as_string(), at);
  }
  if (fn == "Condition") {
    if (!arg.is_string()) return unknown("malformed Condition");
    return condition(arg.as_string());
  }
  if (fn == "Fn::GetAtt") return get_att(arg, at, pointer, depth);
  if (fn == "Fn::Sub") return sub(arg, at, pointer, depth);
  if (fn == "Fn::Join") return join(arg, at, pointer, depth);
  if (fn == "Fn::FindInMap") return find_in_map(arg, at, pointer, depth);
  if (fn == "Fn::If") {
    const ListRep* l = args(3);
    if (!l || !l->items[0].is_string()) return unknown("malformed Fn::If");
    Value c = condition(l->items[0].as_string());
    if (c.is_bool()) return eval(l->items[c.as_bool() ? 1 : 2]);
    Value a = eval(l->items[1]), b = eval(l->items[2]);
    if (known(a) && known(b) && values_equal(a, b)) return a;
    return unknown(cat("Fn::If on condition ", l->items[0].as_string(), ", which depends on deploy-time values"));
  }
  if (fn == "Fn::Select") {
    const ListRep* l = args(2);
    if (!l) return unknown("malformed Fn::Select");
    Value index = eval(l->items[0]), list = eval(l->items[1]);
    std::string text;
    int64_t i = -1;
    if (index.is_int()) i = index.as_int();
    else if (index.is_string() && scalar_text(index, &text) && !text.empty() &&
             text.find_first_not_of("0123456789") == std::string::npos && text.size() < 10)
      i = std::stoll(text);
    if (!list.is_list() || i < 0) return unknown("Fn::Select with inputs known at deploy time");
    if (static_cast<uint64_t>(i) >= list.as_list().size) {
      warn(cat("Fn::Select index ", i, " out of range"), at);
      return unknown("Fn::Select index out of range");
    }
    return list.as_list().items[i];
  }
  if (fn == "Fn::Split") {
    const ListRep* l = args(2);
    if (!l) return unknown("malformed Fn::Split");
    Value d = eval(l->items[0]), s = eval(l->items[1]);
    if (!d.is_string() || !s.is_string() || d.as_string().empty())
      return unknown("Fn::Split of a string known at deploy time");
    std::vector<Value> items;
    for (std::string_view part : split(s.as_string(), d.as_string())) items.push_back(ctx_.str(part));
    return make_list(ctx_.arena, items);
  }
  if (fn == "Fn::Base64") {
    Value s = eval(arg);
    std::string text;
    if (!scalar_text(s, &text) || s.is_null()) return unknown("Fn::Base64 of a value known at deploy time");
    return ctx_.str(base64(text));
  }
  if (fn == "Fn::Equals") {
    const ListRep* l = args(2);
    if (!l) return unknown("malformed Fn::Equals");
    Value a = eval(l->items[0]), b = eval(l->items[1]);
    if (!known(a) || !known(b)) return unknown("Fn::Equals of values known at deploy time");
    std::string ta, tb;
    if (scalar_text(a, &ta) && scalar_text(b, &tb)) return Value::boolean(ta == tb);
    return Value::boolean(values_equal(a, b));
  }
  if (fn == "Fn::Not" || fn == "Fn::And" || fn == "Fn::Or") {
    const ListRep* l = args(fn == "Fn::Not" ? 1 : 0);
    if (!l) return unknown(cat("malformed ", fn));
    ++in_condition_;
    bool any_unknown = false, any_true = false, any_false = false;
    for (const Value& item : *l) {
      Value v = eval(item);
      if (v.is_bool()) (v.as_bool() ? any_true : any_false) = true;
      else any_unknown = true;
    }
    --in_condition_;
    if (fn == "Fn::Not") return any_unknown ? unknown("Fn::Not of a value known at deploy time") : Value::boolean(any_false);
    if (fn == "Fn::And") {
      if (any_false) return Value::boolean(false);
      return any_unknown ? unknown("Fn::And of values known at deploy time") : Value::boolean(true);
    }
    if (any_true) return Value::boolean(true);
    return any_unknown ? unknown("Fn::Or of values known at deploy time") : Value::boolean(false);
  }
  if (fn == "Fn::Length") {
    Value l = eval(arg);
    return l.is_list() ? Value::integer(l.as_list().size) : unknown("Fn::Length of a list known at deploy time");
  }
  if (fn == "Fn::ToJsonString") {
    Value v = eval(arg);
    return known(v) ? ctx_.str(to_json(v)) : unknown("Fn::ToJsonString of a value known at deploy time");
  }
  if (fn == "Fn::ImportValue" || fn == "Fn::GetAZs" || fn == "Fn::Cidr" || fn == "Fn::Transform" ||
      fn == "Fn::GetStackOutput") {
    Value inner = eval(arg);
    std::string text;
    if (fn == "Fn::ImportValue" && scalar_text(inner, &text))
      return unknown(cat("Fn::ImportValue ", text, " is known at deploy time"), cat("${Import:", text, "}"));
    return unknown(cat(fn, " is known at deploy time"));
  }
  warn(cat("unsupported intrinsic function ", fn), at);
  return unknown(cat("unsupported intrinsic function ", fn));
}

}  // namespace moat::cfn
