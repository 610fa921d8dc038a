// YAML text -> Moat values, in one pass over libyaml's events.
//
// CloudFormation templates, SAM templates and serverless.yml files are YAML,
// and they come from people Moat does not trust. The reader therefore uses
// libyaml's event API (no recursion, so no stack overflow however deep the
// input) and builds Values straight into the document's arena, with the
// same limits and error style as the JSON reader (json_reader.h), plus one
// of its own: aliases share storage, so a "billion laughs" document is small
// in memory but enormous to anyone who walks it, and the nodes produced
// through aliases are counted and capped.
//
// What the values are:
//   - Plain (unquoted) scalars follow the YAML 1.2 core schema: null, Null,
//     NULL, ~ and the empty scalar are null; true/True/TRUE and
//     false/False/FALSE are booleans; [-+]?[0-9]+, 0x[0-9a-fA-F]+ and
//     0o[0-7]+ are ints (a decimal int that does not fit int64 becomes a
//     float, a hex or octal one stays a string); [-+]?(.5|1|1.|1.5)(e[-+]?1)?
//     forms are floats, as are [-+]?.inf and .nan. Everything else is a
//     string. Two deliberate departures keep information that would
//     otherwise be lost: decimal ints with a leading zero ("012345678901", an
//     AWS account id) stay strings, and map keys are always the scalar's text
//     ("01: x" has the key "01").
//   - YamlLimits::yaml11_booleans adds the YAML 1.1 words yes/Yes/YES,
//     no/No/NO, on/On/ON, off/Off/OFF (not y/n, like PyYAML and SnakeYAML):
//     CloudFormation's parser reads unquoted `Value: yes` as the boolean true
//     (aws/aws-cli#5257), so its loader turns this on.
//   - Quoted and block (| >) scalars are always strings.
//   - Anchors and aliases: an alias is the anchored value itself (same
//     storage, same identity). Merge keys (`<<: *base`, `<<: [*a, *b]`) copy
//     the members the map does not define itself; explicit keys win wherever
//     they are, earlier merge sources win over later ones.
//   - Standard tags: !!str makes a string, !!null/!!bool/!!int/!!float check
//     that the scalar is one (an error otherwise), other !! tags and the
//     non-specific `!` are ignored (`! 12` is the string "12").
//   - Other tags (local ones such as CloudFormation's !Ref, !GetAtt, !Sub,
//     and global URIs) go to the YamlTagHandler when one is given, which
//     returns the value to use instead: a CloudFormation loader turns
//     `!GetAtt A.Arn` into {"Fn::GetAtt": ["A", "Arn"]} there, in the same
//     pass, with the node's position. A tagged scalar reaches the handler as
//     a string (the tag, not the schema, says what it means: `!Ref 10` is
//     the string "10"; `!GetAZs` alone is ""). Without a handler a tagged
//     node becomes a one-member map {"!Ref": value}; a quoted key "!Ref"
//     written in the text looks the same, so loaders that must tell them
//     apart pass a handler.
//   - Empty input (or only comments) is null. More than one document is an
//     error ("expected a single YAML document").
//
// Positions: ListRep/MapRep::source_offset stay unset (they mean a JSON
// '{' offset elsewhere); YamlPositions records where each container and
// each map key starts instead, only when asked for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "documents/source_position.h"
#include "value/arena.h"
#include "value/value.h"

namespace moat {

struct YamlLimits {
  // Containers nested deeper than this are rejected. (The reader does not
  // recurse, but libyaml checks every open flow level on each token, so
  // flow input nested 10,000 deep already costs a second.)
  size_t max_depth = 512;
  // Nodes in the text (scalars, containers and aliases, each counted once).
  size_t max_nodes = 50'000'000;
  // Total nodes produced through aliases: each use of an alias counts every
  // node of the anchored value (including what aliases inside it produce).
  size_t max_alias_expansion = 1'000'000;
  // Longest scalar (string or key) in bytes.
  size_t max_string_bytes = 64u << 20;
  // When true, a repeated key replaces the earlier value (keeping the first
  // key's place in the map); when false it is an error, as in CloudFormation.
  bool allow_duplicate_keys = false;
  // Read plain yes/no/on/off (any of three casings) as booleans, as
  // CloudFormation does. Not a limit, but this is the reader's options.
  bool yaml11_booleans = false;
};

struct YamlError {
  std::string message;
  // 1-based; column counts bytes (a leading UTF-8 BOM is not counted).
  uint32_t line = 0, column = 0;
  uint64_t offset = 0;  // byte offset into the text
  // The limit that stopped the read ("max_depth", "max_nodes",
  // "max_string_bytes", "max_alias_expansion"), empty for malformed input.
  std::string limit;

  // "message at line:column"
  std::string describe() const;
  // `message`, naming the command-line flag that changes the limit when a
  // limit stopped the read: "nesting depth exceeds 512 (--max-depth)".
  std::string message_with_flag() const;
};

// Where containers and map keys start in the YAML text (1-based line and
// byte column). For a block map that is its first key; for a flow
// collection its bracket; for a node with a tag or anchor, the tag or anchor.
// Members copied by a merge key have the position of the key they were
// copied from. Keys are looked up by map identity (Value::identity()) and
// name; about 8 bytes per member plus one table entry per container.
class YamlPositions {
 public:
  std::optional<SourcePosition> of(const void* container) const;
  // Position of the key `key` of the map whose identity is `map`.
  std::optional<SourcePosition> of_member(const void* map, std::string_view key) const;
  // Position of the key of member `index` (in map order).
  std::optional<SourcePosition> of_member_at(const void* map, size_t index) const;

  // Recording, for the reader and for tag handlers that build containers.
  // Recording a container twice keeps the first record. `members` has one
  // position per member of `map`, in order.
  void add_list(const ListRep* list, SourcePosition position);
  void add_map(const MapRep* map, SourcePosition position, std::span<const SourcePosition> members);

  size_t containers() const { return containers_.size(); }
  void clear();

 private:
  static constexpr uint32_t kNoMembers = UINT32_MAX;
  struct Entry {
    SourcePosition position;
    uint32_t first_member = kNoMembers;  // index into members_, for maps
  };
  absl::flat_hash_map<const void*, Entry> containers_;
  std::vector<SourcePosition> members_;
};

// Called once for each node with a tag the reader does not interpret (see
// above), after the node's value is built. `tag` is as libyaml resolved it:
// "!Ref" for a local tag, the full URI for a global one. Returns false and
// sets `*error` to reject the node; the error gets the node's position.
// Containers in the result that the handler built are recorded in
// YamlPositions at the tagged node's position.
using YamlTagHandler = std::function<bool(std::string_view tag, Value value, Arena& arena, Value* out,
                                          std::string* error)>;

// Parses `text` (one YAML document, UTF-8, optionally starting with a BOM)
// into `*out`, allocating in `arena`. Returns false and fills `*error` on
// malformed input or when a limit is exceeded; `error` may be null. The
// arena may throw MemoryBudgetExceeded; it propagates to the caller. When
// `positions` is given, every container of the result is recorded in it.
bool read_yaml(std::string_view text, Arena& arena, const YamlLimits& limits, Value* out,
               YamlError* error, YamlPositions* positions = nullptr,
               const YamlTagHandler& on_tag = nullptr);

}  // namespace moat
