#include "builtins/sqli_tokenizer.h"

#include <re2/re2.h>

#include <cctype>
#include <string>
#include <unordered_map>

namespace moat::sqli {
namespace {

// Word classes. The lists are the reserved words of MySQL 8, PostgreSQL 16,
// SQL Server and SQLite that change a statement's structure, and the
// functions that the PayloadsAllTheThings "SQL Injection" pages (MySQL,
// MSSQL, PostgreSQL, Oracle, SQLite) use for time delays, error-based
// extraction and fingerprinting the server. Everything else is a bareword.
const std::unordered_map<std::string_view, char>& word_classes() {
  static const auto* m = new std::unordered_map<std::string_view, char>{
      // statement starters
      {"select", kExpression}, {"insert", kExpression}, {"update", kExpression}, {"delete", kExpression},
      {"drop", kExpression}, {"create", kExpression}, {"alter", kExpression}, {"truncate", kExpression},
      {"exec", kExpression}, {"execute", kExpression}, {"declare", kExpression}, {"shutdown", kExpression},
      {"grant", kExpression}, {"revoke", kExpression}, {"merge", kExpression}, {"handler", kExpression},
      {"rename", kExpression}, {"copy", kExpression},
      // set operators
      {"union", kUnion}, {"intersect", kUnion}, {"except", kUnion},
      {"having", kGroup},
      // logic
      {"and", kLogic}, {"or", kLogic}, {"xor", kLogic},
      // word operators
      {"like", kOperator}, {"rlike", kOperator}, {"regexp", kOperator}, {"ilike", kOperator}, {"in", kOperator},
      {"is", kOperator}, {"not", kOperator}, {"between", kOperator}, {"div", kOperator}, {"mod", kOperator},
      {"collate", kOperator}, {"escape", kOperator}, {"similar", kOperator},
      // literals
      {"null", kNumber}, {"true", kNumber}, {"false", kNumber}, {"unknown", kNumber},
      // structure keywords
      {"from", kKeyword}, {"where", kKeyword}, {"into", kKeyword}, {"values", kKeyword}, {"table", kKeyword},
      {"limit", kKeyword}, {"offset", kKeyword}, {"as", kKeyword}, {"join", kKeyword}, {"on", kKeyword},
      {"case", kKeyword}, {"when", kKeyword}, {"then", kKeyword}, {"else", kKeyword}, {"end", kKeyword},
      {"procedure", kKeyword}, {"distinct", kKeyword}, {"top", kKeyword}, {"set", kKeyword},
      {"begin", kKeyword}, {"outfile", kKeyword}, {"dumpfile", kKeyword}, {"information_schema", kKeyword},
      {"all", kKeyword}, {"using", kKeyword}, {"returning", kKeyword}, {"fetch", kKeyword},
      // types (casts: ::int, CAST(x AS CHAR))
      {"int", kType}, {"integer", kType}, {"varchar", kType}, {"nvarchar", kType}, {"text", kType},
      {"signed", kType}, {"unsigned", kType}, {"bigint", kType}, {"numeric", kType},
      // T-SQL
      {"waitfor", kTsql},
  };
  return *m;
}

// Functions: a function only when directly followed by '(' (else "user" or
// "left" in prose is a bareword).
const std::unordered_map<std::string_view, bool>& functions() {
  static const auto* m = new std::unordered_map<std::string_view, bool>{
      // time delays (PayloadsAllTheThings: MySQL/PostgreSQL/SQLite/Oracle "time based")
      {"sleep", true}, {"benchmark", true}, {"pg_sleep", true}, {"randomblob", true},
      {"dbms_pipe.receive_message", true}, {"dbms_lock.sleep", true},
      // fingerprinting and extraction
      {"version", true}, {"database", true}, {"user", true}, {"current_user", true}, {"system_user", true},
      {"session_user", true}, {"schema", true}, {"sqlite_version", true}, {"@@version", true},
      {"concat", true}, {"concat_ws", true}, {"group_concat", true}, {"string_agg", true}, {"char", true},
      {"chr", true}, {"nchar", true}, {"ascii", true}, {"ord", true}, {"substring", true}, {"substr", true},
      {"mid", true}, {"left", true}, {"right", true}, {"length", true}, {"len", true}, {"count", true},
      {"cast", true}, {"convert", true}, {"if", true}, {"iif", true}, {"ifnull", true}, {"isnull", true},
      {"nullif", true}, {"coalesce", true}, {"hex", true}, {"unhex", true}, {"md5", true}, {"sha1", true},
      {"lower", true}, {"upper", true}, {"elt", true}, {"make_set", true}, {"exp", true}, {"floor", true},
      {"rand", true}, {"row", true}, {"name_const", true}, {"exists", true}, {"instr", true}, {"locate", true},
      {"position", true}, {"replace", true}, {"reverse", true}, {"trim", true}, {"now", true},
      // error-based extraction (MySQL XML functions, geometry, Oracle)
      {"extractvalue", true}, {"updatexml", true}, {"polygon", true}, {"multipoint", true},
      {"geometrycollection", true}, {"json_keys", true}, {"json_extract", true}, {"xmltype", true},
      {"utl_inaddr.get_host_name", true}, {"utl_http.request", true}, {"ctxsys.drithsx.sn", true},
      // file and command access
      {"load_file", true}, {"lo_import", true}, {"pg_read_file", true}, {"current_setting", true},
      {"dblink", true}, {"xp_cmdshell", true}, {"sp_executesql", true}, {"openrowset", true},
      {"load_extension", true},
      // arithmetic used in blind comparisons (libinjection's own test data:
      // "AND COS(3)=SIN(4)", "PI() AND ...") and MSSQL metadata functions
      {"cos", true}, {"sin", true}, {"tan", true}, {"pi", true}, {"abs", true}, {"sqrt", true}, {"power", true},
      {"round", true}, {"ceil", true}, {"ceiling", true}, {"sign", true}, {"lpad", true}, {"rpad", true},
      {"field", true}, {"find_in_set", true}, {"strcmp", true}, {"conv", true}, {"crc32", true},
      {"db_name", true}, {"user_name", true}, {"host_name", true}, {"suser_name", true},
      {"is_srvrolemember", true}, {"object_id", true}, {"char_length", true},
  };
  return *m;
}

// Two-word phrases read as one token.
char merge_words(std::string_view a, char a_type, std::string_view b) {
  if (a == "union" && (b == "all" || b == "distinct")) return kUnion;
  if ((a == "group" || a == "order") && b == "by") return kGroup;
  if (a == "waitfor" && (b == "delay" || b == "time")) return kTsql;
  if ((a == "not" && (b == "like" || b == "in" || b == "between" || b == "regexp" || b == "rlike" ||
                      b == "exists" || b == "null")) ||
      (a == "is" && (b == "not" || b == "null")) || (a == "sounds" && b == "like"))
    return kOperator;
  if (a_type == kExpression && (b == "into" || b == "from" || b == "table" || b == "database" ||
                                b == "procedure" || b == "function" || b == "view" || b == "user"))
    return kExpression;
  if ((a == "left" || a == "right" || a == "inner" || a == "outer" || a == "cross") && b == "join") return kKeyword;
  // MSSQL procedure calls and Oracle dynamic SQL: "exec master..xp_cmdshell",
  // "exec sp_executesql", "execute immediate" (CRS 942190, 942250).
  if ((a == "exec" || a == "execute") &&
      (b.starts_with("master") || b.starts_with("xp_") || b.starts_with("sp_") || b == "immediate"))
    return kTsql;
  return 0;
}

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0xA0; }
bool is_word_start(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? true : c == '_' || c >= 0x80; }
bool is_word_char(unsigned char c) { return is_word_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '$'; }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c | 0x20);
  return out;
}

