// List and map builtins.
//
// The set-like functions (unique, union, intersection, difference,
// contains_all, contains_any) treat lists as sets under values_equal (so 1
// and 1.0 are the same element) but keep first-appearance order, so that
// results are deterministic and read like the input. They hash elements, so
// large lists cost O(n), not O(n^2).
#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "builtins/builtin.h"
#include "builtins/util.h"
#include "value/build.h"

namespace moat {
namespace {

uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 33);
}

// A hash consistent with values_equal: equal values hash alike.
uint64_t hash_value(const Value& v) {
  switch (v.kind()) {
    case Kind::kNull: return 0x9e3779b97f4a7c15ull;
    case Kind::kBool: return mix(v.as_bool() ? 2 : 1);
    case Kind::kInt:
    case Kind::kFloat: {
      // values_equal compares an int with a float through double, so both
      // hash through double; -0.0 == 0.0, so they must hash alike too.
      double d = v.as_number();
      if (d == 0) d = 0;
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      return mix(bits ^ 0x5555);
    }
    case Kind::kString: return hash_key(v.as_string());
    case Kind::kList: {
      uint64_t h = 0x1234567;
      for (const Value& item : v.as_list()) h = mix(h ^ hash_value(item)) + 1;
      return h;
    }
    case Kind::kMap: {
      // values_equal ignores member order, so combine members commutatively.
      uint64_t h = mix(0xabcdef + v.as_map().size);
      for (const Member& m : v.as_map()) h += mix(hash_key(m.key.as_string()) ^ hash_value(m.value));
      return h;
    }
    default: return 0;  // callers propagate undefined values before hashing
  }
}

// Insert-only hash set of values with a capacity fixed up front (callers
// know how many values they will insert), so it never rehashes.
class ValueSet {
 public:
  explicit ValueSet(size_t max_items) {
    size_t cap = 16;
    while (cap < max_items * 2) cap <<= 1;
    slots_.assign(cap, 0);
    items_.reserve(max_items);
  }

  // Adds v unless an equal value is already there; returns whether it was added.
  bool insert(const Value& v) {
    size_t slot = find_slot(v);
    if (slots_[slot] != 0) return false;
    items_.push_back(v);
    slots_[slot] = static_cast<uint32_t>(items_.size());
    return true;
  }

  bool contains(const Value& v) const { return slots_[find_slot(v)] != 0; }

 private:
  // The slot holding a value equal to v, or the empty slot where it belongs.
  size_t find_slot(const Value& v) const {
    size_t mask = slots_.size() - 1;
    size_t slot = hash_value(v) & mask;
    while (slots_[slot] != 0 && !values_equal(items_[slots_[slot] - 1], v)) slot = (slot + 1) & mask;
    return slot;
  }

  std::vector<Value> items_;
  std::vector<uint32_t> slots_;  // index into items_ + 1; 0 = empty
};

int undefined_rank(const Value& v) { return v.is_error() ? 0 : v.is_unknown() ? 1 : 2; }

// The value to propagate from either list, also from inside elements (errors
// first, then unknowns, then missing), or nullptr.
const Value* first_undefined_of(std::span<const Value> a, std::span<const Value> b) {
  const Value* x = first_undefined_deep(a);
  const Value* y = first_undefined_deep(b);
  if (x == nullptr) return y;
  if (y == nullptr) return x;
  return undefined_rank(*y) < undefined_rank(*x) ? y : x;
}

Value len(CallContext& ctx, std::span<const Value> a) {
  switch (a[0].kind()) {
    case Kind::kString: return Value::integer(static_cast<int64_t>(a[0].as_string().size()));
    case Kind::kList: return Value::integer(a[0].as_list().size);
    case Kind::kMap: return Value::integer(a[0].as_map().size);
    default: return ctx.type_error("len", "x", "string, list or map", a[0]);
  }
}

