// SQL injection detection by tokenizing, after the approach Nick Galbreath
// published for libinjection (Black Hat USA 2012, "libinjection: a C library
// for SQLi detection and generation through lexical analysis of real world
// attacks"; the token classes are those listed in catalog §6.2). No code or
// data of libinjection is used: the tokenizer, the folding and the
// fingerprint patterns below are written here.
//
// The idea: an injected value changes the structure of the query it lands
// in, so instead of looking for keywords ("select" is in plenty of English),
// tokenize the value as SQL the way the database would, under each quote
// context the application may have put it in (none: a number or identifier
// position; single and double: inside a quoted literal, which the value
// must close first), reduce the first tokens to one-letter classes, fold
// the harmless structure away (arithmetic, unary signs, interior comments),
// and ask whether the resulting fingerprint is a shape a query only has when
// the value escaped its position: a tautology after a closed string, a
// UNION SELECT, a stacked statement, a trailing comment that cuts the rest
// of the query off, a time-delay function call.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace moat::sqli {

// One-letter token classes (the fingerprint alphabet).
enum : char {
  kKeyword = 'k',     // FROM, WHERE, INTO, TABLE, LIMIT, ...
  kUnion = 'U',       // UNION [ALL|DISTINCT], INTERSECT, EXCEPT
  kGroup = 'B',       // GROUP BY, ORDER BY, HAVING
  kExpression = 'E',  // statement starters: SELECT, INSERT, UPDATE, DELETE, DROP, ...
  kType = 't',        // SQL types in casts: INT, VARCHAR, ...
  kFunction = 'f',    // a known function name directly followed by '('
  kTsql = 'T',        // T-SQL commands: WAITFOR DELAY/TIME, EXEC master..
  kBareword = 'n',    // identifiers and other words
  kNumber = '1',      // numbers and the literals NULL, TRUE, FALSE
  kVariable = 'v',    // @var, @@system_var
  kString = 's',      // quoted literal
  kOperator = 'o',    // = < > + - * / % LIKE IN IS NOT BETWEEN ...
  kLogic = '&',       // AND OR XOR && ||
  kComment = 'c',     // -- # /* */ (only kept as the last token)
  kOpen = '(',
  kClose = ')',
  kComma = ',',
  kSemicolon = ';',
};

struct Token {
  char type;
  std::string_view text;  // points into the input (or a static spelling)
};

enum class QuoteContext { kNone, kSingle, kDouble };
std::string_view context_name(QuoteContext c);

// Every token of `text` read as SQL starting in `context` (a quote context
// starts inside a literal: the first token is the string up to the first
// unescaped quote of that kind). At most `max_tokens` tokens.
std::vector<Token> tokenize(std::string_view text, QuoteContext context, size_t max_tokens = 64);

// Folds the token list and returns the fingerprint of its first 5 tokens.
std::string fingerprint(const std::vector<Token>& tokens);

// Whether a fingerprint from `context` is one of the malicious shapes.
bool is_malicious(std::string_view fingerprint, QuoteContext context);

struct Result {
  bool detected = false;
  std::string fingerprint;  // of the detecting context, else of the none context
  QuoteContext context = QuoteContext::kNone;
};

// Tries the none, single and double contexts in turn (a quote context only
// when the text holds that quote character).
Result detect(std::string_view text);

}  // namespace moat::sqli
