// Injection detection: the SQL tokenizer and detector (sqli()), the
// signature-set builtin (signatures()), and the loader's detection forms
// (documents/events/normalize.h) they read.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "builtin_test_util.h"
#include "builtins/builtin.h"
#include "builtins/sqli_tokenizer.h"
#include "documents/events/normalize.h"
#include "value/build.h"

namespace moat {
void register_injection_builtins(BuiltinRegistry& r);

namespace {

using sqli::QuoteContext;

std::string types(std::string_view text, QuoteContext c) {
  std::string out;
  for (const sqli::Token& t : sqli::tokenize(text, c)) out.push_back(t.type);
  return out;
}

// ------------------------------------------------------------- tokenizer

TEST(SqliTokenizer, TokenClasses) {
  struct Case { std::string_view text; QuoteContext ctx; std::string_view types; } cases[] = {
      {"1 OR 1=1", QuoteContext::kNone, "1&1o1"},
      {"' OR 'a'='a", QuoteContext::kSingle, "s&sos"},
      {"\" or \"\"=\"", QuoteContext::kDouble, "s&sos"},
      {"x UNION ALL SELECT @@version, user()", QuoteContext::kNone, "nUEv,f()"},
      {"1 GROUP BY 2 ORDER BY 1", QuoteContext::kNone, "1B1B1"},
      {"a--b", QuoteContext::kNone, "nc"},
      {"a#b", QuoteContext::kNone, "nc"},
      {"/* x */ select", QuoteContext::kNone, "cE"},
      {"/*!50000union*/ select", QuoteContext::kNone, "UE"},
      {"1; WAITFOR DELAY '0:0:5'", QuoteContext::kNone, "1;Ts"},
      {"0x41 || 'b'", QuoteContext::kNone, "1&s"},
      {"`users`.name IS NOT NULL", QuoteContext::kNone, "nno1"},
      {"sleep (5)", QuoteContext::kNone, "n(1)"},  // a function only when '(' follows at once
      {"it''s", QuoteContext::kSingle, "s"},        // a doubled quote stays inside the literal
  };
  for (const Case& c : cases) EXPECT_EQ(types(c.text, c.ctx), c.types) << c.text;
}

TEST(SqliTokenizer, FingerprintFolds) {
  struct Case { std::string_view text; QuoteContext ctx; std::string_view fp; } cases[] = {
      {"-1 UNION SELECT 1,2,3", QuoteContext::kNone, "1UE1,"},   // unary sign dropped
      {"1-0 OR 1+1=2", QuoteContext::kNone, "1&1o1"},            // arithmetic folded
      {"1 /**/OR/**/ 1=1", QuoteContext::kNone, "1&1o1"},        // interior comments are whitespace
      {"admin'--", QuoteContext::kSingle, "sc"},                 // a trailing comment is kept
      {"' 'a' 'b' OR 1", QuoteContext::kSingle, "s&1"},          // adjacent strings concatenate
      {"1 and 2 and 3 and 4 and 5 and 6", QuoteContext::kNone, "1&1&1"},
  };
  for (const Case& c : cases) EXPECT_EQ(sqli::fingerprint(sqli::tokenize(c.text, c.ctx)), c.fp) << c.text;
}

// -------------------------------------------------------------- detector

TEST(SqliDetect, Attacks) {
  // PayloadsAllTheThings "SQL Injection" (Auth_Bypass, Generic_UnionSelect,
  // Generic_TimeBased, Generic_ErrorBased) and the catalog §6.2 examples.
  const char* attacks[] = {
      "' OR '1'='1",
      "' or 1=1--",
      "\" or \"\"=\"",
      "admin'--",
      "admin' #",
      "') or ('1'='1",
      "1 OR 1=1",
      "1 or 1=1--",
      "-1 UNION SELECT 1,2,3--",
      "1' UNION ALL SELECT NULL,NULL--",
      "x' AND 1=(SELECT COUNT(*) FROM tabname); --",
      "1; DROP TABLE users",
      "'; DROP TABLE users--",
      "1' AND SLEEP(5)--",
      "1 AND sleep(5)",
      "'; WAITFOR DELAY '0:0:5'--",
      "1 WAITFOR DELAY '0:0:5'",
      "' ORDER BY 3--",
      "1 ORDER BY 1--",
      "SELECT * FROM users",
      "SELECT @@version",
      "(SELECT 1)",
      "sleep(5)",
      "benchmark(10000000,md5(1))",
      "1'||(SELECT version())||'",
      "' AND extractvalue(1,concat(0x7e,(SELECT user())))--",
      "1/*!50000UNION*/SELECT 1",
      "' or ''='",
      "1' or '1' = '1'/*",
  };
  for (const char* a : attacks) {
    sqli::Result r = sqli::detect(a);
    EXPECT_TRUE(r.detected) << a << " -> " << r.fingerprint << " (" << sqli::context_name(r.context) << ")";
  }
}

TEST(SqliDetect, Benign) {
  // Prose with SQL words, apostrophes and punctuation: what keyword regexes
  // fire on.
  const char* benign[] = {
      "Select the best plan",
      "select one option from the list",
      "Tom and Jerry",
      "rock 'n' roll and jazz",
      "the dogs' and cats' food",
      "students' and 2 teachers",
      "O'Brien & Sons",
      "I'm ok and you're fine",
      "Union Station, Washington",
      "labor union",
      "order by phone",
      "delete my account please",
      "done; update later",
      "1 and 2",
      "555-1234",
      "2024-01-01",
      "user@example.com",
      "He said \"hi\" and left",
      "don't or won't",
      "Drop table tennis balls here",
      "sleep well",
      "What's in the box? 3 items (small)",
      "",
  };
  for (const char* b : benign) {
    sqli::Result r = sqli::detect(b);
    EXPECT_FALSE(r.detected) << b << " -> " << r.fingerprint << " (" << sqli::context_name(r.context) << ")";
  }
}

class InjectionBuiltinsTest : public ::testing::Test {
 protected:
  InjectionBuiltinsTest() { register_injection_builtins(registry_); }
  Value str(std::string_view s) { return make_string(arena_, s); }
  Value list(std::vector<Value> items) { return make_list(arena_, items); }
  Value sig(std::string_view id, std::string_view pattern) {
    Member m[] = {{Value::string("id"), str(id)}, {Value::string("pattern"), str(pattern)}};
    return make_map(arena_, m);
  }

