// EventBuilder: collects the fields of one event while the per-source
// extractors walk the payload, applies the decoders, and builds the event
// document's root value at the end. The document shape is described in
// documents/event_loader.h.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "documents/event_loader.h"
#include "value/arena.h"
#include "value/value.h"

namespace moat::events {

// How a payload string is encoded before any JSON inside it.
enum class Decode {
  kNone,
  kUrlPlus,  // percent-encoding with '+' as space
  kBase64,   // base64, then gunzip when gzipped
  kBytes,    // a JSON array of byte values
};

// "<name>.leaf": the name of the strings inside a field's decoded value.
std::string leaf_name(std::string_view name);

// A JSON pointer under construction.
std::string child(const std::string& pointer, std::string_view key);
std::string child(const std::string& pointer, size_t index);

// Map member lookup: nullptr when `v` is not a map or lacks the key.
const Value* member(const Value& v, std::string_view key);
// The string member, or "" when absent or not a string.
std::string_view string_member(const Value& v, std::string_view key);
// The value at a path of member names, or nullptr.
const Value* member_at(const Value& v, std::initializer_list<std::string_view> keys);
// The list/map member, or nullptr.
const ListRep* list_member(const Value& v, std::string_view key);
const MapRep* map_member(const Value& v, std::string_view key);

class EventBuilder {
 public:
  EventBuilder(Arena& arena, const EventLoadOptions& options);

  Arena& arena() { return arena_; }

  // An attacker-controlled value at `pointer`. Strings are decoded per
  // `decode`, then parsed when they hold a JSON object or array, and the
  // strings inside the parsed value are added as "<name>.leaf" fields
  // (unless `walk` is false: the caller lists them itself). Non-strings are
  // skipped, except lists for kBytes. `key` is the attacker-chosen member
  // name the value sits under, if any. Returns the field's index, or -1 when
  // nothing was added.
  // `first_step`, when given, is a decoding the caller already applied
  // (DynamoDB's "dynamodb" for the strings of an image).
  int untrusted(const std::string& pointer, std::string_view name, const Value& v, int64_t record,
                Decode decode = Decode::kNone, const Value* key = nullptr, bool walk = true,
                std::string_view first_step = {});
  // A field whose value the caller computed (an unmarshalled image).
  int add(const std::string& pointer, std::string_view name, const Value& value, const Value& raw,
          std::string_view step, bool trusted, int64_t record);
  // Same for a member that may be absent (nullptr: nothing added).
  int untrusted(const std::string& pointer, std::string_view name, const Value* v, int64_t record,
                Decode decode = Decode::kNone, const Value* key = nullptr) {
    return v == nullptr ? -1 : untrusted(pointer, name, *v, record, decode, key);
  }
  // Every member of a map whose names the attacker chose (headers, query
  // parameters): one untrusted field per member, with its key. List members
  // contribute one field per item (multi-value headers). `twin` is the
  // single-valued map these lists repeat (API Gateway sends `headers` and
  // `multiValueHeaders`): an item equal to the twin's value under the same
  // key is left out, since every rule would otherwise scan it twice.
  void untrusted_members(const std::string& pointer, std::string_view name, const Value* map, int64_t record,
                         Decode decode = Decode::kNone, const Value* twin = nullptr);
  // Every string under `v` (a part of the payload, not decoded) as an
  // untrusted field named `name`, keyed by its member name.
  void untrusted_strings(const std::string& pointer, std::string_view name, const Value* v, int64_t record);
  // A value AWS generated. Scalars only; absent values are skipped.
  void trusted(const std::string& pointer, std::string_view name, const Value* v, int64_t record);
  // Every scalar under `v` as trusted fields named `name`.
  void trusted_all(const std::string& pointer, std::string_view name, const Value* v, int64_t record);

  // Lists the strings inside field `id`'s decoded value (after walk=false).
  void walk_leaves(int id);
  void set_value(int id, const Value& v) { fields_[static_cast<size_t>(id)].value = v; }
  // The decoded value, decoding steps and pointer of a field.
  const Value& value_of(int id) const { return fields_[static_cast<size_t>(id)].value; }
  const std::string& pointer_of(int id) const { return fields_[static_cast<size_t>(id)].pointer; }
  const std::vector<std::string_view>& decoding_of(int id) const { return fields_[static_cast<size_t>(id)].decoding; }
  int nesting_of(int id) const { return fields_[static_cast<size_t>(id)].nesting; }
  // Adds a field for a string found inside field `parent`'s decoded value at
  // `inner` (a pointer into it), with extra decoding steps `steps` applied.
  int derived(int parent, const std::string& inner, std::string_view name, const Value& v, const Value* key,
              std::initializer_list<std::string_view> steps, bool trusted, int64_t record, bool walk = true);

  void warn(std::string message);
  void set_records(int64_t n) { records_ = n; }

  // The event document's root.
  Value finish(std::string_view source, const Value& payload);

 private:
  struct Field {
    std::string pointer;
    std::string name;
    std::optional<Value> key;
    Value value;
    Value raw;
    std::vector<std::string_view> decoding;
    bool trusted = false;
    int64_t record = -1;
    int nesting = 0;  // decoding layers applied so far
  };

  // Whether one more field fits the limits (count, pointer bytes).
  bool room_for_field(size_t pointer_bytes);
  // Applies the byte-level decoding to a string; false (with a warning) when
  // it fails, leaving `f` undecoded.
  bool decode_bytes(Field& f, std::string bytes);
  // Parses f.value when it is a string holding a JSON object or array.
  void maybe_json(Field& f);
  int push(Field f, bool walk);
  void walk(int id, const Value& v, std::string& inner, const Value* key, int depth);
  void strings_under(std::string& pointer, std::string_view name, const Value& v, const Value* key, int64_t record,
                     int depth);
  void scalars_under(std::string& pointer, std::string_view name, const Value& v, int64_t record, int depth);
  Value field_value(const Field& f);

  Arena& arena_;
  const EventLoadOptions& options_;
  size_t decoded_left_;
  size_t pointer_bytes_ = 0;
  bool fields_truncated_ = false;
  std::vector<Field> fields_;
  std::vector<std::string> warnings_;
  int64_t records_ = 0;
};

}  // namespace moat::events