Value keys(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_map()) return ctx.type_error("keys", "map", "map", a[0]);
  std::vector<Value> out;
  out.reserve(a[0].as_map().size);
  for (const Member& m : a[0].as_map()) out.push_back(m.key);
  return make_list(ctx.arena(), out);
}

Value values(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_map()) return ctx.type_error("values", "map", "map", a[0]);
  std::vector<Value> out;
  out.reserve(a[0].as_map().size);
  for (const Member& m : a[0].as_map()) out.push_back(m.value);
  return make_list(ctx.arena(), out);
}

Value sort(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_list()) return ctx.type_error("sort", "list", "list", a[0]);
  std::span<const Value> items = items_of(a[0]);
  if (const Value* u = first_undefined_deep(items)) return *u;
  std::vector<Value> out(items.begin(), items.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const Value& x, const Value& y) { return compare_values(x, y) < 0; });
  return make_list(ctx.arena(), out);
}

Value unique(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_list()) return ctx.type_error("unique", "list", "list", a[0]);
  std::span<const Value> items = items_of(a[0]);
  if (const Value* u = first_undefined_deep(items)) return *u;
  ValueSet seen(items.size());
  std::vector<Value> out;
  for (const Value& v : items)
    if (seen.insert(v)) out.push_back(v);
  return make_list(ctx.arena(), out);
}

// One pass over [key, value] pairs into key -> [values]: lets a policy
// index resources by a field once instead of scanning them all per lookup
// (which makes a rule quadratic in the size of the document).
Value group(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_list()) return ctx.type_error("group", "pairs", "list", a[0]);
  std::span<const Value> items = items_of(a[0]);
  absl::flat_hash_map<std::string_view, size_t> slot;
  std::vector<std::string_view> keys;
  std::vector<std::vector<Value>> groups;
  for (const Value& pair : items) {
    if (pair.is_missing() || pair.is_unknown() || pair.is_error()) return pair;
    if (!pair.is_list() || pair.as_list().size != 2)
      return ctx.error("type_error", "group: each element must be a [key, value] list of two");
    const Value& key = pair.as_list().items[0];
    if (key.is_missing() || key.is_unknown() || key.is_error()) return key;
    if (!key.is_string()) return ctx.type_error("group", "key", "string", key);
    auto [it, added] = slot.try_emplace(key.as_string(), groups.size());
    if (added) {
      keys.push_back(key.as_string());
      groups.emplace_back();
    }
    groups[it->second].push_back(pair.as_list().items[1]);
  }
  std::vector<Member> members;
  members.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i)
    members.push_back(Member{Value::string(keys[i]), make_list(ctx.arena(), groups[i])});
  return make_map_unique(ctx.arena(), members);
}

// Checks that a and b are lists; returns false with what to return in *out
// (a type error or an undefined element).
bool two_lists(CallContext& ctx, std::span<const Value> args, std::string_view fn, Value* out) {
  if (!args[0].is_list()) { *out = ctx.type_error(fn, "a", "list", args[0]); return false; }
  if (!args[1].is_list()) { *out = ctx.type_error(fn, "b", "list", args[1]); return false; }
  if (const Value* u = first_undefined_of(items_of(args[0]), items_of(args[1]))) {
    *out = *u;
    return false;
  }
  return true;
}

Value union_fn(CallContext& ctx, std::span<const Value> args) {
  Value err;
  if (!two_lists(ctx, args, "union", &err)) return err;
  std::span<const Value> a = items_of(args[0]), b = items_of(args[1]);
  ValueSet seen(a.size() + b.size());
  std::vector<Value> out;
  for (std::span<const Value> list : {a, b})
    for (const Value& v : list)
      if (seen.insert(v)) out.push_back(v);
  return make_list(ctx.arena(), out);
}

