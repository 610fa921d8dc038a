#include <gtest/gtest.h>

#include <string>

#include "builtin_test_util.h"
#include "builtins/builtin.h"
#include "value/build.h"

namespace moat {
namespace {

using testing::Case;
using testing::call;

BuiltinRegistry registry() {
  BuiltinRegistry r;
  register_encoding_builtins(r);
  return r;
}

TEST(EncodingBuiltins, Table) {
  std::vector<Case> cases = {
      {"base64_decode", {R"("aGk=")"}, R"("hi")"},
      {"base64_decode", {R"("aGk")"}, R"("hi")"},
      {"base64_decode", {R"("aGVsbG8gd29ybGQ=")"}, R"("hello world")"},
      {"base64_decode", {R"("")"}, R"("")"},
      {"base64_decode", {R"("Pz8-Pz8_")"}, R"("??>???")"},
      {"base64_decode", {R"("Pz8+Pz8/")"}, R"("??>???")"},
      {"base64_decode", {R"("aGk*")"}, "!decode_error"},
      {"base64_decode", {R"("a")"}, "!decode_error"},
      {"base64_decode", {R"("aGk==")"}, "!decode_error"},
      {"base64_decode", {R"("aG=k")"}, "!decode_error"},
      {"base64_decode", {R"("aGk =")"}, "!decode_error"},
      {"base64_decode", {"1"}, "!type_error"},
      {"base64_decode", {"?missing"}, "?missing"},
      {"base64_encode", {R"("hi")"}, R"("aGk=")"},
      {"base64_encode", {R"("h")"}, R"("aA==")"},
      {"base64_encode", {R"("hey")"}, R"("aGV5")"},
      {"base64_encode", {R"("")"}, R"("")"},
      {"base64_encode", {"[]"}, "!type_error"},
      {"base64_encode", {"?missing"}, "?missing"},

      {"url_decode", {R"("a%20b+c")"}, R"("a b c")"},
      {"url_decode", {R"("%2f%2F")"}, R"("//")"},
      {"url_decode", {R"("100%")"}, R"("100%")"},
      {"url_decode", {R"("%zz%4")"}, R"("%zz%4")"},
      {"url_decode", {R"("%C3%A9")"}, R"("é")"},
      {"url_decode", {"null"}, "!type_error"},
      {"url_decode", {"?missing"}, "?missing"},
      {"url_encode", {R"("a b/c")"}, R"("a%20b%2Fc")"},
      {"url_encode", {R"("A-z_0.~")"}, R"("A-z_0.~")"},
      {"url_encode", {R"("é+")"}, R"("%C3%A9%2B")"},
      {"url_encode", {"1"}, "!type_error"},
      {"url_encode", {"?missing"}, "?missing"},

      {"html_unescape", {R"("&lt;b&gt; &amp; &quot;x&quot; &apos;")"}, R"("<b> & \"x\" '")"},
      {"html_unescape", {R"("&#65;&#x42;&#X43;")"}, R"("ABC")"},
      {"html_unescape", {R"("a&nbsp;b")"}, R"("a\u00a0b")"},
      {"html_unescape", {R"("&#233;&#x1F600;")"}, R"("é😀")"},
      {"html_unescape", {R"("&#0;&#xD800;&#99999999999;")"}, R"("\ufffd\ufffd\ufffd")"},
      {"html_unescape", {R"("&unknown; & &amp &#; &#x; &#12a;")"}, R"("&unknown; & &amp &#; &#x; &#12a;")"},
      {"html_unescape", {R"("plain")"}, R"("plain")"},
      {"html_unescape", {"1"}, "!type_error"},
      {"html_unescape", {"?missing"}, "?missing"},

      {"json_parse", {R"("{\"a\": [1, 2.5, \"x\", true, null]}")"}, R"({"a": [1, 2.5, "x", true, null]})"},
      {"json_parse", {R"(" 42 ")"}, "42"},
      {"json_parse", {R"("-0")"}, "0"},
      {"json_parse", {R"("1e2")"}, "100.0"},
      {"json_parse", {R"("9223372036854775807")"}, "9223372036854775807"},
      {"json_parse", {R"("9223372036854775808")"}, "9223372036854775808.0"},
      {"json_parse", {R"("-9223372036854775808")"}, "-9223372036854775808"},
      {"json_parse", {R"("\"a\\u00e9\\ud83d\\ude00\\n\"")"}, R"("aé😀\n")"},
      {"json_parse", {R"("{\"b\": 1, \"a\": 2, \"b\": 3}")"}, R"({"b": 3, "a": 2})"},
      {"json_parse", {R"("[]")"}, "[]"},
      {"json_parse", {R"("{}")"}, "{}"},
      {"json_parse", {R"("")"}, "!decode_error"},
      {"json_parse", {R"("[1,]")"}, "!decode_error"},
      {"json_parse", {R"("{\"a\" 1}")"}, "!decode_error"},
      {"json_parse", {R"("[1] x")"}, "!decode_error"},
      {"json_parse", {R"("01")"}, "!decode_error"},
      {"json_parse", {R"("1.")"}, "!decode_error"},
      {"json_parse", {R"("+1")"}, "!decode_error"},
      {"json_parse", {R"("NaN")"}, "!decode_error"},
      {"json_parse", {R"("1e999")"}, "!decode_error"},
      {"json_parse", {R"("tru")"}, "!decode_error"},
      {"json_parse", {R"("\"abc")"}, "!decode_error"},
      {"json_parse", {R"("\"a\tb\"")"}, "!decode_error"},
      {"json_parse", {R"("\"\\x\"")"}, "!decode_error"},
      {"json_parse", {R"("\"\\ud800\"")"}, "!decode_error"},
      {"json_parse", {R"("\"\\udc00\"")"}, "!decode_error"},
      {"json_parse", {R"("\"\\u12\"")"}, "!decode_error"},
      {"json_parse", {R"("{1: 2}")"}, "!decode_error"},
      {"json_parse", {"{}"}, "!type_error"},
      {"json_parse", {"?missing"}, "?missing"},

      {"json_encode", {R"({"a": [1, "b", 2.5, null]})"}, R"("{\"a\":[1,\"b\",2.5,null]}")"},
      {"json_encode", {R"("x\"y")"}, R"("\"x\\\"y\"")"},
      {"json_encode", {"3.0"}, R"("3.0")"},
      {"json_encode", {"?missing"}, "?missing"},
  };
  // json_encode accepts every ordinary value.
  testing::run_table(registry(), "encodings", cases, {"json_encode"});
}

TEST(EncodingBuiltins, JsonDepthIsLimited) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  auto nested = [&](int depth) {
    return make_string(arena, std::string(depth, '[') + std::string(depth, ']'));
  };
  EXPECT_TRUE(call(r, "json_parse", {nested(256)}, ctx).is_list());
  Value deep = call(r, "json_parse", {nested(257)}, ctx);
  ASSERT_TRUE(deep.is_error());
  EXPECT_EQ(deep.as_error().code, "depth_limit");
  // Far past the limit: rejected without recursing that deep.
  Value hostile = call(r, "json_parse", {make_string(arena, std::string(1000000, '['))}, ctx);
  ASSERT_TRUE(hostile.is_error());
  EXPECT_EQ(hostile.as_error().code, "depth_limit");
}

TEST(EncodingBuiltins, JsonRoundTrips) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  std::string text = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],)"
                     R"("Resource":"*","Condition":{"NumericLessThan":{"n":0.5}}}],"k":-12})";
  Value v = call(r, "json_parse", {make_string(arena, text)}, ctx);
  ASSERT_TRUE(v.is_map());
  Value back = call(r, "json_encode", {v}, ctx);
  ASSERT_TRUE(back.is_string());
  EXPECT_EQ(back.as_string(), text);
}

TEST(EncodingBuiltins, BinaryAndInvalidUtf8) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  std::string bytes("\x00\xff\xfe\x80 a", 6);
  Value enc = call(r, "base64_encode", {make_string(arena, bytes)}, ctx);
  ASSERT_TRUE(enc.is_string());
  Value dec = call(r, "base64_decode", {enc}, ctx);
  ASSERT_TRUE(dec.is_string());
  EXPECT_EQ(dec.as_string(), bytes);
  Value url = call(r, "url_decode", {call(r, "url_encode", {make_string(arena, bytes)}, ctx)}, ctx);
  ASSERT_TRUE(url.is_string());
  EXPECT_EQ(url.as_string(), bytes);
  // Raw bytes that are not UTF-8 inside a JSON string are kept as they are.
  Value j = call(r, "json_parse", {make_string(arena, "\"a\xff\"")}, ctx);
  ASSERT_TRUE(j.is_string());
  EXPECT_EQ(j.as_string(), "a\xff");
  Value h = call(r, "html_unescape", {make_string(arena, "\xff&amp;\xc3")}, ctx);
  ASSERT_TRUE(h.is_string());
  EXPECT_EQ(h.as_string(), "\xff&\xc3");
}

TEST(EncodingBuiltins, JsonEncodePropagatesNestedUndefinedValues) {
  BuiltinRegistry r = registry();
  Arena arena;
  CallContext ctx(arena, 0);
  Value inner[] = {make_unknown(arena, "Ref"), make_error(arena, "boom", "boom")};
  Member m[] = {{Value::string("a"), make_list(arena, inner)}};
  Value v = call(r, "json_encode", {make_map(arena, m)}, ctx);
  ASSERT_TRUE(v.is_error());
  EXPECT_EQ(v.as_error().code, "boom");
}

TEST(EncodingBuiltins, JsonParseCountsAgainstTheArenaBudget) {
  BuiltinRegistry r = registry();
  std::string text = "[1";
  for (int i = 0; i < 100000; ++i) text += ",1";
  text += "]";
  Arena arena(1 << 20);
  CallContext ctx(arena, 0);
  Value s = Value::string(text);
  EXPECT_THROW(call(r, "json_parse", {s}, ctx), MemoryBudgetExceeded);
}

}  // namespace
}  // namespace moat
