// provider.apiGateway.apiKeys / usagePlan (v2: provider.apiKeys /
// usagePlan): the REST API's keys (`ApiGatewayApiKey<n>`), usage plans
// (`ApiGatewayUsagePlan[<Name>]`, throttle and quota) and the keys' plan
// memberships (`ApiGatewayUsagePlanKey<n>`), as the Framework generates them
// once the service has an http event.
#include <cctype>
#include <string>

#include "absl/container/flat_hash_map.h"

#include "documents/serverless/sls_compile.h"

namespace moat::sls {

using cfn::cat;
using cfn::member;

namespace {

std::string upper_first(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

void Compiler::compile_api_keys() {
  const Value* keys = provider("apiGateway.apiKeys");
  std::string keys_pointer = "/provider/apiGateway/apiKeys";
  if (!keys) keys = provider("apiKeys"), keys_pointer = "/provider/apiKeys";
  const Value* plan = provider("apiGateway.usagePlan");
  std::string plan_pointer = "/provider/apiGateway/usagePlan";
  if (!plan) plan = provider("usagePlan"), plan_pointer = "/provider/usagePlan";
  if (!keys && !plan) return;
  const Value* rest_api_id = provider("apiGateway.restApiId");
  if (!rest_api_id && !exists("ApiGatewayRestApi")) return;  // no REST API: nothing to attach to
  Value api = rest_api_id ? *rest_api_id : ref("ApiGatewayRestApi");
  const std::string service = service_name();
  auto location_of = [&](const std::string& pointer) {
    // "/provider/apiGateway/apiKeys/0" -> the position of that member.
    const Value* cur = member(root, "provider");
    Location loc = ctx.member_location(root, "provider");
    std::vector<std::string_view> parts = cfn::split(pointer, "/");
    for (size_t i = 2; cur && i < parts.size(); ++i) {
      if (cur->is_map()) {
        loc = ctx.member_location(*cur, parts[i]);
        cur = member(*cur, parts[i]);
      } else if (cur->is_list()) {
        size_t n = std::stoul(std::string(parts[i]));
        cur = n < cur->as_list().size ? &cur->as_list().items[n] : nullptr;
        if (cur) loc = ctx.location_of(*cur);
      }
    }
    return loc;
  };

  // Usage plans: one default plan, or named ones ([{free: {...}}, {paid: {...}}]).
  std::vector<std::pair<std::string, Value>> plans;  // name ("" = default), settings
  if (plan && plan->is_list()) {
    for (const Value& p : plan->as_list())
      if (p.is_map())
        for (const Member& m : p.as_map()) plans.emplace_back(std::string(m.key.as_string()), m.value);
  } else {
    plans.emplace_back("", plan ? *plan : Value());
  }
  auto plan_id = [](const std::string& name) { return "ApiGatewayUsagePlan" + upper_first(name); };
  for (size_t i = 0; i < plans.size(); ++i) {
    const auto& [name, settings] = plans[i];
    const Value* quota = settings.is_map() ? member(settings, "quota") : nullptr;
    const Value* throttle = settings.is_map() ? member(settings, "throttle") : nullptr;
    auto field = [](const Value* m, std::string_view key) {
      const Value* v = m && m->is_map() ? member(*m, key) : nullptr;
      return v ? *v : Value();
    };
    Generated g;
    g.id = plan_id(name);
    g.cfn = resource(
        "AWS::ApiGateway::UsagePlan",
        map({{"ApiStages", list({map({{"ApiId", api}, {"Stage", str(stage())}})})},
             {"Description", str(cat("Usage plan for ", name.empty() ? "" : cat(name, " "), service, " ", stage(), " stage"))},
             {"UsagePlanName", str(name.empty() ? cat(service, "-", stage()) : cat(service, "-", name, "-", stage()))},
             {"Quota", quota ? map({{"Limit", field(quota, "limit")},
                                    {"Offset", field(quota, "offset")},
                                    {"Period", field(quota, "period")}})
                             : Value()},
             {"Throttle", throttle ? map({{"BurstLimit", field(throttle, "burstLimit")},
                                          {"RateLimit", field(throttle, "rateLimit")}})
                                   : Value()}}));
    g.native_type = "serverless.provider.apiGateway.usagePlan";
    g.pointer = plan ? (plan->is_list() ? cat(plan_pointer, "/", i) : plan_pointer) : keys_pointer;
    g.location = location_of(g.pointer);
    g.native = plan ? original(*plan) : Value();
    add(std::move(g));
  }

  // Keys: strings or {name, value, description, customerId, enabled}; with
  // named plans, grouped by plan ([{free: [k1]}, {paid: [k2]}]).
  if (!keys || !keys->is_list()) return;
  absl::flat_hash_map<std::string, int> counters;
  auto add_key = [&](const Value& key, const std::string& plan_name, const std::string& pointer) {
    int n = ++counters[plan_name];
    std::string suffix = cat(upper_first(plan_name), n);
    std::string name = key.is_map() ? text(member(key, "name")) : text(&key);
    auto field = [&](std::string_view k) {
      const Value* v = key.is_map() ? member(key, k) : nullptr;
      return v ? *v : Value();
    };
    Value enabled = field("enabled");
    Generated g;
    g.id = "ApiGatewayApiKey" + suffix;
    g.cfn = resource("AWS::ApiGateway::ApiKey",
                     map({{"Enabled", enabled.is_null() ? Value::boolean(true) : enabled},
                          {"Name", name.empty() ? Value() : (key.is_map() ? field("name") : key)},
                          {"Value", field("value")},
                          {"Description", field("description")},
                          {"CustomerId", field("customerId")},
                          {"StageKeys", list({map({{"RestApiId", api}, {"StageName", str(stage())}})})}}));
    g.native_type = "serverless.provider.apiGateway.apiKey";
    g.pointer = pointer;
    g.location = location_of(pointer);
    g.native = original(key);
    add(std::move(g));
    Generated k;
    k.id = "ApiGatewayUsagePlanKey" + suffix;
    k.cfn = resource("AWS::ApiGateway::UsagePlanKey", map({{"KeyId", ref(cat("ApiGatewayApiKey", suffix))},
                                                           {"KeyType", str("API_KEY")},
                                                           {"UsagePlanId", ref(plan_id(plan_name))}}));
    k.native_type = "serverless.provider.apiGateway.apiKey";
    k.pointer = pointer;
    k.location = g.location;
    k.native = original(key);
    add(std::move(k));
  };
  for (uint32_t i = 0; i < keys->as_list().size; ++i) {
    const Value& key = keys->as_list().items[i];
    std::string pointer = cat(keys_pointer, "/", i);
    // {planName: [keys]} when the plan is named; otherwise a key.
    const bool grouped = key.is_map() && key.as_map().size == 1 && key.as_map().begin()->value.is_list();
    if (!grouped) {
      add_key(key, plans.size() == 1 ? plans[0].first : "", pointer);
      continue;
    }
    const Member& group = *key.as_map().begin();
    std::string plan_name(group.key.as_string());
    for (uint32_t j = 0; j < group.value.as_list().size; ++j) {
      std::string key_pointer = pointer;
      append_pointer_token(key_pointer, plan_name);
      add_key(group.value.as_list().items[j], plan_name, cat(key_pointer, "/", j));
    }
  }
}

}  // namespace moat::sls
