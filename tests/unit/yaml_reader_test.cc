// read_yaml: what it accepts (exact values), what it rejects (exact message
// and line:column), tags, anchors and merge keys, the limits, positions, and
// every YAML file of the shared corpus.
#include "documents/yaml_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "value/arena.h"
#include "value/build.h"
#include "value/value.h"

namespace moat {
namespace {

// The value as JSON text (ints and floats stay apart: 1 vs 1.0), or
// "error: <message> at <line>:<column>".
std::string Read(std::string_view text, const YamlLimits& limits = {}, const YamlTagHandler& tags = nullptr) {
  Arena arena;
  Value v;
  YamlError error;
  if (!read_yaml(text, arena, limits, &v, &error, nullptr, tags)) return "error: " + error.describe();
  return to_json(v);
}

struct Case {
  std::string input;
  std::string want;
};

void ExpectAll(const std::vector<Case>& cases, const YamlLimits& limits = {},
               const YamlTagHandler& tags = nullptr) {
  for (const Case& c : cases) EXPECT_EQ(Read(c.input, limits, tags), c.want) << "input: " << c.input;
}

// CloudFormation's short forms, as a CloudFormation loader would write them:
// !GetAtt A.B -> {"Fn::GetAtt": ["A", "B"]}, !Ref X -> {"Ref": "X"}, ...
bool CloudFormationTags(std::string_view tag, Value value, Arena& arena, Value* out, std::string* error) {
  static const std::vector<std::string_view> kFunctions = {
      "And", "Base64", "Cidr", "Equals", "FindInMap", "GetAtt", "GetAZs", "If", "ImportValue",
      "Join", "Not", "Or", "Select", "Split", "Sub", "Transform"};
  std::string_view name = tag.starts_with("!") ? tag.substr(1) : std::string_view();
  std::string key;
  if (name == "Ref" || name == "Condition") {
    key = name;
  } else if (std::find(kFunctions.begin(), kFunctions.end(), name) != kFunctions.end()) {
    key = "Fn::" + std::string(name);
  } else {
    *error = "unknown tag '" + std::string(tag) + "'";
    return false;
  }
  if (name == "GetAtt" && value.is_string()) {
    std::string_view s = value.as_string();
    size_t dot = s.find('.');
    if (dot == std::string_view::npos) {
      *error = "!GetAtt expects Resource.Attribute";
      return false;
    }
    Value parts[] = {Value::string(s.substr(0, dot)), Value::string(s.substr(dot + 1))};
    value = make_list(arena, parts);
  }
  Member m{make_string(arena, key), value};
  *out = make_map_unique(arena, std::span<const Member>(&m, 1));
  return true;
}

// ---- Scalars ---------------------------------------------------------------

TEST(YamlReader, PlainScalarsFollowTheCoreSchema) {
  ExpectAll({
      {"", "null"},
      {"# only a comment\n", "null"},
      {"~", "null"},
      {"null", "null"},
      {"Null", "null"},
      {"NULL", "null"},
      {"nULL", "\"nULL\""},
      {"true", "true"},
      {"True", "true"},
      {"TRUE", "true"},
      {"false", "false"},
      {"False", "false"},
      {"FALSE", "false"},
      {"tRUE", "\"tRUE\""},
      {"yes", "\"yes\""},
      {"No", "\"No\""},
      {"on", "\"on\""},
      {"OFF", "\"OFF\""},
      {"y", "\"y\""},
      {"0", "0"},
      {"-0", "0"},
      {"+12", "12"},
      {"-7", "-7"},
      {"9223372036854775807", "9223372036854775807"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"0x1F", "31"},
      {"0xff", "255"},
      {"0o17", "15"},
      {"0x7FFFFFFFFFFFFFFF", "9223372036854775807"},
      {"0xFFFFFFFFFFFFFFFF", "\"0xFFFFFFFFFFFFFFFF\""},
      {"0x", "\"0x\""},
      {"0o8", "\"0o8\""},
      {"-0x1", "\"-0x1\""},
      {"012345678901", "\"012345678901\""},  // an account id keeps its zero
      {"0755", "\"0755\""},
      {"-012", "\"-012\""},
      {"1.5", "1.5"},
      {"-1.25e-3", "-0.00125"},
      {"1.", "1.0"},
      {".5", "0.5"},
      {"+.5", "0.5"},
      {"1e3", "1000.0"},
      {"1E+2", "100.0"},
      {"01.5", "1.5"},
      {"1e-400", "0.0"},
      {"1_000", "\"1_000\""},
      {"1:20", "\"1:20\""},
      {"1.2.3", "\"1.2.3\""},
      {"12abc", "\"12abc\""},
      {"1e", "\"1e\""},
      {".", "\".\""},
      {"+", "\"+\""},
      {"-", "[null]"},  // a block sequence with one empty entry
      {"3.10", "3.1"},
      {"python3.12", "\"python3.12\""},
      {"hello world", "\"hello world\""},
      {"2010-09-09", "\"2010-09-09\""},  // no timestamps: AWSTemplateFormatVersion stays text
      {"a: one\n  two\n", "{\"a\":\"one two\"}"},
      {"\xEF\xBB\xBFok", "\"ok\""},
  });
}

TEST(YamlReader, SpecialFloats) {
  struct F {
    std::string text;
    double want;
  };
  const double inf = std::numeric_limits<double>::infinity();
  for (const F& f : std::vector<F>{{".inf", inf}, {".Inf", inf}, {"+.INF", inf}, {"-.inf", -inf},
                                   {"1e400", inf}, {"-1e400", -inf}, {"9223372036854775808", 9223372036854775808.0},
                                   {"-0.0", -0.0}}) {
    Arena arena;
    Value v;
    YamlError e;
    ASSERT_TRUE(read_yaml(f.text, arena, {}, &v, &e)) << f.text;
    ASSERT_TRUE(v.is_float()) << f.text;
    EXPECT_EQ(v.as_float(), f.want) << f.text;
    EXPECT_EQ(std::signbit(v.as_float()), std::signbit(f.want)) << f.text;
  }
  for (std::string text : {".nan", ".NaN", ".NAN"}) {
    Arena arena;
    Value v;
    YamlError e;
    ASSERT_TRUE(read_yaml(text, arena, {}, &v, &e));
    ASSERT_TRUE(v.is_float());
    EXPECT_TRUE(std::isnan(v.as_float())) << text;
  }
  EXPECT_EQ(Read("-.nan"), "\"-.nan\"");
  EXPECT_EQ(Read(".inF"), "\".inF\"");
}

TEST(YamlReader, Yaml11BooleansOnRequest) {
  YamlLimits cfn;
  cfn.yaml11_booleans = true;
  ExpectAll({{"[yes, Yes, YES, on, On, ON, true]", "[true,true,true,true,true,true,true]"},
             {"[no, No, NO, off, Off, OFF, false]", "[false,false,false,false,false,false,false]"},
             {"[y, n, yES, 'yes', !!str no]", "[\"y\",\"n\",\"yES\",\"yes\",\"no\"]"},
             {"!!bool yes", "true"},
             {"yes: no", "{\"yes\":false}"}},
            cfn);
  EXPECT_EQ(Read("!!bool yes"), "error: 'yes' is not a valid !!bool at 1:1");
}

TEST(YamlReader, QuotedAndBlockScalarsAreStrings) {
  ExpectAll({
      {"'true'", "\"true\""},
      {"\"1\"", "\"1\""},
      {"'~'", "\"~\""},
      {"''", "\"\""},
      {"\"\"", "\"\""},
      {"'it''s'", "\"it's\""},
      {"\"a\\tb\\u00e9\\x41\"", "\"a\\tb\xC3\xA9" "A\""},
      {"\"line\n  folded\"", "\"line folded\""},
      {"a: |\n  line1\n  line2\nb: >\n  folded\n  text\n\n  para\nc: |-\n  x\nd: >+\n  y\n\ne: 1\n",
       R"({"a":"line1\nline2\n","b":"folded text\npara\n","c":"x","d":"y\n\n","e":1})"},
      {"a: |\n  123\n", R"({"a":"123\n"})"},
      {"- |2\n    indented\n", R"(["  indented\n"])"},
      {"caf\xC3\xA9: \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80", "{\"caf\xC3\xA9\":\"\xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80\"}"},
  });
}

TEST(YamlReader, StandardTags) {
  ExpectAll({
      {"!!str 1", "\"1\""},
      {"!!str true", "\"true\""},
      {"!!int 12", "12"},
      {"!!int '12'", "12"},
      {"!!float 1", "1.0"},
      {"!!float 1.5", "1.5"},
      {"!!bool false", "false"},
      {"!!null ''", "null"},
      {"! 12", "\"12\""},
      {"!!binary aGk=", "\"aGk=\""},
      {"!!map {a: 1}", "{\"a\":1}"},
      {"!!seq [1]", "[1]"},
      {"!!str 1: x", "{\"1\":\"x\"}"},
      {"%TAG !e! tag:yaml.org,2002:\n--- !e!int 7", "7"},
      {"!!int x", "error: 'x' is not a valid !!int at 1:1"},
      {"a: !!float abc", "error: 'abc' is not a valid !!float at 1:4"},
      {"!!null 0", "error: '0' is not a valid !!null at 1:1"},
  });
}

// ---- Collections -----------------------------------------------------------

TEST(YamlReader, MapsAndLists) {
  ExpectAll({
      {"a: 1\nb: [x, y]\nc: {d: e}\n", R"({"a":1,"b":["x","y"],"c":{"d":"e"}})"},
      {"b: 1\na: 2\n", R"({"b":1,"a":2})"},
      {"a:\n  b:\n    - 1\n    - c: d\n      e: f\n", R"({"a":{"b":[1,{"c":"d","e":"f"}]}})"},
      {"- a\n- - b\n  - c\n-\n- {}\n- []\n", R"(["a",["b","c"],null,{},[]])"},
      {"a:\n- 1\n- 2\n", R"({"a":[1,2]})"},
      {"a:\nb: 2\n", R"({"a":null,"b":2})"},
      {"[a, [b, {c: d}], {}, ]", R"(["a",["b",{"c":"d"}],{}])"},
      {"{a: 1, b: , c}", R"({"a":1,"b":null,"c":null})"},
      {"[a: 1, b]", R"([{"a":1},"b"])"},
      {"1: a\n01: b\ntrue: c\n~: d\n'q': e\n\"\": f\n0x10: g\n",
       R"({"1":"a","01":"b","true":"c","~":"d","q":"e","":"f","0x10":"g"})"},
      {"? a\n: 1\n? |\n  long\n: 2\n", R"({"a":1,"long\n":2})"},
      {"# head\na: 1 # trailing\n# between\nb: 'x # not a comment'\n", R"({"a":1,"b":"x # not a comment"})"},
      {"---\na: 1\n...\n", R"({"a":1})"},
      {"%YAML 1.1\n---\na: 1\n", R"({"a":1})"},
      {"--- |\n  text\n", R"("text\n")"},
      {"\xEF\xBB\xBF" "a: 1\n", R"({"a":1})"},
      {"a: 1\r\nb: 2\r\n", R"({"a":1,"b":2})"},
      {"[a, b]: 1", "error: only scalars can be map keys at 1:1"},
      {"? {a: 1}\n: 2\n", "error: only scalars can be map keys at 1:3"},
  });
}

TEST(YamlReader, AnchorsAliasesAndMergeKeys) {
  ExpectAll({
      {"base: &b {x: 1, y: 2}\nuse: *b\n", R"({"base":{"x":1,"y":2},"use":{"x":1,"y":2}})"},
      {"a: &v 5\nb: *v\n", R"({"a":5,"b":5})"},
      {"a: &v x\nb: &v y\nc: *v\n", R"({"a":"x","b":"y","c":"y"})"},
      {"- &l [1, 2]\n- *l\n", "[[1,2],[1,2]]"},
      {"a: &k name\n*k : 1\n", R"({"a":"name","name":1})"},
      {"a: &n 7\n*n : 1\n", R"({"a":7,"7":1})"},
      {"base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n  z: 4\n", R"({"base":{"x":1,"y":2},"d":{"x":1,"y":3,"z":4}})"},
      {"b: &b {x: 1}\nd: {x: 0, <<: *b}\n", R"({"b":{"x":1},"d":{"x":0}})"},
      {"a: &a {x: 1}\nb: &b {x: 2, y: 2}\nd:\n  <<: [*a, *b]\n", R"({"a":{"x":1},"b":{"x":2,"y":2},"d":{"x":1,"y":2}})"},
      {"a: &a {x: 1}\nb: &b {y: 2}\nd:\n  <<: *a\n  <<: *b\n", R"({"a":{"x":1},"b":{"y":2},"d":{"x":1,"y":2}})"},
      {"d:\n  <<: {x: 1}\n  k: v\n", R"({"d":{"x":1,"k":"v"}})"},
      {"d: {'<<': 1}", R"({"d":{"<<":1}})"},
      {"d: {<<: 1}", "error: merge key '<<' expects a map or a list of maps at 1:5"},
      {"d:\n  <<: [{a: 1}, 2]\n", "error: merge key '<<' expects a map or a list of maps at 2:3"},
      {"a: *x", "error: undefined alias 'x' at 1:4"},
      {"a: &a [*a]", "error: undefined alias 'a' at 1:8"},
      {"b: &b {x: 1}\nd: {<<: *b, x: 2, x: 3}\n", "error: duplicate key 'x' at 2:19"},
      {"a: &a [1]\n*a : 2\n", "error: only scalars can be map keys at 2:1"},
  });
}

TEST(YamlReader, AliasesShareStorage) {
  Arena arena;
  Value v;
  YamlError e;
  ASSERT_TRUE(read_yaml("a: &x {k: 1}\nb: *x\n", arena, {}, &v, &e));
  EXPECT_EQ(v.as_map().find("a")->identity(), v.as_map().find("b")->identity());
}

TEST(YamlReader, DuplicateKeys) {
  ExpectAll({
      {"a: 1\nb: 2\na: 3\n", "error: duplicate key 'a' at 3:1"},
      {"{a: 1, a: 2}", "error: duplicate key 'a' at 1:8"},
      {"x:\n  a: 1\n  b: {a: 2}\n  a: 3\n", "error: duplicate key 'a' at 4:3"},
      {"a: 1\n'a': 2\n", "error: duplicate key 'a' at 2:1"},
      {"1: x\n!!str 1: y\n", "error: duplicate key '1' at 2:1"},
  });
  YamlLimits allow;
  allow.allow_duplicate_keys = true;
  ExpectAll({{"a: 1\nb: 2\na: 3\n", R"({"a":3,"b":2})"}}, allow);

  // Past the linear scan: a key table.
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  Arena arena;
  Value v;
  YamlError e;
  ASSERT_TRUE(read_yaml(text, arena, {}, &v, &e)) << e.describe();
  EXPECT_EQ(v.as_map().size, 1000u);
  EXPECT_EQ(v.as_map().find("k999")->as_int(), 999);
  EXPECT_EQ(Read(text + "k500: x\n"), "error: duplicate key 'k500' at 1001:1");
  // An explicit key replaces a merged one, also through the table.
  ASSERT_TRUE(read_yaml("<<: {k3: merged, extra: 1}\n" + text, arena, {}, &v, &e)) << e.describe();
  EXPECT_EQ(v.as_map().size, 1001u);
  EXPECT_EQ(v.as_map().find("k3")->as_int(), 3);
  EXPECT_EQ(Read("<<: {k3: merged}\n" + text + "k3: again\n"), "error: duplicate key 'k3' at 1002:1");
}

// ---- Tags ------------------------------------------------------------------

TEST(YamlReader, CustomTagsBecomeOneMemberMapsWithoutAHandler) {
  ExpectAll({
      {"!Ref X", R"({"!Ref":"X"})"},
      {"a: !GetAtt A.Arn", R"({"a":{"!GetAtt":"A.Arn"}})"},
      {"!GetAtt [A, Arn]", R"({"!GetAtt":["A","Arn"]})"},
      {"!Sub \"x-${AWS::Region}\"", R"({"!Sub":"x-${AWS::Region}"})"},
      {"!Sub ['${A}', {A: !Ref B}]", R"({"!Sub":["${A}",{"A":{"!Ref":"B"}}]})"},
      {"!Ref 10", R"({"!Ref":"10"})"},  // a tagged scalar is its text
      {"!Ref true", R"({"!Ref":"true"})"},
      {"a: !GetAZs\nb: !GetAZs ''\n", R"({"a":{"!GetAZs":""},"b":{"!GetAZs":""}})"},
      {"!<tag:example.com,2024:thing> 1", R"({"tag:example.com,2024:thing":"1"})"},
      {"a: &r !Ref X\nb: *r\n", R"({"a":{"!Ref":"X"},"b":{"!Ref":"X"}})"},
      {"!Ref a: 1", "error: tag '!Ref' on a map key is not supported at 1:1"},
  });
}

TEST(YamlReader, CloudFormationShortFormsThroughAHandler) {
  const std::string tpl = R"(AWSTemplateFormatVersion: "2010-09-09"
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Or [!Condition IsProd, !Condition NotProd]]
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      Role2: !GetAtt [Role, Arn]
      Name: !Sub "${AWS::StackName}-fn"
      Name2: !Sub
        - "${A}-x"
        - A: !Ref Env
      Joined: !Join [",", [a, b]]
      Mode: !If [IsProd, big, small]
      Az: !Select [0, !GetAZs ""]
      Parts: !Split ["|", "a|b"]
      Ami: !FindInMap [Map, !Ref "AWS::Region", ami]
      Vpc: !ImportValue shared-vpc
      Data: !Base64 hello
      Cidrs: !Cidr [10.0.0.0/16, 4, 8]
      Spec: !Transform {Name: "AWS::Include", Parameters: {Location: "s3://b/k"}}
)";
  const std::string want =
      R"({"AWSTemplateFormatVersion":"2010-09-09","Conditions":{)"
      R"("IsProd":{"Fn::Equals":[{"Ref":"Env"},"prod"]},)"
      R"("NotProd":{"Fn::Not":[{"Condition":"IsProd"}]},)"
      R"("Both":{"Fn::And":[{"Condition":"IsProd"},{"Fn::Or":[{"Condition":"IsProd"},{"Condition":"NotProd"}]}]}},)"
      R"("Resources":{"Fn":{"Type":"AWS::Lambda::Function","Properties":{)"
      R"("Role":{"Fn::GetAtt":["Role","Arn"]},)"
      R"("Role2":{"Fn::GetAtt":["Role","Arn"]},)"
      R"("Name":{"Fn::Sub":"${AWS::StackName}-fn"},)"
      R"("Name2":{"Fn::Sub":["${A}-x",{"A":{"Ref":"Env"}}]},)"
      R"("Joined":{"Fn::Join":[",",["a","b"]]},)"
      R"("Mode":{"Fn::If":["IsProd","big","small"]},)"
      R"("Az":{"Fn::Select":[0,{"Fn::GetAZs":""}]},)"
      R"("Parts":{"Fn::Split":["|","a|b"]},)"
      R"("Ami":{"Fn::FindInMap":["Map",{"Ref":"AWS::Region"},"ami"]},)"
      R"("Vpc":{"Fn::ImportValue":"shared-vpc"},)"
      R"("Data":{"Fn::Base64":"hello"},)"
      R"("Cidrs":{"Fn::Cidr":["10.0.0.0/16",4,8]},)"
      R"("Spec":{"Fn::Transform":{"Name":"AWS::Include","Parameters":{"Location":"s3://b/k"}}})"
      R"(}}}})";
  EXPECT_EQ(Read(tpl, {}, CloudFormationTags), want);
  EXPECT_EQ(Read("a: !Bogus x", {}, CloudFormationTags), "error: unknown tag '!Bogus' at 1:4");
  EXPECT_EQ(Read("a:\n  - !GetAtt NoDot", {}, CloudFormationTags), "error: !GetAtt expects Resource.Attribute at 2:5");
}

// ---- Rejected documents ------------------------------------------------------

TEST(YamlReader, RejectsMalformedInputWithPosition) {
  ExpectAll({
      {"a:\n  b: 1\n c: 2\n", "error: did not find expected key (while parsing a block mapping that starts at 1:1) at 3:2"},
      {"a: 1\n b: 2\n", "error: mapping values are not allowed in this context at 2:3"},
      {"a: 1\n- b\n", "error: did not find expected key (while parsing a block mapping that starts at 1:1) at 2:1"},
      {"a: \"abc\n  d\n", "error: unterminated quoted string at 1:4"},
      {"- 'abc", "error: unterminated quoted string at 1:3"},
      {"a:\n\tb: 1\n", "error: tab character where indentation or a value was expected (YAML indents with spaces) at 2:1"},
      {"a: 1\n\tb: 2\n", "error: found a tab character that violates indentation (while scanning a plain scalar that starts at 1:4) at 2:1"},
      {"a: [1, 2\n", "error: did not find expected ',' or ']' (while parsing a flow sequence that starts at 1:4) at 2:1"},
      {"{a: 1", "error: did not find expected ',' or '}' (while parsing a flow mapping that starts at 1:1) at 1:6"},
      {"{a: 1\n", "error: did not find expected ',' or '}' (while parsing a flow mapping that starts at 1:1) at 2:1"},
      {"a: 'x", "error: unterminated quoted string at 1:4"},
      {"\xC3\xA9: [", "error: did not find expected node content (while parsing a flow node that starts at 1:6) at 1:6"},
      {"a: 1\n---\nb: 2\n", "error: expected a single YAML document at 2:1"},
      {"a\n---\n", "error: expected a single YAML document at 2:1"},
      {"a: @b", "error: found character that cannot start any token (while scanning for the next token that starts at 1:4) at 1:4"},
      {"a: &", "error: did not find expected alphabetic or numeric character (while scanning an anchor that starts at 1:4) at 1:5"},
      {"a: x\xff y\n", "error: invalid UTF-8 byte 0xff at 1:5"},
      {"\xC3\xA9: 1\nb: \xC3\x28\n", "error: invalid UTF-8 byte 0xc3 at 2:4"},
      {"a: \xED\xA0\x80", "error: invalid UTF-8 byte 0xed at 1:4"},
      {"\xFF", "error: invalid UTF-8 byte 0xff at 1:1"},
      {"\x80" "a: 1", "error: invalid UTF-8 byte 0x80 at 1:1"},
      {"a: \xE2\x82", "error: invalid UTF-8 byte 0xe2 at 1:4"},
      {"a: \xC0\xAF", "error: invalid UTF-8 byte 0xc0 at 1:4"},
      {"\xEF\xBB\xBF\xC3(", "error: invalid UTF-8 byte 0xc3 at 1:1"},
      {"a: \xEF\xBF\xBE", "error: control character U+FFFE is not allowed at 1:4"},
      {"a: \"x\x01\"", "error: control character 0x01 is not allowed at 1:6"},
      {std::string("a: b\0c", 6), "error: control character 0x00 is not allowed at 1:5"},
      {"\xEF\xBB\xBF{a: 1, a: 2}", "error: duplicate key 'a' at 1:8"},
      // Columns count bytes: '\xC3\xA9' is two.
      {"\xC3\xA9: [1, 2\n", "error: did not find expected ',' or ']' (while parsing a flow sequence that starts at 1:5) at 2:1"},
      {"\xC3\xA9\xC3\xA9: 1\n\xC3\xA9\xC3\xA9: 2\n", "error: duplicate key '\xC3\xA9\xC3\xA9' at 2:1"},
      {"k: {\xC3\xA9: 1, \xC3\xA9: 2}", "error: duplicate key '\xC3\xA9' at 1:12"},
  });
}

TEST(YamlReader, ErrorFieldsAreFilled) {
  Arena arena;
  Value v;
  YamlError e;
  ASSERT_FALSE(read_yaml("a: 1\nb: [\n", arena, {}, &v, &e));
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.column, 1u);
  EXPECT_EQ(e.offset, 10u);
  EXPECT_FALSE(read_yaml("a: 1\na: 2\n", arena, {}, &v, nullptr));  // error may be null
  ASSERT_FALSE(read_yaml("a: 1\na: 2\n", arena, {}, &v, &e));
  EXPECT_EQ(e.offset, 5u);
}

