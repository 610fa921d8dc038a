#include "documents/document.h"

#include <algorithm>
#include <cstring>

#include "documents/file_text.h"
#include "documents/source_position.h"

namespace moat {

void append_pointer_token(std::string& out, std::string_view token) {
  out += '/';
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
}

absl::StatusOr<std::shared_ptr<const Document>> Document::from_json(std::string text, std::string name,
                                                                     const JsonLimits& limits) {
  std::shared_ptr<Document> d(new Document());
  d->text_ = std::move(text);
  d->name_ = std::move(name);
  JsonError err;
  Value root;
  try {
    // The document owns its text for as long as its values: strings point
    // into it rather than into copies.
    if (!read_json(d->text_, d->arena_, limits, &root, &err, JsonStrings::kViewText))
      return absl::InvalidArgumentError(d->name_ + ":" + std::to_string(err.line) + ":" + std::to_string(err.column) +
                                        ": " + err.message_with_flag());
  } catch (const MemoryBudgetExceeded& e) {
    return absl::ResourceExhaustedError(d->name_ + ": " + e.what());
  }
  d->root_ = root;
  d->index_types();
  return std::shared_ptr<const Document>(std::move(d));
}

absl::StatusOr<std::shared_ptr<const Document>> Document::from_json_file(const std::string& path,
                                                                          const JsonLimits& limits) {
  absl::StatusOr<std::string> text = read_file_text(path, UINT64_MAX, "");
  if (!text.ok()) return text.status();
  return from_json(*std::move(text), path, limits);
}

std::shared_ptr<const Document> Document::from_value(Arena arena, Value root, std::string name,
                                                     LocationTable locations) {
  std::shared_ptr<Document> d(new Document());
  d->arena_ = std::move(arena);
  d->locations_ = std::move(locations);
  d->root_ = root;
  d->name_ = std::move(name);
  d->index_types();
  return d;
}

void Document::index_types() {
  if (!root_.is_map()) return;
  const Value* res = root_.as_map().find("resources");
  if (res == nullptr || !res->is_map()) return;
  resources_ = *res;
  const MapRep& m = res->as_map();
  for (uint32_t i = 0; i < m.size; ++i) {
    const Value& r = m.members[i].value;
    if (!r.is_map()) continue;
    const Value* t = r.as_map().find("type");
    if (t == nullptr || !t->is_string()) continue;
    by_type_[std::string(t->as_string())].push_back(i);
  }
}

const std::vector<uint32_t>* Document::resources_of_type(std::string_view type) const {
  auto it = by_type_.find(absl::string_view(type.data(), type.size()));
  return it == by_type_.end() ? nullptr : &it->second;
}

Value Document::edges_at(EdgeEnd end, std::string_view id, const std::string_view* kind) const {
  std::call_once(edges_once_, [this] { edge_index_ = std::make_unique<EdgeIndex>(root_); });
  return edge_index_->lookup(end, id, kind);
}

void Document::build_parent_index() const {
  // Iterative walk: documents may be deep (the reader allows 512 levels).
  std::vector<Value> stack{root_};
  while (!stack.empty()) {
    Value v = stack.back();
    stack.pop_back();
    if (v.is_map()) {
      for (const Member& m : v.as_map()) {
        if (const void* id = m.value.identity()) {
          auto [it, added] = parents_.emplace(id, ParentLink{v.identity(), m.key});
          if (!added) it->second.shared = true;
          stack.push_back(m.value);
        }
      }
    } else if (v.is_list()) {
      const ListRep& l = v.as_list();
      for (uint32_t i = 0; i < l.size; ++i) {
        if (const void* id = l.items[i].identity()) {
          auto [it, added] = parents_.emplace(id, ParentLink{v.identity(), Value::integer(i)});
          if (!added) it->second.shared = true;
          stack.push_back(l.items[i]);
        }
      }
    }
  }
  parents_built_.store(true, std::memory_order_release);
}

std::optional<std::string> Document::pointer_within(const Value& root, const std::string& root_pointer,
                                                    const void* identity) {
  if (identity == nullptr) return std::nullopt;
  if (root.identity() == identity) return root_pointer;
  // Depth-first with an explicit stack of (value, pointer length) so the
  // pointer string is built incrementally and trimmed on the way back.
  struct Frame {
    Value v;
    size_t pointer_len;
    uint32_t next;
  };
  std::string pointer = root_pointer;
  std::vector<Frame> stack{{root, pointer.size(), 0}};
  while (!stack.empty()) {
    Frame& f = stack.back();
    uint32_t size = f.v.is_map() ? f.v.as_map().size : f.v.is_list() ? f.v.as_list().size : 0;
    if (f.next >= size) {
      stack.pop_back();
      continue;
    }
    uint32_t i = f.next++;
    const Value child = f.v.is_map() ? f.v.as_map().members[i].value : f.v.as_list().items[i];
    // A scalar has no identity: nothing to find there, nor below. Most
    // children are scalars, and a finding's path is looked up this way.
    if (child.identity() == nullptr) continue;
    pointer.resize(f.pointer_len);
    if (f.v.is_map()) append_pointer_token(pointer, f.v.as_map().members[i].key.as_string());
    else append_pointer_token(pointer, std::to_string(i));
    if (child.identity() == identity) return pointer;
    if (child.is_map() || child.is_list()) stack.push_back({child, pointer.size(), 0});
  }
  return std::nullopt;
}

std::optional<std::string> Document::pointer_of(const void* identity) const {
  Placement place = placement_of(identity);
  if (place.kind == Placement::kAbsent) return std::nullopt;
  return std::move(place.pointer);
}

Document::Placement Document::placement_of(const void* identity) const {
  if (identity == nullptr) return {};
  if (identity == root_.identity()) return {Placement::kUnique, std::string()};
  std::call_once(parents_once_, [this] { build_parent_index(); });
  std::vector<Value> keys;
  bool shared = false;
  const void* cur = identity;
  while (cur != root_.identity()) {
    auto it = parents_.find(cur);
    if (it == parents_.end()) return {};
    keys.push_back(it->second.key);
    shared = shared || it->second.shared;
    cur = it->second.parent;
  }
  Placement place{shared ? Placement::kShared : Placement::kUnique, std::string()};
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
    if (it->is_int()) append_pointer_token(place.pointer, std::to_string(it->as_int()));
    else append_pointer_token(place.pointer, it->as_string());
  }
  return place;
}

