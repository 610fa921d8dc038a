// The YAML reader: libyaml's event stream turned into Values as it arrives.
//
// Shape. libyaml's scanner and parser keep their own state on the heap and
// hand out one event at a time (scalar, alias, start and end of a sequence
// or mapping). Open containers are frames on an explicit stack and their
// elements or members accumulate on shared scratch vectors, as in the JSON
// reader: when a container ends, its slice becomes one ListRep or MapRep in
// the arena and the slice is dropped. Nothing recurses, so depth is only a
// limit we choose.
//
// Maps are assembled here rather than by make_map(), because three rules
// meet in them: duplicate keys are errors (or replace, when allowed), merge
// keys copy only the members a map lacks, and an explicit key replaces a
// merged one wherever it appears. Each map frame keeps the index of its
// members by key (a scan while small, a hash table past kLinearKeyCheck), and
// marks which members came from a merge.
//
// Positions. libyaml marks count characters; Moat columns count bytes (as
// in the JSON reader). Marks come in text order, so a cursor that walks the
// text forward converts them at the cost of one pass over non-ASCII input
// (and none for ASCII input, where the two agree).
//
// Scalars are resolved (null, bool, number, string) only when plain, untagged
// and in value position; keys keep their text.

#include "documents/yaml_reader.h"

#include <yaml.h>

#include <cstdio>
#include <limits>
#include <utility>

#include "documents/json_key_interner.h"
#include "documents/yaml_scalars.h"
#include "value/build.h"

namespace moat {

using json_detail::copy_to_arena;
using json_detail::KeyInterner;
using json_detail::key_hash;
using json_detail::key_prefix;

std::string YamlError::describe() const {
  return message + " at " + std::to_string(line) + ":" + std::to_string(column);
}

std::string YamlError::message_with_flag() const {
  if (limit.empty()) return message;
  std::string flag = limit;
  for (char& c : flag)
    if (c == '_') c = '-';
  return message + " (--" + flag + ")";
}

// ---- YamlPositions -----------------------------------------------------------

std::optional<SourcePosition> YamlPositions::of(const void* container) const {
  auto it = containers_.find(container);
  if (it == containers_.end()) return std::nullopt;
  return it->second.position;
}

std::optional<SourcePosition> YamlPositions::of_member_at(const void* map, size_t index) const {
  auto it = containers_.find(map);
  if (it == containers_.end() || it->second.first_member == kNoMembers) return std::nullopt;
  // Only maps have members recorded, so `map` is a MapRep.
  if (index >= static_cast<const MapRep*>(map)->size) return std::nullopt;
  return members_[it->second.first_member + index];
}

std::optional<SourcePosition> YamlPositions::of_member(const void* map, std::string_view key) const {
  auto it = containers_.find(map);
  if (it == containers_.end() || it->second.first_member == kNoMembers) return std::nullopt;
  const MapRep* rep = static_cast<const MapRep*>(map);
  const Value* v = rep->find(key);
  if (v == nullptr) return std::nullopt;
  const char* first = reinterpret_cast<const char*>(&rep->members[0].value);
  size_t index = static_cast<size_t>(reinterpret_cast<const char*>(v) - first) / sizeof(Member);
  return members_[it->second.first_member + index];
}

void YamlPositions::add_list(const ListRep* list, SourcePosition position) {
  containers_.try_emplace(list, Entry{position, kNoMembers});
}

void YamlPositions::add_map(const MapRep* map, SourcePosition position,
                            std::span<const SourcePosition> members) {
  auto [it, added] = containers_.try_emplace(map, Entry{position, static_cast<uint32_t>(members_.size())});
  if (added) members_.insert(members_.end(), members.begin(), members.end());
}

void YamlPositions::clear() {
  containers_.clear();
  members_.clear();
}

namespace {

// ---- Marks to positions ------------------------------------------------------

bool is_ascii(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size(), i = 0;
  uint64_t acc = 0;
  for (; i + 8 <= n; i += 8) acc |= json_detail::load8(p + i);
  for (; i < n; ++i) acc |= static_cast<unsigned char>(p[i]);
  return (acc & 0x8080808080808080ull) == 0;
}

// Converts libyaml marks (character index, 0-based line and character
// column) to byte offsets and 1-based byte columns in `text`.
class MarkMapper {
 public:
  explicit MarkMapper(std::string_view text) : text_(text), ascii_(is_ascii(text)) {}

