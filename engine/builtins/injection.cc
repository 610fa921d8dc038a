// Injection detection builtins: signature sets matched in one pass, and the
// tokenizing SQL injection detector.
//
// signatures(text, SET) takes SET as a list literal, prepared once when the
// policy is compiled (like a regex literal): the RE2::Set is built then, a
// bad pattern is a compile error at the argument, and every call is one scan
// of the text whatever the number of signatures. A set that is not a literal
// is built on each call (correct, but slow: write it literally, inside a
// function when several rules share it).
#include <memory>
#include <string>
#include <vector>

#include "builtins/builtin.h"
#include "builtins/signature_index.h"
#include "builtins/signature_set.h"
#include "builtins/sqli_tokenizer.h"
#include "builtins/util.h"
#include "value/build.h"

namespace moat {
namespace {

std::shared_ptr<const void> prepare_signatures(std::span<const Value* const> args, std::string* error) {
  if (args.size() < 2 || args[1] == nullptr) return nullptr;
  std::unique_ptr<SignatureSet> set = SignatureSet::build(*args[1], error);
  if (!set) return nullptr;
  return std::shared_ptr<const SignatureSet>(std::move(set));
}

Value signatures(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("signatures", "text", "string", a[0]);
  if (!a[1].is_list()) return ctx.type_error("signatures", "set", "list", a[1]);
  const SignatureSet* set = static_cast<const SignatureSet*>(ctx.prepared());
  std::unique_ptr<SignatureSet> built;
  if (set == nullptr) {
    if (const Value* u = first_undefined_deep(items_of(a[1]))) return *u;
    std::string error;
    built = SignatureSet::build(a[1], &error);
    if (!built) return ctx.error("regex_error", "signatures: " + error);
    set = built.get();
  }
  // A literal set goes through the program's joined index (one scan of
  // the text for every rule's set); a set built here matches on its own.
  std::vector<int> hits = built == nullptr && ctx.signature_memo() != nullptr
                              ? ctx.signature_memo()->match(*set, a[0].as_string())
                              : set->match(a[0].as_string());
  std::vector<Value> ids;
  for (int i : hits) ids.push_back(make_string(ctx.arena(), set->id(i)));
  return make_list(ctx.arena(), ids);
}

Value sqli_detect(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_string()) return ctx.type_error("sqli", "text", "string", a[0]);
  sqli::Result r = sqli::detect(a[0].as_string());
  Member m[] = {
      {Value::string("detected"), Value::boolean(r.detected)},
      {Value::string("fingerprint"), make_string(ctx.arena(), r.fingerprint)},
      {Value::string("context"), Value::string(sqli::context_name(r.context))},
  };
  return make_map(ctx.arena(), m);
}

}  // namespace

void register_injection_builtins(BuiltinRegistry& r) {
  const Type S = Type::kString;
  r.add({.name = "signatures", .family = "injection", .params = {{"text", S}, {"set", Type::kList}},
         .result = Type::kList,
         .summary = "The ids of the signatures that match somewhere in text, in set order, found in one "
                    "pass (RE2::Set). set is a list of RE2 patterns (each its own id) or of maps {id, "
                    "pattern}; a literal set is compiled once with the policy",
         .example = "signatures(\"a;id\", [{id: \"sep\", pattern: \";\"}, {id: \"pipe\", pattern: r\"\\|\"}]) "
                    "== [\"sep\"]",
         .fn = signatures, .prepare = prepare_signatures});
  r.add({.name = "sqli", .family = "injection", .params = {{"text", S}}, .result = Type::kMap,
         .summary = "SQL injection by tokenizing: {detected, fingerprint, context}. text is read as SQL in "
                    "the none, single-quote and double-quote contexts; the folded token classes of its "
                    "first 5 tokens (the fingerprint, e.g. s&1o1) are matched against attack shapes "
                    "(tautology, UNION, stacked query, trailing comment, time delay)",
         .example = "sqli(\"1' OR '1'='1\").detected and not sqli(\"Select the best plan\").detected",
         .fn = sqli_detect});
}

}  // namespace moat
