// Terraform plan (`terraform show -json`) -> the resources of the plan,
// with values known only after apply as unknowns, the configuration's
// references per attribute, and the lookups that turn an attribute value
// (an ARN, a bucket name) or a configuration reference into a resource id.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "documents/cloudformation/cfn_normalize.h"

namespace moat::tf {

using cfn::Context;
using cfn::Conv;
using cfn::Edge;

struct PlanResource {
  std::string address;  // "module.x.aws_iam_role.r[0]": the resource id
  std::string type;     // "aws_iam_role"
  std::string module;   // "module.x." (empty at the root)
  std::string pointer;  // JSON pointer of the resource object in the plan
  Value object;         // the resource object in planned_values
  Value raw;            // its `values` as written
  Value values;         // `values` with after_unknown paths as unknowns
  Value expressions;    // configuration expressions (null when not found)
  Location location;
};

class Plan {
 public:
  Plan(Context& ctx, const Value& root);
  std::vector<PlanResource>& resources() { return resources_; }
  const PlanResource* find(std::string_view address) const;
  // Id of the resource a configuration reference ("aws_iam_role.x.arn",
  // "aws_s3_bucket.b[0]") made inside `module` stands for, or "".
  std::string resolve_reference(std::string_view module, std::string_view ref) const;
  // Id of the resource whose ARN equals `v`, or with `type`, of the
  // resource of that type whose id/name/bucket/function_name equals `v`; "".
  std::string resource_with_value(const Value& v, std::string_view type = {}) const;
  // What one resource adds to another's output (an S3 sub-resource to its
  // bucket, a policy attachment to its role), applied once every resource
  // is normalized: `key` ("public_access_block.block_public_acls") is set,
  // or with `append`, `value` joins the list at `key`.
  struct Contribution {
    std::string target, key;
    Value value;
    Location where;
    bool append = false;
  };
  std::vector<Contribution> contributions;

 private:
  void collect(const Value& module, const std::string& pointer, int depth);
  void collect_config(const Value& module, const std::string& prefix, int depth);
  Value merge_unknown(const Value& values, const Value& after_unknown, int depth);
  // `values` where the configuration feeds a data source into an
  // attribute: an unknown naming the data source when the value is known
  // only after apply, or always for the data sources that read secrets.
  Value mark_data_sources(const Value& values, const Value& expressions, const std::string& module, int depth);
  void collect_data_values(const Value& module, int depth);  // prior_state data sources

  Context& ctx_;
  std::vector<PlanResource> resources_;
  absl::flat_hash_map<std::string, size_t> by_address_;
  absl::flat_hash_map<std::string, size_t> by_config_key_;  // address without [index]
  absl::flat_hash_map<std::string, size_t> by_value_;
  absl::flat_hash_map<std::string, Value> expressions_;  // config key -> expressions
  absl::flat_hash_map<std::string, Value> after_unknown_;  // address -> after_unknown
  absl::flat_hash_map<std::string, Value> data_values_;    // data source address -> values read at plan time
};

// Normalizing one plan resource: block access (Terraform blocks are lists
// of one map), references through the configuration or planned values.
class TfResource {
 public:
  TfResource(Plan& plan, PlanResource& res, cfn::ResourceContext& rc) : plan(plan), res(res), rc(rc) {}
  Plan& plan;
  PlanResource& res;
  cfn::ResourceContext& rc;
  const std::string& id() const { return rc.id; }
  Context& ctx() { return rc.ctx; }

  // Value at a dotted path of `values`; a list met before a name is its first item.
  const Value* get(std::string_view path) const;
  Value set(std::string_view key, std::string_view path, Conv conv = Conv::kAny);
  // set() of an attribute that may name another resource: the id when it
  // does (edge `kind` self -> target, or reversed), else the literal.
  // `type` also matches names (a role name in `role`, a bucket name).
  std::string set_ref(std::string_view key, std::string_view path, std::string_view edge_kind = {},
                      bool reversed = false, std::string_view type = {});
  // set() of a list of ARNs/ids (layers, actions): each item that names a
  // resource of the plan becomes its id; items known only after apply take
  // the configuration's references in order when there are as many.
  void set_ref_list(std::string_view key, std::string_view path);
  // The resource an attribute stands for, through the configuration's
  // references or its planned value; "" when none.
  std::string ref(std::string_view path, std::string_view type = {}) const;
  std::string ref_value(std::string_view path, const Value& v, std::string_view type = {}) const;
  // A JSON policy string (or already parsed map) -> statements.
  void statements(std::string_view key, std::string_view path);
  void edge(std::string_view kind, std::string_view from, std::string_view to,
            std::vector<std::pair<std::string, Value>> extra = {}) {
    rc.edge(kind, from, to, std::move(extra));
  }
  // Every top-level attribute of `values`, as-is (types without a normalizer).
  void copy_all();
  void contribute(std::string_view target, std::string_view key, Value value, bool append = false) {
    plan.contributions.push_back({std::string(target), std::string(key), value, res.location, append});
  }
};

using Normalizer = void (*)(TfResource&);
struct TfTypeSpec {
  std::string_view tf_type;
  std::string_view canonical_type;
  Normalizer normalize;
};
std::vector<TfTypeSpec> tf_compute_types();  // Lambda, IAM, API Gateway
std::vector<TfTypeSpec> tf_data_types();     // S3, SQS, SNS, logs, KMS, secrets, SSM, Cognito, ...
std::vector<TfTypeSpec> tf_monitoring_types();  // CloudWatch alarms
// "aws_cloudwatch_log_group" -> "aws.cloudwatch.log_group" (first word the service).
std::string tf_canonical_type(std::string_view tf_type);


}  // namespace moat::tf
