// The SAM transform driver: Globals, one expansion per AWS::Serverless::*
// resource, and the Resources map handed to the CloudFormation normalizers.
#include "documents/sam/sam_transform.h"

#include <cctype>
#include <cstdio>

#include "documents/cloudformation/cfn_intrinsics.h"
#include "value/value.h"

namespace moat::sam {

std::string text(const Value* v) {
  std::string out;
  if (v && !v->is_null()) cfn::scalar_text(*v, &out);
  return out;
}

bool truthy(const Value* v) {
  if (!v || v->is_null()) return false;
  if (v->is_bool()) return v->as_bool();
  if (v->is_string()) return v->as_string() != "false" && v->as_string() != "False" && !v->as_string().empty();
  return true;
}

std::string short_hash(const Value& v) {
  std::string json;
  write_json(v, json);
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : json) h = (h ^ c) * 0x100000001b3ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf, 10);
}

std::string stage_suffix(std::string_view stage) {
  for (char c : stage)
    if (!std::isalnum(static_cast<unsigned char>(c))) return short_hash(Value::string(stage));
  return std::string(stage);
}

std::string ref_target(const Value& v) {
  if (const Value* r = member(v, "Ref"); r && r->is_string()) return std::string(r->as_string());
  if (const Value* g = member(v, "Fn::GetAtt")) {
    if (g->is_list() && g->as_list().size > 0) return text(&g->as_list().items[0]);
    std::string s = text(g);
    return s.substr(0, s.find('.'));
  }
  return "";
}

std::string_view Generated::type() const {
  const Value* t = member(cfn, "Type");
  return t && t->is_string() ? t->as_string() : std::string_view();
}

Transform::Transform(cfn::Context& c, cfn::SourceMap& positions, const Value& root)
    : ctx(c), positions_(positions), root_(root) {
  template_resources_ = member(root, "Resources");
  if (template_resources_ && !template_resources_->is_map()) template_resources_ = nullptr;
}

Value Transform::map(std::initializer_list<std::pair<std::string_view, Value>> members) {
  std::vector<Member> out;
  for (const auto& [k, v] : members)
    if (!v.is_null()) out.push_back(Member{str(k), v});
  return make_map(ctx.arena, out);
}

Value Transform::map(const std::vector<std::pair<std::string, Value>>& members) {
  std::vector<Member> out;
  for (const auto& [k, v] : members)
    if (!v.is_null()) out.push_back(Member{str(k), v});
  return make_map(ctx.arena, out);
}

Value Transform::get_att(std::string_view id, std::string_view attr) {
  return map({{"Fn::GetAtt", list({str(id), str(attr)})}});
}

Value Transform::with(const Value& base, std::string_view key, Value v) {
  std::vector<Member> out;
  if (base.is_map())
    for (const Member& m : base.as_map())
      if (m.key.as_string() != key) out.push_back(m);
  out.push_back(Member{str(key), v});
  Value built = make_map(ctx.arena, out);
  if (base.is_map()) positions_.add_alias(built.identity(), base.identity());
  return built;
}

Value Transform::literal(const Value& v) const {
  const Value* r = member(v, "Ref");
  const Value* params = member(root_, "Parameters");
  if (r == nullptr || !r->is_string() || params == nullptr) return v;
  const Value* p = member(*params, r->as_string());
  const Value* d = p ? member(*p, "Default") : nullptr;
  return d ? *d : v;
}

bool Transform::exists(std::string_view id) const {
  return index_.contains(std::string(id)) || template_resource(id) != nullptr;
}

const Value* Transform::template_resource(std::string_view id) const {
  return template_resources_ ? member(*template_resources_, id) : nullptr;
}

std::string_view Transform::template_type(std::string_view id) const {
  const Value* r = template_resource(id);
  const Value* t = r ? member(*r, "Type") : nullptr;
  return t && t->is_string() ? t->as_string() : std::string_view();
}

Value* Transform::changed_resource(std::string_view id) {
  auto it = changed_.find(std::string(id));
  if (it != changed_.end()) return &it->second;
  const Value* r = template_resource(id);
  if (r == nullptr || template_type(id).starts_with("AWS::Serverless::")) return nullptr;
  return &(changed_[std::string(id)] = *r);
}

const Value* Transform::expanded(std::string_view id) const {
  if (auto it = index_.find(std::string(id)); it != index_.end()) return &generated_[it->second].cfn;
  if (auto it = changed_.find(std::string(id)); it != changed_.end()) return &it->second;
  if (template_type(id).starts_with("AWS::Serverless::")) return nullptr;
  return template_resource(id);
}