  uint64_t offset(const yaml_mark_t& m) { return ascii_ ? std::min(m.index, text_.size()) : at_.seek(text_, m.index); }

  SourcePosition position(const yaml_mark_t& m) {
    uint64_t column = m.column;
    if (!ascii_) column = at_.seek(text_, m.index) - line_.seek(text_, m.index - m.column);
    return {static_cast<uint32_t>(std::min<uint64_t>(m.line + 1, UINT32_MAX)),
            static_cast<uint32_t>(std::min<uint64_t>(column + 1, UINT32_MAX))};
  }

 private:
  // A character index and its byte offset; moving it costs the distance.
  struct Cursor {
    size_t chars = 0, bytes = 0;
    size_t seek(std::string_view t, size_t target) {
      if (target < chars && chars - target > target) chars = bytes = 0;  // nearer the start
      auto continuation = [&](size_t i) { return (static_cast<unsigned char>(t[i]) & 0xC0) == 0x80; };
      // Eight ASCII bytes are eight characters.
      while (target > chars && target - chars >= 8 && t.size() - bytes >= 8 &&
             (json_detail::load8(t.data() + bytes) & 0x8080808080808080ull) == 0) {
        chars += 8;
        bytes += 8;
      }
      while (chars < target && bytes < t.size()) {
        ++bytes;
        while (bytes < t.size() && continuation(bytes)) ++bytes;
        ++chars;
      }
      while (chars > target) {
        --bytes;
        while (bytes > 0 && continuation(bytes)) --bytes;
        --chars;
      }
      return bytes;
    }
  };

  std::string_view text_;
  bool ascii_;
  Cursor at_, line_;  // line_ follows line starts, so neither walks back and forth
};

// ---- Tags ----------------------------------------------------------------------

constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

enum class TagKind {
  kNone,     // no tag, `!`, or a !! tag the reader ignores
  kString,   // !!str
  kNull, kBool, kInt, kFloat,  // checked against the core schema
  kCustom,   // for the tag handler
};

TagKind classify_tag(const yaml_char_t* tag) {
  if (tag == nullptr) return TagKind::kNone;
  std::string_view t(reinterpret_cast<const char*>(tag));
  if (t == "!") return TagKind::kNone;
  if (!t.starts_with(kCoreTagPrefix)) return TagKind::kCustom;
  t.remove_prefix(kCoreTagPrefix.size());
  if (t == "str") return TagKind::kString;
  if (t == "null") return TagKind::kNull;
  if (t == "bool") return TagKind::kBool;
  if (t == "int") return TagKind::kInt;
  if (t == "float") return TagKind::kFloat;
  return TagKind::kNone;  // !!map, !!seq, !!binary, !!timestamp, ...
}

// A scalar or key as shown in a message: cut short, control characters replaced.
std::string printable(std::string_view s) {
  constexpr size_t kMax = 64;
  size_t n = std::min(s.size(), kMax);
  while (n < s.size() && n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    out.push_back(c < 0x20 || c == 0x7F ? '?' : static_cast<char>(c));
  }
  if (n < s.size()) out += "...";
  return out;
}

// A code point in a message: 0x01 for ASCII, U+FFFE beyond.
std::string code_point(unsigned c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, c >= 0x80 ? "U+%04X" : "0x%02x", c);
  return buf;
}

// ---- The builder -----------------------------------------------------------------

// Maps up to this many members are searched by key linearly.
constexpr size_t kLinearKeyCheck = 16;
// Members past this many in one map do not add their keys to the intern table.
constexpr size_t kInternedMembers = 64;
constexpr uint32_t kNone = UINT32_MAX;

struct Frame {
  bool is_map;
  bool indexed = false;   // has a key table in key_tables_[depth]
  bool has_key = false;   // a key was read; its value comes next
  bool key_is_merge = false;
  uint32_t start;         // first index in values_ or members_
  uint32_t replace = kNone;  // member the pending key replaces
  SourcePosition position;
  SourcePosition key_position;
  std::string_view key;
  uint64_t nodes = 1;     // in this subtree, alias expansions included
  std::string tag;        // custom tag, or empty
  std::string anchor;     // or empty
};

struct Anchor {
  Value value;
  uint64_t nodes;
};

class LibyamlParser {
 public:
  LibyamlParser() : ok_(yaml_parser_initialize(&p) != 0) {}
  ~LibyamlParser() {
    if (ok_) yaml_parser_delete(&p);
  }
  LibyamlParser(const LibyamlParser&) = delete;
  LibyamlParser& operator=(const LibyamlParser&) = delete;
  bool ok() const { return ok_; }
  yaml_parser_t p;