// Elements of a (first occurrences) that are in b, or that are not.
template <bool InB>
Value filter_by(CallContext& ctx, std::span<const Value> args, std::string_view fn) {
  Value err;
  if (!two_lists(ctx, args, fn, &err)) return err;
  std::span<const Value> a = items_of(args[0]), b = items_of(args[1]);
  ValueSet in_b(b.size());
  for (const Value& v : b) in_b.insert(v);
  ValueSet seen(a.size());
  std::vector<Value> out;
  for (const Value& v : a)
    if (in_b.contains(v) == InB && seen.insert(v)) out.push_back(v);
  return make_list(ctx.arena(), out);
}

Value intersection(CallContext& ctx, std::span<const Value> a) {
  return filter_by<true>(ctx, a, "intersection");
}
Value difference(CallContext& ctx, std::span<const Value> a) {
  return filter_by<false>(ctx, a, "difference");
}

// Whether all (All) or any (!All) elements of b are in a; stops at the first
// element that decides.
template <bool All>
Value contains_some(CallContext& ctx, std::span<const Value> args, std::string_view fn) {
  Value err;
  if (!two_lists(ctx, args, fn, &err)) return err;
  std::span<const Value> a = items_of(args[0]), b = items_of(args[1]);
  ValueSet in_a(a.size());
  for (const Value& v : a) in_a.insert(v);
  for (const Value& v : b)
    if (in_a.contains(v) != All) return Value::boolean(!All);
  return Value::boolean(All);
}

Value contains_all(CallContext& ctx, std::span<const Value> a) {
  return contains_some<true>(ctx, a, "contains_all");
}
Value contains_any(CallContext& ctx, std::span<const Value> a) {
  return contains_some<false>(ctx, a, "contains_any");
}

Value flatten(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_list()) return ctx.type_error("flatten", "list", "list", a[0]);
  std::vector<Value> out;
  for (const Value& v : a[0].as_list()) {
    if (v.is_list())
      out.insert(out.end(), v.as_list().begin(), v.as_list().end());
    else
      out.push_back(v);
  }
  return make_list(ctx.arena(), out);
}

Value reverse(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_list()) return ctx.type_error("reverse", "list", "list", a[0]);
  std::span<const Value> items = items_of(a[0]);
  std::vector<Value> out(items.rbegin(), items.rend());
  return make_list(ctx.arena(), out);
}

Value get(CallContext& ctx, std::span<const Value> a) {
  if (!a[0].is_map()) return ctx.type_error("get", "map", "map", a[0]);
  if (!a[1].is_string()) return ctx.type_error("get", "key", "string", a[1]);
  const Value* v = a[0].as_map().find(a[1].as_string());
  return v != nullptr ? *v : a[2];
}

// Not strict: a value that is not there (missing, unknown) holds no strings,
// as it has no children to look into. The walk is pre-order with an explicit
// stack, so a deep document cannot exhaust the native stack.
Value strings_in(CallContext& ctx, std::span<const Value> a) {
  const Value& depth = a[1];
  if (depth.is_error() || depth.is_unknown() || depth.is_missing()) return depth;
  if (!depth.is_int()) return ctx.type_error("strings_in", "depth", "int", depth);
  if (a[0].is_error()) return a[0];
  const int64_t max_depth = depth.as_int();
  std::vector<Value> out;
  std::vector<std::pair<const Value*, int64_t>> stack = {{&a[0], 0}};
  std::vector<const Value*> children;
  while (!stack.empty()) {
    auto [v, level] = stack.back();
    stack.pop_back();
    if (v->is_string()) {
      out.push_back(*v);
      continue;
    }
    if (level >= max_depth || !(v->is_list() || v->is_map())) continue;
    children.clear();
    if (v->is_list())
      for (const Value& item : v->as_list()) children.push_back(&item);
    else
      for (const Member& m : v->as_map()) children.push_back(&m.value);
    for (auto it = children.rbegin(); it != children.rend(); ++it) stack.emplace_back(*it, level + 1);
  }
  return make_list(ctx.arena(), out);
}

BuiltinDef def(std::string_view name, std::vector<Param> params, Type result, BuiltinFn fn,
               std::string_view summary, std::string_view example) {
  return {.name = name, .family = "collections", .params = std::move(params), .result = result,
          .summary = summary, .example = example, .fn = fn};
}

}  // namespace

