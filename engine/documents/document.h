// Document: one input (a template, a plan, an event, any JSON) converted
// once into Moat values and then met by every rule.
//
// The normalized model keeps resources in `resources` (id -> resource with
// a `type`); the document indexes them by type at load time so a rule that
// selects `aws.lambda.function` only meets functions. Any other JSON shape
// is still a document: rules without `select` read it through `input`.
//
// Positions: containers remember their byte offset in the source text, and
// a finding's JSON pointer is turned into file:line:col only when reported.
#pragma once

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "documents/edge_index.h"
#include "documents/json_reader.h"
#include "value/arena.h"
#include "value/value.h"

namespace moat {

struct Location {
  std::string file;
  uint32_t line = 0;    // 1-based
  uint32_t column = 0;  // 1-based
};

// Where values of a loader-built document came from in the original file
// (a template's resource, a property), so findings point at the template,
// not at the normalized document. Keyed by container identity, and by
// (map identity, key) for members.
class LocationTable {
 public:
  void add(const void* identity, const Location& where) { containers_[identity] = compact(where); }
  void add_member(const void* map_identity, std::string key, const Location& where) {
    members_[{map_identity, std::move(key)}] = compact(where);
  }
  std::optional<Location> find(const void* identity) const {
    auto it = containers_.find(identity);
    if (it == containers_.end()) return std::nullopt;
    return expand(it->second);
  }
  std::optional<Location> find_member(const void* map_identity, const std::string& key) const {
    auto it = members_.find(std::make_pair(map_identity, key));
    if (it == members_.end()) return std::nullopt;
    return expand(it->second);
  }
  bool empty() const { return containers_.empty() && members_.empty(); }

 private:
  // A template has a location for nearly every value, nearly all in one
  // file: each keeps the index of its file name, not a copy of the name
  // (a heap string per location was most of a large template's loading
  // allocations and of its memory).
  struct Compact {
    uint32_t file = 0;
    uint32_t line = 0;
    uint32_t column = 0;
  };
  Compact compact(const Location& where) {
    if (files_.empty() || files_[last_file_] != where.file) {
      auto it = std::find(files_.begin(), files_.end(), where.file);
      last_file_ = static_cast<uint32_t>(it - files_.begin());
      if (it == files_.end()) files_.push_back(where.file);
    }
    return {last_file_, where.line, where.column};
  }
  Location expand(const Compact& c) const { return Location{files_[c.file], c.line, c.column}; }

  std::vector<std::string> files_;  // few: the template and the files it includes
  uint32_t last_file_ = 0;
  absl::flat_hash_map<const void*, Compact> containers_;
  absl::flat_hash_map<std::pair<const void*, std::string>, Compact> members_;
};

class Document {
 public:
  // Parses JSON text. Errors name the file, line and column.
  static absl::StatusOr<std::shared_ptr<const Document>> from_json(std::string text, std::string name,
                                                                    const JsonLimits& limits = {});
  // Reads a file and parses it as JSON.
  static absl::StatusOr<std::shared_ptr<const Document>> from_json_file(const std::string& path,
                                                                         const JsonLimits& limits = {});
  // Wraps a value built elsewhere (a loader, a binding) whose storage lives in `arena`.
  static std::shared_ptr<const Document> from_value(Arena arena, Value root, std::string name,
                                                    LocationTable locations = {});

  const std::string& name() const { return name_; }
  Value root() const { return root_; }
  // The `resources` map, or null when the document has none.
  Value resources() const { return resources_; }
  // Resources of one type, in document order: indexes into resources().
  const std::vector<uint32_t>* resources_of_type(std::string_view type) const;
  size_t bytes_in_memory() const { return arena_.bytes_reserved() + text_.capacity(); }

  // The edges of the document's graph whose `from` (kFrom) or `to` (kTo) is
  // `id`, of `kind` when it is not null, in document order (see EdgeIndex);
  // the empty list when there are none. The index is built on first use,
  // once, whichever thread asks first; answers allocate nothing.
  Value edges_at(EdgeEnd end, std::string_view id, const std::string_view* kind) const;

  // JSON pointer (RFC 6901) of a container of this document, found through
  // a parent index built on first use; nullopt for values not in it.
  std::optional<std::string> pointer_of(const void* identity) const;
  // Where a container (or unknown value) sits, from the same index: kAbsent
  // when the document does not hold it (a value a rule built), kUnique when
  // it and every container above it have one place (then `pointer` is its
  // only path), kShared when the document holds it, or a container above
  // it, in more than one place (`pointer` is then one of its paths).
  struct Placement {
    enum Kind { kAbsent, kUnique, kShared } kind = kAbsent;
    std::string pointer;
  };
  Placement placement_of(const void* identity) const;
  // Whether the index behind pointer_of() and placement_of() is built (it
  // is on their first use).
  bool has_parent_index() const { return parents_built_.load(std::memory_order_acquire); }
  // Pointer of `identity` inside `root` (whose own pointer is `root_pointer`),
  // by a walk of that subtree only; nullopt when it is not there.
  static std::optional<std::string> pointer_within(const Value& root, const std::string& root_pointer,
                                                   const void* identity);
  // Source position of a JSON pointer: from the text the document was
  // parsed from, or from the loader's location table (the nearest recorded
  // ancestor of the pointer).
  std::optional<Location> locate(std::string_view pointer) const;

 private:
  Document() = default;
  void index_types();
  struct ParentLink {
    const void* parent;
    Value key;            // string key or int index
    bool shared = false;  // the value has another parent too
  };
  void build_parent_index() const;

  Arena arena_;
  LocationTable locations_;
  std::string text_;
  std::string name_;
  Value root_;
  Value resources_;
  absl::flat_hash_map<std::string, std::vector<uint32_t>> by_type_;
  mutable std::once_flag parents_once_;
  mutable absl::flat_hash_map<const void*, ParentLink> parents_;
  mutable std::atomic<bool> parents_built_{false};
  mutable std::once_flag edges_once_;
  mutable std::unique_ptr<EdgeIndex> edge_index_;
  mutable std::once_flag lines_once_;
  mutable std::vector<uint32_t> line_starts_;
};

// RFC 6901 escaping of one reference token.
void append_pointer_token(std::string& out, std::string_view token);

}  // namespace moat
