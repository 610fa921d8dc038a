// aws_cloudwatch_metric_alarm -> aws.cloudwatch.alarm with the property
// names CloudFormation's AWS::CloudWatch::Alarm gets (top-level names in
// snake_case, nested keys as CloudFormation writes them): dimensions
// [{Name, Value}], metrics [{Id, Expression, MetricStat {...}, ...}].
#include "documents/terraform/tf_plan.h"

namespace moat::tf {

using cfn::member;

namespace {

Value entry(Context& ctx, std::vector<std::pair<std::string_view, Value>> members) {
  std::vector<Member> out;
  for (auto& [k, v] : members)
    if (!v.is_null()) out.push_back(Member{ctx.str(k), v});
  return make_map(ctx.arena, out);
}

Value at(const Value& m, std::string_view key) {
  const Value* v = m.is_map() ? member(m, key) : nullptr;
  if (v && v->is_list()) v = v->as_list().size ? &v->as_list().items[0] : nullptr;  // a block
  return v && !(v->is_string() && v->as_string().empty()) ? *v : Value();
}

// {k: v} -> [{Name: k, Value: v}].
Value dimensions(Context& ctx, const Value& map) {
  std::vector<Value> out;
  if (map.is_map())
    for (const Member& m : map.as_map()) out.push_back(entry(ctx, {{"Name", m.key}, {"Value", m.value}}));
  return make_list(ctx.arena, out);
}

void alarm(TfResource& r) {
  // "" is the provider's "not set" for optional strings: absent, as in CloudFormation.
  auto set_text = [&](std::string_view key) {
    if (const Value* v = r.get(key); v && !(v->is_string() && v->as_string().empty())) r.set(key, key);
  };
  for (std::string_view k : {"alarm_name", "alarm_description", "metric_name", "namespace", "statistic",
                             "extended_statistic", "threshold_metric_id", "comparison_operator", "treat_missing_data",
                             "unit"})
    set_text(k);
  r.set("period", "period", Conv::kInt);
  r.set("evaluation_periods", "evaluation_periods", Conv::kInt);
  r.set("datapoints_to_alarm", "datapoints_to_alarm", Conv::kInt);
  r.set("threshold", "threshold");
  if (const Value* v = r.get("evaluate_low_sample_count_percentiles"); v && !(v->is_string() && v->as_string().empty()))
    r.set("evaluate_low_sample_count_percentile", "evaluate_low_sample_count_percentiles");
  r.set("actions_enabled", "actions_enabled", Conv::kBool);
  r.set_ref_list("alarm_actions", "alarm_actions");
  r.set_ref_list("ok_actions", "ok_actions");
  r.set_ref_list("insufficient_data_actions", "insufficient_data_actions");
  if (const Value* d = r.get("dimensions"); d && d->is_map() && d->as_map().size)
    r.rc.put("dimensions", dimensions(r.ctx(), *d), "dimensions");
  // metric_query blocks -> Metrics (MetricDataQuery).
  if (const Value* q = r.get("metric_query"); q && q->is_list() && q->as_list().size) {
    std::vector<Value> metrics;
    for (const Value& item : q->as_list()) {
      Value stat;
      if (Value m = at(item, "metric"); m.is_map()) {
        Value metric = entry(r.ctx(), {{"MetricName", at(m, "metric_name")},
                                       {"Namespace", at(m, "namespace")},
                                       {"Dimensions", member(m, "dimensions") && member(m, "dimensions")->is_map()
                                                          ? dimensions(r.ctx(), *member(m, "dimensions"))
                                                          : Value()}});
        stat = entry(r.ctx(), {{"Metric", metric}, {"Period", at(m, "period")}, {"Stat", at(m, "stat")},
                               {"Unit", at(m, "unit")}});
      }
      metrics.push_back(entry(r.ctx(), {{"Id", at(item, "id")},
                                        {"Expression", at(item, "expression")},
                                        {"Label", at(item, "label")},
                                        {"ReturnData", at(item, "return_data")},
                                        {"Period", at(item, "period")},
                                        {"AccountId", at(item, "account_id")},
                                        {"MetricStat", stat}}));
    }
    r.rc.put("metrics", make_list(r.ctx().arena, metrics), "metric_query");
  }
}

}  // namespace

std::vector<TfTypeSpec> tf_monitoring_types() {
  return {
      {"aws_cloudwatch_metric_alarm", "aws.cloudwatch.alarm", alarm},
  };
}

}  // namespace moat::tf
