// `grants` edges: function (or state machine) -> each in-document resource
// that an Allow statement reachable from its execution role grants, by ARN
// and action match (docs/documents.md, "Grants").
//
// One pass over a normalized document, shared by every template format: the
// CloudFormation/SAM, serverless.yml and Terraform loaders call it once their
// resources and other edges are built. Reachable statements are the role's
// `policies` (inline, and AWS-managed ones the loader expanded), the
// statements of aws.iam.policy resources `attached_to` the role, and
// AWS-managed policies named only in `managed_policy_arns` (expanded here
// from the compiled table, for Terraform).
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "documents/cloudformation/cfn_context.h"
#include "documents/cloudformation/cfn_normalize.h"
#include "value/value.h"

namespace moat {

// The text an unknown stands for, with `${...}` for its unknown parts
// ("arn:${AWS::Partition}:s3:::${Bucket}/*"), or nullptr when the loader
// kept none. Lets a statement resource such as `!Sub "${Bucket.Arn}/*"`
// still name the bucket.
using PlaceholderOf = std::function<const std::string*(const Value&)>;

// The pass never produces more edges than this; past it, a warning.
inline constexpr size_t kMaxGrantEdges = 25'000;

// Appends the `grants` edges of the document whose `resources` map is
// `resources` and whose other edges are `edges` to `edge_values`:
// {kind: "grants", from, to, actions, via: <role id>, statement: <JSON
// pointer into the document, or "<managed policy ARN>#/Statement/<i>">,
// policy?: <policy id or ARN when not the role's own>, not_actions?,
// conditional?: true}. Malformed or unknown parts give no edge, never an error.
void append_grant_edges(cfn::Context& ctx, const Value& resources, std::span<const cfn::Edge> edges,
                        const PlaceholderOf& placeholder, std::vector<Value>& edge_values);

}  // namespace moat