class Lexer {
 public:
  Lexer(std::string_view s, QuoteContext ctx, size_t max) : s_(s), max_(max) {
    if (ctx != QuoteContext::kNone) string_body(ctx == QuoteContext::kSingle ? '\'' : '"', 0);
  }

  std::vector<Token> run() {
    while (i_ < s_.size() && out_.size() < max_) step();
    return std::move(out_);
  }

 private:
  void push(char type, size_t start, size_t end) { out_.push_back({type, s_.substr(start, end - start)}); }

  // The literal whose opening quote is just before `start`: to the closing
  // quote (a doubled quote or a backslash escapes it), or to the end.
  void string_body(char q, size_t start) {
    size_t j = start;
    while (j < s_.size()) {
      if (s_[j] == '\\' && j + 1 < s_.size()) { j += 2; continue; }
      if (s_[j] == q) {
        if (j + 1 < s_.size() && s_[j + 1] == q) { j += 2; continue; }
        break;
      }
      ++j;
    }
    push(kString, start, j);
    i_ = j < s_.size() ? j + 1 : j;
  }

  void comment_to_eol() {
    size_t end = s_.find('\n', i_);
    end = end == std::string_view::npos ? s_.size() : end;
    push(kComment, i_, end);
    i_ = end;
  }

  void step() {
    unsigned char c = static_cast<unsigned char>(s_[i_]);
    if (is_space(c) || c == 0) { ++i_; return; }
    if (c == '\'' || c == '"') { string_body(static_cast<char>(c), i_ + 1); return; }
    if (c == '`') {  // MySQL quoted identifier
      size_t end = s_.find('`', i_ + 1);
      end = end == std::string_view::npos ? s_.size() : end;
      push(kBareword, i_ + 1, end);
      i_ = end < s_.size() ? end + 1 : end;
      return;
    }
    if (c == '#') { comment_to_eol(); return; }
    if (c == '-' && i_ + 1 < s_.size() && s_[i_ + 1] == '-') { comment_to_eol(); return; }
    if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '*') {
      if (i_ + 2 < s_.size() && s_[i_ + 2] == '!') {  // MySQL runs the body: read it as SQL
        i_ += 3;
        while (i_ < s_.size() && is_digit(static_cast<unsigned char>(s_[i_]))) ++i_;
        return;
      }
      size_t end = s_.find("*/", i_ + 2);
      size_t stop = end == std::string_view::npos ? s_.size() : end + 2;
      push(kComment, i_, stop);
      i_ = stop;
      return;
    }
    if (c == '*' && i_ + 1 < s_.size() && s_[i_ + 1] == '/') { i_ += 2; return; }  // end of a /*! body
    if (is_digit(c) || (c == '.' && i_ + 1 < s_.size() && is_digit(static_cast<unsigned char>(s_[i_ + 1])))) {
      size_t j = i_;
      if (c == '0' && i_ + 1 < s_.size() && ((s_[i_ + 1] | 0x20) == 'x' || (s_[i_ + 1] | 0x20) == 'b')) {
        j += 2;
        while (j < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[j]))) ++j;
      } else {
        while (j < s_.size() && (is_digit(static_cast<unsigned char>(s_[j])) || s_[j] == '.')) ++j;
        if (j < s_.size() && (s_[j] | 0x20) == 'e') {
          size_t k = j + 1;
          if (k < s_.size() && (s_[k] == '+' || s_[k] == '-')) ++k;
          if (k < s_.size() && is_digit(static_cast<unsigned char>(s_[k]))) {
            j = k;
            while (j < s_.size() && is_digit(static_cast<unsigned char>(s_[j]))) ++j;
          }
        }
      }
      push(kNumber, i_, j);
      i_ = j;
      return;
    }
    if (c == '@') {
      size_t j = i_ + 1;
      if (j < s_.size() && s_[j] == '@') ++j;
      while (j < s_.size() && is_word_char(static_cast<unsigned char>(s_[j]))) ++j;
      push(kVariable, i_, j);
      i_ = j;
      return;
    }
    if (is_word_start(c) || c == '$') { word(); return; }
    switch (c) {
      case '(': push(kOpen, i_, i_ + 1); ++i_; return;
      case ')': push(kClose, i_, i_ + 1); ++i_; return;
      case ',': push(kComma, i_, i_ + 1); ++i_; return;
      case ';': push(kSemicolon, i_, i_ + 1); ++i_; return;
      default: break;
    }
    if ((c == '|' || c == '&') && i_ + 1 < s_.size() && s_[i_ + 1] == static_cast<char>(c)) {
      push(kLogic, i_, i_ + 2);
      i_ += 2;
      return;
    }
    if (c == '=' || c == '<' || c == '>' || c == '!' || c == '+' || c == '-' || c == '*' || c == '/' || c == '%' ||
        c == '^' || c == '|' || c == '&' || c == '~' || c == ':') {
      size_t j = i_ + 1;
      while (j < s_.size() && j - i_ < 3 && std::string_view("=<>!:|").find(s_[j]) != std::string_view::npos) ++j;
      push(kOperator, i_, j);
      i_ = j;
      return;
    }
    ++i_;  // any other character ({ } [ ] ? \ and non-ASCII punctuation) separates tokens
  }

  void word() {
    size_t j = i_;
    while (j < s_.size() && is_word_char(static_cast<unsigned char>(s_[j]))) ++j;
    std::string w = lower(s_.substr(i_, j - i_));
    while (!w.empty() && w.back() == '.') w.pop_back();  // "users." at a sentence end
    char type = kBareword;
    auto it = word_classes().find(w);
    if (it != word_classes().end()) type = it->second;
    if (j < s_.size() && s_[j] == '(' && functions().contains(w)) type = kFunction;
    // A second word that forms a phrase with this one.
    size_t k = j;
    while (k < s_.size() && is_space(static_cast<unsigned char>(s_[k]))) ++k;
    if (type != kFunction && k > j && k < s_.size() && is_word_start(static_cast<unsigned char>(s_[k]))) {
      size_t e = k;
      while (e < s_.size() && is_word_char(static_cast<unsigned char>(s_[e]))) ++e;
      if (char merged = merge_words(w, type, lower(s_.substr(k, e - k)))) {
        push(merged, i_, e);
        i_ = e;
        return;
      }
    }
    push(type, i_, j);
    i_ = j;
  }

  std::string_view s_;
  size_t max_;
  size_t i_ = 0;
  std::vector<Token> out_;
};

