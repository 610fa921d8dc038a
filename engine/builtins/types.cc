// Type tests and the builtins that look at missing and unknown values.
//
// Most of these are non-strict: they exist to ask about values the VM would
// otherwise propagate. An error is still never turned into a clean answer
// (except by type_of, whose job is to name it): has(), is_missing() and
// is_unknown() return it unchanged.
//
// The kind tests (is_string, is_map, ...) see missing values too: a missing
// value is not a string, so they answer false, which keeps `where
// is_string(x) and ...` and comprehension filters decided when x is absent.
// An unknown value may turn out to be anything: it stays unknown.
#include <string>

#include "builtins/builtin.h"
#include "builtins/util.h"
#include "value/build.h"

namespace moat {
namespace {

Value type_of(CallContext&, std::span<const Value> a) {
  // kind_name() returns static text, so the result needs no arena copy.
  return Value::string(kind_name(a[0].kind()));
}

template <bool (Value::*Test)() const>
Value kind_test(CallContext&, std::span<const Value> a) {
  if (a[0].is_error() || a[0].is_unknown()) return a[0];
  return Value::boolean((a[0].*Test)());
}

Value has(CallContext&, std::span<const Value> a) {
  if (a[0].is_error()) return a[0];
  return Value::boolean(!a[0].is_missing());
}

Value is_missing(CallContext&, std::span<const Value> a) {
  if (a[0].is_error()) return a[0];
  return Value::boolean(a[0].is_missing());
}

Value is_unknown(CallContext&, std::span<const Value> a) {
  if (a[0].is_error()) return a[0];
  return Value::boolean(a[0].is_unknown());
}

Value default_fn(CallContext&, std::span<const Value> a) {
  return a[0].is_missing() || a[0].is_null() ? a[1] : a[0];
}

Value to_string(CallContext& ctx, std::span<const Value> a) {
  if (a[0].is_string()) return a[0];
  if (const Value* u = first_undefined_deep(a)) return *u;
  std::string out;
  append_display(a[0], out);
  return make_string(ctx.arena(), out);
}

BuiltinDef test_def(std::string_view name, BuiltinFn fn, std::string_view summary,
                    std::string_view example) {
  return {.name = name, .family = "types", .params = {{"x", Type::kAny}}, .result = Type::kBool,
          .strict = false, .summary = summary, .example = example, .fn = fn};
}

}  // namespace

void register_type_builtins(BuiltinRegistry& r) {
  r.add({.name = "type_of", .family = "types", .params = {{"x", Type::kAny}},
         .result = Type::kString, .strict = false,
         .summary = "Kind of x: \"null\", \"bool\", \"int\", \"float\", \"string\", \"list\", "
                    "\"map\", or \"missing\", \"unknown\", \"error\" for values that are not there",
         .example = "type_of([1]) == \"list\" and type_of({}.a) == \"missing\"",
         .fn = type_of});
  r.add(test_def("is_null", kind_test<&Value::is_null>, "Whether x is null; false when x is missing", "is_null(null) and not is_null({}.a)"));
  r.add(test_def("is_bool", kind_test<&Value::is_bool>, "Whether x is true or false; false when x is missing",
                 "is_bool(false)"));
  r.add(test_def("is_int", kind_test<&Value::is_int>, "Whether x is an integer; false when x is missing",
                 "is_int(3) and not is_int(3.0)"));
  r.add(test_def("is_float", kind_test<&Value::is_float>, "Whether x is a floating-point number; false when x is missing",
                 "is_float(3.0) and not is_float(3)"));
  r.add(test_def("is_number", kind_test<&Value::is_number>, "Whether x is an int or a float; false when x is missing",
                 "is_number(3) and is_number(0.5)"));
  r.add(test_def("is_string", kind_test<&Value::is_string>, "Whether x is a string; false when x is missing",
                 "is_string(\"a\") and not is_string({}.a)"));
  r.add(test_def("is_list", kind_test<&Value::is_list>, "Whether x is a list; false when x is missing",
                 "is_list([]) and not is_list({})"));
  r.add(test_def("is_map", kind_test<&Value::is_map>, "Whether x is a map; false when x is missing", "is_map({a: 1})"));
  r.add({.name = "has", .family = "types", .params = {{"x", Type::kAny}}, .result = Type::kBool,
         .strict = false,
         .summary = "Whether x is present: false only for a missing value (an unknown value is "
                    "present, its content just isn't known yet); an error is returned as is",
         .example = "has({a: 1}.a) and not has({a: 1}.b)", .fn = has});
  r.add({.name = "is_missing", .family = "types", .params = {{"x", Type::kAny}},
         .result = Type::kBool, .strict = false,
         .summary = "Whether x is missing (absent data); an error is returned as is",
         .example = "is_missing({}.a) and not is_missing(null)", .fn = is_missing});
  r.add({.name = "is_unknown", .family = "types", .params = {{"x", Type::kAny}},
         .result = Type::kBool, .strict = false,
         .summary = "Whether x is unknown until deployment (an unresolved reference); an error is "
                    "returned as is",
         .example = "not is_unknown(1)", .fn = is_unknown});
  r.add({.name = "default", .family = "types",
         .params = {{"x", Type::kAny}, {"fallback", Type::kAny}}, .result = Type::kAny,
         .strict = false,
         .summary = "fallback when x is missing or null, else x (unknown and error values pass "
                    "through)",
         .example = "default({}.a, 5) == 5 and default(null, 5) == 5 and default(1, 5) == 1",
         .fn = default_fn});
  r.add({.name = "to_string", .family = "types", .params = {{"x", Type::kAny}},
         .result = Type::kString,
         .summary = "x as text: a string as is, anything else as JSON",
         .example = "to_string(\"a\") == \"a\" and to_string([1, \"a\"]) == \"[1,\\\"a\\\"]\"",
         .fn = to_string});
}

}  // namespace moat
