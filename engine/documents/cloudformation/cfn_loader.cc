#include "documents/cloudformation/cfn_loader.h"

#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "documents/cloudformation/cfn_intrinsics.h"
#include "documents/cloudformation/cfn_normalize.h"
#include "documents/cloudformation/cfn_parse.h"
#include "documents/grants.h"
#include "documents/load_deadline.h"
#include "documents/sam/sam_transform.h"

namespace moat::cfn {

namespace {

const absl::flat_hash_map<std::string, TypeSpec>& type_table() {
  static const auto* table = [] {
    auto* t = new absl::flat_hash_map<std::string, TypeSpec>();
    for (auto group : {lambda_types(), iam_types(), storage_types(), api_types(), other_types(), appsync_types()})
      for (const TypeSpec& s : group) (*t)[std::string(s.native_type)] = s;
    return t;
  }();
  return *table;
}

bool is_sam(const Value& root) {
  const Value* t = member(root, "Transform");
  if (!t) return false;
  auto sam = [](const Value& v) { return v.is_string() && v.as_string().starts_with("AWS::Serverless"); };
  if (sam(*t)) return true;
  if (t->is_list())
    for (const Value& v : t->as_list())
      if (sam(v)) return true;
  return false;
}

}  // namespace

Value location_value(Context& ctx, const Location& l, std::string_view pointer) {
  MapBuilder b;
  b.set("file", ctx.str(l.file));
  b.set("line", Value::integer(l.line));
  b.set("column", Value::integer(l.column));
  if (!pointer.empty()) b.set("pointer", ctx.str(pointer));
  return b.build(ctx);
}

namespace {

// A resource normalized from what the SAM transform generated, with the SAM
// view: the SAM resource's own main resource keeps the SAM type and
// properties; the others name the SAM resource they derive from and point
// at it (or at the event that made them).
Value finish_sam(Context& ctx, const Value& built, const sam::Generated& g) {
  std::vector<Member> members;
  auto set = [&](std::string_view key, Value v) {
    for (Member& m : members)
      if (m.key.as_string() == key) {
        m.value = v;
        return;
      }
    members.push_back(Member{ctx.str(key), v});
  };
  for (const Member& m : built.as_map()) members.push_back(m);
  set("native_type", ctx.str(g.native_type));
  set("location", location_value(ctx, g.location, g.pointer));
  set("derived_from", g.derived_from.empty() ? Value() : ctx.str(g.derived_from));
  for (const auto& [k, v] : g.extra) set(k, v);
  if (g.derived_from.empty()) set("native", g.native.is_null() ? make_map(ctx.arena, {}) : g.native);
  Value out = make_map(ctx.arena, members);
  ctx.locations.add(out.identity(), g.location);
  for (const Member& m : members) {
    std::string key(m.key.as_string());
    std::optional<Location> at = ctx.locations.find_member(built.identity(), key);
    ctx.locations.add_member(out.identity(), key, at && g.derived_from.empty() ? *at : g.location);
  }
  return out;
}

Value parameters_doc(Context& ctx, const Value& params) {
  MapBuilder out;
  if (!params.is_map()) return out.build(ctx);
  for (const Member& m : params.as_map()) {
    MapBuilder& p = out.child(m.key.as_string(), ctx.member_location(params, m.key.as_string()));
    const Value* type = member(m.value, "Type");
    p.set("type", type ? *type : Value::string("String"));
    if (const Value* d = member(m.value, "Default")) p.set("default", *d);
    const Value* no_echo = member(m.value, "NoEcho");
    bool echo_off =
        no_echo && ((no_echo->is_bool() && no_echo->as_bool()) ||
                    (no_echo->is_string() && (no_echo->as_string() == "true" || no_echo->as_string() == "True")));
    p.set("no_echo", Value::boolean(echo_off));
    if (const Value* a = member(m.value, "AllowedValues")) p.set("allowed_values", *a);
    if (const Value* d = member(m.value, "Description")) p.set("description", *d);
    if (p.empty()) p.set("type", Value::string("String"));
  }
  return out.build(ctx);
}

// Outputs: id -> {value, export_name, description, condition}, values
// resolved with references to resources as their ids; null without Outputs.
Value outputs_doc(Context& ctx, Resolver& resolver, const Value& root) {
  const Value* outputs = member(root, "Outputs");
  if (outputs == nullptr || !outputs->is_map()) return Value::null();
  std::vector<Edge> no_edges;  // an output is not a resource: it references nothing
  Value empty = make_map(ctx.arena, {});
  ResourceContext rc(ctx, resolver, no_edges, "", empty, empty);
  MapBuilder out;
  for (const Member& m : outputs->as_map()) {
    std::string id(m.key.as_string());
    std::string pointer = "/Outputs";
    append_pointer_token(pointer, id);
    ctx.current = ctx.member_location(*outputs, id);
    MapBuilder& b = out.child(id, ctx.current);
    auto resolved = [&](const Value& v, std::string_view path) { return rc.ids(resolver.resolve(v, cat(pointer, path))); };
    if (const Value* v = member(m.value, "Value")) b.set("value", resolved(*v, "/Value"), ctx.member_location(m.value, "Value"));
    if (const Value* e = member(m.value, "Export"))
      if (const Value* n = member(*e, "Name")) b.set("export_name", resolved(*n, "/Export/Name"), ctx.member_location(*e, "Name"));
    if (const Value* d = member(m.value, "Description")) b.set("description", resolved(*d, "/Description"), ctx.member_location(m.value, "Description"));
    if (const Value* c = member(m.value, "Condition"); c && c->is_string()) {
      b.set("condition", *c, ctx.member_location(m.value, "Condition"));
      b.set("condition_value", resolver.condition(c->as_string()), ctx.member_location(m.value, "Condition"));
    }
  }
  resolver.take_referenced();
  resolver.take_dynamic_refs();
  return out.build(ctx);
}

}  // namespace

std::vector<LoadedResource> load_resources(Context& ctx, Resolver& resolver, const Value& res_map,
                                           std::string_view pointer_prefix, std::vector<Edge>& edges) {
  Arena& arena = ctx.arena;
  const Value* res = &res_map;
  std::vector<LoadedResource> resources;
  const auto& table = type_table();
  for (const Member& m : res->as_map()) {
    check_load_deadline();
    std::string id(m.key.as_string());
    Location loc = ctx.member_location(*res, id);
    ctx.current = loc;
    std::string pointer(pointer_prefix);
    append_pointer_token(pointer, id);
    if (id.starts_with("Fn::ForEach")) {
      ctx.warn(cat(id, " (AWS::LanguageExtensions) is not supported; skipped"));
      continue;
    }
    const Value* type = member(m.value, "Type");
    if (type == nullptr || !type->is_string()) {
      ctx.warn(cat("resource ", id, " has no Type; skipped"));
      continue;
    }
    std::string_view native_type = type->as_string();
    if (native_type.starts_with("AWS::Serverless::")) {
      // Expanded by the SAM transform when the template declares it.
      ctx.warn(cat("resource ", id, " (", native_type, ") needs Transform: AWS::Serverless-2016-10-31; skipped"));
      continue;
    }
    const Value* props_ptr = member(m.value, "Properties");
    Value raw_props = props_ptr ? *props_ptr : make_map(arena, {});
    Value props = resolver.resolve(raw_props, pointer + "/Properties");
    if (!props.is_map()) {
      if (!props.is_null())
        ctx.warn(cat("resource ", id, ": Properties is not a map (", kind_name(props.kind()), "); ignored"));
      props = make_map(arena, {});
      raw_props = props;
    }
    ResourceContext rc(ctx, resolver, edges, id, raw_props, props);
    auto it = table.find(std::string(native_type));
    std::string canonical =
        it != table.end() ? std::string(it->second.canonical_type) : canonical_type_name(native_type);
    rc.out.set("id", ctx.str(id), loc);
    rc.out.set("type", ctx.str(canonical), loc);
    rc.out.set("native_type", *type, ctx.member_location(m.value, "Type"));
    rc.out.set("location", location_value(ctx, loc, pointer), loc);
    if (it != table.end()) {
      it->second.normalize(rc);
    } else {
      for (const Member& p : props.as_map()) {
        std::string key = snake_case(p.key.as_string());
        if (rc.out.has(key)) key += "_";  // never shadow id/type/location
        rc.put(key, rc.ids(p.value), p.key.as_string());
      }
    }
    if (const Value* c = member(m.value, "Condition"); c && c->is_string()) {
      rc.out.set("condition", *c, ctx.member_location(m.value, "Condition"));
      rc.out.set("condition_value", resolver.condition(c->as_string()), ctx.member_location(m.value, "Condition"));
    }
    if (const Value* d = member(m.value, "DependsOn"))
      rc.out.set("depends_on", rc.convert(*d, Conv::kList), ctx.member_location(m.value, "DependsOn"));
    // Resource attributes beside Properties: the policies resolved (a parameter may
    // choose them), Metadata as written (cfn-lint/cfn_nag annotations, cfn-init).
    for (const auto& [attribute, key] : {std::pair<std::string_view, std::string_view>{"DeletionPolicy", "deletion_policy"},
                                         {"UpdateReplacePolicy", "update_replace_policy"}})
      if (const Value* v = member(m.value, attribute))
        rc.out.set(key, rc.ids(resolver.resolve(*v, cat(pointer, "/", attribute))), ctx.member_location(m.value, attribute));
    if (const Value* v = member(m.value, "Metadata"))
      rc.out.set("metadata", *v, ctx.member_location(m.value, "Metadata"));
    std::vector<DynamicRef> dyn = resolver.take_dynamic_refs();
    if (!dyn.empty()) {
      std::vector<Value> list;
      for (const DynamicRef& d : dyn) {
        MapBuilder b;
        b.set("pointer", ctx.str(d.pointer));
        b.set("service", ctx.str(d.service));
        b.set("reference", ctx.str(d.text));
        list.push_back(b.build(ctx));
      }
      rc.out.set("dynamic_references", make_list(arena, list), loc);
    }
    rc.out.set("native", raw_props, props_ptr ? ctx.member_location(m.value, "Properties") : loc);
    if (raw_props.is_map())
      for (const Member& p : raw_props.as_map())
        if (auto pos = ctx.positions.of_member(raw_props, p.key.as_string()))
          ctx.locations.add_member(raw_props.identity(), std::string(p.key.as_string()), ctx.at(pos));
    for (const std::string& target : resolver.take_referenced())
      if (target != id) edges.push_back(Edge{"references", id, target, {}});
    Value built = rc.out.build(ctx);
    ctx.locations.add(built.identity(), loc);
    resources.push_back(LoadedResource{id, built, loc});
  }
  return resources;
}

absl::StatusOr<LoadedDocument> load_cloudformation(std::string text, std::string name, bool json,
                                                   const TemplateOptions& options) {
  Arena arena;
  auto parsed = parse_template_text(text, name, json, options, arena);
  if (!parsed.ok()) return parsed.status();
  const Value root = parsed->root;
  if (!root.is_map()) return absl::InvalidArgumentError(cat(name, ":1:1: a CloudFormation template must be a map"));
  Context ctx(arena, parsed->positions, name);
  ctx.current = Location{name, 1, 1};
  ctx.warnings = std::move(parsed->warnings);
  const bool sam = is_sam(root);
  // SAM: the resolver and the normalizers see the expanded Resources.
  std::optional<sam::Transform> transform;
  Value cfn_root = root;
  if (const Value* r = member(root, "Resources"); sam && r && r->is_map()) {
    transform.emplace(ctx, parsed->positions, root);
    transform->run();
    cfn_root = transform->with(root, "Resources", transform->resources());
  }
  Resolver resolver(ctx, cfn_root);

  // Conditions first: their warnings (cycles, undefined names) come once.
  MapBuilder conditions;
  if (const Value* c = member(root, "Conditions"); c && c->is_map())
    for (const Member& m : c->as_map()) {
      ctx.current = ctx.member_location(*c, m.key.as_string());
      conditions.set(m.key.as_string(), resolver.condition(m.key.as_string()), ctx.current);
    }
  resolver.take_referenced();
  resolver.take_dynamic_refs();

  std::vector<Edge> edges;
  std::vector<LoadedResource> resources;
  const Value* res = member(root, "Resources");
  if (res == nullptr || !res->is_map()) {
    ctx.warn("template has no Resources map", Location{name, 1, 1});
  } else {
    resources = load_resources(ctx, resolver, *member(cfn_root, "Resources"), "/Resources", edges);
  }
  if (transform) {
    absl::flat_hash_map<std::string, const sam::Generated*> by_id;
    for (const sam::Generated& g : transform->generated()) by_id[g.id] = &g;
    for (LoadedResource& l : resources)
      if (auto it = by_id.find(l.id); it != by_id.end()) {
        l.value = finish_sam(ctx, l.value, *it->second);
        l.location = it->second->location;
      }
  }

  Value outputs = outputs_doc(ctx, resolver, root);

  // The document.
  std::vector<Member> res_members;
  for (const LoadedResource& l : resources) res_members.push_back(Member{ctx.str(l.id), l.value});
  Value resources_map = make_map(arena, res_members);
  for (const LoadedResource& l : resources) ctx.locations.add_member(resources_map.identity(), l.id, l.location);

  std::vector<Value> edge_values;
  absl::flat_hash_set<std::string> seen;
  for (const Edge& e : edges) {
    if (e.extra.empty() && !seen.insert(cat(e.kind, "\n", e.from, "\n", e.to)).second) continue;
    MapBuilder b;
    b.set("kind", ctx.str(e.kind));
    b.set("from", ctx.str(e.from));
    b.set("to", ctx.str(e.to));
    for (const auto& [k, v] : e.extra) b.set(k, v);
    edge_values.push_back(b.build(ctx));
  }

  append_grant_edges(ctx, resources_map, edges, [&](const Value& v) { return resolver.placeholder(v); }, edge_values);

  std::vector<Value> warning_values;
  for (const TemplateWarning& w : ctx.warnings) {
    MapBuilder b;
    b.set("message", ctx.str(w.message));
    b.set("location", location_value(ctx, w.location, ""));
    warning_values.push_back(b.build(ctx));
  }

  MapBuilder doc;
  doc.set("format", Value::string("moat/1"));
  MapBuilder& source = doc.child("source");
  source.set("format", Value::string(sam ? "sam" : "cloudformation"));
  source.set("file", ctx.str(name));
  doc.set("parameters", parameters_doc(ctx, resolver.parameters()));
  doc.set("conditions", conditions.build(ctx));
  doc.set("resources", resources_map);
  if (!outputs.is_null()) doc.set("outputs", outputs, ctx.member_location(root, "Outputs"));
  doc.set("edges", make_list(arena, edge_values));
  doc.set("warnings", make_list(arena, warning_values));
  Value root_value = doc.build(ctx);
  if (res) ctx.locations.add_member(root_value.identity(), "resources", ctx.member_location(root, "Resources"));

  LoadedDocument out;
  out.format = sam ? "sam" : "cloudformation";
  out.warnings = std::move(ctx.warnings);
  LocationTable locations = std::move(ctx.locations);
  out.document = Document::from_value(std::move(arena), root_value, std::move(name), std::move(locations));
  return out;
}

}  // namespace moat::cfn
