// Shared state of one CloudFormation load: the arena the document lives in,
// where things are in the template text, warnings, and the location table
// that makes findings point into the template.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "documents/document.h"
#include "documents/source_position.h"
#include "documents/template_loader.h"
#include "documents/yaml_reader.h"
#include "value/arena.h"
#include "value/build.h"
#include "value/value.h"

namespace moat::cfn {

// Positions of containers and map members in the template text, for JSON
// (from the containers' source offsets) and YAML (YamlPositions) alike.
// For JSON a member's position is that of its value; for YAML, its key.
class SourceMap {
 public:
  static SourceMap for_json(std::string_view text);
  static SourceMap for_yaml(std::unique_ptr<YamlPositions> positions);
  std::optional<SourcePosition> of(const Value& container) const;
  std::optional<SourcePosition> of_member(const Value& map, std::string_view key) const;
  // Positions of `original` (a container in the text) also answer for
  // `rebuilt` (a copy made while rewriting values, e.g. serverless.yml
  // variables), YAML only.
  void add_alias(const void* rebuilt, const void* original);

 private:
  const void* unalias(const void* identity) const;
  std::shared_ptr<absl::flat_hash_map<const void*, const void*>> aliases_;
  // JSON: member offsets of large maps by the map's '{' offset, filled on
  // first lookup (a template with 50,000 resources is asked where each one
  // is; skimming Resources for each would be quadratic). Loading is single
  // threaded, so a mutable cache behind const is safe here.
  using MemberIndex = absl::flat_hash_map<std::string, uint64_t>;
  mutable std::shared_ptr<absl::flat_hash_map<uint32_t, MemberIndex>> member_index_;
  std::string_view text_;
  std::shared_ptr<LineIndex> lines_;
  std::shared_ptr<YamlPositions> yaml_;
};

struct Context {
  Context(Arena& a, const SourceMap& p, std::string f) : arena(a), positions(p), file(std::move(f)) {}
  Arena& arena;
  const SourceMap& positions;
  std::string file;
  std::vector<TemplateWarning> warnings;
  LocationTable locations;
  Location current;  // the resource being loaded (fallback for warnings)

  Location at(std::optional<SourcePosition> p) const {
    if (!p) return current;
    return Location{file, p->line, p->column};
  }
  Location location_of(const Value& container) const { return at(positions.of(container)); }
  Location member_location(const Value& map, std::string_view key) const { return at(positions.of_member(map, key)); }
  void warn(std::string message, Location where) { warnings.push_back({std::move(message), std::move(where)}); }
  void warn(std::string message) { warn(std::move(message), current); }
  Value str(std::string_view s) { return make_string(arena, s); }
};

// Builds a map member by member (nested maps through child()), recording
// where each member came from; empty children are left out.
class MapBuilder {
 public:
  void set(std::string_view key, Value v, std::optional<Location> where = std::nullopt);
  MapBuilder& child(std::string_view key, std::optional<Location> where = std::nullopt);
  bool has(std::string_view key) const;
  // The value set for `key` (not a child map), or nullptr.
  const Value* find(std::string_view key) const;
  bool empty() const { return entries_.empty(); }
  Value build(Context& ctx) const;

 private:
  struct Entry {
    std::string key;
    Value value;
    std::unique_ptr<MapBuilder> child;
    std::optional<Location> where;
  };
  std::vector<Entry> entries_;
};

// "FunctionName" -> "function_name", "KMSKeyId" -> "kms_key_id", "S3Key" ->
// "s3_key".
std::string snake_case(std::string_view name);
// "AWS::Lambda::Function" -> "aws.lambda.function"; "Custom::Thing" ->
// "custom.thing".
std::string canonical_type_name(std::string_view native_type);

// String building without absl::StrCat (absl::string_view is not
// std::string_view in every abseil build).
inline void append_part(std::string& out, std::string_view s) { out.append(s); }
inline void append_part(std::string& out, const char* s) { out.append(s); }
inline void append_part(std::string& out, char c) { out.push_back(c); }
template <class T>
requires std::is_integral_v<T>
inline void append_part(std::string& out, T n) { out.append(std::to_string(n)); }
template <class... T>
std::string cat(const T&... parts) {
  std::string out;
  (append_part(out, parts), ...);
  return out;
}
// Pieces of `s` between occurrences of `delim` (non-empty).
std::vector<std::string_view> split(std::string_view s, std::string_view delim);
std::string_view strip(std::string_view s);

// Member `key` of a map value, or nullptr (also when v is not a map).
const Value* member(const Value& v, std::string_view key);

}  // namespace moat::cfn