void register_collection_builtins(BuiltinRegistry& r) {
  const Type L = Type::kList, M = Type::kMap, B = Type::kBool;
  r.add(def("len", {{"x", Type::kAny}}, Type::kInt, len,
            "Number of bytes in a string, elements in a list or entries in a map",
            "len(\"abc\") == 3 and len([1, 2]) == 2 and len({a: 1}) == 1"));
  r.add(def("keys", {{"map", M}}, L, keys, "The keys of map, in order",
            "keys({b: 1, a: 2}) == [\"b\", \"a\"]"));
  r.add(def("values", {{"map", M}}, L, values, "The values of map, in key order",
            "values({b: 1, a: 2}) == [1, 2]"));
  r.add(def("sort", {{"list", L}}, L, sort,
            "list in ascending order (null < bool < number < string < list < map); equal "
            "elements keep their order",
            "sort([3, 1, 2]) == [1, 2, 3] and sort([\"b\", \"a\"]) == [\"a\", \"b\"]"));
  r.add(def("unique", {{"list", L}}, L, unique,
            "list without repeated elements, keeping each first occurrence in place",
            "unique([2, 1, 2, 3, 1]) == [2, 1, 3]"));
  r.add(def("group", {{"pairs", L}}, M, group,
            "A map from each key to the values paired with it, in order: one pass to index a list by a field",
            "group([[\"a\", 1], [\"b\", 2], [\"a\", 3]]) == {a: [1, 3], b: [2]}"));
  r.add(def("union", {{"a", L}, {"b", L}}, L, union_fn,
            "The distinct elements of a then b, in order of first appearance",
            "union([1, 2], [2, 3]) == [1, 2, 3]"));
  r.add(def("intersection", {{"a", L}, {"b", L}}, L, intersection,
            "The distinct elements of a that are also in b, in a's order",
            "intersection([1, 2, 3], [3, 2]) == [2, 3]"));
  r.add(def("difference", {{"a", L}, {"b", L}}, L, difference,
            "The distinct elements of a that are not in b, in a's order",
            "difference([1, 2, 3], [2]) == [1, 3]"));
  r.add(def("flatten", {{"list", L}}, L, flatten,
            "list with elements that are lists replaced by their elements (one level)",
            "flatten([[1, 2], 3, [[4]]]) == [1, 2, 3, [4]]"));
  r.add(def("reverse", {{"list", L}}, L, reverse, "list in reverse order",
            "reverse([1, 2, 3]) == [3, 2, 1]"));
  r.add(def("contains_all", {{"a", L}, {"b", L}}, B, contains_all,
            "Whether every element of b is in a (true when b is empty)",
            "contains_all([\"s3:Get\", \"s3:Put\"], [\"s3:Put\"])"));
  r.add(def("contains_any", {{"a", L}, {"b", L}}, B, contains_any,
            "Whether some element of b is in a (false when b is empty)",
            "contains_any([1, 2], [5, 2]) and not contains_any([1], [])"));
  BuiltinDef strings = def("strings_in", {{"x", Type::kAny}, {"depth", Type::kInt}}, L, strings_in,
                           "Every string in x: x itself, or the elements of a list and the values (not keys) of a "
                           "map, down to depth levels below x, in document order; [] for a value that is not there",
                           "strings_in({a: \"x\", b: [1, \"y\", {c: \"z\"}]}, 6) == [\"x\", \"y\", \"z\"]");
  strings.strict = false;
  r.add(std::move(strings));
  r.add(def("get", {{"map", M}, {"key", Type::kString}, {"fallback", Type::kAny}}, Type::kAny,
            get, "map's value for key, or fallback when map has no such key",
            "get({a: 1}, \"a\", 0) == 1 and get({a: 1}, \"b\", 0) == 0"));
}

}  // namespace moat
