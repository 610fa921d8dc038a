// AWS::Serverless::CapacityProvider: a Lambda capacity provider (managed
// instances) and, unless OperatorRole is given, the operator role SAM
// creates with AWSLambdaManagedEC2ResourceOperator.
#include <string>
#include <vector>

#include "documents/sam/sam_transform.h"

namespace moat::sam {

namespace {

Value get(const Value& v, std::string_view key) {
  const Value* m = member(v, key);
  return m ? *m : Value();
}

Value created_by_sam(Transform& t) { return t.map({{"Key", t.str("lambda:createdBy")}, {"Value", t.str("SAM")}}); }

// ScalingConfig: MaxVCpuCount; an AverageCPUUtilization target makes the
// scaling manual with that target, else AWS scales automatically.
Value scaling(Transform& t, const Value* config) {
  if (config == nullptr || !config->is_map()) return Value();
  Value target = get(*config, "AverageCPUUtilization");
  Value policies;
  if (!target.is_null())
    policies = t.list({t.map({{"PredefinedMetricType", t.str("LambdaCapacityProviderAverageCPUUtilization")},
                              {"TargetValue", target}})});
  return t.map({{"MaxVCpuCount", get(*config, "MaxVCpuCount")},
                {"ScalingMode", t.str(target.is_null() ? "Auto" : "Manual")},
                {"ScalingPolicies", policies}});
}

Value instance_requirements(Transform& t, const Value* r) {
  if (r == nullptr || !r->is_map()) return Value();
  return t.map({{"Architectures", get(*r, "Architectures")},
                {"AllowedInstanceTypes", get(*r, "AllowedTypes")},
                {"ExcludedInstanceTypes", get(*r, "ExcludedTypes")}});
}

}  // namespace

void expand_capacity_provider(Transform& t, const std::string& id, const Value& props) {
  Value role = get(props, "OperatorRole");
  if (role.is_null()) {
    std::string role_id = cat(id, "OperatorRole");
    t.add(role_id, "AWS::IAM::Role",
          t.map({{"AssumeRolePolicyDocument", assume_role(t, "lambda.amazonaws.com")},
                 {"ManagedPolicyArns", t.list({t.str("arn:aws:iam::aws:policy/AWSLambdaManagedEC2ResourceOperator")})},
                 {"Tags", t.list({created_by_sam(t)})}}),
          id);
    role = t.get_att(role_id, "Arn");
  }
  std::vector<Value> tags;
  if (const Value* given = member(props, "Tags"); given && given->is_map())
    for (const Member& m : given->as_map()) tags.push_back(t.map({{"Key", m.key}, {"Value", m.value}}));
  tags.push_back(created_by_sam(t));
  Generated& g = t.add(id, "AWS::Lambda::CapacityProvider",
                       t.map({{"CapacityProviderName", get(props, "CapacityProviderName")},
                              {"VpcConfig", get(props, "VpcConfig")},
                              {"PermissionsConfig", t.map({{"CapacityProviderOperatorRoleArn", role}})},
                              {"InstanceRequirements", instance_requirements(t, member(props, "InstanceRequirements"))},
                              {"CapacityProviderScalingConfig", scaling(t, member(props, "ScalingConfig"))},
                              {"KmsKeyArn", get(props, "KmsKeyArn")},
                              {"Tags", t.list(tags)}}),
                       "");
  g.native_type = "AWS::Serverless::CapacityProvider";
}

}  // namespace moat::sam