 private:
  bool ok_;
};

struct Event {
  yaml_event_t e;
  bool live = false;
  ~Event() { reset(); }
  void reset() {
    if (live) yaml_event_delete(&e);
    live = false;
  }
};

class Builder {
 public:
  Builder(std::string_view text, Arena& arena, const YamlLimits& limits, YamlError* error,
          YamlPositions* positions, const YamlTagHandler& on_tag)
      : full_text_(text),
        bom_(text.starts_with("\xEF\xBB\xBF") ? 3 : 0),
        text_(text.substr(bom_)),
        marks_(text_),
        arena_(arena),
        limits_(limits),
        max_string_bytes_(std::min<size_t>(limits.max_string_bytes, UINT32_MAX)),
        max_nodes_(std::min<size_t>(limits.max_nodes, UINT32_MAX - 1)),
        error_(error),
        positions_(positions),
        on_tag_(on_tag) {}

  bool run(Value* out);

 private:
  bool on_scalar(const yaml_event_t& e);
  bool on_alias(const yaml_event_t& e);
  bool on_start(const yaml_event_t& e, bool is_map);
  bool on_end();
  bool on_key(std::string_view text, bool plain, SourcePosition pos);
  bool attach(Value v, uint64_t nodes);
  bool merge(Frame& f, Value v);
  uint32_t find_member(Frame& f, std::string_view key);
  void add_member(Frame& f, std::string_view key, Value v, SourcePosition pos, bool merged);
  bool apply_tag(const std::string& tag, SourcePosition pos, Value* v);
  void record_new_containers(Value v, SourcePosition pos);
  bool count_node(SourcePosition pos);
  bool parser_error();

  bool fail(SourcePosition pos, uint64_t offset, std::string message) {
    if (error_ != nullptr) {
      error_->message = std::move(message);
      error_->limit.clear();
      error_->line = pos.line;
      error_->column = pos.column;
      error_->offset = offset;
    }
    return false;
  }
  bool fail(const yaml_mark_t& m, std::string message) {
    return fail(where(m), bom_ + marks_.offset(m), std::move(message));
  }
  // libyaml puts the end of the stream on a line of its own; say where the
  // text ends instead, as the JSON reader does.
  SourcePosition where(const yaml_mark_t& m) {
    if (bom_ + marks_.offset(m) >= full_text_.size()) return position_at(full_text_, full_text_.size());
    return marks_.position(m);
  }
  // A limit stopped the read: `limit` names it (YamlError::limit).
  bool fail_limit(const yaml_mark_t& m, const char* limit, std::string message) {
    fail(m, std::move(message));
    if (error_ != nullptr) error_->limit = limit;
    return false;
  }
  bool fail_at(SourcePosition pos, std::string message) {
    // Positions of nodes are recorded without offsets; recover it from the line.
    return fail(pos, offset_of(pos), std::move(message));
  }
  uint64_t offset_of(SourcePosition pos) const;
  bool in_key_position() const { return !stack_.empty() && stack_.back().is_map && !stack_.back().has_key; }

  std::string_view full_text_;
  size_t bom_;
  std::string_view text_;
  MarkMapper marks_;
  Arena& arena_;
  const YamlLimits& limits_;
  size_t max_string_bytes_;
  size_t max_nodes_;
  YamlError* error_;
  YamlPositions* positions_;
  const YamlTagHandler& on_tag_;

