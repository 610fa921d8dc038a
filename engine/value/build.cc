#include "value/build.h"

#include <string>

namespace moat {
namespace {

// Fills the index of a map of n members (MapRep::index). Maps up to
// MapRep::kIndexThreshold members are scanned linearly: comparing a few short
// keys is faster than hashing, and most resources have fewer fields.
void fill_index(uint32_t* table, const Member* members, uint32_t n) {
  const uint32_t cap = MapRep::index_slots(n);
  std::memset(table, 0, sizeof(uint32_t) * cap);
  const uint32_t mask = cap - 1;
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t h = hash_key(members[i].key.as_string());
    uint32_t slot = static_cast<uint32_t>(h) & mask;
    while (table[slot] != 0) slot = (slot + 1) & mask;
    table[slot] = i + 1;
  }
}

}  // namespace

const Value* MapRep::find(std::string_view key) const {
  if (size <= kIndexThreshold) {
    // A small map is scanned; field names mostly differ in length, and
    // same_text() compares short names without a call.
    for (uint32_t i = 0; i < size; ++i)
      if (same_text(members[i].key.as_string(), key)) return &members[i].value;
    return nullptr;
  }
  const uint32_t* table = index();
  const uint32_t mask = index_slots(size) - 1;
  uint32_t slot = static_cast<uint32_t>(hash_key(key)) & mask;
  while (uint32_t e = table[slot]) {
    const Member& m = members[e - 1];
    if (same_text(m.key.as_string(), key)) return &m.value;
    slot = (slot + 1) & mask;
  }
  return nullptr;
}

Value make_string(Arena& arena, std::string_view s) { return Value::string(arena.copy_string(s)); }

Value make_list(Arena& arena, std::span<const Value> items, uint32_t source_offset) {
  auto* rep = arena.make_array<ListRep>(1);
  Value* copy = arena.make_array<Value>(items.size());
  if (!items.empty()) std::memcpy(static_cast<void*>(copy), items.data(), items.size() * sizeof(Value));
  rep->size = static_cast<uint32_t>(items.size());
  rep->source_offset = source_offset;
  rep->items = copy;
  return Value::list(rep);
}

Value make_map_unique(Arena& arena, std::span<const Member> members, uint32_t source_offset) {
  auto* rep = arena.make_array<MapRep>(1);
  const uint32_t n = static_cast<uint32_t>(members.size());
  // A large map's index goes right before its members (MapRep::index).
  const size_t slots = n > MapRep::kIndexThreshold ? MapRep::index_slots(n) : 0;
  static_assert(alignof(Member) % alignof(uint32_t) == 0 && sizeof(uint32_t) * 16 % alignof(Member) == 0,
                "an index of 16 or more slots keeps the members aligned");
  const size_t bytes = slots * sizeof(uint32_t) + n * sizeof(Member);
  char* block = static_cast<char*>(arena.allocate(bytes ? bytes : 1, alignof(Member)));
  Member* copy = reinterpret_cast<Member*>(block + slots * sizeof(uint32_t));
  if (n != 0) std::memcpy(static_cast<void*>(copy), members.data(), n * sizeof(Member));
  rep->size = n;
  rep->source_offset = source_offset;
  rep->members = copy;
  if (slots != 0) fill_index(reinterpret_cast<uint32_t*>(block), copy, n);
  return Value::map(rep);
}

Value make_map(Arena& arena, std::span<const Member> members, uint32_t source_offset) {
  if (members.size() <= 1) return make_map_unique(arena, members, source_offset);
  std::vector<Member> out;
  out.reserve(members.size());
  // Small maps: quadratic dedupe is cheapest. Large: build through an index.
  if (members.size() <= 32) {
    for (const Member& m : members) {
      bool replaced = false;
      for (Member& o : out)
        if (o.key.as_string() == m.key.as_string()) { o.value = m.value; replaced = true; break; }
      if (!replaced) out.push_back(m);
    }
  } else {
    std::vector<uint32_t> table(1);
    uint32_t cap = 64;
    while (cap < members.size() * 2) cap <<= 1;
    table.assign(cap, 0);
    uint32_t mask = cap - 1;
    for (const Member& m : members) {
      uint32_t slot = static_cast<uint32_t>(hash_key(m.key.as_string())) & mask;
      bool replaced = false;
      while (uint32_t e = table[slot]) {
        if (out[e - 1].key.as_string() == m.key.as_string()) { out[e - 1].value = m.value; replaced = true; break; }
        slot = (slot + 1) & mask;
      }
      if (!replaced) { out.push_back(m); table[slot] = static_cast<uint32_t>(out.size()); }
    }
  }
  return make_map_unique(arena, out, source_offset);
}

Value make_missing(Arena& arena, const Value& container, const Value& key) {
  auto* rep = arena.make_array<MissingRep>(1);
  rep->container = container;
  rep->key = key;
  return Value::missing(rep);
}

Value make_unknown(Arena& arena, std::string_view reason) {
  auto* rep = arena.make_array<UnknownRep>(1);
  rep->reason = arena.copy_string(reason);
  return Value::unknown(rep);
}

Value make_error(Arena& arena, std::string_view code, std::string_view message) {
  auto* rep = arena.make_array<ErrorRep>(1);
  rep->code = arena.copy_string(code);
  rep->message = arena.copy_string(message);
  return Value::error(rep);
}

Value get_field(Arena& arena, const Value& container, std::string_view key) {
  if (container.is_map()) {
    if (const Value* v = container.as_map().find(key)) return *v;
    return make_missing(arena, container, make_string(arena, key));
  }
  if (container.is_undefined()) return container;
  if (container.is_null()) return make_missing(arena, container, make_string(arena, key));
  return make_error(arena, "type_error",
                    "cannot read field '" + std::string(key) + "' of a " +
                        std::string(kind_name(container.kind())));
}

Value get_index(Arena& arena, const Value& container, const Value& key) {
  if (key.is_undefined()) return key;
  if (container.is_undefined()) return container;
  if (container.is_map()) {
    if (!key.is_string())
      return make_error(arena, "type_error",
                        "map index must be a string, got " + std::string(kind_name(key.kind())));
    if (const Value* v = container.as_map().find(key.as_string())) return *v;
    return make_missing(arena, container, key);
  }
  if (container.is_list()) {
    if (!key.is_int())
      return make_error(arena, "type_error",
                        "list index must be an int, got " + std::string(kind_name(key.kind())));
    int64_t i = key.as_int();
    const ListRep& l = container.as_list();
    if (i < 0) i += l.size;  // negative indexes count from the end
    if (i >= 0 && i < static_cast<int64_t>(l.size)) return l.items[i];
    return make_missing(arena, container, key);
  }
  if (container.is_string()) {
    if (!key.is_int())
      return make_error(arena, "type_error", "string index must be an int");
    std::string_view s = container.as_string();
    int64_t i = key.as_int();
    if (i < 0) i += static_cast<int64_t>(s.size());
    if (i >= 0 && i < static_cast<int64_t>(s.size())) return make_string(arena, s.substr(i, 1));
    return make_missing(arena, container, key);
  }
  if (container.is_null()) return make_missing(arena, container, key);
  return make_error(arena, "type_error",
                    "cannot index a " + std::string(kind_name(container.kind())));
}

}  // namespace moat
