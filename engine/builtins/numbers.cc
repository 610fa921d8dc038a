// Number builtins. Integer arithmetic that would overflow returns an
// "overflow_error" value instead of wrapping (or being undefined behaviour);
// floats that cannot be represented as an int do the same where an int is
// the result.
#include <charconv>
#include <cmath>
#include <string>

#include "builtins/builtin.h"
#include "builtins/util.h"
#include "value/build.h"

namespace moat {
namespace {

// Whether d converts to int64 without overflow (NaN does not).
bool fits_int64(double d) { return d >= -9223372036854775808.0 && d < 9223372036854775808.0; }

Value float_to_int(CallContext& ctx, double d, std::string_view fn, std::string_view code) {
  if (!fits_int64(d))
    return ctx.error(code, std::string(fn) + ": " +
                               (std::isnan(d)   ? std::string("NaN")
                                : std::isinf(d) ? std::string(d < 0 ? "-inf" : "inf")
                                                : to_json(Value::real(d))) +
                               " cannot be represented as an int");
  return Value::integer(static_cast<int64_t>(d));
}

Value abs_fn(CallContext& ctx, std::span<const Value> a) {
  if (a[0].is_int()) {
    int64_t i = a[0].as_int();
    if (i == INT64_MIN) return ctx.error("overflow_error", "abs: integer overflow");
    return Value::integer(i < 0 ? -i : i);
  }
  if (a[0].is_float()) return Value::real(std::fabs(a[0].as_float()));
  return ctx.type_error("abs", "x", "number", a[0]);
}

template <double (*Op)(double)>
Value rounding(CallContext& ctx, std::span<const Value> a, std::string_view fn) {
  if (a[0].is_int()) return a[0];
  if (!a[0].is_float()) return ctx.type_error(fn, "x", "number", a[0]);
  return float_to_int(ctx, Op(a[0].as_float()), fn, "overflow_error");
}

double floor_d(double d) { return std::floor(d); }
double ceil_d(double d) { return std::ceil(d); }
double round_d(double d) { return std::round(d); }  // halves away from zero

Value floor_fn(CallContext& ctx, std::span<const Value> a) { return rounding<floor_d>(ctx, a, "floor"); }
Value ceil_fn(CallContext& ctx, std::span<const Value> a) { return rounding<ceil_d>(ctx, a, "ceil"); }
Value round_fn(CallContext& ctx, std::span<const Value> a) { return rounding<round_d>(ctx, a, "round"); }

// Checks that list holds only numbers; returns an error or undefined element
// to propagate in *out, or false.
bool number_items(CallContext& ctx, const Value& list, std::string_view fn, Value* out) {
  if (!list.is_list()) { *out = ctx.type_error(fn, "list", "list of numbers", list); return false; }
  std::span<const Value> items = items_of(list);
  if (const Value* u = first_undefined(items)) { *out = *u; return false; }
  for (const Value& v : items)
    if (!v.is_number()) { *out = ctx.type_error(fn, "list", "list of numbers", v); return false; }
  return true;
}

template <int Sign>
Value extreme(CallContext& ctx, std::span<const Value> a, std::string_view fn) {
  Value err;
  if (!number_items(ctx, a[0], fn, &err)) return err;
  std::span<const Value> items = items_of(a[0]);
  // An empty list has no extreme: missing, so that `min(xs) > 3` is neither
  // true nor false but propagates like any absent data.
  if (items.empty()) return make_missing(ctx.arena(), Value::null(), Value::null());
  const Value* best = &items[0];
  for (const Value& v : items.subspan(1))
    if (compare_values(v, *best) * Sign > 0) best = &v;
  return *best;
}

Value min_fn(CallContext& ctx, std::span<const Value> a) { return extreme<-1>(ctx, a, "min"); }
Value max_fn(CallContext& ctx, std::span<const Value> a) { return extreme<1>(ctx, a, "max"); }

Value sum(CallContext& ctx, std::span<const Value> a) {
  Value err;
  if (!number_items(ctx, a[0], "sum", &err)) return err;
  std::span<const Value> items = items_of(a[0]);
  bool any_float = false;
  for (const Value& v : items) any_float |= v.is_float();
  if (any_float) {
    double total = 0;
    for (const Value& v : items) total += v.as_number();
    return Value::real(total);
  }
  int64_t total = 0;
  for (const Value& v : items)
    if (__builtin_add_overflow(total, v.as_int(), &total))
      return ctx.error("overflow_error", "sum: integer overflow");
  return Value::integer(total);
}

// Parses decimal number text: an optional sign, digits, an optional
// fraction and exponent. Integers that fit int64 become ints, others floats.
// No surrounding space, no "inf"/"nan"/hex: data that looks odd should fail
// to convert rather than be guessed at.
bool parse_number(std::string_view s, Value* out) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  size_t int_start = i;
  if (!digits()) return false;
  size_t int_end = i;
  bool is_float = false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
    is_float = true;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
    is_float = true;
  }
  if (i != s.size()) return false;
  if (!is_float) {
    // Parse the magnitude as unsigned so that INT64_MIN is reachable.
    uint64_t mag;
    auto r = std::from_chars(s.data() + int_start, s.data() + int_end, mag);
    if (r.ec == std::errc() && mag <= (neg ? uint64_t{1} << 63 : uint64_t{INT64_MAX})) {
      *out = Value::integer(neg ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag));
      return true;
    }
  }
  // from_chars rejects a leading '+'.
  const char* begin = s.data() + (s.front() == '+' ? 1 : 0);
  double d;
  auto r = std::from_chars(begin, s.data() + s.size(), d);
  if (r.ec == std::errc::result_out_of_range) {
    // Too small rounds to a denormal or zero; too large has no float.
    d = std::strtod(std::string(s).c_str(), nullptr);
    if (std::isinf(d)) return false;
  } else if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
    return false;
  }
  *out = Value::real(d);
  return true;
}

