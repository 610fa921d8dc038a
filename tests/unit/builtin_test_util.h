// Calling builtins from tests the way the VM does, and writing their
// arguments and expected results as JSON text.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "builtins/builtin.h"
#include "value/build.h"

namespace moat::testing {

// The VM's strict calling convention: a strict builtin is not called when an
// argument is undefined; the first error is returned, else the first unknown,
// else the first missing.
inline Value call(const BuiltinRegistry& registry, std::string_view name, std::vector<Value> args,
                  CallContext& ctx) {
  const BuiltinDef* def = registry.find(name);
  if (def == nullptr) {
    ADD_FAILURE() << "no builtin named " << name;
    return make_error(ctx.arena(), "test", "no such builtin");
  }
  size_t fixed = def->params.size() - (def->variadic ? 1 : 0);
  bool arity_ok = def->variadic ? args.size() >= fixed : args.size() == fixed;
  if (!arity_ok) {
    ADD_FAILURE() << name << " called with " << args.size() << " arguments";
    return make_error(ctx.arena(), "test", "wrong arity");
  }
  if (def->strict) {
    for (Kind k : {Kind::kError, Kind::kUnknown, Kind::kMissing})
      for (const Value& a : args)
        if (a.kind() == k) return a;
  }
  return def->fn(ctx, args);
}

// Like call(), but first prepares the call site as the compiler does when
// every argument is a constant. A rejected constant is reported in *prepare_error.
inline Value call_prepared(const BuiltinRegistry& registry, std::string_view name,
                           std::vector<Value> args, CallContext& ctx, std::string* prepare_error) {
  const BuiltinDef* def = registry.find(name);
  if (def == nullptr || def->prepare == nullptr) return call(registry, name, std::move(args), ctx);
  std::vector<const Value*> consts;
  for (const Value& a : args) consts.push_back(a.is_undefined() ? nullptr : &a);
  std::shared_ptr<const void> state = def->prepare(consts, prepare_error);
  if (!prepare_error->empty()) return make_error(ctx.arena(), "prepare", *prepare_error);
  ctx.set_prepared(state.get());
  Value v = call(registry, name, std::move(args), ctx);
  ctx.set_prepared(nullptr);
  return v;
}

// A value from JSON text; "?missing", "?unknown" and "?error" (unquoted)
// stand for the undefined kinds.
inline Value from_json(Arena& arena, const nlohmann::ordered_json& j) {
  using J = nlohmann::ordered_json;
  switch (j.type()) {
    case J::value_t::null: return Value::null();
    case J::value_t::boolean: return Value::boolean(j.get<bool>());
    case J::value_t::number_integer: return Value::integer(j.get<int64_t>());
    case J::value_t::number_unsigned: {
      uint64_t u = j.get<uint64_t>();
      return u <= uint64_t{INT64_MAX} ? Value::integer(static_cast<int64_t>(u))
                                      : Value::real(static_cast<double>(u));
    }
    case J::value_t::number_float: return Value::real(j.get<double>());
    case J::value_t::string: return make_string(arena, j.get<std::string>());
    case J::value_t::array: {
      std::vector<Value> items;
      for (const J& e : j) items.push_back(from_json(arena, e));
      return make_list(arena, items);
    }
    case J::value_t::object: {
      std::vector<Member> members;
      for (const auto& [k, v] : j.items())
        members.push_back({make_string(arena, k), from_json(arena, v)});
      return make_map(arena, members);
    }
    default: return make_error(arena, "test", "unsupported JSON");
  }
}

inline Value parse_arg(Arena& arena, std::string_view text) {
  if (text == "?missing") return make_missing(arena, Value::null(), make_string(arena, "k"));
  if (text == "?unknown") return make_unknown(arena, "unresolved Ref");
  if (text == "?error") return make_error(arena, "test_error", "an error argument");
  return from_json(arena, nlohmann::ordered_json::parse(text));
}

// One row of a builtin's table: arguments as JSON text (or ?missing ...),
// and the expectation: JSON text of the result (compared through to_json,
// so an int is not a float and map order counts), "!code" for an error
// value with that code, or "?missing" / "?unknown" / "?error" for a result
// of that kind.
struct Case {
  std::string_view fn;
  std::vector<std::string_view> args;
  std::string_view want;
};

inline ::testing::AssertionResult check(Arena& arena, const Value& got, std::string_view want) {
  auto fail = [&](std::string_view why) {
    return ::testing::AssertionFailure()
           << why << ": got " << to_json(got)
           << (got.is_error() ? " [" + std::string(got.as_error().code) + "]" : "") << ", want "
           << want;
  };
  if (want.starts_with("!")) {
    if (!got.is_error()) return fail("expected an error");
    if (got.as_error().code != want.substr(1)) return fail("wrong error code");
    return ::testing::AssertionSuccess();
  }
  if (want == "?missing") return got.is_missing() ? ::testing::AssertionSuccess() : fail("expected missing");
  if (want == "?unknown") return got.is_unknown() ? ::testing::AssertionSuccess() : fail("expected unknown");
  if (want == "?error") return got.is_error() ? ::testing::AssertionSuccess() : fail("expected an error");
  if (got.is_undefined()) return fail("unexpected undefined value");
  if (to_json(got) != to_json(parse_arg(arena, want))) return fail("wrong value");
  return ::testing::AssertionSuccess();
}

// Runs a family's table (each row both as a plain call and, for builtins
// with a PrepareFn, prepared with its constant arguments) and checks that
// every builtin of the family has a normal row, a row with a missing
// argument and, unless listed in `no_type_error` (a builtin that accepts
// anything), a row expecting "!type_error".
inline void run_table(const BuiltinRegistry& registry, std::string_view family,
                      const std::vector<Case>& cases, std::set<std::string_view> no_type_error = {}) {
  Arena arena;
  CallContext ctx(arena, 1700000000);
  std::set<std::string_view> normal, missing, type_error;
  for (const Case& c : cases) {
    std::string row = std::string(c.fn) + "(";
    for (size_t i = 0; i < c.args.size(); ++i) row += (i ? ", " : "") + std::string(c.args[i]);
    row += ") -> " + std::string(c.want);
    SCOPED_TRACE(row);
    std::vector<Value> args;
    bool has_missing = false;
    for (std::string_view a : c.args) {
      args.push_back(parse_arg(arena, a));
      has_missing |= a == "?missing";
    }
    EXPECT_TRUE(check(arena, call(registry, c.fn, args, ctx), c.want));
    const BuiltinDef* def = registry.find(c.fn);
    if (def != nullptr && def->prepare != nullptr) {
      std::string prepare_error;
      Value prepared = call_prepared(registry, c.fn, args, ctx, &prepare_error);
      // A constant rejected at compile time must be one that fails at run time.
      if (prepare_error.empty())
        EXPECT_TRUE(check(arena, prepared, c.want)) << "(prepared)";
      else
        EXPECT_TRUE(c.want.starts_with("!")) << "prepare rejected a good constant: " << prepare_error;
    }
    if (has_missing) missing.insert(c.fn);
    if (c.want == "!type_error") type_error.insert(c.fn);
    if (!has_missing && !c.want.starts_with("!") && !c.want.starts_with("?")) normal.insert(c.fn);
  }
  for (const BuiltinDef& d : registry.all()) {
    if (d.family != family) continue;
    EXPECT_TRUE(normal.count(d.name)) << d.name << " has no normal case";
    EXPECT_TRUE(missing.count(d.name)) << d.name << " has no case with a missing argument";
    if (!no_type_error.count(d.name)) {
      EXPECT_TRUE(type_error.count(d.name)) << d.name << " has no type_error case";
    }
  }
}

}  // namespace moat::testing