Location Transform::location_of(std::string_view sam_id) const {
  return template_resources_ ? ctx.member_location(*template_resources_, sam_id) : ctx.current;
}

std::string Transform::pointer_of(std::string_view sam_id) const {
  std::string p = "/Resources";
  append_pointer_token(p, sam_id);
  return p;
}

Generated& Transform::add(std::string id, std::string_view type, Value props, const std::string& from,
                          const Location* where, std::string_view pointer) {
  auto it = index_.find(id);
  if (it != index_.end()) return generated_[it->second];
  Generated g;
  g.id = std::move(id);
  g.cfn = resource(type, props);
  g.derived_from = from;
  g.native_type = std::string(type);
  const std::string& sam_id = from.empty() ? g.id : from;  // "" for a SAM resource's own main resource
  g.location = where ? *where : location_of(sam_id);
  g.pointer = pointer.empty() ? pointer_of(sam_id) : std::string(pointer);
  index_[g.id] = generated_.size();
  generated_.push_back(std::move(g));
  return generated_.back();
}

Generated& Transform::add_for_event(std::string id, std::string_view type, Value props, const Event& e) {
  return add(std::move(id), type, props, e.owner, &e.location, e.pointer);
}

// Explicit APIs first: events of functions written before them attach to them.
void Transform::register_apis() {
  for (const Member& m : template_resources_->as_map()) {
    std::string id(m.key.as_string());
    std::string_view type = template_type(id);
    if (type != "AWS::Serverless::Api" && type != "AWS::Serverless::HttpApi") continue;
    const Value* raw = member(m.value, "Properties");
    ApiInfo info;
    info.id = id;
    info.http = type == "AWS::Serverless::HttpApi";
    info.props = apply_globals(*this, type, raw && raw->is_map() ? *raw : make_map(ctx.arena, {}));
    const Value* stage = member(info.props, "StageName");
    // An intrinsic StageName: SAM's ids then carry no stage name.
    info.stage = stage == nullptr ? (info.http ? "$default" : "Prod") : text(stage);
    info.location = location_of(id);
    info.pointer = pointer_of(id);
    apis_[id] = std::move(info);
  }
}

Transform::ApiInfo* Transform::api(std::string_view id) {
  auto it = apis_.find(std::string(id));
  return it == apis_.end() ? nullptr : &it->second;
}

const Transform::ApiInfo* Transform::api_for_event(const Event& e, bool http) {
  const Value* named = member(e.props, http ? "ApiId" : "RestApiId");
  if (named) {
    // {Ref: Api}, or the logical id as a plain string.
    std::string id = named->is_string() ? std::string(named->as_string()) : ref_target(*named);
    ApiInfo* a = api(id);
    if (a == nullptr || a->http != http) {
      warn(cat("event ", e.name, " of ", e.owner, ": ", http ? "ApiId" : "RestApiId", " must name an ",
               http ? "AWS::Serverless::HttpApi" : "AWS::Serverless::Api", " of the template"),
           e.location);
      return nullptr;
    }
    return a;
  }
  std::string id = http ? "ServerlessHttpApi" : "ServerlessRestApi";
  if (ApiInfo* a = api(id)) return a;
  ApiInfo info;
  info.id = id;
  info.http = http;
  info.from = e.owner;
  info.props = apply_globals(*this, http ? "AWS::Serverless::HttpApi" : "AWS::Serverless::Api", make_map(ctx.arena, {}));
  const Value* stage = member(info.props, "StageName");
  info.stage = stage == nullptr ? (http ? "$default" : "Prod") : text(stage);
  info.location = e.location;
  info.pointer = e.pointer;
  ApiInfo& stored = apis_[id] = std::move(info);
  if (http)
    expand_http_api(*this, stored);
  else
    expand_rest_api(*this, stored);
  return &stored;
}

void Transform::run() {
  if (template_resources_ == nullptr) return;
  register_apis();
  for (const Member& m : template_resources_->as_map()) {
    std::string id(m.key.as_string());
    const Value* type = member(m.value, "Type");
    if (type == nullptr || !type->is_string() || !type->as_string().starts_with("AWS::Serverless::")) continue;
    if (type->as_string() == "AWS::Serverless::Connector") continue;  // last, in expand_connectors
    ctx.current = location_of(id);
    const Value* raw = member(m.value, "Properties");
    Value props = apply_globals(*this, type->as_string(), raw && raw->is_map() ? *raw : make_map(ctx.arena, {}));
    if (raw && raw->is_map()) positions_.add_alias(props.identity(), raw->identity());
    size_t first = generated_.size();
    expand(id, type->as_string(), props);
    // Condition and DependsOn carry over to everything the resource becomes.
    for (size_t i = first; i < generated_.size(); ++i) {
      Generated& g = generated_[i];
      if (g.derived_from != id && !(g.derived_from.empty() && g.id == id)) continue;
      for (std::string_view key : {"Condition", "DependsOn"})
        if (const Value* v = member(m.value, key); v && !member(g.cfn, key)) g.cfn = with(g.cfn, key, *v);
      if (g.derived_from.empty()) g.native = raw ? *raw : make_map(ctx.arena, {});
    }
  }
  expand_connectors(*this);
}

