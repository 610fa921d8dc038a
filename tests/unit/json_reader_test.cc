// read_json: what it accepts (exact values), what it rejects (exact message
// and line:column), the limits, key interning and source offsets.
#include "documents/json_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "value/arena.h"
#include "value/value.h"

namespace moat {
namespace {

// The value as JSON text (ints and floats stay apart: 1 vs 1.0), or
// "error: <message> at <line>:<column>".
std::string Read(std::string_view text, const JsonLimits& limits = {}) {
  Arena arena;
  Value v;
  JsonError error;
  if (!read_json(text, arena, limits, &v, &error)) return "error: " + error.describe();
  return to_json(v);
}

struct Case {
  std::string input;
  std::string want;
};

// ---- Accepted documents --------------------------------------------------

TEST(JsonReader, ReadsEveryKindOfValue) {
  const std::vector<Case> cases = {
      {"null", "null"},
      {"true", "true"},
      {"false", "false"},
      {" \t\r\n 42 \n", "42"},
      {"0", "0"},
      {"-7", "-7"},
      {"-0", "0"},
      {"9223372036854775807", "9223372036854775807"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"1.5", "1.5"},
      {"-0.0", "-0.0"},
      {"1.5e1", "15.0"},
      {"2.5E+1", "25.0"},
      {"-1.25e-3", "-0.00125"},
      {"0.1", "0.1"},
      {"2.5E-1", "0.25"},
      {"1e-400", "0.0"},
      {"-1e-400", "-0.0"},
      {"1.7976931348623157e308", "1.7976931348623157e+308"},
      {"\"\"", "\"\""},
      {"\"abc\"", "\"abc\""},
      {R"("\"\\\/\b\f\n\r\t")", R"("\"\\/\b\f\n\r\t")"},
      {R"("\u0041\u00e9\u4e2D")", "\"A\xC3\xA9\xE4\xB8\xAD\""},
      {R"("\ud83d\ude00")", "\"\xF0\x9F\x98\x80\""},
      {R"("\u0000")", R"("\u0000")"},
      {"\"caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80\"", "\"caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80\""},
      {"\"\xEF\xBF\xBF\xF4\x8F\xBF\xBF\"", "\"\xEF\xBF\xBF\xF4\x8F\xBF\xBF\""},  // U+FFFF, U+10FFFF
      {"[]", "[]"},
      {"{}", "{}"},
      {"[ ]", "[]"},
      {"{ \n }", "{}"},
      {"[1,[2,[3,[]]],{}]", "[1,[2,[3,[]]],{}]"},
      {R"({"b":1,"a":{"c":[true,null]},"":"empty key"})", R"({"b":1,"a":{"c":[true,null]},"":"empty key"})"},
      {" [ 1 , \"x\" ,\n\t{ \"k\" : -2.5 } ] ", R"([1,"x",{"k":-2.5}])"},
      {R"({"a\nb":1,"\u0063":2})", R"({"a\nb":1,"c":2})"},
      {"\xEF\xBB\xBF{\"bom\":true}", R"({"bom":true})"},
  };
  for (const Case& c : cases) EXPECT_EQ(Read(c.input), c.want) << "input: " << c.input;
}

TEST(JsonReader, IntegersThatDoNotFitInt64BecomeFloats) {
  Arena arena;
  Value v;
  JsonError e;
  ASSERT_TRUE(read_json("[9223372036854775807, 9223372036854775808, -9223372036854775809, "
                        "123456789012345678901234567890, 10000000000000000000]",
                        arena, {}, &v, &e));
  const ListRep& l = v.as_list();
  ASSERT_EQ(l.size, 5u);
  EXPECT_TRUE(l.items[0].is_int());
  EXPECT_EQ(l.items[0].as_int(), INT64_MAX);
  ASSERT_TRUE(l.items[1].is_float());
  EXPECT_EQ(l.items[1].as_float(), 9223372036854775808.0);
  ASSERT_TRUE(l.items[2].is_float());
  EXPECT_EQ(l.items[2].as_float(), -9223372036854775809.0);
  ASSERT_TRUE(l.items[3].is_float());
  EXPECT_EQ(l.items[3].as_float(), 123456789012345678901234567890.0);
  ASSERT_TRUE(l.items[4].is_float());
  EXPECT_EQ(l.items[4].as_float(), 1e19);
}

TEST(JsonReader, FloatsAreCorrectlyRounded) {
  // Hard cases for naive conversion; the results must equal the compiler's.
  const std::vector<std::pair<std::string, double>> cases = {
      {"2.2250738585072011e-308", 2.2250738585072011e-308},
      {"4.9406564584124654e-324", 4.9406564584124654e-324},
      {"0.30000000000000004", 0.30000000000000004},
      {"9007199254740993", 9007199254740992.0},  // fits int64: stays exact as int
      {"9007199254740993.0", 9007199254740992.0},
      {"1.00000000000000011102230246251565404236316680908203126", 1.0000000000000002},
  };
  for (const auto& [text, want] : cases) {
    Arena arena;
    Value v;
    JsonError e;
    ASSERT_TRUE(read_json(text, arena, {}, &v, &e)) << text;
    EXPECT_EQ(v.as_number(), want) << text;
  }
}

// ---- Rejected documents --------------------------------------------------

TEST(JsonReader, RejectsMalformedInputWithPosition) {
  const std::vector<Case> cases = {
      {"", "unexpected end of input at 1:1"},
      {"   \n  ", "unexpected end of input at 2:3"},
      {"\xEF\xBB\xBF", "unexpected end of input at 1:1"},
      {"[1", "unexpected end of input at 1:3"},
      {"{\"a\":", "unexpected end of input at 1:6"},
      {"{\"a\"", "unexpected end of input at 1:5"},
      {"[1,]", "trailing comma before ']' at 1:3"},
      {"{\"a\":1,}", "trailing comma before '}' at 1:7"},
      {"\xEF\xBB\xBF[1,]", "trailing comma before ']' at 1:3"},
      {"[1 2]", "expected ',' or ']' after array element at 1:4"},
      {"{\"a\":1 \"b\":2}", "expected ',' or '}' after object member at 1:8"},
      {"{\"a\" 1}", "expected ':' after object key at 1:6"},
      {"{1:2}", "expected '\"' to begin an object key at 1:2"},
      {"{,}", "expected '\"' to begin an object key at 1:2"},
      {"[,1]", "unexpected character ',' at 1:2"},
      {"1 2", "unexpected data after the top-level value at 1:3"},
      {"{} x", "unexpected data after the top-level value at 1:4"},
      {"\"abc", "unterminated string at 1:1"},
      {"[\"ab\\", "unterminated string at 1:2"},
      {R"("\x")", "invalid escape '\\x' in string at 1:2"},
      {R"("\U0041")", "invalid escape '\\U' in string at 1:2"},
      {R"("\u12G4")", "invalid \\u escape: expected 4 hex digits at 1:2"},
      {R"("\ud800")", "lone surrogate '\\ud800' in string at 1:2"},
      {R"("ab\udc00")", "lone surrogate '\\udc00' in string at 1:4"},
      {R"("\ud800\u0041")", "lone surrogate '\\ud800' in string at 1:2"},
      {R"("\ud800\n")", "lone surrogate '\\ud800' in string at 1:2"},
      {"\"a\x01\"", "control character 0x01 in string (must be escaped) at 1:3"},
      {"\"a\nb\"", "control character 0x0a in string (must be escaped) at 1:3"},
      {"\"\xFF\"", "invalid UTF-8 byte 0xff at 1:2"},
      {"\"ab\x80\"", "invalid UTF-8 byte 0x80 at 1:4"},
      {"\"\xC0\xAF\"", "invalid UTF-8 byte 0xc0 at 1:2"},          // overlong '/'
      {"\"\xE0\x80\xAF\"", "invalid UTF-8 byte 0xe0 at 1:2"},      // overlong 3-byte
      {"\"\xF0\x80\x80\xAF\"", "invalid UTF-8 byte 0xf0 at 1:2"},  // overlong 4-byte
      {"\"\xED\xA0\x80\"", "invalid UTF-8 byte 0xed at 1:2"},      // encoded surrogate
      {"\"\xF4\x90\x80\x80\"", "invalid UTF-8 byte 0xf4 at 1:2"},  // above U+10FFFF
      {"\"\xF5\x80\x80\x80\"", "invalid UTF-8 byte 0xf5 at 1:2"},
      {"\"\xE2\x82\"", "invalid UTF-8 byte 0xe2 at 1:2"},          // truncated
      {"\"\xC3", "invalid UTF-8 byte 0xc3 at 1:2"},
      {"[\xFF]", "invalid UTF-8 byte 0xff at 1:2"},
      {"[1\xFF]", "invalid UTF-8 byte 0xff at 1:3"},
      {"{\"a\"\xC0\x80:1}", "invalid UTF-8 byte 0xc0 at 1:5"},
      {"1 \xED\xA0\x80", "invalid UTF-8 byte 0xed at 1:3"},
      {"1 \xC3\xA9", "unexpected data after the top-level value at 1:3"},
      {"[\xC3\xA9]", "unexpected character '\xC3\xA9' at 1:2"},
      {"[\x01]", "unexpected character 0x01 at 1:2"},
      {"NaN", "invalid literal 'NaN' at 1:1"},
      {"[Infinity]", "invalid literal 'Infinity' at 1:2"},
      {"-Infinity", "expected digit after '-' at 1:2"},
      {"tru", "invalid literal 'tru' at 1:1"},
      {"nulll", "invalid literal 'nulll' at 1:1"},
      {"True", "invalid literal 'True' at 1:1"},
      {"'a'", "unexpected character ''' at 1:1"},
      {"// comment\n1", "unexpected character '/' at 1:1"},
      {"[1] /* c */", "unexpected data after the top-level value at 1:5"},
      {"01", "leading zeros are not allowed in numbers at 1:1"},
      {"[-01]", "leading zeros are not allowed in numbers at 1:2"},
      {"[1.]", "expected digit after '.' at 1:4"},
      {"[1.e5]", "expected digit after '.' at 1:4"},
      {"[1e]", "expected digit in exponent at 1:4"},
      {"[1e+]", "expected digit in exponent at 1:5"},
      {"[-]", "expected digit after '-' at 1:3"},
      {"-", "unexpected end of input at 1:2"},
      {"+1", "unexpected character '+' at 1:1"},
      {".5", "unexpected character '.' at 1:1"},
      {"0x10", "unexpected data after the top-level value at 1:2"},
      {"1e400", "number out of range at 1:1"},
      {"[0, -1.5e309]", "number out of range at 1:5"},
      {"1000000000000000000000000e300", "number out of range at 1:1"},
      {"{\"a\":1,\"a\":2}", "duplicate key 'a' at 1:8"},
      {"{\n  \"a\": 1,\n  \"b\": {\"a\": 2},\n  \"a\": 3\n}", "duplicate key 'a' at 4:3"},
      {R"({"ab":1,"a\u0062":2})", "duplicate key 'ab' at 1:9"},
  };
  for (const Case& c : cases) EXPECT_EQ(Read(c.input), "error: " + c.want) << "input: " << c.input;
}

TEST(JsonReader, ErrorFieldsAreFilled) {
  Arena arena;
  Value v;
  JsonError e;
  ASSERT_FALSE(read_json("{\n  \"a\": [1,]\n}", arena, {}, &v, &e));
  EXPECT_EQ(e.message, "trailing comma before ']'");
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 10u);
  EXPECT_EQ(e.offset, 11u);
  // A null error pointer is allowed.
  EXPECT_FALSE(read_json("[", arena, {}, &v, nullptr));
}

TEST(JsonReader, DuplicateKeysInLargeObjects) {
  std::string doc = "{";
  for (int i = 0; i < 1000; ++i) doc += "\"key" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  std::string ok = doc;
  ok.back() = '}';
  Arena arena;
  Value v;
  JsonError e;
  ASSERT_TRUE(read_json(ok, arena, {}, &v, &e)) << e.describe();
  EXPECT_EQ(v.as_map().size, 1000u);
  ASSERT_NE(v.as_map().find("key999"), nullptr);
  EXPECT_EQ(v.as_map().find("key999")->as_int(), 999);

  std::string dup = doc + "\"key500\":0}";
  EXPECT_FALSE(read_json(dup, arena, {}, &v, &e));
  EXPECT_EQ(e.message, "duplicate key 'key500'");
  EXPECT_EQ(e.offset, doc.size());

  // The same object nested, with siblings, each checked on its own.
  EXPECT_EQ(Read("[" + ok + "," + ok + "]").substr(0, 6), "[{\"key");
  EXPECT_EQ(Read("{\"x\":" + ok + ",\"y\":" + dup + "}"),
            "error: duplicate key 'key500' at 1:" + std::to_string(5 + ok.size() + 5 + doc.size() + 1));
}

TEST(JsonReader, AllowDuplicateKeysKeepsTheLastValue) {
  JsonLimits limits;
  limits.allow_duplicate_keys = true;
  EXPECT_EQ(Read(R"({"a":1,"b":2,"a":3})", limits), R"({"a":3,"b":2})");
  std::string doc = "{";
  for (int i = 0; i < 100; ++i) doc += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  doc += "\"k7\":\"again\"}";
  Arena arena;
  Value v;
  JsonError e;
  ASSERT_TRUE(read_json(doc, arena, limits, &v, &e));
  EXPECT_EQ(v.as_map().size, 100u);
  EXPECT_EQ(v.as_map().find("k7")->as_string(), "again");
}

// Only the first 64 members of an object add their keys to the intern table,
// and it stops at 65,536 keys. Keys left out are copied one by one, and
// duplicates among them must still be found (by content).
TEST(JsonReader, DuplicateKeysAmongKeysNotInterned) {
  std::string doc = "[";
  for (int i = 0; i < 1200; ++i) {  // 72,000 distinct keys: fills the table
    doc += "{";
    for (int j = 0; j < 60; ++j) doc += "\"k" + std::to_string(i) + "_" + std::to_string(j) + "\":0,";
    doc.back() = '}';
    doc += ",";
  }
  std::string ok = doc + "{\"x1\":1,\"x2\":2,\"k0_5\":3}]";
  Arena arena;
  Value v;
  JsonError e;
  ASSERT_TRUE(read_json(ok, arena, {}, &v, &e)) << e.describe();
  const ListRep& l = v.as_list();
  EXPECT_EQ(l.items[1200].as_map().find("x2")->as_int(), 2);
  // Interned before the table filled up: shared with the first object's key.
  EXPECT_EQ(l.items[1200].as_map().members[2].key.as_string().data(),
            l.items[0].as_map().members[5].key.as_string().data());
  std::string dup = doc + "{\"x1\":1,\"x2\":2,\"x1\":3}]";
  ASSERT_FALSE(read_json(dup, arena, {}, &v, &e));
  EXPECT_EQ(e.message, "duplicate key 'x1'");
  EXPECT_EQ(e.offset, doc.size() + 15);

  // A wide object: a late key repeating an early (interned) one, and a late
  // key repeating another late one.
  std::string wide = "{";
  for (int i = 0; i < 100; ++i) wide += "\"w" + std::to_string(i) + "\":0,";
  EXPECT_EQ(Read(wide + "\"w10\":1}"), "error: duplicate key 'w10' at 1:" + std::to_string(wide.size() + 1));
  EXPECT_EQ(Read(wide + "\"w90\":1}"), "error: duplicate key 'w90' at 1:" + std::to_string(wide.size() + 1));
  EXPECT_EQ(Read(wide + "\"w100\":1}").substr(0, 10), "{\"w0\":0,\"w");
}

// ---- Limits --------------------------------------------------------------

TEST(JsonReader, DeepNestingFailsCleanly) {
  for (const char* open : {"[", "{\"a\":"}) {
    std::string deep;
    for (int i = 0; i < 100'000; ++i) deep += open;
    size_t step = std::string_view(open).size();
    EXPECT_EQ(Read(deep), "error: nesting depth exceeds 512 at 1:" + std::to_string(512 * step + 1))
        << open;
  }
  // Exactly at the limit is fine.
  std::string ok = std::string(512, '[') + std::string(512, ']');
  EXPECT_EQ(Read(ok), ok);
  JsonLimits limits;
  limits.max_depth = 100'000;
  std::string deeper = std::string(100'000, '[') + "1" + std::string(100'000, ']');
  Arena arena;
  Value v;
  JsonError e;
  ASSERT_TRUE(read_json(deeper, arena, limits, &v, &e)) << e.describe();
}

TEST(JsonReader, StringAndValueCountLimits) {
  JsonLimits limits;
  limits.max_string_bytes = 4;
  EXPECT_EQ(Read("[\"abcd\"]", limits), "[\"abcd\"]");
  EXPECT_EQ(Read("[\"abcde\"]", limits), "error: string exceeds 4 bytes at 1:2");
  EXPECT_EQ(Read("{\"abcde\":1}", limits), "error: string exceeds 4 bytes at 1:2");
  // The decoded size counts: six bytes of escape are one byte of string.
  EXPECT_EQ(Read(R"(["\u0041\u0042\u0043\u0044"])", limits), "[\"ABCD\"]");
  EXPECT_EQ(Read("\"" + std::string(100, 'x') + "\""), "\"" + std::string(100, 'x') + "\"");
  EXPECT_EQ(Read("\"" + std::string((64u << 20) + 1, 'x') + "\""),
            "error: string exceeds 67108864 bytes at 1:1");

  limits = {};
  limits.max_nodes = 3;
  EXPECT_EQ(Read("[1,2]", limits), "[1,2]");
  EXPECT_EQ(Read("[1,2,3]", limits), "error: document has more than 3 values at 1:6");
}

TEST(JsonReader, ArenaBudgetExceptionPropagates) {
  std::string doc = "[";
  for (int i = 0; i < 10'000; ++i) doc += "\"some string value\",";
  doc += "0]";
  Arena arena(4096);
  Value v;
  JsonError e;
  EXPECT_THROW(read_json(doc, arena, {}, &v, &e), MemoryBudgetExceeded);
}

// ---- String scanning at every alignment ----------------------------------

// The scanner reads 8 bytes at a time; put each kind of special byte at every
// position around that boundary.
TEST(JsonReader, SpecialBytesAtEveryPosition) {
  struct Special {
    std::string raw;
    std::string decoded;  // empty: an error at the special byte
  };
  const std::vector<Special> specials = {
      {"\\\"", "\""}, {"\\\\", "\\"}, {"\\n", "\n"}, {"\xC3\xA9", "\xC3\xA9"},
      {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"}, {"\x1F", ""}, {"\xFF", ""}, {"\x7F", "\x7F"},
  };
  for (const Special& s : specials) {
    for (size_t len = 0; len < 20; ++len) {
      for (size_t pos = 0; pos <= len; ++pos) {
        std::string text = "\"" + std::string(pos, 'a') + s.raw + std::string(len - pos, 'b') + "\"";
        Arena arena;
        Value v;
        JsonError e;
        bool ok = read_json(text, arena, {}, &v, &e);
        if (s.decoded.empty()) {
          ASSERT_FALSE(ok) << text;
          EXPECT_EQ(e.offset, pos + 1) << text;
        } else {
          ASSERT_TRUE(ok) << text << ": " << e.describe();
          EXPECT_EQ(v.as_string(), std::string(pos, 'a') + s.decoded + std::string(len - pos, 'b'));
        }
      }
    }
  }
}

// ---- Interning and offsets -----------------------------------------------

TEST(JsonReader, EqualKeysShareOneCopy) {
  Arena arena;
  Value v;
  JsonError e;
  ASSERT_TRUE(read_json(R"([{"type":1,"name":"a"},{"name":"b","type":2},{"ty\u0070e":3}])", arena,
                        {}, &v, &e));
  const ListRep& l = v.as_list();
  const char* type0 = l.items[0].as_map().members[0].key.as_string().data();
  const char* type1 = l.items[1].as_map().members[1].key.as_string().data();
  const char* type2 = l.items[2].as_map().members[0].key.as_string().data();
  EXPECT_EQ(type0, type1);
  EXPECT_EQ(type0, type2);
  EXPECT_EQ(l.items[0].as_map().members[1].key.as_string().data(),
            l.items[1].as_map().members[0].key.as_string().data());
  // String values are copied, not interned, and never point into the text.
  std::string text = R"(["same","same"])";
  ASSERT_TRUE(read_json(text, arena, {}, &v, &e));
  const char* s0 = v.as_list().items[0].as_string().data();
  EXPECT_FALSE(s0 >= text.data() && s0 < text.data() + text.size());
}

TEST(JsonReader, ContainersRecordTheirSourceOffset) {
  std::string text = "\xEF\xBB\xBF [ {\"a\": [1]}, [], {} ]";
  Arena arena;
  Value v;
  JsonError e;
  ASSERT_TRUE(read_json(text, arena, {}, &v, &e));
  const ListRep& top = v.as_list();
  EXPECT_EQ(top.source_offset, 4u);
  const MapRep& m = top.items[0].as_map();
  EXPECT_EQ(m.source_offset, 6u);
  EXPECT_EQ(m.find("a")->as_list().source_offset, 12u);
  EXPECT_EQ(top.items[1].as_list().source_offset, 18u);
  EXPECT_EQ(top.items[2].as_map().source_offset, 22u);
  for (uint32_t off : {4u, 6u, 12u, 18u, 22u}) EXPECT_TRUE(text[off] == '[' || text[off] == '{');
}

// ---- Agreement and robustness --------------------------------------------

// A generated document read by nlohmann::json and by us prints the same.
TEST(JsonReader, AgreesWithNlohmann) {
  std::mt19937 rng(7);
  nlohmann::json doc = nlohmann::json::object();
  for (int i = 0; i < 300; ++i) {
    nlohmann::json r = {{"type", "AWS::Thing::" + std::to_string(rng() % 7)},
                        {"count", static_cast<int64_t>(rng()) - (1ll << 31)},
                        {"big", static_cast<uint64_t>(rng()) << 30},
                        {"flag", rng() % 2 == 0},
                        {"tags", {"a\"b", "\xC3\xA9t\xC3\xA9", "tab\there", "\x01"}},
                        {"nested", {{"x", nullptr}, {"y", nlohmann::json::array()}}}};
    doc["res-" + std::to_string(i)] = r;
  }
  std::string text = doc.dump(2);
  Arena arena;
  Value v;
  JsonError e;
  ASSERT_TRUE(read_json(text, arena, {}, &v, &e)) << e.describe();
  // nlohmann sorts object keys; compare through it.
  EXPECT_EQ(nlohmann::json::parse(to_json(v)), doc);
}

// Every prefix of a document and many single-byte corruptions either parse or
// fail with an offset inside the text; none may crash (run under ASan).
TEST(JsonReader, TruncatedAndCorruptedInputNeverCrashes) {
  std::string doc =
      "{\"a\": [1, -2.5e3, true, null, \"x\\u00e9\\ud83d\\ude00\"], \"b\": {\"c\": \"\xC3\xA9\"}, "
      "\"d\": [[], {}, [\"\\\"\\\\\"]], \"e\": 12345678901234567890}";
  for (size_t n = 0; n < doc.size(); ++n) {
    Arena arena;
    Value v;
    JsonError e;
    EXPECT_FALSE(read_json(std::string_view(doc).substr(0, n), arena, {}, &v, &e)) << n;
    EXPECT_LE(e.offset, n);
  }
  std::mt19937 rng(1);
  for (int i = 0; i < 20'000; ++i) {
    std::string bad = doc;
    for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k)
      bad[rng() % bad.size()] = static_cast<char>(rng() % 256);
    Arena arena;
    Value v;
    JsonError e;
    if (!read_json(bad, arena, {}, &v, &e)) {
      EXPECT_LE(e.offset, bad.size());
      EXPECT_GE(e.line, 1u);
    }
  }
}

}  // namespace
}  // namespace moat