bool is_operand(char t) { return t == kNumber || t == kVariable || t == kBareword || t == kString; }
bool is_arith(std::string_view op) {
  return op == "+" || op == "-" || op == "*" || op == "/" || op == "%" || op == "^" || op == "|" || op == "&" ||
         op == "~" || op == "div" || op == "mod";
}

}  // namespace

std::string_view context_name(QuoteContext c) {
  switch (c) {
    case QuoteContext::kNone: return "none";
    case QuoteContext::kSingle: return "single";
    case QuoteContext::kDouble: return "double";
  }
  return "none";
}

std::vector<Token> tokenize(std::string_view text, QuoteContext context, size_t max_tokens) {
  return Lexer(text, context, max_tokens).run();
}

std::string fingerprint(const std::vector<Token>& tokens) {
  // Folding, in one pass over the tokens:
  //  - a comment is kept only as the last token: in the middle of the value
  //    it is whitespace ("UNION/**/SELECT"), at the end it cuts off the rest
  //    of the application's query, the shape of "admin'--";
  //  - a unary sign before an operand is dropped ("-1 UNION" is "1U...");
  //  - "operand arith operand" folds to the first operand ("1+1", "2*3",
  //    "'a'||'b'" is logic, not folded), so "1-0 OR 1" reads as "1&1";
  //  - adjacent strings fold into one (MySQL concatenates 'a' 'b').
  std::vector<Token> f;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.type == kComment) {
      if (i + 1 == tokens.size()) f.push_back(t);
      continue;
    }
    if (t.type == kOperator && (t.text == "-" || t.text == "+" || t.text == "!" || t.text == "~") &&
        i + 1 < tokens.size() && (is_operand(tokens[i + 1].type) || tokens[i + 1].type == kFunction) &&
        (f.empty() || !is_operand(f.back().type))) {
      continue;  // unary
    }
    if (is_operand(t.type) && f.size() >= 2 && f.back().type == kOperator && is_arith(f.back().text) &&
        is_operand(f[f.size() - 2].type)) {
      f.pop_back();  // operand arith operand -> operand
      continue;
    }
    if (t.type == kString && !f.empty() && f.back().type == kString) continue;
    // A '+' right before a keyword is not arithmetic but a form-encoded
    // space left in the text ("9-999.9+union+select+0--").
    if (t.type == kOperator && t.text == "+" && i + 1 < tokens.size() &&
        std::string_view("UE&BkT").find(tokens[i + 1].type) != std::string_view::npos)
      continue;
    f.push_back(t);
    if (f.size() > 8) break;  // enough to decide on the first 5 after folding
  }
  std::string fp;
  for (size_t i = 0; i < f.size() && fp.size() < 5; ++i) fp.push_back(f[i].type);
  return fp;
}

