// EdgeIndex: the document's graph (`edges`: maps {kind, from, to, ...}) by
// endpoint, so `edges_from(id)` / `edges_to(id, kind)` cost O(degree)
// instead of a scan of every edge per call.
//
// Built once per document (Document::edges builds it on first use) and
// read-only afterwards, so one index is shared by every thread evaluating
// the document. Every answer is a list prebuilt at construction: a lookup
// allocates nothing. The lists hold the document's own edge values, in
// document order, so a finding placed on an edge points into `edges`.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "value/arena.h"
#include "value/value.h"

namespace moat {

enum class EdgeEnd : uint8_t { kFrom, kTo };

class EdgeIndex {
 public:
  // Indexes root.edges. Elements that are not maps with string `from` and
  // `to` are skipped (no loader writes them); an edge without a string
  // `kind` is listed only when no kind is asked for. A root without a list
  // `edges` gives an index where every answer is the empty list.
  explicit EdgeIndex(const Value& root);
  EdgeIndex(const EdgeIndex&) = delete;
  EdgeIndex& operator=(const EdgeIndex&) = delete;

  // The edges whose `from` (kFrom) or `to` (kTo) is `id`, restricted to
  // `kind` when it is not null; the empty list when there are none.
  Value lookup(EdgeEnd end, std::string_view id, const std::string_view* kind) const;

  size_t bytes_in_memory() const { return arena_.bytes_reserved(); }

 private:
  struct Node {
    Value all;  // every edge at this endpoint
    // A node has few kinds of edge: a short vector scanned beats a hash map.
    std::vector<std::pair<std::string_view, Value>> by_kind;
  };
  using Nodes = absl::flat_hash_map<std::string_view, Node>;

  using Grouped = absl::flat_hash_map<std::string_view, std::vector<Value>>;
  void freeze(const Grouped& grouped, Nodes& nodes);

  Arena arena_;
  Value empty_;
  Nodes from_;
  Nodes to_;
};

}  // namespace moat
