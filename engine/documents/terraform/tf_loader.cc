#include "documents/terraform/tf_loader.h"

#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "documents/aws_tables/aws_tables.h"
#include "documents/cloudformation/cfn_loader.h"
#include "documents/grants.h"
#include "documents/terraform/tf_plan.h"

namespace moat::tf {

using cfn::cat;
using cfn::MapBuilder;
using cfn::member;

namespace {

const absl::flat_hash_map<std::string, TfTypeSpec>& type_table() {
  static const auto* table = [] {
    auto* t = new absl::flat_hash_map<std::string, TfTypeSpec>();
    for (auto group : {tf_compute_types(), tf_data_types(), tf_monitoring_types()})
      for (const TfTypeSpec& s : group) (*t)[std::string(s.tf_type)] = s;
    return t;
  }();
  return *table;
}

// Every resource the configuration of `res` refers to (at any depth of its expressions).
void config_references(const Plan& plan, const PlanResource& res, const Value& e, int depth,
                       std::vector<std::string>& out) {
  if (depth > 64) return;
  if (e.is_list()) {
    for (const Value& item : e.as_list()) config_references(plan, res, item, depth + 1, out);
    return;
  }
  if (!e.is_map()) return;
  for (const Member& m : e.as_map()) {
    if (m.key.as_string() == "references" && m.value.is_list()) {
      for (const Value& r : m.value.as_list())
        if (r.is_string())
          if (std::string id = plan.resolve_reference(res.module, r.as_string()); !id.empty() && id != res.address)
            out.push_back(std::move(id));
    } else {
      config_references(plan, res, m.value, depth + 1, out);
    }
  }
}

void apply_contributions(Plan& plan, Context& ctx,
                         absl::flat_hash_map<std::string, cfn::ResourceContext*>& outputs) {
  // Appends: the target's own list, then each contribution in plan order.
  absl::flat_hash_map<std::pair<std::string, std::string>, std::vector<Value>> lists;
  std::vector<std::pair<std::string, std::string>> order;
  for (const Plan::Contribution& c : plan.contributions) {
    auto it = outputs.find(c.target);
    if (it == outputs.end()) continue;
    MapBuilder& out = it->second->out;
    if (c.append) {
      auto key = std::make_pair(c.target, c.key);
      auto [l, fresh] = lists.try_emplace(key);
      if (fresh) {
        order.push_back(key);
        const PlanResource* t = plan.find(c.target);
        if (const Value* own = t ? member(t->values, c.key) : nullptr; own && own->is_list())
          l->second.assign(own->as_list().begin(), own->as_list().end());
      }
      l->second.push_back(c.value);
      continue;
    }
    size_t dot = c.key.find('.');
    if (dot == std::string::npos) out.set(c.key, c.value, c.where);
    else out.child(c.key.substr(0, dot), c.where).set(c.key.substr(dot + 1), c.value, c.where);
  }
  for (const auto& key : order) {
    const std::vector<Value>& items = lists[key];
    outputs[key.first]->out.set(key.second, make_list(ctx.arena, items), ctx.current);
  }
}

// AWS-managed policies a role, user or group ends up with (its own
// managed_policy_arns plus every attachment's policy_arn, folded in by
// apply_contributions) become entries of `policies`, {name, arn, managed:
// true, statements}, from the compiled table: the same shape CloudFormation
// and serverless.yml roles get, so statement rules see what
// AmazonS3FullAccess grants whatever the format.
void expand_managed_policies(Context& ctx, cfn::ResourceContext& rc) {
  const Value* arns = rc.out.find("managed_policy_arns");
  if (arns == nullptr || !arns->is_list()) return;
  std::vector<Value> policies;
  if (const Value* own = rc.out.find("policies"); own && own->is_list())
    policies.assign(own->as_list().begin(), own->as_list().end());
  const size_t before = policies.size();
  for (const Value& arn : arns->as_list()) {
    if (!arn.is_string()) continue;  // unknown after apply, or a policy of the plan (its id)
    const aws_tables::ManagedPolicy* p = aws_tables::find_managed_policy(arn.as_string());
    if (p == nullptr || !arn.as_string().starts_with("arn:")) continue;
    Value statements;
    if (!read_json(p->statements, ctx.arena, JsonLimits{}, &statements, nullptr)) continue;
    Member doc_member{ctx.str("Statement"), statements};
    Value doc = make_map(ctx.arena, std::span<const Member>(&doc_member, 1));
    cfn::MapBuilder b;
    b.set("name", ctx.str(p->name));
    b.set("arn", ctx.str(p->arn));
    b.set("managed", Value::boolean(true));
    b.set("statements", rc.statements(doc));
    policies.push_back(b.build(ctx));
  }
  if (policies.size() > before) rc.out.set("policies", make_list(ctx.arena, policies), ctx.current);
}

}  // namespace

absl::StatusOr<LoadedDocument> load_terraform_plan(std::string text, std::string name,
                                                   const TemplateOptions& options) {
  Arena arena;
  Value root;
  JsonError error;
  if (!read_json(text, arena, json_limits_of(options), &root, &error))
    return absl::InvalidArgumentError(cat(name, ":", error.line, ":", error.column, ": ", error.message_with_flag()));
  if (!root.is_map()) return absl::InvalidArgumentError(cat(name, ":1:1: a Terraform plan must be a JSON object"));
  cfn::SourceMap positions = cfn::SourceMap::for_json(text);
  Context ctx(arena, positions, name);
  ctx.current = Location{name, 1, 1};
  if (const Value* v = member(root, "format_version");
      v && v->is_string() && !v->as_string().starts_with("0.") && !v->as_string().starts_with("1."))
    ctx.warn(cat("plan format_version ", v->as_string(), " is newer than 1.x; loading anyway"),
             ctx.member_location(root, "format_version"));
  if (member(root, "planned_values") == nullptr)
    ctx.warn("plan has no planned_values; no resources loaded", Location{name, 1, 1});

  Value empty = make_map(arena, {});
  cfn::Resolver resolver(ctx, empty);  // statements() of JSON policy strings only
  Plan plan(ctx, root);
  std::vector<Edge> edges;
  std::vector<std::unique_ptr<cfn::ResourceContext>> contexts;
  absl::flat_hash_map<std::string, cfn::ResourceContext*> outputs;
  const auto& table = type_table();
  for (PlanResource& res : plan.resources()) {
    ctx.current = res.location;
    auto rc = std::make_unique<cfn::ResourceContext>(ctx, resolver, edges, res.address, res.raw, res.values);
    auto it = table.find(res.type);
    std::string canonical = it != table.end() ? std::string(it->second.canonical_type) : tf_canonical_type(res.type);
    rc->out.set("id", ctx.str(res.address), res.location);
    rc->out.set("type", ctx.str(canonical), res.location);
    rc->out.set("native_type", ctx.str(res.type), ctx.member_location(res.object, "type"));
    rc->out.set("location", cfn::location_value(ctx, res.location, res.pointer), res.location);
    TfResource tr(plan, res, *rc);
    if (it != table.end()) it->second.normalize(tr);
    else tr.copy_all();
    rc->out.set("native", res.raw, ctx.member_location(res.object, "values"));
    if (res.raw.is_map())
      for (const Member& p : res.raw.as_map())
        if (auto pos = positions.of_member(res.raw, p.key.as_string()))
          ctx.locations.add_member(res.raw.identity(), std::string(p.key.as_string()), ctx.at(pos));
    std::vector<std::string> refs;
    config_references(plan, res, res.expressions, 0, refs);
    for (std::string& target : refs) edges.push_back(Edge{"references", res.address, std::move(target), {}});
    outputs[res.address] = rc.get();
    contexts.push_back(std::move(rc));
  }
  ctx.current = Location{name, 1, 1};
  apply_contributions(plan, ctx, outputs);
  for (size_t i = 0; i < contexts.size(); ++i) {
    const std::string& native = plan.resources()[i].type;
    if (native == "aws_iam_role" || native == "aws_iam_user" || native == "aws_iam_group") {
      ctx.current = plan.resources()[i].location;
      expand_managed_policies(ctx, *contexts[i]);
    }
  }
  ctx.current = Location{name, 1, 1};

  std::vector<Member> res_members;
  std::vector<Value> built;
  for (size_t i = 0; i < contexts.size(); ++i) {
    Value v = contexts[i]->out.build(ctx);
    ctx.locations.add(v.identity(), plan.resources()[i].location);
    res_members.push_back(Member{ctx.str(contexts[i]->id), v});
  }
  Value resources_map = make_map(arena, res_members);
  for (const PlanResource& r : plan.resources()) ctx.locations.add_member(resources_map.identity(), r.address, r.location);

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
    b.set("location", cfn::location_value(ctx, w.location, ""));
    warning_values.push_back(b.build(ctx));
  }

  MapBuilder doc;
  doc.set("format", Value::string("moat/1"));
  MapBuilder& source = doc.child("source");
  source.set("format", Value::string("terraform-plan"));
  source.set("file", ctx.str(name));
  if (const Value* v = member(root, "terraform_version")) source.set("terraform_version", *v);
  doc.set("parameters", make_map(arena, {}));
  doc.set("resources", resources_map);
  doc.set("edges", make_list(arena, edge_values));
  doc.set("warnings", make_list(arena, warning_values));
  Value root_value = doc.build(ctx);

  LoadedDocument out;
  out.format = "terraform-plan";
  out.warnings = std::move(ctx.warnings);
  LocationTable locations = std::move(ctx.locations);
  contexts.clear();
  out.document = Document::from_value(std::move(arena), root_value, std::move(name), std::move(locations));
  return out;
}

}  // namespace moat::tf
