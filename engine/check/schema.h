// Document schema: what fields a resource type (or the document) has, so
// `moat check --schema` can warn about a field no document will ever have
// (`memroy_size`) instead of letting the rule silently never fire.
//
// Format (JSON), documented in docs/language.md (Schema files):
//   {"moat_schema": 1,
//    "document":  FIELDSPEC,                 // optional: the root
//    "resources": {"<type>": FIELDSPEC, ...}}
//   FIELDSPEC = "int" | "float" | "number" | "string" | "bool" | "list" | "map" | "any"
//             | {"type": T, "fields": {name: FIELDSPEC}, "items": FIELDSPEC,
//                "values": FIELDSPEC, "open": bool, "description": "..."}
// A spec with "fields" is closed unless "open": true; resource specs always
// also have "type" and "id".
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "builtins/builtin.h"

namespace moat {

struct SchemaNode {
  Type type = Type::kAny;
  absl::flat_hash_map<std::string, const SchemaNode*> fields;
  std::vector<std::string> field_order;
  bool closed = false;
  const SchemaNode* items = nullptr;   // list elements
  const SchemaNode* values = nullptr;  // map values (when no named fields)
};

class Schema {
 public:
  static absl::StatusOr<std::shared_ptr<const Schema>> parse(std::string_view json_text, std::string_view name);
  const SchemaNode* resource(std::string_view type) const;
  const SchemaNode* document() const { return document_; }
  std::vector<std::string> resource_types() const;

 private:
  std::vector<std::unique_ptr<SchemaNode>> nodes_;
  absl::flat_hash_map<std::string, const SchemaNode*> resources_;
  const SchemaNode* document_ = nullptr;
  friend class SchemaParser;
};

// Closest candidate by edit distance, for "did you mean" hints; empty when
// nothing is close.
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace moat