bool is_malicious(std::string_view fp, QuoteContext context) {
  // Each alternative is one attack shape; the examples are payloads from
  // PayloadsAllTheThings "SQL Injection" (Intruder/Auth_Bypass.txt,
  // Generic_UnionSelect.txt, Generic_TimeBased.txt, Generic_ErrorBased.txt)
  // and the CRS 942 rule descriptions.
  //
  // Quote contexts: the fingerprint starts with the string the value closes.
  static const re2::RE2 quoted(
      "^s\\)*("
      // ' OR '1'='1 | ' OR 1=1-- | ' AND sleep(5) | ') OR (1=1 | ' or x like '%   (tautology, CRS 942130)
      // but not "the dogs' and cats' food", "students' and 2 teachers" or
      // '"a" and "b"': after the logic word an operand must be compared,
      // end (numbers only), or be cut off by a comment.
      "&([1v]([o);U&c,B]|$)|s[o);U&c,B]|n([o(;U]|c$)|f|\\(+([1svn]([o,]|$)|[1v]\\)|E|f|$)|E)"
      "|U[E(]"            // ' UNION SELECT ... | ' UNION ALL SELECT | ') UNION (SELECT  (CRS 942270)
      "|;(E|T|f|U|k|v|c$)"  // '; DROP TABLE users-- | '; WAITFOR ... (a statement follows: CRS 942350)
      "|c$"               // admin'-- | admin'#  (auth bypass, CRS 942260; see false_positive())
      "|B[1sfv(]"         // ' ORDER BY 3-- | ' GROUP BY x | ' HAVING 1=1      (column counting)
      "|T"                // ' WAITFOR DELAY '0:0:5'--                         (CRS 942280)
      "|o[(f]"            // '||(SELECT ..) | '+sleep(5)+'                     (concatenated subquery)
      "|o[1sv]([&;U]|c$)" // '=' OR | '-0 OR 1=1 | '=1--                       (CRS 942180)
      "|E([o1fv(k]|n[k,])"  // ' SELECT * FROM ... | ') select name from ...
      ")");
  // No quote: the value sits where a number or an identifier was expected.
  // Prose has barewords and logic words, so a shape needs SQL structure
  // after the logic word ("x OR 1=1"), not just "tom and jerry".
  static const re2::RE2 bare(
      "^\\(*[1nv]\\)*("
      "&(f|\\(+([1svn][o,]|[1v]\\)|E|f)|[1sv]([o;U)B]|c$)|no[1sv(]|E)"  // 1 OR 1=1 | 1 AND sleep(5) | 1 or 1-- | x OR (1,1)=
      "|k1?U[E(]"          // 1 LIMIT 0 UNION SELECT
      "|U[E(]"             // -1 UNION SELECT 1,2 | 1 UNION (SELECT ..)           (CRS 942270)
      "|;(E[kEo1fv(s]|En[kc;(]|T|f\\()"  // 1; DROP TABLE x | 1;WAITFOR DELAY .. (CRS 942350)
      "|B[1sfv(]([c,;)o]|$)"  // 1 ORDER BY 1-- | 1 GROUP BY 1 (not "I having true friends")
      "|T"                 // 1 WAITFOR DELAY '0:0:5'                             (CRS 942280)
      "|o(\\(E|f\\()"      // 1+(SELECT ..) | 1-sleep(5)  (not "LED -(ZEPPELIN)")
      ")"
      "|^\\(*[1v]\\)*[1sv]?o[1sv]\\)*([&;U]|c$)"  // 1=1 OR | id=1=1--  (not "CARD IS 4 AND ...")
      "|^E[o1fv(]([k,o1U&(cs]|$)"   // SELECT * FROM | SELECT 1,2 | SELECT @@version | SELECT version()
      "|^\\(+E[o1fv(sn]"            // (SELECT ...)
      "|^\\(*1\\)*;E(n?$|[kEo1fv(s]|n[kc;(])"  // 1; DROP TABLE x (a number, then a statement)
      "|^U[E(]"                     // UNION SELECT ...
      "|^B[1sfv(]([c,;)o]|$)"       // ORDER BY 18-- (column counting)
      "|^&(n?o[1svn(]|[1sv]o|\\(+E|f|E)"  // AND 7300=7300 | OR x=y-- | AND (SELECT ...
      "|^;(E|T)"                    // ;DROP ..., ;WAITFOR ...
      "|^f\\([1sv(Ef]|^f\\(\\)[&o]"              // sleep(5) | benchmark(1e7,md5(1)) | ascii(substring(..
      "|^T");
  return RE2::PartialMatch(fp, context == QuoteContext::kNone ? bare : quoted);
}