// ---- Limits ------------------------------------------------------------------

TEST(YamlReader, AliasBombFailsFast) {
  // Nine levels of ten aliases each: 10^9 nodes for anyone who walks it.
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char level = 'b'; level <= 'i'; ++level) {
    text += std::string(1, level) + ": &" + level + " [";
    for (int i = 0; i < 10; ++i) text += std::string(i ? ", " : "") + "*" + static_cast<char>(level - 1);
    text += "]\n";
  }
  auto start = std::chrono::steady_clock::now();
  // Levels b..e add 123,440 nodes, f 1,111,100 more: the 8th alias of f crosses 1,000,000.
  EXPECT_EQ(Read(text), "error: YAML alias expansion exceeds 1000000 nodes at 6:36");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));

  YamlLimits small;
  small.max_alias_expansion = 20;
  EXPECT_EQ(Read("a: &a [1, 2, 3]\nb: [*a, *a, *a, *a, *a, *a]\n", small),
            "error: YAML alias expansion exceeds 20 nodes at 2:25");
  EXPECT_EQ(Read("a: &a [1, 2, 3]\nb: [*a, *a, *a, *a, *a]\n", small).substr(0, 6), "{\"a\":[");
}

TEST(YamlReader, DeepNestingFailsCleanly) {
  const size_t n = 100'000;
  EXPECT_EQ(Read(std::string(n, '[')), "error: nesting depth exceeds 512 at 1:513");
  EXPECT_EQ(Read(std::string(n, '[') + std::string(n, ']')), "error: nesting depth exceeds 512 at 1:513");
  std::string dashes;
  for (size_t i = 0; i < n; ++i) dashes += "- ";
  EXPECT_EQ(Read(dashes + "x"), "error: nesting depth exceeds 512 at 1:1025");
  std::string flow_maps;
  for (size_t i = 0; i < n; ++i) flow_maps += "{a: ";
  EXPECT_EQ(Read(flow_maps), "error: nesting depth exceeds 512 at 1:2049");
  // Block maps nest by indentation, so the text grows with the square of the
  // depth: 1,000 levels (500 KB) are enough to cross the limit.
  std::string block;
  for (size_t i = 0; i < 1000; ++i) block += std::string(i, ' ') + "k:\n";
  EXPECT_EQ(Read(block), "error: nesting depth exceeds 512 at 513:513");

  // No recursion anywhere: 100,000 block levels are fine when allowed.
  // (Flow levels are read too, but libyaml's scanner checks every open flow
  // level on each token, which is quadratic: 10,000 take a second, 100,000
  // two minutes. The default limit keeps that cost negligible.)
  YamlLimits deep;
  deep.max_depth = 1'000'000;
  auto depth_of = [](Value v) {
    size_t depth = 0;
    for (; v.is_list() && v.as_list().size == 1; v = v.as_list().items[0]) ++depth;
    return depth;
  };
  Arena arena;
  Value v;
  YamlError e;
  ASSERT_TRUE(read_yaml(dashes + "x", arena, deep, &v, &e)) << e.describe();
  EXPECT_EQ(depth_of(v), n);
  ASSERT_TRUE(read_yaml(std::string(3000, '[') + std::string(3000, ']'), arena, deep, &v, &e)) << e.describe();
  EXPECT_EQ(depth_of(v), 2999u);
}

