#include "documents/serverless/sls_loader.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "documents/cloudformation/cfn_loader.h"
#include "documents/cloudformation/cfn_parse.h"
#include "documents/grants.h"
#include "documents/serverless/sls_compile.h"
#include "documents/serverless/sls_variables.h"

namespace moat::sls {

using cfn::cat;
using cfn::member;

namespace {

// The resource `built` (normalized from generated CloudFormation) with the
// serverless native type, location, source and extra members.
Value finish(cfn::Context& ctx, const Value& built, const Generated& g, const Variables& vars) {
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
  set("location", cfn::location_value(ctx, g.location, g.pointer));
  for (const auto& [k, v] : g.extra) set(k, v);
  // `native` is the text written: variables stay as the author wrote them.
  set("native", g.native.is_null() ? make_map(ctx.arena, {}) : vars.original(g.native));
  Value out = make_map(ctx.arena, members);
  ctx.locations.add(out.identity(), g.location);
  for (const Member& m : members) ctx.locations.add_member(out.identity(), std::string(m.key.as_string()), g.location);
  return out;
}

// A resource of the file's own `resources:` with `native` as written: the
// CloudFormation loader saw the properties after variable resolution.
Value with_written_native(cfn::Context& ctx, const Value& built, const Variables& vars) {
  const Value* native = member(built, "native");
  if (!native) return built;
  Value written = vars.original(*native);
  if (written.identity() == native->identity()) return built;
  std::vector<Member> members;
  for (const Member& m : built.as_map())
    members.push_back(m.key.as_string() == "native" ? Member{m.key, written} : m);
  Value out = make_map(ctx.arena, members);
  if (std::optional<Location> at = ctx.locations.find(built.identity())) ctx.locations.add(out.identity(), *at);
  for (const Member& m : members) {
    std::string key(m.key.as_string());
    if (std::optional<Location> at = ctx.locations.find_member(built.identity(), key))
      ctx.locations.add_member(out.identity(), key, *at);
  }
  return out;
}

Value warnings_value(cfn::Context& ctx) {
  std::vector<Value> out;
  for (const TemplateWarning& w : ctx.warnings) {
    cfn::MapBuilder b;
    b.set("message", ctx.str(w.message));
    b.set("location", cfn::location_value(ctx, w.location, ""));
    out.push_back(b.build(ctx));
  }
  return make_list(ctx.arena, out);
}

}  // namespace

absl::StatusOr<LoadedDocument> load_serverless(std::string text, std::string name, const TemplateOptions& options) {
  Arena arena;
  auto parsed = cfn::parse_template_text(text, name, /*json=*/false, options, arena);
  if (!parsed.ok()) return parsed.status();
  cfn::SourceMap positions = std::move(parsed->positions);
  const Value raw_root = parsed->root;
  if (!raw_root.is_map()) return absl::InvalidArgumentError(cat(name, ":1:1: a serverless.yml must be a map"));
  cfn::Context ctx(arena, positions, name);
  ctx.current = Location{name, 1, 1};
  ctx.warnings = std::move(parsed->warnings);

  Variables vars(ctx, positions, raw_root);
  const Value root = vars.resolve(raw_root);
  if (const Value* fv = member(root, "frameworkVersion"); fv && fv->is_string() && fv->as_string().starts_with("1"))
    ctx.warn("frameworkVersion 1 is not supported; loaded as v3", ctx.member_location(root, "frameworkVersion"));

  // The file's own CloudFormation.
  const Value* user = nullptr;
  const Value* conditions = nullptr;
  if (const Value* r = member(root, "resources")) {
    if (r->is_map()) {
      user = member(*r, "Resources");
      conditions = member(*r, "Conditions");
      if (user && !user->is_map()) {
        ctx.warn("resources.Resources is not a map; skipped", ctx.member_location(*r, "Resources"));
        user = nullptr;
      }
    } else if (r->is_list()) {
      ctx.warn("resources as a list (several files) is not supported; skipped", ctx.member_location(root, "resources"));
    }
  }

  Compiler compiler(ctx, root, vars, vars.stage(), vars.region());
  compiler.set_user_resources(user);
  const Value* provider = member(root, "provider");
  const Value* provider_name = provider ? member(*provider, "name") : nullptr;
  if (provider_name && provider_name->is_string() && provider_name->as_string() != "aws")
    ctx.warn(cat("provider ", provider_name->as_string(), " is not AWS; functions are not modeled"),
             ctx.member_location(*provider, "name"));
  else
    compiler.compile_functions();

  // One Resources map for the resolver: references between the file's
  // resources and generated ones resolve both ways.
  std::vector<Member> all;
  absl::flat_hash_set<std::string> user_ids;
  if (user)
    for (const Member& m : user->as_map()) {
      all.push_back(m);
      user_ids.insert(std::string(m.key.as_string()));
    }
  std::vector<Member> generated;
  absl::flat_hash_map<std::string, const Generated*> by_id;
  for (const Generated& g : compiler.generated) {
    if (user_ids.contains(g.id)) continue;  // the file's definition wins
    generated.push_back(Member{ctx.str(g.id), g.cfn});
    all.push_back(generated.back());
    by_id[g.id] = &g;
  }
  std::vector<Member> cfn_root_members = {{ctx.str("Resources"), make_map(arena, all)}};
  if (conditions) cfn_root_members.push_back(Member{ctx.str("Conditions"), *conditions});
  cfn::Resolver resolver(ctx, make_map(arena, cfn_root_members));

  std::vector<cfn::Edge> edges;
  std::vector<cfn::LoadedResource> loaded;
  Value generated_map = make_map(arena, generated);
  for (cfn::LoadedResource& l : cfn::load_resources(ctx, resolver, generated_map, "", edges)) {
    auto it = by_id.find(l.id);
    if (it != by_id.end()) {
      l.value = finish(ctx, l.value, *it->second, vars);
      l.location = it->second->location;
    }
    loaded.push_back(std::move(l));
  }
  if (user)
    for (cfn::LoadedResource& l : cfn::load_resources(ctx, resolver, *user, "/resources/Resources", edges)) {
      l.value = with_written_native(ctx, l.value, vars);
      loaded.push_back(std::move(l));
    }
  for (const cfn::Edge& e : compiler.edges) edges.push_back(e);

  // The document.
  std::vector<Member> res_members;
  for (const cfn::LoadedResource& l : loaded) res_members.push_back(Member{ctx.str(l.id), l.value});
  Value resources_map = make_map(arena, res_members);
  for (const cfn::LoadedResource& l : loaded) ctx.locations.add_member(resources_map.identity(), l.id, l.location);

  std::vector<Value> edge_values;
  absl::flat_hash_set<std::string> seen;
  for (const cfn::Edge& e : edges) {
    if (!seen.insert(cat(e.kind, "\n", e.from, "\n", e.to)).second) continue;
    cfn::MapBuilder b;
    b.set("kind", ctx.str(e.kind));
    b.set("from", ctx.str(e.from));
    b.set("to", ctx.str(e.to));
    for (const auto& [k, v] : e.extra) b.set(k, v);
    edge_values.push_back(b.build(ctx));
  }

  append_grant_edges(ctx, resources_map, edges, [&](const Value& v) { return resolver.placeholder(v); }, edge_values);

  cfn::MapBuilder doc;
  doc.set("format", Value::string("moat/1"));
  cfn::MapBuilder& source = doc.child("source");
  source.set("format", Value::string("serverless"));
  source.set("file", ctx.str(name));
  doc.set("service", ctx.str(compiler.service_name()));
  doc.set("stage", ctx.str(vars.stage()));
  doc.set("region", ctx.str(vars.region()));
  doc.set("resources", resources_map);
  doc.set("edges", make_list(arena, edge_values));
  doc.set("warnings", warnings_value(ctx));
  Value root_value = doc.build(ctx);
  if (member(root, "functions"))
    ctx.locations.add_member(root_value.identity(), "resources", ctx.member_location(root, "functions"));

  LoadedDocument out;
  out.format = "serverless";
  out.warnings = std::move(ctx.warnings);
  LocationTable locations = std::move(ctx.locations);
  out.document = Document::from_value(std::move(arena), root_value, std::move(name), std::move(locations));
  return out;
}

}  // namespace moat::sls