  Arena arena_;
  CallContext ctx_{arena_, 0};
  BuiltinRegistry registry_;
};

TEST_F(InjectionBuiltinsTest, SqliResultMap) {
  Value r = testing::call(registry_, "sqli", {str("1' OR '1'='1")}, ctx_);
  ASSERT_TRUE(r.is_map());
  EXPECT_EQ(to_json(r), R"({"detected":true,"fingerprint":"s&sos","context":"single"})");
  Value ok = testing::call(registry_, "sqli", {str("Select the best plan")}, ctx_);
  EXPECT_EQ(to_json(ok), R"({"detected":false,"fingerprint":"Ennn","context":"none"})");
  EXPECT_TRUE(testing::call(registry_, "sqli", {Value::integer(1)}, ctx_).is_error());
}

TEST_F(InjectionBuiltinsTest, SignatureSetTable) {
  Value set = list({sig("sep", ";"), sig("pipe", R"(\|)"), sig("sub", R"(\$\()"), sig("cat", R"((?i)\bcat\b)")});
  struct Case { std::string_view text; std::string_view ids; } cases[] = {
      {"a;b", R"(["sep"])"},
      {"a | CAT x; $(id)", R"(["sep","pipe","sub","cat"])"},  // set order, not text order
      {"concatenate", "[]"},
      {"", "[]"},
  };
  for (const Case& c : cases) {
    std::string err;
    Value prepared = testing::call_prepared(registry_, "signatures", {str(c.text), set}, ctx_, &err);
    EXPECT_EQ(err, "");
    EXPECT_EQ(to_json(prepared), c.ids) << c.text;
    // Without preparation (a set that is not a literal) the answer is the same.
    EXPECT_EQ(to_json(testing::call(registry_, "signatures", {str(c.text), set}, ctx_)), c.ids) << c.text;
  }
}

TEST_F(InjectionBuiltinsTest, SignatureSetOfPlainPatterns) {
  std::string err;
  Value r = testing::call_prepared(registry_, "signatures", {str("x=1"), list({str("="), str("y")})}, ctx_, &err);
  EXPECT_EQ(to_json(r), R"(["="])");
}

TEST_F(InjectionBuiltinsTest, SignatureSetErrors) {
  std::string err;
  testing::call_prepared(registry_, "signatures", {str("x"), list({sig("bad", "(")})}, ctx_, &err);
  EXPECT_NE(err.find("signature 'bad': invalid regular expression"), std::string::npos) << err;
  err.clear();
  testing::call_prepared(registry_, "signatures", {str("x"), list({Value::integer(3)})}, ctx_, &err);
  EXPECT_NE(err.find("must be a pattern string or a map"), std::string::npos) << err;
  Value runtime = testing::call(registry_, "signatures", {str("x"), list({sig("bad", "(")})}, ctx_);
  ASSERT_TRUE(runtime.is_error());
}

// ---------------------------------------------------- detection forms

TEST(EventNormalize, DecodingPipeline) {
  struct Case { std::string_view raw, normalized; } cases[] = {
      {"%252e%252e%252fetc%252fpasswd", "../etc/passwd"},   // decoded until stable
      {"%2525252e", "%2e"},                                 // at most 3 rounds
      {"%c0%ae%c0%ae/", "../"},                             // overlong UTF-8
      {"%e0%80%ae%e0%80%ae%f0%80%80%af", "../"},            // longer overlong forms
      {"..%c0%5c", "..\\"},                                 // a stray C0 before ASCII
      {"..%u2215..%u2215", "../../"},                       // %u and Unicode slashes
      {"&lt;script&gt;&#x2e;&#46;", "<script>.."},          // HTML references
      {"SELECT\xEF\xBC\x8A", "select*"},                    // fullwidth asterisk
      {"\xE2\x91\xAF\xE2\x91\xA8\xE3\x80\x82\xE2\x91\xA1\xE2\x91\xA4\xE2\x91\xA3", "\xE2\x91\xAF" "9.254"},  // circled digits, ideographic stop (circled 16 kept)
      {"a+b%00c", "a bc"},                                  // form-encoded: + is a space; NUL removed
      {"c++ (select", "c++ (select"},                       // not encoded: + is itself
      {"caf\xC3\xA9", "caf\xC3\xA9"},                       // other characters kept
  };
  for (const Case& c : cases) EXPECT_EQ(events::normalize_text(c.raw), c.normalized) << c.raw;
}

TEST(EventNormalize, SqlForm) {
  struct Case { std::string_view in, sql; } cases[] = {
      {"union/**/select", "union select"},
      {"1 /*!50000union*/ select", "1 union select"},
      {"admin' -- x\n and", "admin' and"},
      {"a  \t b\n", "a b"},
      {"1 # comment", "1"},
  };
  for (const Case& c : cases) EXPECT_EQ(events::sql_form(c.in), c.sql) << c.in;
}

}  // namespace
}  // namespace moat
