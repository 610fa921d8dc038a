// Normalizing one CloudFormation resource into the canonical model: the
// helpers every resource type uses (ResourceContext), the IAM statement
// shape, and the table of normalizers per native type.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "documents/cloudformation/cfn_context.h"
#include "documents/cloudformation/cfn_intrinsics.h"

namespace moat::cfn {

struct Edge {
  std::string kind;
  std::string from, to;
  std::vector<std::pair<std::string, Value>> extra;  // e.g. {"event", "s3:ObjectCreated:*"}
};

// How set() converts a property.
enum class Conv {
  kAny,     // as resolved; references to resources become their ids (at any depth)
  kInt,     // ints, integral floats and numeric strings become ints
  kBool,    // bools and "true"/"false" strings become bools
  kList,    // a scalar becomes a one-item list
  kSnake,   // map keys in snake_case, at every depth
  kJson,    // a JSON string is parsed (RedrivePolicy, DefinitionString), then kSnake
};

class ResourceContext {
 public:
  ResourceContext(Context& ctx, Resolver& resolver, std::vector<Edge>& edges, std::string id, const Value& raw_props,
                  const Value& props)
      : ctx(ctx), resolver(resolver), edges_(edges), id(std::move(id)), raw_(raw_props), props_(props) {}

  Context& ctx;
  Resolver& resolver;
  std::vector<Edge>& edges_;
  std::string id;
  MapBuilder out;

  // Resolved property at a dotted path ("TracingConfig.Mode"); nullptr when absent.
  const Value* get(std::string_view path) const { return at_path(props_, path); }
  const Value* raw(std::string_view path) const { return at_path(raw_, path); }
  // Where the deepest raw member along `path` is written.
  Location where(std::string_view path) const;
  // Sets output `key` ("vpc.subnet_ids" nests) from property `path`; returns
  // the value set (null Value when the property is absent).
  Value set(std::string_view key, std::string_view path, Conv conv = Conv::kAny);
  void put(std::string_view key, Value v, std::string_view path_for_location);
  // set() of a property that references another resource; adds an edge
  // `kind` (self -> target, or target -> self when reversed) when it does.
  std::string set_ref(std::string_view key, std::string_view path, std::string_view edge_kind = {},
                      bool reversed = false);

  Value convert(const Value& v, Conv conv);
  Value ids(const Value& v);
  // Id of the resource `v` stands for (Ref R, GetAtt R.*Arn, "${R.Arn}"), or "".
  std::string ref_id(const Value& v) const;
  // First resource of one of `native_types` referenced by `v` (itself or
  // inside a Fn::Sub/Fn::Join such as an integration URI), or "".
  std::string referenced(const Value& v, std::span<const std::string_view> native_types) const;
  std::string referenced(const Value& v, std::string_view native_type) const {
    return referenced(v, std::span<const std::string_view>(&native_type, 1));
  }
  void edge(std::string_view kind, std::string_view from, std::string_view to,
            std::vector<std::pair<std::string, Value>> extra = {});
  // A policy document's statements in the one shape of docs/documents.md.
  Value statements(const Value& document);
  Value principals(const Value& p);

 private:
  static const Value* at_path(const Value& root, std::string_view path);
  Value snake(const Value& v, int depth);
  Value statement(const Value& s);
  Value as_list(const Value& v);

  Value raw_;
  Value props_;
};

using Normalizer = void (*)(ResourceContext&);
struct TypeSpec {
  std::string_view native_type;
  std::string_view canonical_type;
  Normalizer normalize;
};

// Every native type with a dedicated normalizer (cfn_types_*.cc).
std::vector<TypeSpec> lambda_types();
std::vector<TypeSpec> iam_types();
std::vector<TypeSpec> storage_types();   // S3, SQS, SNS
std::vector<TypeSpec> api_types();       // API Gateway v1 and v2
std::vector<TypeSpec> other_types();     // logs, DynamoDB, Kinesis, events, KMS, secrets, SSM, Cognito, ...
std::vector<TypeSpec> appsync_types();   // AppSync GraphQL APIs, data sources, resolvers, ...

// Lambda function ARNs/names in FunctionName-style properties.
inline constexpr std::array<std::string_view, 4> kFunctionTypes = {
    "AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::Lambda::Alias", "AWS::Lambda::Version"};

}  // namespace moat::cfn
