#include "check/schema.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace moat {

class SchemaParser {
 public:
  explicit SchemaParser(Schema& s) : s_(s) {}

  absl::StatusOr<const SchemaNode*> node(const nlohmann::json& j, const std::string& where, bool resource) {
    auto n = std::make_unique<SchemaNode>();
    SchemaNode* raw = n.get();
    s_.nodes_.push_back(std::move(n));
    if (j.is_string()) {
      auto t = type(j.get<std::string>(), where);
      if (!t.ok()) return t.status();
      raw->type = *t;
      return raw;
    }
    if (!j.is_object()) return absl::InvalidArgumentError(where + ": expected a type name or an object");
    if (j.contains("type")) {
      if (!j["type"].is_string()) return absl::InvalidArgumentError(where + ".type: expected a string");
      auto t = type(j["type"].get<std::string>(), where);
      if (!t.ok()) return t.status();
      raw->type = *t;
    }
    if (j.contains("fields")) {
      if (!j["fields"].is_object()) return absl::InvalidArgumentError(where + ".fields: expected an object");
      if (!j.contains("type")) raw->type = Type::kMap;
      raw->closed = !(j.contains("open") && j["open"].is_boolean() && j["open"].get<bool>());
      for (auto& [k, v] : j["fields"].items()) {
        auto c = node(v, where + ".fields." + k, false);
        if (!c.ok()) return c.status();
        raw->fields[k] = *c;
        raw->field_order.push_back(k);
      }
    }
    if (resource) {
      for (const char* implicit : {"type", "id"}) {
        if (!raw->fields.contains(implicit)) {
          auto c = node("string", where, false);
          raw->fields[implicit] = *c;
          raw->field_order.push_back(implicit);
        }
      }
      if (!j.contains("type")) raw->type = Type::kMap;
    }
    if (j.contains("items")) {
      auto c = node(j["items"], where + ".items", false);
      if (!c.ok()) return c.status();
      raw->items = *c;
      if (!j.contains("type")) raw->type = Type::kList;
    }
    if (j.contains("values")) {
      auto c = node(j["values"], where + ".values", false);
      if (!c.ok()) return c.status();
      raw->values = *c;
      if (!j.contains("type")) raw->type = Type::kMap;
    }
    return raw;
  }

 private:
  absl::StatusOr<Type> type(const std::string& s, const std::string& where) {
    static constexpr std::pair<const char*, Type> kTypes[] = {
        {"any", Type::kAny}, {"null", Type::kNull}, {"bool", Type::kBool}, {"int", Type::kInt},
        {"float", Type::kFloat}, {"number", Type::kNumber}, {"string", Type::kString},
        {"list", Type::kList}, {"map", Type::kMap}};
    for (auto& [n, t] : kTypes)
      if (s == n) return t;
    return absl::InvalidArgumentError(where + ": unknown type '" + s + "'");
  }
  Schema& s_;
};

absl::StatusOr<std::shared_ptr<const Schema>> Schema::parse(std::string_view json_text, std::string_view name) {
  nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false);
  std::string n(name);
  if (j.is_discarded()) return absl::InvalidArgumentError(n + ": not valid JSON");
  if (!j.is_object() || !j.contains("moat_schema"))
    return absl::InvalidArgumentError(n + ": not a Moat schema (expected an object with \"moat_schema\": 1)");
  auto s = std::make_shared<Schema>();
  SchemaParser p(*s);
  if (j.contains("document")) {
    auto d = p.node(j["document"], n + ": document", false);
    if (!d.ok()) return d.status();
    s->document_ = *d;
  }
  if (j.contains("resources")) {
    if (!j["resources"].is_object()) return absl::InvalidArgumentError(n + ": resources must be an object");
    for (auto& [k, v] : j["resources"].items()) {
      auto r = p.node(v, n + ": resources." + k, true);
      if (!r.ok()) return r.status();
      s->resources_[k] = *r;
    }
  }
  return std::shared_ptr<const Schema>(std::move(s));
}

const SchemaNode* Schema::resource(std::string_view type) const {
  auto it = resources_.find(std::string(type));
  return it == resources_.end() ? nullptr : it->second;
}

std::vector<std::string> Schema::resource_types() const {
  std::vector<std::string> out;
  for (auto& [k, v] : resources_) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

namespace {
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string closest_name(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = std::max<size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = edit_distance(name, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

}  // namespace moat
