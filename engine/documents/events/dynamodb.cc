// DynamoDB Streams: images arrive as AttributeValue maps
// ({"Message": {"S": "hi"}, "Count": {"N": "3"}}). Each image is listed
// unmarshalled ({"Message": "hi", "Count": 3}), and every string inside it
// (S, SS items, decoded B and BS items) as its own field pointing at the
// typed value in the payload.
#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include "documents/events/sources.h"
#include "value/build.h"

namespace moat::events {
namespace {

// DynamoDB allows 32 levels; deeper payloads are not real stream records.
constexpr int kMaxDepth = 64;

class Unmarshaller {
 public:
  Unmarshaller(EventBuilder& b, std::string leaf, int64_t record) : b_(b), leaf_(std::move(leaf)), record_(record) {}

  // `pointer` is the attribute value's pointer; `key` the attribute name.
  Value run(const Value& av, const std::string& pointer, const Value* key, int depth) {
    if (depth > kMaxDepth) {
      b_.warn(pointer + ": DynamoDB value nested too deeply; kept as is");
      return av;
    }
    if (!av.is_map() || av.as_map().size != 1) {
      b_.warn(pointer + ": not a DynamoDB AttributeValue; kept as is");
      return av;
    }
    const Member& typed = av.as_map().members[0];
    std::string_view type = typed.key.as_string();
    const Value& x = typed.value;
    std::string p = child(pointer, type);
    if (type == "S" && x.is_string()) {
      b_.untrusted(p, leaf_, x, record_, Decode::kNone, key, true, "dynamodb");
      return x;
    }
    if (type == "N" && x.is_string()) return number(x, p);
    if (type == "B" && x.is_string()) return binary(x, p, key);
    if (type == "BOOL" && x.is_bool()) return x;
    if (type == "NULL") return Value::null();
    if ((type == "SS" || type == "NS" || type == "BS") && x.is_list()) {
      std::vector<Value> items;
      const ListRep& l = x.as_list();
      for (uint32_t i = 0; i < l.size; ++i) {
        const Value& item = l.items[i];
        std::string ip = child(p, i);
        if (!item.is_string()) {
          b_.warn(ip + ": DynamoDB set item is not a string; kept as is");
          items.push_back(item);
        } else if (type == "SS") {
          b_.untrusted(ip, leaf_, item, record_, Decode::kNone, key, true, "dynamodb");
          items.push_back(item);
        } else if (type == "NS") {
          items.push_back(number(item, ip));
        } else {
          items.push_back(binary(item, ip, key));
        }
      }
      return make_list(b_.arena(), items);
    }
    if (type == "M" && x.is_map()) {
      std::vector<Member> members;
      for (const Member& m : x.as_map())
        members.push_back({m.key, run(m.value, child(p, m.key.as_string()), &m.key, depth + 1)});
      return make_map(b_.arena(), members);
    }
    if (type == "L" && x.is_list()) {
      std::vector<Value> items;
      const ListRep& l = x.as_list();
      for (uint32_t i = 0; i < l.size; ++i) items.push_back(run(l.items[i], child(p, i), key, depth + 1));
      return make_list(b_.arena(), items);
    }
    b_.warn(pointer + ": unknown DynamoDB type \"" + std::string(type) + "\"; kept as is");
    return av;
  }

 private:
  Value number(const Value& s, const std::string& pointer) {
    std::string_view text = s.as_string();
    const char* end = text.data() + text.size();
    int64_t i = 0;
    auto [pi, ei] = std::from_chars(text.data(), end, i);
    if (ei == std::errc() && pi == end) return Value::integer(i);
    double d = 0;
    auto [pd, ed] = std::from_chars(text.data(), end, d);
    if (ed == std::errc() && pd == end) return Value::real(d);
    b_.warn(pointer + ": DynamoDB number \"" + std::string(text.substr(0, 64)) + "\" is not a number; kept as a string");
    return s;
  }

  Value binary(const Value& s, const std::string& pointer, const Value* key) {
    int id = b_.untrusted(pointer, leaf_, s, record_, Decode::kBase64, key, true, "dynamodb");
    return id >= 0 ? b_.value_of(id) : s;
  }

  EventBuilder& b_;
  std::string leaf_;
  int64_t record_;
};

}  // namespace

void add_dynamodb_image(EventBuilder& b, const std::string& pointer, std::string_view name, const Value* image,
                        int64_t record) {
  if (image == nullptr || !image->is_map()) return;
  // The image comes first in the field list, its strings after it.
  int id = b.add(pointer, name, Value::null(), *image, "dynamodb", false, record);
  Unmarshaller u(b, leaf_name(name), record);
  std::vector<Member> members;
  for (const Member& m : image->as_map())
    members.push_back({m.key, u.run(m.value, child(pointer, m.key.as_string()), &m.key, 0)});
  if (id >= 0) b.set_value(id, make_map(b.arena(), members));
}

void extract_dynamodb(EventBuilder& b, const Value& p) {
  const ListRep* records = list_member(p, "Records");
  if (records == nullptr) return;
  b.set_records(records->size);
  for (uint32_t i = 0; i < records->size; ++i) {
    const Value& r = records->items[i];
    std::string base = child("/Records", i);
    const Value* ddb = member(r, "dynamodb");
    if (ddb != nullptr) {
      add_dynamodb_image(b, base + "/dynamodb/Keys", "dynamodb.keys", member(*ddb, "Keys"), i);
      add_dynamodb_image(b, base + "/dynamodb/NewImage", "dynamodb.new_image", member(*ddb, "NewImage"), i);
      add_dynamodb_image(b, base + "/dynamodb/OldImage", "dynamodb.old_image", member(*ddb, "OldImage"), i);
      b.trusted(base + "/dynamodb/SequenceNumber", "dynamodb.sequence_number", member(*ddb, "SequenceNumber"), i);
    }
    b.trusted(base + "/eventName", "dynamodb.event_name", member(r, "eventName"), i);
    b.trusted(base + "/eventSourceARN", "dynamodb.event_source_arn", member(r, "eventSourceARN"), i);
    b.trusted(base + "/eventID", "dynamodb.event_id", member(r, "eventID"), i);
    b.trusted(base + "/awsRegion", "dynamodb.region", member(r, "awsRegion"), i);
    b.trusted_all(base + "/userIdentity", "dynamodb.user_identity", member(r, "userIdentity"), i);
  }
}

}  // namespace moat::events
