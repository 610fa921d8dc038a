// Globals: the template's Globals.<Type> section merged into each resource
// of that type, by SAM's rules: maps merge key by key (recursively), lists
// are the global items followed by the resource's, any other value (and an
// intrinsic function on either side) is the resource's.
#include "documents/sam/sam_transform.h"

namespace moat::sam {

namespace {

bool is_intrinsic(const Value& v) {
  if (!v.is_map() || v.as_map().size != 1) return false;
  std::string_view k = v.as_map().members[0].key.as_string();
  return k == "Ref" || k == "Condition" || k.starts_with("Fn::");
}

Value merge(Transform& t, const Value& global, const Value& local) {
  if (global.is_map() && local.is_map() && !is_intrinsic(global) && !is_intrinsic(local)) {
    Value out = global;
    for (const Member& m : local.as_map()) {
      const Value* g = member(out, m.key.as_string());
      out = t.with(out, m.key.as_string(), g ? merge(t, *g, m.value) : m.value);
    }
    return out;
  }
  if (global.is_list() && local.is_list()) {
    std::vector<Value> items(global.as_list().begin(), global.as_list().end());
    items.insert(items.end(), local.as_list().begin(), local.as_list().end());
    return t.list(items);
  }
  return local;
}

}  // namespace

Value apply_globals(Transform& t, std::string_view type, const Value& props) {
  const Value* globals = member(t.root(), "Globals");
  if (globals == nullptr || !globals->is_map()) return props;
  constexpr std::string_view kPrefix = "AWS::Serverless::";
  const Value* section = member(*globals, type.substr(kPrefix.size()));
  if (section == nullptr || !section->is_map()) return props;
  Value out = props;
  for (const Member& m : section->as_map()) {
    const Value* local = member(out, m.key.as_string());
    out = t.with(out, m.key.as_string(), local ? merge(t, m.value, *local) : m.value);
  }
  return out;
}

}  // namespace moat::sam
