// One event of a function, being compiled (sls_events*.cc).
#pragma once

#include <cctype>
#include <string>
#include <vector>

#include "documents/serverless/sls_compile.h"

namespace moat::sls {

using cfn::cat;
using cfn::member;

inline std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

inline std::string capitalized_lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// Last segment of an ARN ("arn:aws:sqs:r:a:queue" -> "queue"), or a
// resource id when `v` is {Fn::GetAtt: [Id, Arn]} / {Ref: Id}.
inline std::string arn_name(const Value& v) {
  if (v.is_map()) {
    if (const Value* g = member(v, "Fn::GetAtt")) {
      if (g->is_list() && g->as_list().size > 0) return text(&g->as_list().items[0]);
      std::string s = text(g);
      return s.substr(0, s.find('.'));
    }
    if (const Value* r = member(v, "Ref")) return text(r);
    if (const Value* i = member(v, "Fn::ImportValue")) return text(i);
    return "";
  }
  std::string s = text(&v);
  size_t slash = s.find_last_of(":/");
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

struct EventCompiler {
  Compiler& c;
  std::string fn_name, fn_id, fn_norm;
  std::string type;
  Value spec;    // the event's value
  Value native;  // the event's value as written (variables unresolved)
  Location loc;
  std::string pointer;
  int index;
  std::vector<std::string>& log_groups;  // the function's cloudwatchLog groups so far

  Value fn_arn() { return c.get_att(fn_id, "Arn"); }
  const Value* opt(std::string_view key) const { return spec.is_map() ? member(spec, key) : nullptr; }
  Value opt_value(std::string_view key) const {
    const Value* v = opt(key);
    return v ? *v : Value();
  }

  Generated& add(std::string id, std::string_view cfn_type, Value props, bool trigger = true) {
    Generated g;
    g.id = std::move(id);
    g.cfn = c.resource(cfn_type, props);
    g.native_type = "serverless.event." + type;
    g.location = loc;
    g.pointer = pointer;
    g.native = native;
    if (trigger) c.edges.push_back(cfn::Edge{"triggers", g.id, fn_id, {{"event", c.str(type)}}});
    return c.add(std::move(g));
  }
  // The permission the Framework adds for the event (`id`), with its
  // SourceArn and SourceAccount as the Framework writes them.
  void permission(std::string id, std::string_view principal, Value source_arn, Value source_account = Value()) {
    add(std::move(id), "AWS::Lambda::Permission",
        c.map({{"FunctionName", fn_arn()},
               {"Action", c.str("lambda:InvokeFunction")},
               {"Principal", c.str(principal)},
               {"SourceArn", source_arn},
               {"SourceAccount", source_account}}),
        false);
  }
  // "<Fn>LambdaPermission<suffix>", the Framework's usual permission id.
  std::string permission_id(std::string_view suffix) const { return cat(fn_norm, "LambdaPermission", suffix); }
  // arn:${AWS::Partition}:<service>:${AWS::Region}:${AWS::AccountId}:<rest...>
  // joined with "", as the Framework builds regional ARNs.
  Value regional_arn(std::string_view service, std::vector<Value> rest) {
    std::vector<Value> parts = {c.str("arn:"), c.ref("AWS::Partition"), c.str(cat(":", service, ":")),
                                c.ref("AWS::Region"), c.str(":"), c.ref("AWS::AccountId"), c.str(":")};
    for (Value& v : rest) parts.push_back(v);
    return c.join("", parts);
  }

  void http();
  void http_api();
  void s3();
  void sqs();
  void sns();
  void stream();
  void schedule();
  void event_bridge();
  void iot();
  void cognito();
  void alb();
  void websocket();
  void cloudwatch_log();
};

}  // namespace moat::sls
