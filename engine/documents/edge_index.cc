#include "documents/edge_index.h"

#include "value/build.h"

namespace moat {

namespace {

const Value* string_member(const Value& edge, std::string_view key) {
  const Value* v = edge.as_map().find(key);
  return v != nullptr && v->is_string() ? v : nullptr;
}

}  // namespace

EdgeIndex::EdgeIndex(const Value& root) {
  empty_ = make_list(arena_, {});
  if (!root.is_map()) return;
  const Value* edges = root.as_map().find("edges");
  if (edges == nullptr || !edges->is_list()) return;
  // Keys are views of the document's own strings, which outlive the index.
  Grouped by_from, by_to;
  for (const Value& e : edges->as_list()) {
    if (!e.is_map()) continue;
    const Value* from = string_member(e, "from");
    const Value* to = string_member(e, "to");
    if (from == nullptr || to == nullptr) continue;
    by_from[from->as_string()].push_back(e);
    by_to[to->as_string()].push_back(e);
  }
  freeze(by_from, from_);
  freeze(by_to, to_);
}

void EdgeIndex::freeze(const Grouped& grouped, Nodes& nodes) {
  nodes.reserve(grouped.size());
  std::vector<std::pair<std::string_view, std::vector<Value>>> kinds;
  for (const auto& [id, edges] : grouped) {
    Node& node = nodes[id];
    node.all = make_list(arena_, edges);
    // Kinds in order of first appearance; edges keep document order within each.
    kinds.clear();
    for (const Value& e : edges) {
      const Value* kind = string_member(e, "kind");
      if (kind == nullptr) continue;
      auto it = kinds.begin();
      while (it != kinds.end() && it->first != kind->as_string()) ++it;
      if (it == kinds.end()) it = kinds.insert(kinds.end(), {kind->as_string(), {}});
      it->second.push_back(e);
    }
    node.by_kind.reserve(kinds.size());
    for (const auto& [kind, list] : kinds) node.by_kind.emplace_back(kind, make_list(arena_, list));
  }
}

Value EdgeIndex::lookup(EdgeEnd end, std::string_view id, const std::string_view* kind) const {
  const Nodes& nodes = end == EdgeEnd::kFrom ? from_ : to_;
  auto it = nodes.find(id);
  if (it == nodes.end()) return empty_;
  if (kind == nullptr) return it->second.all;
  for (const auto& [k, list] : it->second.by_kind)
    if (k == *kind) return list;
  return empty_;
}

}  // namespace moat