// The false-positive heuristics: shapes that the fingerprint alone does
// not separate from text.
//  - "sc" (a closed literal, then a comment) is admin'-- or admin'#: the
//    literal is a short single word. Product names and titles close a quote
//    after several words ("BAMBOO SOAP 1 '#", "7\" #2 NEEDLE"), and a '#'
//    followed by more text is a number sign, not a MySQL comment.
namespace {

bool false_positive(std::string_view fp, const std::vector<Token>& tokens) {
  if (fp == "sc" && tokens.size() >= 2) {
    std::string_view lit = tokens[0].text, comment = tokens.back().text;
    if (lit.size() > 64 || lit.find_first_of(" \t\r\n") != std::string_view::npos) return true;
    if (!comment.empty() && comment[0] == '#' && comment.find_first_not_of(" \t\r\n", 1) != std::string_view::npos)
      return true;
  }
  return false;
}

}  // namespace

Result detect(std::string_view text) {
  Result r;
  static constexpr QuoteContext kContexts[] = {QuoteContext::kNone, QuoteContext::kSingle, QuoteContext::kDouble};
  for (QuoteContext c : kContexts) {
    if (c == QuoteContext::kSingle && text.find('\'') == std::string_view::npos) continue;
    if (c == QuoteContext::kDouble && text.find('"') == std::string_view::npos) continue;
    std::vector<Token> tokens = tokenize(text, c);
    std::string fp = fingerprint(tokens);
    if (c == QuoteContext::kNone) r.fingerprint = fp;
    if (is_malicious(fp, c) && !false_positive(fp, tokens)) {
      r.detected = true;
      r.fingerprint = std::move(fp);
      r.context = c;
      return r;
    }
  }
  return r;
}

}  // namespace moat::sqli
