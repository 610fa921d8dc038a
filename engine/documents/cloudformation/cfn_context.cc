#include "documents/cloudformation/cfn_context.h"

#include <cctype>

namespace moat::cfn {

SourceMap SourceMap::for_json(std::string_view text) {
  SourceMap m;
  m.text_ = text;
  m.lines_ = std::make_shared<LineIndex>(text);
  return m;
}

SourceMap SourceMap::for_yaml(std::unique_ptr<YamlPositions> positions) {
  SourceMap m;
  m.yaml_ = std::shared_ptr<YamlPositions>(std::move(positions));
  return m;
}

static uint32_t offset_of(const Value& v) {
  if (v.is_map()) return v.as_map().source_offset;
  if (v.is_list()) return v.as_list().source_offset;
  return UINT32_MAX;
}

void SourceMap::add_alias(const void* rebuilt, const void* original) {
  if (!aliases_) aliases_ = std::make_shared<absl::flat_hash_map<const void*, const void*>>();
  (*aliases_)[rebuilt] = unalias(original);
}

const void* SourceMap::unalias(const void* identity) const {
  if (!aliases_) return identity;
  auto it = aliases_->find(identity);
  return it == aliases_->end() ? identity : it->second;
}

std::optional<SourcePosition> SourceMap::of(const Value& container) const {
  if (yaml_) return container.identity() ? yaml_->of(unalias(container.identity())) : std::nullopt;
  if (!lines_) return std::nullopt;
  uint32_t off = offset_of(container);
  if (off == UINT32_MAX) return std::nullopt;
  return lines_->at(off);
}

std::optional<SourcePosition> SourceMap::of_member(const Value& map, std::string_view key) const {
  if (!map.is_map()) return std::nullopt;
  if (yaml_) return yaml_->of_member(unalias(map.identity()), key);
  if (!lines_) return std::nullopt;
  uint32_t off = map.as_map().source_offset;
  if (off == UINT32_MAX) return std::nullopt;
  // Small maps are skimmed per lookup (cheap, no memory); large ones are
  // indexed once, so lookups stay linear in the text overall.
  constexpr size_t kIndexFrom = 32;
  if (map.as_map().size < kIndexFrom) {
    auto member_offset = find_member_offset(text_, off, key);
    if (!member_offset) return std::nullopt;
    return lines_->at(*member_offset);
  }
  if (!member_index_) member_index_ = std::make_shared<absl::flat_hash_map<uint32_t, MemberIndex>>();
  auto [it, inserted] = member_index_->try_emplace(off);
  if (inserted)
    for (auto& [name, value_offset] : member_offsets(text_, off)) it->second.try_emplace(std::move(name), value_offset);
  auto found = it->second.find(std::string(key));
  if (found == it->second.end()) return std::nullopt;
  return lines_->at(found->second);
}

void MapBuilder::set(std::string_view key, Value v, std::optional<Location> where) {
  for (Entry& e : entries_)
    if (e.key == key) {
      e.value = v;
      e.child.reset();
      if (where) e.where = std::move(where);
      return;
    }
  entries_.push_back(Entry{std::string(key), v, nullptr, std::move(where)});
}

MapBuilder& MapBuilder::child(std::string_view key, std::optional<Location> where) {
  for (Entry& e : entries_)
    if (e.key == key && e.child) return *e.child;
  entries_.push_back(Entry{std::string(key), Value(), std::make_unique<MapBuilder>(), std::move(where)});
  return *entries_.back().child;
}

bool MapBuilder::has(std::string_view key) const {
  for (const Entry& e : entries_)
    if (e.key == key) return !e.child || !e.child->empty();
  return false;
}

const Value* MapBuilder::find(std::string_view key) const {
  for (const Entry& e : entries_)
    if (e.key == key && !e.child) return &e.value;
  return nullptr;
}

Value MapBuilder::build(Context& ctx) const {
  std::vector<Member> members;
  std::vector<const Entry*> placed;
  members.reserve(entries_.size());
  for (const Entry& e : entries_) {
    Value v = e.value;
    if (e.child) {
      if (e.child->empty()) continue;
      v = e.child->build(ctx);
    }
    members.push_back(Member{ctx.str(e.key), v});
    placed.push_back(&e);
  }
  Value m = make_map(ctx.arena, members);
  for (const Entry* e : placed)
    if (e->where && e->where->line) ctx.locations.add_member(m.identity(), e->key, *e->where);
  return m;
}

std::string snake_case(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 4);
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool upper = std::isupper(static_cast<unsigned char>(c));
    if (upper && i > 0) {
      char prev = name[i - 1];
      bool prev_lower =
          std::islower(static_cast<unsigned char>(prev)) || std::isdigit(static_cast<unsigned char>(prev));
      bool next_lower = i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1]));
      bool prev_upper = std::isupper(static_cast<unsigned char>(prev));
      if ((prev_lower || (prev_upper && next_lower)) && !out.empty() && out.back() != '_') out += '_';
    }
    if (c == '-' || c == ' ' || c == '.') {
      if (!out.empty() && out.back() != '_') out += '_';
      continue;
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string canonical_type_name(std::string_view native_type) {
  std::string out;
  size_t pos = 0;
  int segment = 0;
  while (pos <= native_type.size()) {
    size_t next = native_type.find("::", pos);
    std::string_view part =
        native_type.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
    if (!out.empty()) out += '.';
    if (segment++ < 2) {
      for (char c : part) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += snake_case(part);
    }
    if (next == std::string_view::npos) break;
    pos = next + 2;
  }
  return out;
}

std::vector<std::string_view> split(std::string_view s, std::string_view delim) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t next = s.find(delim, pos);
    if (next == std::string_view::npos) {
      out.push_back(s.substr(pos));
      return out;
    }
    out.push_back(s.substr(pos, next - pos));
    pos = next + delim.size();
  }
}

std::string_view strip(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

const Value* member(const Value& v, std::string_view key) {
  if (!v.is_map()) return nullptr;
  return v.as_map().find(key);
}

}  // namespace moat::cfn