void Transform::expand(const std::string& id, std::string_view type, const Value& props) {
  if (type == "AWS::Serverless::Function") return expand_function(*this, id, props);
  if (type == "AWS::Serverless::Api") return expand_rest_api(*this, *api(id));
  if (type == "AWS::Serverless::HttpApi") return expand_http_api(*this, *api(id));
  if (type == "AWS::Serverless::WebSocketApi") return expand_websocket_api(*this, id, props);
  if (type == "AWS::Serverless::SimpleTable") return expand_simple_table(*this, id, props);
  if (type == "AWS::Serverless::StateMachine") return expand_state_machine(*this, id, props);
  if (type == "AWS::Serverless::LayerVersion") return expand_layer(*this, id, props);
  if (type == "AWS::Serverless::Application") return expand_application(*this, id, props);
  if (type == "AWS::Serverless::GraphQLApi") return expand_graphql_api(*this, id, props);
  if (type == "AWS::Serverless::CapacityProvider") return expand_capacity_provider(*this, id, props);
  warn(cat("resource ", id, " (", type, "): not expanded by Moat's SAM transform; skipped"), location_of(id));
}

// {Ref: "Fn.Alias"} -> {Ref: "FnAliaslive"}, at any depth; `v` itself when
// nothing changes (so template values keep their positions).
Value Transform::rewrite_refs(const Value& v, int depth) {
  if (depth > cfn::Resolver::kMaxDepth) return v;
  if (v.is_map()) {
    if (const Value* r = member(v, "Ref"); r && r->is_string() && v.as_map().size == 1) {
      auto it = referable_.find(std::string(r->as_string()));
      return it == referable_.end() ? v : ref(it->second);
    }
    std::vector<Member> out;
    bool changed = false;
    for (const Member& m : v.as_map()) {
      Value nv = rewrite_refs(m.value, depth + 1);
      changed |= nv.identity() != m.value.identity() || nv.kind() != m.value.kind();
      out.push_back(Member{m.key, nv});
    }
    if (!changed) return v;
    Value built = make_map(ctx.arena, out);
    alias(built, v);
    return built;
  }
  if (v.is_list()) {
    std::vector<Value> out;
    bool changed = false;
    for (const Value& item : v.as_list()) {
      Value nv = rewrite_refs(item, depth + 1);
      changed |= nv.identity() != item.identity() || nv.kind() != item.kind();
      out.push_back(nv);
    }
    return changed ? list(out) : v;
  }
  return v;
}

Value Transform::resources() {
  std::vector<Member> out;
  absl::flat_hash_map<std::string, std::vector<size_t>> by_source;
  for (size_t i = 0; i < generated_.size(); ++i)
    by_source[generated_[i].derived_from.empty() ? generated_[i].id : generated_[i].derived_from].push_back(i);
  absl::flat_hash_map<std::string, bool> placed;
  auto place = [&](const std::string& source) {
    auto it = by_source.find(source);
    if (it == by_source.end()) return;
    for (size_t i : it->second)
      if (!placed[generated_[i].id]) {
        placed[generated_[i].id] = true;
        out.push_back(Member{str(generated_[i].id), generated_[i].cfn});
      }
  };
  if (template_resources_)
    for (const Member& m : template_resources_->as_map()) {
      std::string id(m.key.as_string());
      if (template_type(id).starts_with("AWS::Serverless::")) {
        place(id);
        continue;
      }
      auto c = changed_.find(id);
      out.push_back(Member{m.key, c != changed_.end() ? c->second : m.value});
      place(id);
    }
  for (const Generated& g : generated_)
    if (!placed[g.id]) {
      placed[g.id] = true;
      out.push_back(Member{str(g.id), g.cfn});
    }
  if (!referable_.empty())
    for (Member& m : out) m.value = rewrite_refs(m.value, 0);
  Value built = make_map(ctx.arena, out);
  if (template_resources_) positions_.add_alias(built.identity(), template_resources_->identity());
  return built;
}

}  // namespace moat::sam