// The number for x (a number, or a string holding one), or an error.
Value number_of(CallContext& ctx, const Value& x, std::string_view fn) {
  if (x.is_number()) return x;
  if (!x.is_string()) return ctx.type_error(fn, "x", "number or string", x);
  Value n;
  if (!parse_number(x.as_string(), &n))
    return ctx.error("conversion_error",
                     std::string(fn) + ": " + to_json(x) + " is not a number");
  return n;
}

Value to_int(CallContext& ctx, std::span<const Value> a) {
  Value n = number_of(ctx, a[0], "to_int");
  if (!n.is_float()) return n;
  return float_to_int(ctx, std::trunc(n.as_float()), "to_int", "conversion_error");
}

Value to_float(CallContext& ctx, std::span<const Value> a) {
  Value n = number_of(ctx, a[0], "to_float");
  return n.is_int() ? Value::real(static_cast<double>(n.as_int())) : n;
}

Value to_number(CallContext& ctx, std::span<const Value> a) {
  return number_of(ctx, a[0], "to_number");
}

BuiltinDef def(std::string_view name, std::vector<Param> params, Type result, BuiltinFn fn,
               std::string_view summary, std::string_view example) {
  return {.name = name, .family = "numbers", .params = std::move(params), .result = result,
          .summary = summary, .example = example, .fn = fn};
}

}  // namespace

void register_number_builtins(BuiltinRegistry& r) {
  const Type N = Type::kNumber, I = Type::kInt, L = Type::kList;
  r.add(def("abs", {{"x", N}}, N, abs_fn, "The absolute value of x",
            "abs(-3) == 3 and abs(-2.5) == 2.5"));
  r.add(def("floor", {{"x", N}}, I, floor_fn, "The largest int not above x",
            "floor(2.7) == 2 and floor(-2.5) == -3"));
  r.add(def("ceil", {{"x", N}}, I, ceil_fn, "The smallest int not below x",
            "ceil(2.1) == 3 and ceil(-2.5) == -2"));
  r.add(def("round", {{"x", N}}, I, round_fn,
            "x rounded to the nearest int, halves away from zero",
            "round(2.5) == 3 and round(-2.5) == -3 and round(2.4) == 2"));
  r.add(def("min", {{"list", L}}, N, min_fn,
            "The smallest number in list (missing when the list is empty)",
            "min([3, 1.5, 2]) == 1.5 and is_missing(min([]))"));
  r.add(def("max", {{"list", L}}, N, max_fn,
            "The largest number in list (missing when the list is empty)",
            "max([3, 1.5, 2]) == 3 and is_missing(max([]))"));
  r.add(def("sum", {{"list", L}}, N, sum,
            "The sum of the numbers in list: an int when all are ints (an error on overflow), "
            "else a float",
            "sum([1, 2, 3]) == 6 and sum([]) == 0"));
  r.add(def("to_int", {{"x", Type::kAny}}, I, to_int,
            "x as an int: floats are truncated toward zero, strings parsed as decimal numbers",
            "to_int(\"42\") == 42 and to_int(-2.7) == -2"));
  r.add(def("to_float", {{"x", Type::kAny}}, Type::kFloat, to_float,
            "x as a float: ints are converted, strings parsed as decimal numbers",
            "to_float(\"2.5\") == 2.5 and is_float(to_float(2))"));
  r.add(def("to_number", {{"x", Type::kAny}}, N, to_number,
            "x as a number: a string is parsed to an int when it has no fraction or exponent "
            "(and fits), else to a float",
            "to_number(\"3\") == 3 and is_int(to_number(\"3\")) and to_number(\"3.5\") == 3.5"));
}

}  // namespace moat
