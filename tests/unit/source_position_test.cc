// Offsets -> line:column, and finding a member's or element's offset in JSON
// text, alone and together with the offsets read_json records.
#include "documents/source_position.h"

#include <gtest/gtest.h>

#include <string>

#include "documents/json_reader.h"
#include "value/arena.h"
#include "value/value.h"

namespace moat {
namespace {

std::string Pos(SourcePosition p) { return std::to_string(p.line) + ":" + std::to_string(p.column); }

TEST(SourcePosition, LineAndColumn) {
  std::string text = "ab\ncd\r\n\nx";
  LineIndex index(text);
  const std::vector<std::pair<uint64_t, std::string>> cases = {
      {0, "1:1"}, {1, "1:2"}, {2, "1:3"},  // the '\n' belongs to its line
      {3, "2:1"}, {5, "2:3"}, {6, "2:4"}, {7, "3:1"}, {8, "4:1"},
      {9, "4:2"},  // one past the end: where "unexpected end of input" points
      {10, "0:0"}, {UINT64_MAX, "0:0"},
  };
  for (const auto& [offset, want] : cases) {
    EXPECT_EQ(Pos(index.at(offset)), want) << offset;
    EXPECT_EQ(Pos(position_at(text, offset)), want) << offset;
  }
}

TEST(SourcePosition, ByteOrderMarkIsNotAColumn) {
  std::string text = "\xEF\xBB\xBF{\n}";
  LineIndex index(text);
  for (uint64_t offset : {0, 1, 2, 3}) EXPECT_EQ(Pos(index.at(offset)), "1:1") << offset;
  EXPECT_EQ(Pos(index.at(4)), "1:2");
  EXPECT_EQ(Pos(index.at(5)), "2:1");
  EXPECT_EQ(Pos(position_at(text, 3)), "1:1");
}

TEST(SourcePosition, EmptyText) {
  LineIndex index("");
  EXPECT_EQ(Pos(index.at(0)), "1:1");
  EXPECT_EQ(Pos(index.at(1)), "0:0");
  EXPECT_EQ(Pos(position_at("", 0)), "1:1");
}

TEST(SourcePosition, IndexAgreesWithScanEverywhere) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += std::string(static_cast<size_t>(i % 7), 'x') + (i % 3 ? "\n" : "\r\n");
  LineIndex index(text);
  for (uint64_t off = 0; off <= text.size(); ++off)
    ASSERT_EQ(Pos(index.at(off)), Pos(position_at(text, off))) << off;
}

// The text the finders are tested on; `at(x)` is the offset of the first x.
const std::string kDoc =
    "{\n"
    "  \"str\": \"a } ] \\\" { [\",\n"
    "  \"nested\": {\"deep\": [1, {\"x\": [\"]\"]}], \"k\": \"v\"},\n"
    "  \"ke\\u0079\": true,\n"
    "  \"list\" :  [ 10 , \"twenty\" , [30, 31] , {\"forty\": 40}, -5e1 ],\n"
    "  \"\": null,\n"
    "  \"last\": 1\n"
    "}";

uint64_t at(std::string_view needle) { return kDoc.find(needle); }

TEST(FindMemberOffset, FindsValuesPastNestedContent) {
  EXPECT_EQ(find_member_offset(kDoc, 0, "str"), at("\"a } ]"));
  EXPECT_EQ(find_member_offset(kDoc, 0, "nested"), at("{\"deep\""));
  EXPECT_EQ(find_member_offset(kDoc, 0, "key"), at("true"));  // key written with an escape
  EXPECT_EQ(find_member_offset(kDoc, 0, "list"), at("[ 10"));
  EXPECT_EQ(find_member_offset(kDoc, 0, ""), at("null"));
  EXPECT_EQ(find_member_offset(kDoc, 0, "last"), at("1\n}"));
  EXPECT_EQ(find_member_offset(kDoc, at("{\"deep\""), "k"), at("\"v\""));
  EXPECT_EQ(find_member_offset(kDoc, at("{\"x\""), "x"), at("[\"]\"]"));
}

TEST(FindMemberOffset, NotFound) {
  EXPECT_EQ(find_member_offset(kDoc, 0, "missing"), std::nullopt);
  EXPECT_EQ(find_member_offset(kDoc, 0, "deep"), std::nullopt);  // only in a nested object
  EXPECT_EQ(find_member_offset(kDoc, at("[ 10"), "x"), std::nullopt);  // not an object
  EXPECT_EQ(find_member_offset("{}", 0, "a"), std::nullopt);
  EXPECT_EQ(find_member_offset("{\"a\":1}", 99, "a"), std::nullopt);
  // Text that is not JSON must not be read past its end.
  for (std::string_view bad : {"{", "{\"a", "{\"a\"", "{\"a\":", "{\"b\":[1,", "{\"b\":\"\\", "{\"b\":1"})
    EXPECT_EQ(find_member_offset(bad, 0, "a"), std::nullopt) << bad;
}

TEST(FindElementOffset, FindsEachElement) {
  uint64_t list = at("[ 10");
  EXPECT_EQ(find_element_offset(kDoc, list, 0), at("10"));
  EXPECT_EQ(find_element_offset(kDoc, list, 1), at("\"twenty\""));
  EXPECT_EQ(find_element_offset(kDoc, list, 2), at("[30"));
  EXPECT_EQ(find_element_offset(kDoc, list, 3), at("{\"forty\""));
  EXPECT_EQ(find_element_offset(kDoc, list, 4), at("-5e1"));
  EXPECT_EQ(find_element_offset(kDoc, list, 5), std::nullopt);
  EXPECT_EQ(find_element_offset(kDoc, at("[30"), 1), at("31"));
  EXPECT_EQ(find_element_offset(kDoc, 0, 0), std::nullopt);  // an object
  EXPECT_EQ(find_element_offset("[]", 0, 0), std::nullopt);
  EXPECT_EQ(find_element_offset("[1, 2", 0, 1), 4u);
  EXPECT_EQ(find_element_offset("[1, ", 0, 1), std::nullopt);  // text ends first
}

// The way findings get their location: the reader records the container's
// offset, the finder gets the member's, the index turns it into line:col.
TEST(SourcePosition, WorksWithReaderOffsets) {
  Arena arena;
  Value v;
  JsonError e;
  ASSERT_TRUE(read_json(kDoc, arena, {}, &v, &e)) << e.describe();
  const MapRep& nested = v.as_map().find("nested")->as_map();
  LineIndex index(kDoc);
  auto k = find_member_offset(kDoc, nested.source_offset, "k");
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(Pos(index.at(*k)), "3:46");
  const ListRep& list = v.as_map().find("list")->as_list();
  auto forty = find_element_offset(kDoc, list.source_offset, 3);
  ASSERT_TRUE(forty.has_value());
  EXPECT_EQ(Pos(index.at(*forty)), "5:42");
}

}  // namespace
}  // namespace moat