TEST(YamlReader, StringAndNodeCountLimits) {
  YamlLimits limits;
  limits.max_string_bytes = 4;
  EXPECT_EQ(Read("[abcd, 'abcd']", limits), R"(["abcd","abcd"])");
  EXPECT_EQ(Read("[abcd, abcde]", limits), "error: string exceeds 4 bytes at 1:8");
  EXPECT_EQ(Read("abcde: 1", limits), "error: string exceeds 4 bytes at 1:1");
  limits = {};
  limits.max_nodes = 4;
  EXPECT_EQ(Read("[1, 2, 3]", limits), "[1,2,3]");
  EXPECT_EQ(Read("[1, 2, 3, 4]", limits), "error: document has more than 4 values at 1:11");
  EXPECT_EQ(Read("{a: 1, b: 2}", limits), "error: document has more than 4 values at 1:11");
}

TEST(YamlReader, ArenaBudgetExceptionPropagates) {
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "- item number " + std::to_string(i) + "\n";
  Arena arena(4096);
  Value v;
  YamlError e;
  EXPECT_THROW(read_yaml(text, arena, {}, &v, &e), MemoryBudgetExceeded);
}

// ---- Positions ---------------------------------------------------------------

TEST(YamlReader, PositionsOfContainersAndKeys) {
  const std::string text =
      "Resources:\n"                // 1
      "  Fn:\n"                     // 2
      "    Type: AWS::Lambda::Function\n"
      "    Properties:\n"           // 4
      "      Role: !GetAtt R.Arn\n" // 5
      "      Empty:\n"              // 6
      "      List:\n"               // 7
      "        - a\n"               // 8
      "        - {k: v, \xC3\xA9: [1]}\n"  // 9
      "base: &b {x: 1}\n"           // 10
      "use:\n"                      // 11
      "  <<: *b\n"                  // 12
      "  y: 2\n";                   // 13
  Arena arena;
  Value root;
  YamlError e;
  YamlPositions pos;
  ASSERT_TRUE(read_yaml(text, arena, {}, &root, &e, &pos)) << e.describe();
  auto at = [](std::optional<SourcePosition> p) {
    return p ? std::to_string(p->line) + ":" + std::to_string(p->column) : std::string("none");
  };
  auto field = [](const Value& m, std::string_view k) { return *m.as_map().find(k); };
  Value resources = field(root, "Resources");
  Value fn = field(resources, "Fn");
  Value props = field(fn, "Properties");
  Value list = field(props, "List");
  Value flow = list.as_list().items[1];
  EXPECT_EQ(at(pos.of(root.identity())), "1:1");
  EXPECT_EQ(at(pos.of_member(root.identity(), "Resources")), "1:1");
  EXPECT_EQ(at(pos.of(resources.identity())), "2:3");
  EXPECT_EQ(at(pos.of_member(resources.identity(), "Fn")), "2:3");
  EXPECT_EQ(at(pos.of(fn.identity())), "3:5");
  EXPECT_EQ(at(pos.of_member(fn.identity(), "Properties")), "4:5");
  EXPECT_EQ(at(pos.of(props.identity())), "5:7");
  EXPECT_EQ(at(pos.of_member(props.identity(), "Role")), "5:7");
  EXPECT_EQ(at(pos.of(field(props, "Role").identity())), "5:13");  // the tag
  EXPECT_EQ(at(pos.of_member(props.identity(), "Empty")), "6:7");  // not the next line
  EXPECT_EQ(at(pos.of_member(props.identity(), "List")), "7:7");
  EXPECT_EQ(at(pos.of(list.identity())), "8:9");
  EXPECT_EQ(at(pos.of(flow.identity())), "9:11");
  EXPECT_EQ(at(pos.of_member(flow.identity(), "k")), "9:12");
  EXPECT_EQ(at(pos.of_member(flow.identity(), "\xC3\xA9")), "9:18");  // bytes after the key
  EXPECT_EQ(at(pos.of(field(flow, "\xC3\xA9").identity())), "9:22");
  EXPECT_EQ(at(pos.of_member(flow.identity(), "nope")), "none");
  EXPECT_EQ(at(pos.of_member(list.identity(), "k")), "none");  // a list has no keys
  Value use = field(root, "use");
  EXPECT_EQ(at(pos.of_member(use.identity(), "x")), "10:11");  // where the merged key is written
  EXPECT_EQ(at(pos.of_member(use.identity(), "y")), "13:3");
  EXPECT_EQ(at(pos.of_member_at(use.identity(), 1)), "13:3");
  EXPECT_EQ(at(pos.of_member_at(use.identity(), 2)), "none");
  EXPECT_EQ(at(pos.of(&e)), "none");

  // A handler's containers get the tagged node's position.
  YamlPositions pos2;
  ASSERT_TRUE(read_yaml(text, arena, {}, &root, &e, &pos2, CloudFormationTags));
  Value role = field(field(field(field(root, "Resources"), "Fn"), "Properties"), "Role");
  EXPECT_EQ(to_json(role), R"({"Fn::GetAtt":["R","Arn"]})");
  EXPECT_EQ(at(pos2.of(role.identity())), "5:13");
  EXPECT_EQ(at(pos2.of_member(role.identity(), "Fn::GetAtt")), "5:13");
  EXPECT_EQ(at(pos2.of(field(role, "Fn::GetAtt").identity())), "5:13");
}