  LibyamlParser parser_;
  size_t nodes_ = 0;
  uint64_t alias_nodes_ = 0;
  Value root_;
  std::vector<Frame> stack_;
  std::vector<Value> values_;
  std::vector<Member> members_;
  std::vector<SourcePosition> member_positions_;  // parallel to members_
  std::vector<uint8_t> member_merged_;            // parallel to members_
  std::vector<absl::flat_hash_map<std::string_view, uint32_t>> key_tables_;  // by depth, reused
  absl::flat_hash_map<std::string, Anchor> anchors_;
  KeyInterner interner_;
};

uint64_t Builder::offset_of(SourcePosition pos) const {
  // Only for errors: walk to the line, then add the byte column.
  uint64_t offset = bom_;
  for (uint32_t line = 1; line < pos.line && offset < full_text_.size(); ++line) {
    size_t nl = full_text_.find('\n', offset);
    if (nl == std::string_view::npos) break;
    offset = nl + 1;
  }
  return std::min<uint64_t>(offset + pos.column - 1, full_text_.size());
}

bool Builder::run(Value* out) {
  if (!parser_.ok()) return fail(SourcePosition{1, 1}, 0, "out of memory starting the YAML parser");
  yaml_parser_set_input_string(&parser_.p, reinterpret_cast<const unsigned char*>(text_.data()), text_.size());
  yaml_parser_set_encoding(&parser_.p, YAML_UTF8_ENCODING);
  bool seen_document = false;
  Event ev;
  for (;;) {
    ev.reset();
    if (!yaml_parser_parse(&parser_.p, &ev.e)) return parser_error();
    ev.live = true;
    const yaml_event_t& e = ev.e;
    switch (e.type) {
      case YAML_DOCUMENT_START_EVENT:
        if (seen_document) return fail(e.start_mark, "expected a single YAML document");
        seen_document = true;
        break;
      case YAML_STREAM_END_EVENT:
        *out = root_;  // null when there was no document
        return true;
      case YAML_SCALAR_EVENT:
        if (!on_scalar(e)) return false;
        break;
      case YAML_ALIAS_EVENT:
        if (!on_alias(e)) return false;
        break;
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT:
        if (!on_start(e, e.type == YAML_MAPPING_START_EVENT)) return false;
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        if (!on_end()) return false;
        break;
      default:  // stream start, document end
        break;
    }
  }
}

bool Builder::count_node(SourcePosition pos) {
  if (++nodes_ > max_nodes_) {
    fail_at(pos, "document has more than " + std::to_string(max_nodes_) + " values");
    if (error_ != nullptr) error_->limit = "max_nodes";
    return false;
  }
  return true;
}

bool Builder::on_scalar(const yaml_event_t& e) {
  const auto& s = e.data.scalar;
  std::string_view text(reinterpret_cast<const char*>(s.value), s.length);
  SourcePosition pos = marks_.position(e.start_mark);
  if (text.size() > max_string_bytes_)
    return fail_limit(e.start_mark, "max_string_bytes", "string exceeds " + std::to_string(max_string_bytes_) + " bytes");
  if (!count_node(pos)) return false;
  TagKind kind = classify_tag(s.tag);
  bool plain = s.style == YAML_PLAIN_SCALAR_STYLE;
  bool is_key = in_key_position();
  Value v;
  if (is_key) {
    if (kind == TagKind::kCustom)
      return fail(e.start_mark, "tag '" + printable(reinterpret_cast<const char*>(s.tag)) + "' on a map key is not supported");
    if (!on_key(text, plain && s.tag == nullptr, pos)) return false;
    v = Value::string(stack_.back().key);
  } else if (kind == TagKind::kNone && plain && s.tag == nullptr) {
    if (!resolve_plain_scalar(text, limits_.yaml11_booleans, &v)) v = Value::string(copy_to_arena(arena_, text));
  } else if (kind == TagKind::kNone || kind == TagKind::kString || kind == TagKind::kCustom) {
    v = Value::string(copy_to_arena(arena_, text));
    if (kind == TagKind::kCustom && !apply_tag(reinterpret_cast<const char*>(s.tag), pos, &v)) return false;
  } else {
    bool ok = resolve_plain_scalar(text, kind == TagKind::kBool && limits_.yaml11_booleans, &v);
    static constexpr const char* kNames[] = {"", "", "null", "bool", "int", "float"};
    if (ok && kind == TagKind::kFloat && v.is_int()) v = Value::real(static_cast<double>(v.as_int()));
    ok = ok && ((kind == TagKind::kNull && v.is_null()) || (kind == TagKind::kBool && v.is_bool()) ||
                (kind == TagKind::kInt && v.is_int()) || (kind == TagKind::kFloat && v.is_float()));
    if (!ok)
      return fail(e.start_mark, "'" + printable(text) + "' is not a valid !!" + kNames[static_cast<int>(kind)]);
  }
  if (s.anchor != nullptr) anchors_.insert_or_assign(reinterpret_cast<const char*>(s.anchor), Anchor{v, 1});
  return is_key || attach(v, 1);  // a key leaves its map waiting for the value
}

bool Builder::on_alias(const yaml_event_t& e) {
  std::string name(reinterpret_cast<const char*>(e.data.alias.anchor));
  SourcePosition pos = marks_.position(e.start_mark);
  auto it = anchors_.find(name);
  if (it == anchors_.end()) return fail(e.start_mark, "undefined alias '" + printable(name) + "'");
  if (!count_node(pos)) return false;
  const Anchor a = it->second;
  if (a.nodes > limits_.max_alias_expansion - std::min<uint64_t>(alias_nodes_, limits_.max_alias_expansion))
    return fail_limit(e.start_mark, "max_alias_expansion",
                      "YAML alias expansion exceeds " + std::to_string(limits_.max_alias_expansion) + " nodes");
  alias_nodes_ += a.nodes;
  if (!in_key_position()) return attach(a.value, a.nodes);
  std::string key;
  if (a.value.is_string()) {
    key = a.value.as_string();
  } else if (a.value.is_list() || a.value.is_map()) {
    return fail(e.start_mark, "only scalars can be map keys");
  } else {
    append_display(a.value, key);
  }
  return on_key(key, false, pos);
}

bool Builder::on_start(const yaml_event_t& e, bool is_map) {
  SourcePosition pos = marks_.position(e.start_mark);
  if (in_key_position()) return fail(e.start_mark, "only scalars can be map keys");
  if (stack_.size() >= limits_.max_depth)
    return fail_limit(e.start_mark, "max_depth", "nesting depth exceeds " + std::to_string(limits_.max_depth));
  if (!count_node(pos)) return false;
  const yaml_char_t* tag = is_map ? e.data.mapping_start.tag : e.data.sequence_start.tag;
  const yaml_char_t* anchor = is_map ? e.data.mapping_start.anchor : e.data.sequence_start.anchor;
  Frame f;
  f.is_map = is_map;
  f.start = static_cast<uint32_t>(is_map ? members_.size() : values_.size());
  f.position = pos;
  if (classify_tag(tag) == TagKind::kCustom) f.tag = reinterpret_cast<const char*>(tag);
  if (anchor != nullptr) f.anchor = reinterpret_cast<const char*>(anchor);
  stack_.push_back(std::move(f));
  return true;
}

bool Builder::on_end() {
  Frame f = std::move(stack_.back());
  stack_.pop_back();
  Value v;
  if (f.is_map) {
    size_t n = members_.size() - f.start;
    v = make_map_unique(arena_, std::span<const Member>(members_.data() + f.start, n));
    if (positions_ != nullptr)
      positions_->add_map(&v.as_map(), f.position,
                          std::span<const SourcePosition>(member_positions_.data() + f.start, n));
    members_.resize(f.start);
    member_positions_.resize(f.start);
    member_merged_.resize(f.start);
  } else {
    v = make_list(arena_, std::span<const Value>(values_.data() + f.start, values_.size() - f.start));
    if (positions_ != nullptr) positions_->add_list(&v.as_list(), f.position);
    values_.resize(f.start);
  }
  if (!f.tag.empty() && !apply_tag(f.tag, f.position, &v)) return false;
  if (!f.anchor.empty()) anchors_.insert_or_assign(std::move(f.anchor), Anchor{v, f.nodes});
  return attach(v, f.nodes);
}

// A key was read in map `stack_.back()`. Checks it against the map's keys
// and leaves the frame waiting for the value.
bool Builder::on_key(std::string_view text, bool plain, SourcePosition pos) {
  Frame& f = stack_.back();
  bool may_add = members_.size() - f.start < kInternedMembers;
  auto prefix = key_prefix(text, nullptr);
  std::string_view key = interner_.intern(text, prefix, key_hash(text, prefix), arena_, may_add).key;
  f.has_key = true;
  f.key = key;
  f.key_position = pos;
  f.key_is_merge = plain && key == "<<";
  f.replace = kNone;
  if (f.key_is_merge) return true;
  uint32_t i = find_member(f, key);
  if (i == kNone) return true;
  if (!member_merged_[f.start + i] && !limits_.allow_duplicate_keys)
    return fail_at(pos, "duplicate key '" + printable(key) + "'");
  f.replace = f.start + i;
  return true;
}

// Index (from f.start) of the member named `key` of map frame `f`, or kNone.
uint32_t Builder::find_member(Frame& f, std::string_view key) {
  size_t n = members_.size() - f.start;
  if (!f.indexed) {
    if (n < kLinearKeyCheck) {
      for (size_t i = 0; i < n; ++i)
        if (members_[f.start + i].key.as_string() == key) return static_cast<uint32_t>(i);
      return kNone;
    }
    size_t depth = stack_.size() - 1;
    if (key_tables_.size() <= depth) key_tables_.resize(depth + 1);
    auto& table = key_tables_[depth];
    table.clear();
    for (size_t i = 0; i < n; ++i) table.emplace(members_[f.start + i].key.as_string(), static_cast<uint32_t>(i));
    f.indexed = true;
  }
  const auto& table = key_tables_[stack_.size() - 1];
  auto it = table.find(key);
  return it == table.end() ? kNone : it->second;
}

void Builder::add_member(Frame& f, std::string_view key, Value v, SourcePosition pos, bool merged) {
  if (f.indexed) key_tables_[stack_.size() - 1].emplace(key, static_cast<uint32_t>(members_.size() - f.start));
  members_.push_back(Member{Value::string(key), v});
  member_positions_.push_back(pos);
  member_merged_.push_back(merged ? 1 : 0);
}

// A completed node of `nodes` nodes: the document's root, an element, or a
// map member's value.
bool Builder::attach(Value v, uint64_t nodes) {
  if (stack_.empty()) {
    root_ = v;
    return true;
  }
  Frame& f = stack_.back();
  f.nodes += nodes;
  if (!f.is_map) {
    values_.push_back(v);
    return true;
  }
  f.has_key = false;
  if (f.key_is_merge) return merge(f, v);
  if (f.replace != kNone) {
    members_[f.replace].value = v;
    member_positions_[f.replace] = f.key_position;
    member_merged_[f.replace] = 0;
    return true;
  }
  add_member(f, f.key, v, f.key_position, false);
  return true;
}

// `<<: v` in map frame `f`: v is a map or a list of maps whose members the
// map gets unless it has them already (earlier sources win).
bool Builder::merge(Frame& f, Value v) {
  auto merge_one = [&](const Value& src) {
    const MapRep& m = src.as_map();
    for (uint32_t i = 0; i < m.size; ++i) {
      std::string_view key = m.members[i].key.as_string();
      if (find_member(f, key) != kNone) continue;
      std::optional<SourcePosition> pos;
      if (positions_ != nullptr) pos = positions_->of_member_at(&m, i);
      add_member(f, key, m.members[i].value, pos.value_or(f.key_position), true);
    }
  };
  if (v.is_map()) {
    merge_one(v);
    return true;
  }
  if (v.is_list()) {
    for (const Value& item : v.as_list())
      if (!item.is_map()) return fail_at(f.key_position, "merge key '<<' expects a map or a list of maps");
    for (const Value& item : v.as_list()) merge_one(item);
    return true;
  }
  return fail_at(f.key_position, "merge key '<<' expects a map or a list of maps");
}

// A node with a custom tag: the handler's value, or {tag: value}.
bool Builder::apply_tag(const std::string& tag, SourcePosition pos, Value* v) {
  Value result;
  if (on_tag_) {
    std::string message;
    if (!on_tag_(tag, *v, arena_, &result, &message))
      return fail_at(pos, message.empty() ? "invalid " + printable(tag) + " node" : std::move(message));
  } else {
    auto prefix = key_prefix(tag, nullptr);
    std::string_view name = interner_.intern(tag, prefix, key_hash(tag, prefix), arena_, true).key;
    Member m{Value::string(name), *v};
    result = make_map_unique(arena_, std::span<const Member>(&m, 1));
  }
  if (positions_ != nullptr && result.identity() != v->identity()) record_new_containers(result, pos);
  *v = result;
  return true;
}

// Records the containers of a tag handler's result that are not recorded
// yet (those it built), at the tagged node's position.
void Builder::record_new_containers(Value v, SourcePosition pos) {
  std::vector<Value> todo{v};
  std::vector<SourcePosition> member_pos;
  while (!todo.empty()) {
    Value c = todo.back();
    todo.pop_back();
    if (!(c.is_list() || c.is_map()) || positions_->of(c.identity())) continue;
    if (c.is_list()) {
      positions_->add_list(&c.as_list(), pos);
      todo.insert(todo.end(), c.as_list().begin(), c.as_list().end());
    } else {
      member_pos.assign(c.as_map().size, pos);
      positions_->add_map(&c.as_map(), pos, member_pos);
      for (const Member& m : c.as_map()) todo.push_back(m.value);
    }
  }
}

// libyaml's error, in the JSON reader's terms where they overlap.
bool Builder::parser_error() {
  const yaml_parser_t& p = parser_.p;
  if (p.error == YAML_MEMORY_ERROR) return fail(SourcePosition{1, 1}, 0, "out of memory while reading YAML");
  if (p.error == YAML_READER_ERROR) {
    uint64_t offset = std::min<uint64_t>(bom_ + p.problem_offset, full_text_.size());
    // A bad trailing byte is reported, like every other UTF-8 error, at the
    // start of its sequence (the lead byte is at most 3 bytes back).
    if (std::string_view(p.problem != nullptr ? p.problem : "") == "invalid trailing UTF-8 octet")
      for (uint64_t k = 1; k <= 3 && k <= offset - bom_; ++k)
        if (static_cast<unsigned char>(full_text_[offset - k]) >= 0xC0) {
          offset -= k;
          break;
        }
    SourcePosition pos = position_at(full_text_, offset);
    std::string_view problem = p.problem != nullptr ? p.problem : "invalid input";
    std::string message;
    if (problem == "control characters are not allowed") {
      message = "control character " + code_point(static_cast<unsigned>(p.problem_value)) + " is not allowed";
    } else if ((problem.find("UTF-8") != std::string_view::npos || problem == "invalid Unicode character") &&
               offset < full_text_.size()) {
      // Surrogates and code points past U+10FFFF are "invalid Unicode
      // characters" to libyaml: ill-formed UTF-8 all the same.
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned char>(full_text_[offset]));
      message = std::string("invalid UTF-8 byte ") + buf;
    } else {
      message = std::string(problem);
    }
    return fail(pos, offset, std::move(message));
  }
  std::string_view problem = p.problem != nullptr ? p.problem : "invalid YAML";
  std::string_view context = p.context != nullptr ? p.context : "";
  if (problem == "found unexpected end of stream" && context == "while scanning a quoted scalar")
    return fail(p.context_mark, "unterminated quoted string");
  uint64_t at = bom_ + marks_.offset(p.problem_mark);
  if (problem == "found character that cannot start any token" && at < full_text_.size() && full_text_[at] == '\t')
    return fail(p.problem_mark, "tab character where indentation or a value was expected (YAML indents with spaces)");
  std::string message(problem);
  if (!context.empty()) {
    SourcePosition c = where(p.context_mark);
    message += " (" + std::string(context) + " that starts at " + std::to_string(c.line) + ":" +
               std::to_string(c.column) + ")";
  }
  return fail(p.problem_mark, std::move(message));
}

}  // namespace

bool read_yaml(std::string_view text, Arena& arena, const YamlLimits& limits, Value* out,
               YamlError* error, YamlPositions* positions, const YamlTagHandler& on_tag) {
  Builder builder(text, arena, limits, error, positions, on_tag);
  return builder.run(out);
}

}  // namespace moat
