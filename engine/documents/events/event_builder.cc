#include "documents/events/event_builder.h"

#include <utility>

#include "documents/document.h"
#include "documents/events/decoders.h"
#include "documents/events/normalize.h"
#include "documents/json_reader.h"
#include "value/build.h"

namespace moat::events {
namespace {

// Containers nested deeper than this inside a decoded JSON text are not
// parsed; payload subtrees deeper than this are not walked.
constexpr int kMaxJsonDepth = 128;
// Values in one decoded JSON text.
constexpr size_t kMaxJsonNodes = 4u << 20;
// Warnings kept per event; one more says that others were dropped.
constexpr size_t kMaxWarnings = 100;
// Longest warning: they quote pointers, whose keys the attacker chose.
constexpr size_t kMaxWarningBytes = 1024;
// Total bytes of the fields' pointers. Every field under a member repeats
// its key, so a payload with one huge key above many strings would
// otherwise cost keys x strings.
constexpr size_t kMaxPointerBytes = 64u << 20;

// Member names listed in a field's "keys"; more are not needed to see an
// operator or a prototype key, and the list must stay small beside value.
constexpr size_t kMaxKeys = 1000;

// Every member name under v (depth first), for the NoSQL-operator and
// prototype-pollution rules: those attacks live in keys, not in strings.
void collect_keys(const Value& v, std::vector<Value>& out, int depth) {
  if (depth > kMaxJsonDepth || out.size() >= kMaxKeys) return;
  if (v.is_map()) {
    for (const Member& m : v.as_map()) {
      if (out.size() >= kMaxKeys) return;
      out.push_back(m.key);
      collect_keys(m.value, out, depth + 1);
    }
  } else if (v.is_list()) {
    for (const Value& item : v.as_list()) collect_keys(item, out, depth + 1);
  }
}

// Whether the string holds a JSON object or array (first non-blank byte).
bool looks_like_json(std::string_view s) {
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{' || c == '[';
  }
  return false;
}

}  // namespace

std::string leaf_name(std::string_view name) {
  constexpr std::string_view kLeaf = ".leaf";
  if (name.size() >= kLeaf.size() && name.substr(name.size() - kLeaf.size()) == kLeaf) return std::string(name);
  return std::string(name) + std::string(kLeaf);
}

std::string child(const std::string& pointer, std::string_view key) {
  std::string out = pointer;
  append_pointer_token(out, key);
  return out;
}

std::string child(const std::string& pointer, size_t index) {
  return pointer + "/" + std::to_string(index);
}

const Value* member(const Value& v, std::string_view key) {
  if (!v.is_map()) return nullptr;
  return v.as_map().find(key);
}

const Value* member_at(const Value& v, std::initializer_list<std::string_view> keys) {
  const Value* cur = &v;
  for (std::string_view k : keys) {
    cur = member(*cur, k);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

std::string_view string_member(const Value& v, std::string_view key) {
  const Value* m = member(v, key);
  return m != nullptr && m->is_string() ? m->as_string() : std::string_view();
}

const ListRep* list_member(const Value& v, std::string_view key) {
  const Value* m = member(v, key);
  return m != nullptr && m->is_list() ? &m->as_list() : nullptr;
}

const MapRep* map_member(const Value& v, std::string_view key) {
  const Value* m = member(v, key);
  return m != nullptr && m->is_map() ? &m->as_map() : nullptr;
}

EventBuilder::EventBuilder(Arena& arena, const EventLoadOptions& options)
    : arena_(arena), options_(options), decoded_left_(options.max_decoded_bytes) {}

void EventBuilder::warn(std::string message) {
  if (message.size() > kMaxWarningBytes) {
    size_t n = kMaxWarningBytes;
    while (n > 0 && (static_cast<unsigned char>(message[n]) & 0xC0) == 0x80) --n;  // keep UTF-8 whole
    message.resize(n);
    message += "...";
  }
  if (warnings_.size() < kMaxWarnings) warnings_.push_back(std::move(message));
  else if (warnings_.size() == kMaxWarnings) warnings_.push_back("further warnings omitted");
}

bool EventBuilder::room_for_field(size_t pointer_bytes) {
  if (fields_.size() < options_.max_fields && pointer_bytes_ + pointer_bytes <= kMaxPointerBytes) {
    pointer_bytes_ += pointer_bytes;
    return true;
  }
  if (!fields_truncated_) {
    fields_truncated_ = true;
    warn(fields_.size() >= options_.max_fields
             ? "more than " + std::to_string(options_.max_fields) + " fields; the rest are not listed"
             : "the fields' pointers exceed " + std::to_string(kMaxPointerBytes) + " bytes; the rest are not listed");
  }
  return false;
}

bool EventBuilder::decode_bytes(Field& f, std::string bytes) {
  // `bytes` is the output of base64 or of a byte array; it is charged to the
  // event's budget, then inflated when gzipped.
  if (bytes.size() > decoded_left_) {
    warn(f.pointer + ": decoded data exceeds max_decoded_bytes (" + std::to_string(options_.max_decoded_bytes) +
         "); not decoded");
    return false;
  }
  decoded_left_ -= bytes.size();
  if (looks_gzipped(bytes) && f.nesting >= options_.max_nesting) {
    warn(f.pointer + ": nesting limit (" + std::to_string(options_.max_nesting) +
         " decoding layers) reached; kept compressed");
  } else if (looks_gzipped(bytes)) {
    std::string inflated, why;
    if (gunzip(bytes, decoded_left_, &inflated, &why)) {
      decoded_left_ -= inflated.size();
      f.decoding.push_back("gzip");
      ++f.nesting;
      bytes = std::move(inflated);
    } else {
      warn(f.pointer + ": " + why + "; kept compressed");
    }
  }
  if (repair_utf8(&bytes)) f.decoding.push_back("utf8_replace");
  f.value = make_string(arena_, bytes);
  return true;
}

void EventBuilder::maybe_json(Field& f) {
  if (!f.value.is_string() || !looks_like_json(f.value.as_string())) return;
  if (f.nesting >= options_.max_nesting) {
    warn(f.pointer + ": nesting limit (" + std::to_string(options_.max_nesting) + " decoding layers) reached; not parsed");
    return;
  }
  JsonLimits limits;
  limits.max_depth = kMaxJsonDepth;
  limits.max_nodes = kMaxJsonNodes;
  limits.allow_duplicate_keys = true;  // the function's parser would accept them too
  Value parsed;
  JsonError error;
  if (read_json(f.value.as_string(), arena_, limits, &parsed, &error)) {
    f.value = parsed;
    f.decoding.push_back("json");
    ++f.nesting;
  } else if (error.message.find("exceeds") != std::string::npos) {
    warn(f.pointer + ": JSON not parsed: " + error.describe());
  }
}

int EventBuilder::push(Field f, bool walk_now) {
  fields_.push_back(std::move(f));
  int id = static_cast<int>(fields_.size() - 1);
  if (walk_now) walk_leaves(id);
  return id;
}

int EventBuilder::add(const std::string& pointer, std::string_view name, const Value& value, const Value& raw,
                      std::string_view step, bool is_trusted, int64_t record) {
  if (!room_for_field(pointer.size())) return -1;
  Field f;
  f.pointer = pointer;
  f.name = std::string(name);
  f.value = value;
  f.raw = raw;
  if (!step.empty()) {
    f.decoding.push_back(step);
    f.nesting = 1;
  }
  f.trusted = is_trusted;
  f.record = record;
  return push(std::move(f), false);
}

int EventBuilder::untrusted(const std::string& pointer, std::string_view name, const Value& v, int64_t record,
                            Decode decode, const Value* key, bool walk_now, std::string_view first_step) {
  // Strings only (and byte arrays): numbers and booleans are not injection
  // vectors, and containers are walked by the callers.
  if (!v.is_string() && !(decode == Decode::kBytes && v.is_list())) return -1;
  if (!room_for_field(pointer.size())) return -1;
  Field f;
  f.pointer = pointer;
  f.name = std::string(name);
  if (key != nullptr) f.key = *key;
  f.value = v;
  f.raw = v;
  f.record = record;
  if (!first_step.empty()) {
    f.decoding.push_back(first_step);
    f.nesting = 1;
  }
  const std::vector<std::string_view> before = f.decoding;
  const int nesting_before = f.nesting;
  if (decode == Decode::kBytes && v.is_list()) {
    std::string bytes, why;
    if (bytes_from_list(v, &bytes, &why)) {
      f.decoding.push_back("bytes");
      ++f.nesting;
      if (!decode_bytes(f, std::move(bytes))) {
        f.decoding = before;
        f.nesting = nesting_before;
      }
    } else {
      warn(pointer + ": " + why + "; not decoded");
    }
  } else if (decode == Decode::kUrlPlus) {
    std::string s = url_decode(v.as_string(), true);
    f.decoding.push_back("url_plus");
    if (repair_utf8(&s)) f.decoding.push_back("utf8_replace");
    f.value = make_string(arena_, s);
  } else if (decode == Decode::kBase64) {
    std::string_view s = v.as_string();
    std::string bytes, why;
    if (s.size() / 4 * 3 > decoded_left_) {
      warn(pointer + ": decoded data exceeds max_decoded_bytes (" + std::to_string(options_.max_decoded_bytes) +
           "); not decoded");
    } else if (!base64_decode(s, &bytes, &why)) {
      warn(pointer + ": not valid base64 (" + why + "); kept as is");
    } else {
      f.decoding.push_back("base64");
      ++f.nesting;
      if (!decode_bytes(f, std::move(bytes))) {
        f.decoding = before;
        f.nesting = nesting_before;
      }
    }
  }
  maybe_json(f);
  return push(std::move(f), walk_now);
}

int EventBuilder::derived(int parent, const std::string& inner, std::string_view name, const Value& v,
                          const Value* key, std::initializer_list<std::string_view> steps, bool is_trusted,
                          int64_t record, bool walk_now) {
  if (!room_for_field(fields_[static_cast<size_t>(parent)].pointer.size() + 1 + inner.size())) return -1;
  const Field& p = fields_[static_cast<size_t>(parent)];
  Field f;
  f.pointer = p.pointer + "#" + inner;
  f.name = std::string(name);
  if (key != nullptr) f.key = *key;
  f.value = v;
  f.raw = v;
  f.decoding = p.decoding;
  f.nesting = p.nesting;
  for (std::string_view s : steps) {
    f.decoding.push_back(s);
    ++f.nesting;
  }
  f.trusted = is_trusted;
  f.record = record;
  if (!is_trusted) maybe_json(f);
  return push(std::move(f), walk_now && !is_trusted);
}

void EventBuilder::walk_leaves(int id) {
  Value v = fields_[static_cast<size_t>(id)].value;
  if (!v.is_map() && !v.is_list()) return;
  std::string inner;
  walk(id, v, inner, nullptr, 0);
}

void EventBuilder::walk(int id, const Value& v, std::string& inner, const Value* key, int depth) {
  if (depth > kMaxJsonDepth) {
    warn(fields_[static_cast<size_t>(id)].pointer + "#" + inner + ": nested too deeply; strings below not listed");
    return;
  }
  size_t len = inner.size();
  const std::string name = leaf_name(fields_[static_cast<size_t>(id)].name);
  const int64_t record = fields_[static_cast<size_t>(id)].record;
  auto visit = [&](const Value& item, const Value* item_key) {
    if (item.is_string()) {
      derived(id, inner, name, item, item_key, {}, false, record);
    } else if (item.is_map() || item.is_list()) {
      walk(id, item, inner, item_key, depth + 1);
    }
  };
  if (v.is_map()) {
    for (const Member& m : v.as_map()) {
      append_pointer_token(inner, m.key.as_string());
      visit(m.value, &m.key);
      inner.resize(len);
    }
  } else if (v.is_list()) {
    const ListRep& l = v.as_list();
    for (uint32_t i = 0; i < l.size; ++i) {
      inner += "/" + std::to_string(i);
      visit(l.items[i], key);
      inner.resize(len);
    }
  }
}

void EventBuilder::untrusted_members(const std::string& pointer, std::string_view name, const Value* map,
                                     int64_t record, Decode decode, const Value* twin) {
  if (map == nullptr || !map->is_map()) return;
  for (const Member& m : map->as_map()) {
    std::string p = child(pointer, m.key.as_string());
    if (m.value.is_list()) {
      const ListRep& l = m.value.as_list();
      const Value* single = twin != nullptr ? member(*twin, m.key.as_string()) : nullptr;
      for (uint32_t i = 0; i < l.size; ++i) {
        const Value& item = l.items[i];
        if (single != nullptr && single->is_string() && item.is_string() && item.as_string() == single->as_string())
          continue;
        untrusted(child(p, i), name, item, record, decode, &m.key);
      }
    } else {
      untrusted(p, name, m.value, record, decode, &m.key);
    }
  }
}

void EventBuilder::untrusted_strings(const std::string& pointer, std::string_view name, const Value* v,
                                     int64_t record) {
  if (v == nullptr) return;
  std::string p = pointer;
  strings_under(p, name, *v, nullptr, record, 0);
}

void EventBuilder::strings_under(std::string& pointer, std::string_view name, const Value& v, const Value* key,
                                 int64_t record, int depth) {
  if (v.is_string()) {
    untrusted(pointer, name, v, record, Decode::kNone, key);
    return;
  }
  if (depth > kMaxJsonDepth) {
    warn(pointer + ": nested too deeply; strings below not listed");
    return;
  }
  size_t len = pointer.size();
  if (v.is_map()) {
    for (const Member& m : v.as_map()) {
      append_pointer_token(pointer, m.key.as_string());
      strings_under(pointer, name, m.value, &m.key, record, depth + 1);
      pointer.resize(len);
    }
  } else if (v.is_list()) {
    const ListRep& l = v.as_list();
    for (uint32_t i = 0; i < l.size; ++i) {
      pointer += "/" + std::to_string(i);
      strings_under(pointer, name, l.items[i], key, record, depth + 1);
      pointer.resize(len);
    }
  }
}

void EventBuilder::trusted(const std::string& pointer, std::string_view name, const Value* v, int64_t record) {
  if (v == nullptr || v->is_map() || v->is_list() || v->is_undefined() || v->is_null()) return;
  if (!room_for_field(pointer.size())) return;
  Field f;
  f.pointer = pointer;
  f.name = std::string(name);
  f.value = *v;
  f.raw = *v;
  f.trusted = true;
  f.record = record;
  fields_.push_back(std::move(f));
}

void EventBuilder::trusted_all(const std::string& pointer, std::string_view name, const Value* v, int64_t record) {
  if (v == nullptr) return;
  std::string p = pointer;
  scalars_under(p, name, *v, record, 0);
}

void EventBuilder::scalars_under(std::string& pointer, std::string_view name, const Value& v, int64_t record,
                                 int depth) {
  if (!v.is_map() && !v.is_list()) {
    trusted(pointer, name, &v, record);
    return;
  }
  if (depth > kMaxJsonDepth) return;
  size_t len = pointer.size();
  if (v.is_map()) {
    for (const Member& m : v.as_map()) {
      append_pointer_token(pointer, m.key.as_string());
      scalars_under(pointer, name, m.value, record, depth + 1);
      pointer.resize(len);
    }
  } else {
    const ListRep& l = v.as_list();
    for (uint32_t i = 0; i < l.size; ++i) {
      pointer += "/" + std::to_string(i);
      scalars_under(pointer, name, l.items[i], record, depth + 1);
      pointer.resize(len);
    }
  }
}

Value EventBuilder::field_value(const Field& f) {
  std::vector<Member> m;
  m.reserve(11);
  auto str = [&](std::string_view s) { return make_string(arena_, s); };
  m.push_back({Value::string("pointer"), str(f.pointer)});
  m.push_back({Value::string("name"), str(f.name)});
  if (f.key) m.push_back({Value::string("key"), *f.key});
  m.push_back({Value::string("value"), f.value});
  m.push_back({Value::string("raw"), f.raw});
  std::vector<Value> steps;
  steps.reserve(f.decoding.size());
  for (std::string_view s : f.decoding) steps.push_back(Value::string(s));  // static strings
  m.push_back({Value::string("decoding"), make_list(arena_, steps)});
  m.push_back({Value::string("trusted"), Value::boolean(f.trusted)});
  m.push_back({Value::string("record"), Value::integer(f.record)});
  // Detection forms (documents/events/normalize.h), computed here once per
  // field so that no rule repeats the decoding.
  if (!f.trusted && f.value.is_string()) {
    std::string normalized = normalize_text(f.value.as_string());
    m.push_back({Value::string("normalized"), str(normalized)});
    m.push_back({Value::string("sql"), str(sql_form(normalized))});
  } else if (!f.trusted && (f.value.is_map() || f.value.is_list())) {
    std::vector<Value> keys;
    collect_keys(f.value, keys, 0);
    m.push_back({Value::string("keys"), make_list(arena_, keys)});
  }
  return make_map_unique(arena_, m);
}

Value EventBuilder::finish(std::string_view source, const Value& payload) {
  std::vector<Value> untrusted_list, trusted_list;
  for (const Field& f : fields_) (f.trusted ? trusted_list : untrusted_list).push_back(field_value(f));
  std::vector<Value> warnings;
  warnings.reserve(warnings_.size());
  for (const std::string& w : warnings_) warnings.push_back(make_string(arena_, w));
  std::vector<Member> root = {
      {Value::string("format"), Value::string("moat-event/1")},
      {Value::string("source"), make_string(arena_, source)},
      {Value::string("warnings"), make_list(arena_, warnings)},
      {Value::string("records"), Value::integer(records_)},
      {Value::string("fields"), make_list(arena_, untrusted_list)},
      {Value::string("trusted_fields"), make_list(arena_, trusted_list)},
      {Value::string("payload"), payload},
  };
  return make_map_unique(arena_, root);
}

}  // namespace moat::events
