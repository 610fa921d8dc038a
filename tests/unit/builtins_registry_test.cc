// Checks every builtin's declaration, since the same records drive the
// checker, `moat builtins` and the language reference.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "builtins/builtin.h"

namespace moat {
namespace {

TEST(BuiltinRegistry, EveryDefinitionIsComplete) {
  BuiltinRegistry r = BuiltinRegistry::standard();
  ASSERT_FALSE(r.all().empty());
  std::set<std::string_view> names;
  for (const BuiltinDef& d : r.all()) {
    SCOPED_TRACE(std::string(d.name));
    EXPECT_FALSE(d.name.empty());
    EXPECT_TRUE(names.insert(d.name).second) << "registered twice";
    EXPECT_FALSE(d.family.empty());
    EXPECT_FALSE(d.summary.empty());
    EXPECT_FALSE(d.example.empty());
    // The example shows the builtin itself being called.
    EXPECT_NE(d.example.find(std::string(d.name) + "("), std::string_view::npos) << d.example;
    EXPECT_NE(d.fn, nullptr);
    EXPECT_TRUE(!d.variadic || !d.params.empty()) << "variadic without a parameter to repeat";
    std::set<std::string_view> params;
    for (const Param& p : d.params) {
      EXPECT_FALSE(p.name.empty());
      EXPECT_TRUE(params.insert(p.name).second) << "parameter " << p.name << " declared twice";
    }
  }
}

TEST(BuiltinRegistry, FindAndIndexAgree) {
  BuiltinRegistry r = BuiltinRegistry::standard();
  for (size_t i = 0; i < r.all().size(); ++i) {
    const BuiltinDef* d = r.find(r.at(i).name);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(r.index_of(d), i);
  }
  EXPECT_EQ(r.find("no_such_builtin"), nullptr);
}

TEST(BuiltinRegistry, CoreFamiliesHaveTheirBuiltins) {
  std::map<std::string_view, std::vector<std::string_view>> want = {
      {"types", {"type_of", "is_null", "is_bool", "is_int", "is_float", "is_number", "is_string",
                 "is_list", "is_map", "has", "is_missing", "is_unknown", "default", "to_string"}},
      {"strings", {"lower", "upper", "starts_with", "ends_with", "contains", "split", "join",
                   "trim", "trim_prefix", "trim_suffix", "replace", "format", "substring",
                   "index_of", "repeat"}},
      {"regex", {"matches", "regex_find", "regex_find_all", "regex_replace", "glob_match"}},
      {"numbers", {"abs", "floor", "ceil", "round", "min", "max", "sum", "to_int", "to_float",
                   "to_number"}},
      {"collections", {"len", "keys", "values", "sort", "unique", "group", "union", "intersection",
                       "difference", "flatten", "reverse", "contains_all", "contains_any", "strings_in", "get"}},
      {"encodings", {"base64_decode", "base64_encode", "url_decode", "url_encode",
                     "html_unescape", "json_parse", "json_encode"}},
  };
  BuiltinRegistry r = BuiltinRegistry::standard();
  for (const auto& [family, names] : want) {
    std::vector<std::string_view> got;
    for (const BuiltinDef& d : r.all())
      if (d.family == family) got.push_back(d.name);
    EXPECT_EQ(got, names) << family;
  }
  // Only the builtins that exist to inspect undefined values see them, the
  // kind tests, which answer false for a missing value, and strings_in, whose
  // walk skips undefined values inside x and so treats x itself alike.
  std::set<std::string_view> non_strict;
  for (const BuiltinDef& d : r.all())
    if (!d.strict && want.count(d.family)) non_strict.insert(d.name);
  EXPECT_EQ(non_strict, (std::set<std::string_view>{"type_of", "has", "is_missing", "is_unknown", "default",
                                                    "is_null", "is_bool", "is_int", "is_float", "is_number",
                                                    "is_string", "is_list", "is_map", "strings_in"}));
  // Literal patterns are compiled once, by the compiler.
  for (std::string_view name : {"matches", "regex_find", "regex_find_all", "regex_replace", "glob_match"})
    EXPECT_NE(r.find(name)->prepare, nullptr) << name;
}

}  // namespace
}  // namespace moat
