// Helpers for the event loader tests: load an event and read its document
// back as plain structs, and build encoded payloads (base64, gzip).
#pragma once

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "documents/event_loader.h"
#include "value/arena.h"
#include "value/value.h"

namespace moat::event_test {

struct Field {
  std::string pointer, name, key, value, raw, decoding;
  bool has_key = false;
  bool trusted = false;
  int64_t record = 0;
};

struct Event {
  std::shared_ptr<const Document> doc;
  std::string source;
  int64_t records = 0;
  std::vector<std::string> warnings;
  std::vector<Field> fields, trusted;

  // The field at `pointer` (in either list), or a field named "<none>".
  const Field& at(std::string_view pointer) const {
    for (const auto* list : {&fields, &trusted})
      for (const Field& f : *list)
        if (f.pointer == pointer) return f;
    static const Field none{"", "<none>", "", "", "", "", false, false, 0};
    return none;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const Field& f : fields) out.push_back(f.name);
    return out;
  }
  bool has_untrusted(std::string_view name) const {
    return std::any_of(fields.begin(), fields.end(), [&](const Field& f) { return f.name == name; });
  }
  bool has_trusted(std::string_view name) const {
    return std::any_of(trusted.begin(), trusted.end(), [&](const Field& f) { return f.name == name; });
  }
  std::string all_warnings() const {
    std::string out;
    for (const std::string& w : warnings) out += w + "\n";
    return out;
  }
};

inline std::string str(const Value* v) { return v != nullptr && v->is_string() ? std::string(v->as_string()) : ""; }

inline std::vector<Field> read_fields(const Value& list) {
  std::vector<Field> out;
  if (!list.is_list()) return out;
  for (const Value& v : list.as_list()) {
    const MapRep& m = v.as_map();
    Field f;
    f.pointer = str(m.find("pointer"));
    f.name = str(m.find("name"));
    if (const Value* k = m.find("key")) {
      f.has_key = true;
      f.key = str(k);
    }
    f.value = m.find("value")->is_string() ? std::string(m.find("value")->as_string()) : to_json(*m.find("value"));
    f.raw = m.find("raw")->is_string() ? std::string(m.find("raw")->as_string()) : to_json(*m.find("raw"));
    for (const Value& s : m.find("decoding")->as_list()) f.decoding += (f.decoding.empty() ? "" : ",") + std::string(s.as_string());
    f.trusted = m.find("trusted")->as_bool();
    f.record = m.find("record")->as_int();
    out.push_back(f);
  }
  return out;
}

inline Event parse_event(std::shared_ptr<const Document> doc) {
  Event e;
  e.doc = doc;
  const MapRep& root = doc->root().as_map();
  e.source = str(root.find("source"));
  e.records = root.find("records")->as_int();
  for (const Value& w : root.find("warnings")->as_list()) e.warnings.push_back(std::string(w.as_string()));
  e.fields = read_fields(*root.find("fields"));
  e.trusted = read_fields(*root.find("trusted_fields"));
  return e;
}

inline Event Load(std::string_view json, const EventLoadOptions& options = {}) {
  auto doc = load_event(std::string(json), "event.json", options);
  EXPECT_TRUE(doc.ok()) << doc.status();
  if (!doc.ok()) return {};
  return parse_event(*doc);
}

inline std::string base64(std::string_view bytes) {
  static const char* d = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += {d[n >> 18], d[(n >> 12) & 63], d[(n >> 6) & 63], d[n & 63]};
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    out += {d[n >> 18], d[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += {d[n >> 18], d[(n >> 12) & 63], d[(n >> 6) & 63], '='};
  }
  return out;
}

inline std::string gzip(std::string_view data) {
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  EXPECT_EQ(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// A JSON string literal.
inline std::string q(std::string_view s) { return to_json(Value::string(s)); }

}  // namespace moat::event_test
