// ANTLR plumbing shared by the parser driver (parser.cc) and the AST
// builder (ast_builder.cc), which parses `${...}` interpolations with a
// parser of its own: byte offsets from ANTLR's code-point positions, syntax
// errors turned into diagnostics, and the limits that keep a hostile policy
// from exhausting the stack or the time of the parse.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "MoatLexer.h"
#include "MoatParser.h"
#include "antlr4-runtime.h"
#include "syntax/diagnostic.h"
#include "value/utf8.h"

namespace moat::parsing {

using moatgen::MoatLexer;
using moatgen::MoatParser;

// Thrown by the depth guard to abandon a parse that would exhaust the stack.
struct TooDeep {
  size_t token_index;
};

// ANTLR counts positions in code points; SourceRange holds byte offsets.
class OffsetMap {
 public:
  explicit OffsetMap(std::string_view text) {
    bool ascii = true;
    for (unsigned char c : text)
      if (c >= 0x80) { ascii = false; break; }
    if (ascii) return;
    for (uint32_t i = 0; i < text.size(); ++i)
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts_.push_back(i);
    starts_.push_back(static_cast<uint32_t>(text.size()));
  }
  uint32_t byte(size_t cp) const {
    if (starts_.empty()) return static_cast<uint32_t>(cp);
    return cp < starts_.size() ? starts_[cp] : starts_.back();
  }

 private:
  std::vector<uint32_t> starts_;
};

// Thrown by ErrorCollector to abandon a parse that keeps failing: error
// recovery on garbage can report an error every few tokens.
struct TooManyErrors {
  uint32_t at;  // byte offset of the first error not reported
};

class ErrorCollector : public antlr4::BaseErrorListener {
 public:
  static constexpr int kMaxErrors = 100;

  ErrorCollector(Diagnostics& diags, uint32_t file, uint32_t base, const OffsetMap& offsets)
      : diags_(diags), file_(file), base_(base), offsets_(offsets) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* tok, size_t, size_t, const std::string& msg,
                   std::exception_ptr) override {
    SourceRange r{file_, base_, base_};
    std::string text = msg;
    if (tok != nullptr) {
      r.begin = base_ + offsets_.byte(tok->getStartIndex());
      r.end = tok->getType() == antlr4::Token::EOF ? r.begin : base_ + offsets_.byte(tok->getStopIndex() + 1);
      if (tok->getType() == MoatLexer::BAD_CHAR) {
        std::string t = tok->getText();
        if (t == "\"") text = "unterminated string literal";
        else if (t.size() == 1 && (static_cast<unsigned char>(t[0]) < 0x20 || t[0] == 0x7f)) {
          // NUL, ESC...: name it rather than print it
          std::string hex = hex_byte(static_cast<unsigned char>(t[0]));
          for (char& h : hex) h = static_cast<char>(std::toupper(static_cast<unsigned char>(h)));
          text = "unexpected control character U+00" + hex;
        }
        else text = "unexpected character '" + t + "'";
      }
      // Keywords are valid after a dot, as map keys and in resource types;
      // anywhere else a keyword where a name was expected is the usual
      // cause. ANTLR's "no viable alternative" often points one token past
      // the keyword, so look at the token before too.
      bool no_viable = msg.rfind("no viable alternative", 0) == 0;
      const antlr4::Token* kw = is_keyword(tok) && (no_viable || expects_name(msg)) ? tok : nullptr;
      if (kw == nullptr && no_viable && recognizer != nullptr)
        if (auto* ts = dynamic_cast<antlr4::TokenStream*>(recognizer->getInputStream()))
          for (size_t i = tok->getTokenIndex(); i-- > 0;) {
            antlr4::Token* prev = ts->get(i);
            if (prev->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
            if (is_keyword(prev)) kw = prev;
            break;
          }
      if (kw != nullptr) {
        std::string k = kw->getText();
        text += ": '" + k + "' is a keyword; quote it (\"" + k + "\") or choose another name";
      }
    }
    // ANTLR spells the end of input as <EOF>; people read "end of file".
    for (size_t p; (p = text.find("<EOF>")) != std::string::npos;) text.replace(p, 5, "end of file");
    ++count_;
    // One error per position: ANTLR's recovery can report the same spot twice.
    if (r.begin == last_ && count_ > 1) return;
    last_ = r.begin;
    if (++reported_ > kMaxErrors) throw TooManyErrors{r.begin};
    diags_.error(r, text);
  }
  int count() const { return count_; }

 private:
  // Keyword tokens are the literal tokens spelled with letters: everything
  // else alphabetic lexes as ID.
  // ANTLR lists the expected tokens: "expecting ID", "expecting {'(', ID}".
  static bool expects_name(const std::string& msg) {
    size_t at = msg.find("expecting ");
    if (at == std::string::npos) return false;
    for (size_t p = msg.find("ID", at); p != std::string::npos; p = msg.find("ID", p + 2)) {
      bool left = !std::isalnum(static_cast<unsigned char>(msg[p - 1])) && msg[p - 1] != '\'';
      bool right = p + 2 >= msg.size() || (!std::isalnum(static_cast<unsigned char>(msg[p + 2])) && msg[p + 2] != '\'');
      if (left && right) return true;
    }
    return false;
  }
  static bool is_keyword(const antlr4::Token* t) {
    if (t == nullptr || t->getType() == MoatLexer::ID || t->getType() == antlr4::Token::EOF) return false;
    std::string x = t->getText();
    return !x.empty() && std::all_of(x.begin(), x.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
  }

  Diagnostics& diags_;
  uint32_t file_, base_;
  const OffsetMap& offsets_;
  int count_ = 0;
  int reported_ = 0;
  uint32_t last_ = UINT32_MAX;
};

// Stops the parse before deep nesting (`not not not ...`, `((((...))))`)
// exhausts the machine stack: ANTLR's parser recurses once per level.
class DepthGuard : public antlr4::tree::ParseTreeListener {
 public:
  // __builtin_frame_address, not the address of a local: under ASan's
  // detect_stack_use_after_return, locals live on a heap "fake stack" and
  // their addresses say nothing about the machine stack.
  explicit DepthGuard(size_t max_stack_bytes) : max_(max_stack_bytes) {
    base_ = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  }
  void visitTerminal(antlr4::tree::TerminalNode*) override {}
  void visitErrorNode(antlr4::tree::ErrorNode*) override {}
  void exitEveryRule(antlr4::ParserRuleContext*) override {}
  void enterEveryRule(antlr4::ParserRuleContext* ctx) override {
    uintptr_t here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    if (base_ > here && base_ - here > max_) throw TooDeep{ctx->getStart() ? ctx->getStart()->getTokenIndex() : 0};
  }

 private:
  uintptr_t base_;
  size_t max_;
};

// The first token opening a bracket ( [ { nested more than `limit` deep, or
// nullptr. Such nesting is refused before parsing: besides the recursion,
// ANTLR's prediction at each `[` and `{` (literal or comprehension?) looks
// ahead to the matching bracket, which takes quadratic time in the depth.
inline antlr4::Token* too_deeply_bracketed(antlr4::CommonTokenStream& tokens, int limit) {
  tokens.fill();
  int depth = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    antlr4::Token* t = tokens.get(i);
    if (t->getStartIndex() != t->getStopIndex()) continue;  // brackets are one character
    std::string c = t->getText();
    if (c == "(" || c == "[" || c == "{") {
      if (++depth > limit) return t;
    } else if (c == ")" || c == "]" || c == "}") {
      depth = std::max(depth - 1, 0);
    }
  }
  return nullptr;
}

}  // namespace moat::parsing