// ---- The corpus --------------------------------------------------------------

TEST(YamlReaderHeavy, EveryCorpusFileParsesOrFailsWithAPosition) {
  std::filesystem::path dir = MOAT_SOURCE_DIR "/../shared/corpus";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no corpus at " << dir;
  size_t files = 0, ok = 0, bytes = 0;
  std::vector<std::string> failures;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".yaml" && ext != ".yml")) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    ++files;
    bytes += text.size();
    Arena arena;
    Value v;
    YamlError e;
    YamlPositions positions;
    if (read_yaml(text, arena, {}, &v, &e, &positions)) {
      ++ok;
    } else {
      EXPECT_GT(e.line, 0u) << entry.path() << ": " << e.message;
      EXPECT_GT(e.column, 0u) << entry.path() << ": " << e.message;
      failures.push_back(entry.path().lexically_relative(dir).string() + ": " + e.describe());
    }
  }
  std::printf("[ corpus   ] %zu YAML files (%zu KB): %zu parsed, %zu rejected\n", files, bytes / 1024, ok,
              failures.size());
  for (size_t i = 0; i < failures.size() && i < 40; ++i) std::printf("             %s\n", failures[i].c_str());
  EXPECT_GT(files, 0u);
}

}  // namespace
}  // namespace moat