std::optional<Location> Document::locate(std::string_view pointer) const {
  if (text_.empty()) {
    if (locations_.empty()) return std::nullopt;
    // Walk the pointer through the values; the deepest step with a
    // recorded location wins.
    std::optional<Location> best;
    if (auto l = locations_.find(root_.identity())) best = std::move(l);
    Value cur = root_;
    size_t pos = 0;
    while (pos < pointer.size() && pointer[pos] == '/') {
      size_t next = pointer.find('/', pos + 1);
      std::string token(pointer.substr(pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1));
      for (size_t p; (p = token.find("~1")) != std::string::npos;) token.replace(p, 2, "/");
      for (size_t p; (p = token.find("~0")) != std::string::npos;) token.replace(p, 2, "~");
      Value child;
      if (cur.is_map()) {
        if (auto l = locations_.find_member(cur.identity(), token)) best = std::move(l);
        const Value* v = cur.as_map().find(token);
        if (v == nullptr) break;
        child = *v;
      } else if (cur.is_list()) {
        unsigned long long idx = std::strtoull(token.c_str(), nullptr, 10);
        if (idx >= cur.as_list().size) break;
        child = cur.as_list().items[idx];
      } else {
        break;
      }
      if (auto l = locations_.find(child.identity())) best = std::move(l);
      cur = child;
      if (next == std::string_view::npos) break;
      pos = next;
    }
    return best;
  }
  // Walk the pointer through the values to the deepest container, then skim
  // the text from that container's offset for the last step.
  Value cur = root_;
  uint64_t offset = root_.is_map() ? root_.as_map().source_offset : root_.is_list() ? root_.as_list().source_offset : 0;
  size_t pos = 0;
  while (pos < pointer.size() && pointer[pos] == '/') {
    size_t next = pointer.find('/', pos + 1);
    std::string token(pointer.substr(pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1));
    for (size_t p; (p = token.find("~1")) != std::string::npos;) token.replace(p, 2, "/");
    for (size_t p; (p = token.find("~0")) != std::string::npos;) token.replace(p, 2, "~");
    std::optional<uint64_t> child;
    Value next_value;
    bool found = false;
    if (cur.is_map()) {
      if (const Value* v = cur.as_map().find(token)) { next_value = *v; found = true; }
    } else if (cur.is_list()) {
      char* end = nullptr;
      unsigned long long idx = std::strtoull(token.c_str(), &end, 10);
      if (idx < cur.as_list().size) { next_value = cur.as_list().items[idx]; found = true; }
    }
    if (!found) break;
    // A container child knows its own offset; only a scalar needs a skim of
    // its parent's text, which is just the (small) parent container.
    uint32_t own = next_value.is_map() ? next_value.as_map().source_offset
                   : next_value.is_list() ? next_value.as_list().source_offset : UINT32_MAX;
    if (own != UINT32_MAX) {
      child = own;
    } else if (cur.is_map() && cur.as_map().source_offset != UINT32_MAX) {
      child = find_member_offset(text_, cur.as_map().source_offset, token);
    } else if (cur.is_list() && cur.as_list().source_offset != UINT32_MAX) {
      child = find_element_offset(text_, cur.as_list().source_offset, std::strtoull(token.c_str(), nullptr, 10));
    }
    if (!child) break;
    offset = *child;
    cur = next_value;
    if (next == std::string_view::npos) break;
    pos = next;
  }
  std::call_once(lines_once_, [this] {
    line_starts_.push_back(0);
    const char* base = text_.data();
    const char* end = base + text_.size();
    for (const char* p = base; (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)))); ++p)
      line_starts_.push_back(static_cast<uint32_t>(p - base + 1));
  });
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), static_cast<uint32_t>(offset));
  uint32_t line = static_cast<uint32_t>(it - line_starts_.begin());
  uint32_t col = static_cast<uint32_t>(offset - line_starts_[line - 1]) + 1;
  return Location{name_, line, col};
}

}  // namespace moat
