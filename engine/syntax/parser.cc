#include "syntax/parser.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "MoatLexer.h"
#include "MoatParser.h"
#include "antlr4-runtime.h"
#include "syntax/utf8.h"

namespace moat {
namespace {

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
antlr4::Token* too_deeply_bracketed(antlr4::CommonTokenStream& tokens, int limit) {
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

class Builder {
 public:
  Builder(const SourceSet& sources, uint32_t file, uint32_t base, const OffsetMap& offsets,
          const ParseLimits& limits, Diagnostics& diags)
      : sources_(sources), file_(file), base_(base), offsets_(offsets), limits_(limits), diags_(diags) {}

  std::unique_ptr<Module> module(MoatParser::FileContext* ctx);
  ExprPtr expr(MoatParser::ExprContext* ctx);

 private:
  SourceRange range(antlr4::ParserRuleContext* ctx) const {
    if (ctx == nullptr || ctx->getStart() == nullptr) return {file_, base_, base_};
    uint32_t b = base_ + offsets_.byte(ctx->getStart()->getStartIndex());
    auto* stop = ctx->getStop();
    uint32_t e = (stop && stop->getType() != antlr4::Token::EOF && stop->getStopIndex() + 1 > ctx->getStart()->getStartIndex())
                     ? base_ + offsets_.byte(stop->getStopIndex() + 1)
                     : b;
    return {file_, b, e};
  }
  SourceRange range(antlr4::Token* t) const {
    if (t == nullptr) return {file_, base_, base_};
    return {file_, base_ + offsets_.byte(t->getStartIndex()), base_ + offsets_.byte(t->getStopIndex() + 1)};
  }
  ExprPtr error_node(SourceRange r) { return std::make_unique<Expr>(ExprKind::kNull, r); }
  ExprPtr primary(MoatParser::PrimaryContext* ctx);
  ExprPtr comprehension(ExprKind kind, SourceRange r, const std::vector<MoatParser::ExprContext*>& element,
                        MoatParser::CompForContext* first, const std::vector<MoatParser::CompClauseContext*>& rest);
  ExprPtr string_literal(MoatParser::StringLitContext* ctx);
  std::string plain_string(MoatParser::StringLitContext* ctx);  // no interpolation allowed
  ExprPtr interpolation(std::string_view body, uint32_t body_offset, SourceRange whole);
  std::string qualified(MoatParser::QualifiedNameContext* ctx);
  void bind_vars(Expr& e, antlr4::Token* v1, antlr4::Token* v2);

  const SourceSet& sources_;
  uint32_t file_, base_;
  const OffsetMap& offsets_;
  const ParseLimits& limits_;
  Diagnostics& diags_;
  int depth_ = 0;
  bool depth_reported_ = false;
};

std::string Builder::qualified(MoatParser::QualifiedNameContext* ctx) {
  std::string out;
  if (ctx == nullptr) return out;
  for (auto* id : ctx->ID()) {
    if (!out.empty()) out += '.';
    out += id->getText();
  }
  return out;
}

void Builder::bind_vars(Expr& e, antlr4::Token* v1, antlr4::Token* v2) {
  if (v1) { e.vars.push_back(v1->getText()); e.var_ranges.push_back(range(v1)); }
  if (v2) { e.vars.push_back(v2->getText()); e.var_ranges.push_back(range(v2)); }
}

std::unique_ptr<Module> Builder::module(MoatParser::FileContext* ctx) {
  auto m = std::make_unique<Module>();
  m->file = file_;
  if (auto* p = ctx->packageDecl()) {
    m->package = qualified(p->qualifiedName());
    m->package_range = range(p->qualifiedName());
  }
  for (auto* imp : ctx->importDecl()) {
    Import i;
    i.package = qualified(imp->qualifiedName());
    i.range = range(imp);
    if (imp->alias) i.alias = imp->alias->getText();
    else i.alias = i.package.substr(i.package.rfind('.') == std::string::npos ? 0 : i.package.rfind('.') + 1);
    m->imports.push_back(std::move(i));
  }
  for (auto* d : ctx->decl()) {
    if (auto* p = d->paramDecl()) {
      ParamDecl pd;
      pd.name = p->name ? p->name->getText() : "";
      pd.range = range(p);
      pd.type = p->typeName() ? p->typeName()->getText() : "any";
      pd.type_range = range(p->typeName());
      if (p->expr()) pd.default_value = expr(p->expr());
      if (p->doc) pd.doc = plain_string(p->doc);
      m->params.push_back(std::move(pd));
    } else if (auto* c = d->constDecl()) {
      ConstDecl cd;
      cd.name = c->name ? c->name->getText() : "";
      cd.range = range(c);
      cd.value = c->expr() ? expr(c->expr()) : error_node(range(c));
      m->consts.push_back(std::move(cd));
    } else if (auto* f = d->fnDecl()) {
      FnDecl fd;
      fd.name = f->name ? f->name->getText() : "";
      fd.range = range(f);
      auto ids = f->ID();
      for (size_t i = 1; i < ids.size(); ++i) {  // ids[0] is the name
        fd.params.push_back(ids[i]->getText());
        fd.param_ranges.push_back(range(ids[i]->getSymbol()));
      }
      fd.body = f->expr() ? expr(f->expr()) : error_node(range(f));
      m->fns.push_back(std::move(fd));
    } else if (auto* r = d->ruleDecl()) {
      RuleDecl rd;
      rd.range = range(r);
      rd.id_range = range(r->id);
      rd.id = r->id ? plain_string(r->id) : "";
      for (auto* me : r->metaEntry()) {
        MetaEntry e;
        e.key = me->key ? me->key->getText() : "";
        e.key_range = range(me->key);
        e.value = me->expr() ? expr(me->expr()) : error_node(range(me));
        rd.meta.push_back(std::move(e));
      }
      for (auto* c : r->clause()) {
        Clause cl;
        cl.range = range(c);
        if (auto* s = dynamic_cast<MoatParser::SelectClauseContext*>(c)) {
          cl.kind = ClauseKind::kSelect;
          // `select f: T` binds the resource; `select id, f: T` also its id.
          if (s->var2) {
            cl.var = s->var2->getText();
            cl.var_range = range(s->var2);
            cl.var2 = s->var->getText();
            cl.var2_range = range(s->var);
          } else if (s->var) {
            cl.var = s->var->getText();
            cl.var_range = range(s->var);
          }
          for (auto* t : s->typeRef()) {
            // getText() drops hidden whitespace: `aws . events` is `aws.events`.
            cl.types.push_back(t->typePath() ? t->typePath()->getText() : plain_string(t->stringLit()));
            cl.type_ranges.push_back(range(t));
          }
        } else if (auto* f2 = dynamic_cast<MoatParser::ForClauseContext*>(c)) {
          cl.kind = ClauseKind::kFor;
          if (f2->var) { cl.var = f2->var->getText(); cl.var_range = range(f2->var); }
          if (f2->var2) { cl.var2 = f2->var2->getText(); cl.var2_range = range(f2->var2); }
          cl.expr = f2->expr() ? expr(f2->expr()) : error_node(cl.range);
        } else if (auto* l = dynamic_cast<MoatParser::LetClauseContext*>(c)) {
          cl.kind = ClauseKind::kLet;
          if (l->var) { cl.var = l->var->getText(); cl.var_range = range(l->var); }
          cl.expr = l->expr() ? expr(l->expr()) : error_node(cl.range);
        } else if (auto* w = dynamic_cast<MoatParser::WhereClauseContext*>(c)) {
          cl.kind = ClauseKind::kWhere;
          cl.expr = w->expr() ? expr(w->expr()) : error_node(cl.range);
        } else {
          continue;
        }
        rd.clauses.push_back(std::move(cl));
      }
      if (auto* rep = r->reportClause()) {
        rd.report.range = range(rep);
        rd.report.message = rep->message ? expr(rep->message) : error_node(range(rep));
        if (rep->at) rd.report.at = expr(rep->at);
        if (rep->subject) rd.report.subject = expr(rep->subject);
      } else {
        rd.report.range = rd.range;
        rd.report.message = error_node(rd.range);
      }
      m->rules.push_back(std::move(rd));
    }
  }
  return m;
}

ExprPtr Builder::expr(MoatParser::ExprContext* ctx) {
  if (ctx == nullptr) return error_node({file_, base_, base_});
  SourceRange r = range(ctx);
  // Left-recursive chains (`1+1+1+...`) make deep trees without deep parser
  // recursion, so the AST builder keeps its own limit; every later pass
  // recurses over the AST and relies on it.
  if (depth_ >= limits_.max_expr_depth) {
    if (!depth_reported_) {
      diags_.error(r, "expression nesting exceeds " + std::to_string(limits_.max_expr_depth) + " levels");
      depth_reported_ = true;
    }
    return error_node(r);
  }
  struct DepthScope {
    int& d;
    explicit DepthScope(int& x) : d(x) { ++d; }
    ~DepthScope() { --d; }
  } scope(depth_);

  auto binary = [&](ExprKind k, MoatParser::ExprContext* a, MoatParser::ExprContext* b) {
    auto e = std::make_unique<Expr>(k, r);
    e->kids.push_back(expr(a));
    e->kids.push_back(expr(b));
    return e;
  };
  if (auto* c = dynamic_cast<MoatParser::PrimaryExprContext*>(ctx)) return primary(c->primary());
  if (auto* c = dynamic_cast<MoatParser::FieldExprContext*>(ctx)) {
    auto e = std::make_unique<Expr>(ExprKind::kField, r);
    e->kids.push_back(expr(c->expr()));
    e->text = c->fieldName() ? c->fieldName()->getText() : "";
    return e;
  }
  if (auto* c = dynamic_cast<MoatParser::IndexExprContext*>(ctx)) return binary(ExprKind::kIndex, c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<MoatParser::NegExprContext*>(ctx)) {
    auto e = std::make_unique<Expr>(ExprKind::kNeg, r);
    e->kids.push_back(expr(c->expr()));
    return e;
  }
  if (auto* c = dynamic_cast<MoatParser::NotExprContext*>(ctx)) {
    auto e = std::make_unique<Expr>(ExprKind::kNot, r);
    e->kids.push_back(expr(c->expr()));
    return e;
  }
  if (auto* c = dynamic_cast<MoatParser::CoalesceExprContext*>(ctx)) return binary(ExprKind::kCoalesce, c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<MoatParser::AndExprContext*>(ctx)) return binary(ExprKind::kAnd, c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<MoatParser::OrExprContext*>(ctx)) return binary(ExprKind::kOr, c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<MoatParser::InExprContext*>(ctx)) {
    auto e = binary(ExprKind::kIn, c->expr(0), c->expr(1));
    e->negated = c->neg != nullptr;
    return e;
  }
  auto binop = [&](antlr4::Token* op, MoatParser::ExprContext* a, MoatParser::ExprContext* b) {
    auto e = binary(ExprKind::kBinary, a, b);
    std::string t = op ? op->getText() : "+";
    static constexpr std::pair<const char*, BinOp> kOps[] = {
        {"+", BinOp::kAdd}, {"-", BinOp::kSub}, {"*", BinOp::kMul}, {"/", BinOp::kDiv},
        {"%", BinOp::kMod}, {"==", BinOp::kEq}, {"!=", BinOp::kNe}, {"<", BinOp::kLt},
        {"<=", BinOp::kLe}, {">", BinOp::kGt}, {">=", BinOp::kGe}};
    for (auto& [s, o] : kOps)
      if (t == s) e->op = o;
    return e;
  };
  if (auto* c = dynamic_cast<MoatParser::MulExprContext*>(ctx)) return binop(c->op, c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<MoatParser::AddExprContext*>(ctx)) return binop(c->op, c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<MoatParser::CmpExprContext*>(ctx)) return binop(c->op, c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<MoatParser::CondExprContext*>(ctx)) {
    auto e = std::make_unique<Expr>(ExprKind::kCond, r);
    for (int i = 0; i < 3; ++i) e->kids.push_back(expr(c->expr(i)));
    return e;
  }
  if (auto* c = dynamic_cast<MoatParser::LetExprContext*>(ctx)) {
    auto e = std::make_unique<Expr>(ExprKind::kLet, r);
    if (c->ID()) { e->vars.push_back(c->ID()->getText()); e->var_ranges.push_back(range(c->ID()->getSymbol())); }
    e->kids.push_back(expr(c->expr(0)));
    e->kids.push_back(expr(c->expr(1)));
    return e;
  }
  return error_node(r);
}

ExprPtr Builder::primary(MoatParser::PrimaryContext* ctx) {
  if (ctx == nullptr) return error_node({file_, base_, base_});
  SourceRange r = range(ctx);
  if (auto* c = dynamic_cast<MoatParser::IntLitContext*>(ctx)) {
    std::string t = c->getText();
    t.erase(std::remove(t.begin(), t.end(), '_'), t.end());
    auto e = std::make_unique<Expr>(ExprKind::kInt, r);
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(t.c_str(), &end, 10);
    if (errno == ERANGE || v > static_cast<unsigned long long>(INT64_MAX)) {
      diags_.error(r, "integer literal " + t + " does not fit in 64 bits");
      v = 0;
    }
    e->int_value = static_cast<int64_t>(v);
    return e;
  }
  if (auto* c = dynamic_cast<MoatParser::FloatLitContext*>(ctx)) {
    std::string t = c->getText();
    t.erase(std::remove(t.begin(), t.end(), '_'), t.end());
    auto e = std::make_unique<Expr>(ExprKind::kFloat, r);
    e->float_value = std::strtod(t.c_str(), nullptr);
    if (std::isinf(e->float_value)) diags_.error(r, "float literal " + t + " is out of range");
    return e;
  }
  if (auto* c = dynamic_cast<MoatParser::StrLitContext*>(ctx)) return string_literal(c->stringLit());
  if (dynamic_cast<MoatParser::TrueLitContext*>(ctx)) {
    auto e = std::make_unique<Expr>(ExprKind::kBool, r);
    e->bool_value = true;
    return e;
  }
  if (dynamic_cast<MoatParser::FalseLitContext*>(ctx)) return std::make_unique<Expr>(ExprKind::kBool, r);
  if (dynamic_cast<MoatParser::NullLitContext*>(ctx)) return std::make_unique<Expr>(ExprKind::kNull, r);
  if (auto* c = dynamic_cast<MoatParser::ParenExprContext*>(ctx)) return expr(c->expr());
  if (auto* c = dynamic_cast<MoatParser::NameExprContext*>(ctx)) {
    auto e = std::make_unique<Expr>(ExprKind::kName, r);
    e->text = c->getText();
    return e;
  }
  if (auto* c = dynamic_cast<MoatParser::CallExprContext*>(ctx)) {
    auto e = std::make_unique<Expr>(ExprKind::kCall, r);
    e->text = qualified(c->qualifiedName());
    for (auto* a : c->expr()) e->kids.push_back(expr(a));
    return e;
  }
  if (auto* c = dynamic_cast<MoatParser::ListLitContext*>(ctx)) {
    auto e = std::make_unique<Expr>(ExprKind::kList, r);
    for (auto* a : c->expr()) e->kids.push_back(expr(a));
    return e;
  }
  if (auto* c = dynamic_cast<MoatParser::MapLitContext*>(ctx)) {
    auto e = std::make_unique<Expr>(ExprKind::kMap, r);
    for (auto* me : c->mapEntry()) {
      auto key = std::make_unique<Expr>(ExprKind::kString, range(me));
      if (me->fieldName()) key->text = me->fieldName()->getText();
      else if (me->stringLit()) key->text = plain_string(me->stringLit());
      e->kids.push_back(std::move(key));
      e->kids.push_back(expr(me->expr()));
    }
    return e;
  }
  if (auto* c = dynamic_cast<MoatParser::QuantExprContext*>(ctx)) {
    auto e = std::make_unique<Expr>(ExprKind::kQuant, r);
    std::string q = c->q ? c->q->getText() : "any";
    e->quant = q == "all" ? Quant::kAll : q == "none" ? Quant::kNone : q == "count" ? Quant::kCount : Quant::kAny;
    bind_vars(*e, c->var, c->var2);
    auto exprs = c->expr();
    e->kids.push_back(exprs.empty() ? error_node(r) : expr(exprs[0]));
    if (exprs.size() > 1) {
      e->kids.push_back(expr(exprs[1]));
      e->has_filter = true;
    } else if (e->quant != Quant::kCount) {
      diags_.error(r, q + "(...) needs a condition: " + q + "(x in xs: condition)");
    }
    return e;
  }
  if (auto* c = dynamic_cast<MoatParser::ListCompExprContext*>(ctx))
    return comprehension(ExprKind::kListComp, r, {c->expr()}, c->compFor(), c->compClause());
  if (auto* c = dynamic_cast<MoatParser::MapCompExprContext*>(ctx))
    return comprehension(ExprKind::kMapComp, r, c->expr(), c->compFor(), c->compClause());
  return error_node(r);
}

// [elem for vars in coll CLAUSES] and {key: value for ...}: the element
// expressions, the first collection (its variables go on the node), then one
// kCompFor / kCompIf / kCompLet node per later clause, in source order.
ExprPtr Builder::comprehension(ExprKind kind, SourceRange r, const std::vector<MoatParser::ExprContext*>& element,
                               MoatParser::CompForContext* first,
                               const std::vector<MoatParser::CompClauseContext*>& rest) {
  auto e = std::make_unique<Expr>(kind, r);
  for (auto* a : element) e->kids.push_back(expr(a));
  if (first == nullptr) {  // a syntax error, already reported
    e->kids.push_back(error_node(r));
    return e;
  }
  bind_vars(*e, first->var, first->var2);
  e->kids.push_back(expr(first->expr()));
  for (auto* cl : rest) {
    SourceRange cr = range(cl);
    if (auto* f = dynamic_cast<MoatParser::CompForClauseContext*>(cl)) {
      auto k = std::make_unique<Expr>(ExprKind::kCompFor, cr);
      if (auto* cf = f->compFor()) {
        bind_vars(*k, cf->var, cf->var2);
        k->kids.push_back(expr(cf->expr()));
      } else {
        k->kids.push_back(error_node(cr));
      }
      e->kids.push_back(std::move(k));
    } else if (auto* i = dynamic_cast<MoatParser::CompIfClauseContext*>(cl)) {
      auto k = std::make_unique<Expr>(ExprKind::kCompIf, cr);
      k->kids.push_back(expr(i->expr()));
      e->kids.push_back(std::move(k));
    } else if (auto* l = dynamic_cast<MoatParser::CompLetClauseContext*>(cl)) {
      auto k = std::make_unique<Expr>(ExprKind::kCompLet, cr);
      bind_vars(*k, l->var, nullptr);
      k->kids.push_back(expr(l->expr()));
      e->kids.push_back(std::move(k));
    }
  }
  return e;
}

// Removes the indentation common to every non-blank line of a text block,
// and the newline right after the opening quotes, so descriptions can be
// indented with the code around them.
std::string dedent(std::string_view s) {
  if (!s.empty() && s.front() == '\n') s.remove_prefix(1);
  size_t common = std::string::npos;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t nl = s.find('\n', pos);
    std::string_view line = s.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    size_t ind = line.find_first_not_of(" \t");
    if (ind != std::string_view::npos) common = std::min(common, ind);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  if (common == std::string::npos) common = 0;
  std::string out;
  pos = 0;
  while (pos <= s.size()) {
    size_t nl = s.find('\n', pos);
    std::string_view line = s.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    out.append(line.size() >= common ? line.substr(common) : std::string_view());
    if (nl == std::string_view::npos) break;
    out += '\n';
    pos = nl + 1;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n' || out.back() == '\t')) out.pop_back();
  return out;
}

std::string Builder::plain_string(MoatParser::StringLitContext* ctx) {
  if (ctx == nullptr || ctx->getText().size() < 2) return {};  // a syntax error, already reported
  ExprPtr e = string_literal(ctx);
  if (e->kind == ExprKind::kString) return e->text;
  diags_.error(range(ctx), "interpolation is not allowed here; use a plain string");
  return {};
}

ExprPtr Builder::string_literal(MoatParser::StringLitContext* ctx) {
  SourceRange r = range(ctx);
  if (ctx == nullptr) return error_node(r);
  std::string raw = ctx->getText();
  // After a syntax error the parser may hand back a string literal with no
  // token in it (`rule rule ...`); the error is already reported.
  if (raw.size() < 2) return error_node(r);
  if (ctx->RAW_STRING()) {
    auto e = std::make_unique<Expr>(ExprKind::kString, r);
    e->text = raw.substr(2, raw.size() - 3);
    return e;
  }
  if (ctx->TEXT_BLOCK()) {
    auto e = std::make_unique<Expr>(ExprKind::kString, r);
    e->text = dedent(std::string_view(raw).substr(3, raw.size() - 6));
    return e;
  }
  // "..." : escapes and ${...} interpolation.
  std::string_view body = std::string_view(raw).substr(1, raw.size() - 2);
  uint32_t body_offset = r.begin + 1;
  return interpolation(body, body_offset, r);
}

// The scanners below find where a `${...}` ends, following the lexer's
// INTERP rule in Moat.g4: nested braces, strings in either quote (which may
// hold `${...}` themselves) and backslash escapes. The older way of quoting
// inside ${...}, `\"...\"`, still works: those backslashes are dropped from
// the text of the inner expression, which `out` receives.
size_t interp_end(std::string_view s, size_t i, std::string* out);

// `i` is just past the opening quote; returns the index of the closing one.
size_t string_end(std::string_view s, size_t i, char quote, std::string* out) {
  while (i < s.size()) {
    char c = s[i];
    if (c == '\\') {
      if (i + 1 >= s.size()) return std::string_view::npos;
      out->append(s.substr(i, 2));
      i += 2;
    } else if (c == quote) {
      return i;
    } else if (c == '$' && i + 1 < s.size() && s[i + 1] == '{') {
      out->append("${");
      size_t j = interp_end(s, i + 2, out);
      if (j == std::string_view::npos) return j;
      out->push_back('}');
      i = j + 1;
    } else {
      out->push_back(c);
      ++i;
    }
  }
  return std::string_view::npos;
}

// `i` is just past `${`; returns the index of the matching `}`.
size_t interp_end(std::string_view s, size_t i, std::string* out) {
  int depth = 1;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size() && s[i + 1] == '"') {
      // \"...\": a string of the inner expression, kept without the backslashes.
      size_t k = i + 2;
      out->push_back('"');
      while (k < s.size() && !(s[k] == '\\' && k + 1 < s.size() && s[k + 1] == '"')) {
        if (s[k] == '\\' && k + 1 < s.size()) out->push_back(s[k++]);
        out->push_back(s[k++]);
      }
      if (k >= s.size()) return std::string_view::npos;
      out->push_back('"');
      i = k + 2;
    } else if (c == '\\') {
      if (i + 1 >= s.size()) return std::string_view::npos;
      out->append(s.substr(i, 2));
      i += 2;
    } else if (c == '"' || c == '\'') {
      out->push_back(c);
      size_t k = string_end(s, i + 1, c, out);
      if (k == std::string_view::npos) return k;
      out->push_back(c);
      i = k + 1;
    } else {
      if (c == '{') ++depth;
      if (c == '}' && --depth == 0) return i;
      out->push_back(c);
      ++i;
    }
  }
  return std::string_view::npos;
}

ExprPtr Builder::interpolation(std::string_view body, uint32_t body_offset, SourceRange whole) {
  std::vector<ExprPtr> parts;
  std::string cur;
  auto flush = [&]() {
    if (cur.empty()) return;
    auto s = std::make_unique<Expr>(ExprKind::kString, whole);
    s->text = std::move(cur);
    cur.clear();
    parts.push_back(std::move(s));
  };
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\\' && i + 1 < body.size()) {
      char n = body[++i];
      switch (n) {
        case 'n': cur += '\n'; break;
        case 't': cur += '\t'; break;
        case 'r': cur += '\r'; break;
        case '0': cur += '\0'; break;
        case '\\': cur += '\\'; break;
        case '"': cur += '"'; break;
        case '\'': cur += '\''; break;
        case '$': cur += '$'; break;
        case 'u': {
          // \u{1F600}
          size_t close = body.find('}', i);
          uint32_t cp = 0;
          bool ok = i + 1 < body.size() && body[i + 1] == '{' && close != std::string_view::npos && close > i + 2 &&
                    close - i - 2 <= 6;
          for (size_t k = i + 2; ok && k < close; ++k) {
            char h = body[k];
            int d = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
            if (d < 0) ok = false;
            cp = cp * 16 + static_cast<uint32_t>(d < 0 ? 0 : d);
          }
          if (!ok || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            diags_.error({file_, body_offset + static_cast<uint32_t>(i) - 1, body_offset + static_cast<uint32_t>(i) + 1},
                         "invalid unicode escape; write \\u{XXXX}");
          } else {
            append_utf8(cp, cur);
            i = close;
          }
          break;
        }
        default:
          diags_.error({file_, body_offset + static_cast<uint32_t>(i) - 1, body_offset + static_cast<uint32_t>(i) + 1},
                       std::string("unknown escape sequence '\\") + n + "'");
      }
      continue;
    }
    if (c == '$' && i + 1 < body.size() && body[i + 1] == '{') {
      std::string inner;
      size_t j = interp_end(body, i + 2, &inner);
      uint32_t start = body_offset + static_cast<uint32_t>(i);
      if (j == std::string_view::npos) {
        diags_.error({file_, start, start + 2},
                     "unterminated '${' in string");
        return error_node(whole);
      }
      flush();
      uint32_t inner_offset = body_offset + static_cast<uint32_t>(i) + 2;
      if (inner.find_first_not_of(" \t") == std::string::npos) {
        diags_.error({file_, start, inner_offset + static_cast<uint32_t>(inner.size()) + 1}, "empty '${}' in string");
      } else {
        antlr4::ANTLRInputStream in(inner);
        MoatLexer lexer(&in);
        antlr4::CommonTokenStream tokens(&lexer);
        MoatParser parser(&tokens);
        OffsetMap inner_map(inner);
        ErrorCollector errs(diags_, file_, inner_offset, inner_map);
        lexer.removeErrorListeners();
        parser.removeErrorListeners();
        lexer.addErrorListener(&errs);
        parser.addErrorListener(&errs);
        // The same guards as for the file: nesting inside ${...} counts
        // from the depth of the string itself.
        MoatParser::StandaloneExprContext* tree = nullptr;
        if (antlr4::Token* t = too_deeply_bracketed(tokens, limits_.max_expr_depth - depth_)) {
          uint32_t b = inner_offset + inner_map.byte(t->getStartIndex());
          diags_.error({file_, b, b + 1}, "expression nesting exceeds " + std::to_string(limits_.max_expr_depth) + " levels");
          parts.push_back(error_node(whole));
          i = j;
          continue;
        }
        DepthGuard guard(1u << 20);
        parser.addParseListener(&guard);
        try {
          tree = parser.standaloneExpr();
        } catch (const TooDeep& deep) {
          antlr4::Token* t = tokens.get(deep.token_index);
          uint32_t b = inner_offset + (t ? inner_map.byte(t->getStartIndex()) : 0);
          diags_.error({file_, b, b + 1}, "expression nested too deeply to parse");
          parts.push_back(error_node(whole));
          i = j;
          continue;
        } catch (const TooManyErrors& many) {
          diags_.error({file_, many.at, many.at}, "too many syntax errors; stopping here");
          parts.push_back(error_node(whole));
          i = j;
          continue;
        }
        parser.removeParseListeners();
        Builder sub(sources_, file_, inner_offset, inner_map, limits_, diags_);
        sub.depth_ = depth_;
        parts.push_back(errs.count() ? error_node(whole) : sub.expr(tree->expr()));
      }
      i = j;
      continue;
    }
    cur += c;
  }
  if (parts.empty() || (parts.size() == 0 && cur.empty())) {
    auto s = std::make_unique<Expr>(ExprKind::kString, whole);
    s->text = std::move(cur);
    return s;
  }
  flush();
  if (parts.size() == 1 && parts[0]->kind == ExprKind::kString) {
    parts[0]->range = whole;
    return std::move(parts[0]);
  }
  auto e = std::make_unique<Expr>(ExprKind::kInterp, whole);
  e->kids = std::move(parts);
  return e;
}

}  // namespace

std::unique_ptr<Module> parse_module(const SourceSet& sources, uint32_t file, const ParseLimits& limits,
                                     Diagnostics& diags) {
  const SourceFile& src = sources.file(file);
  const std::string& text = src.text();
  if (text.size() > limits.max_policy_bytes) {
    diags.error({file, 0, 0}, "policy file is " + std::to_string(text.size()) + " bytes; the limit is " +
                                  std::to_string(limits.max_policy_bytes) + " (--max-policy-bytes)");
    return nullptr;
  }
  // The ANTLR input stream throws on invalid UTF-8: find and report it first.
  if (auto bad = find_invalid_utf8(text)) {
    diags.error({file, static_cast<uint32_t>(*bad), static_cast<uint32_t>(*bad) + 1},
                "invalid UTF-8 byte 0x" + hex_byte(static_cast<unsigned char>(text[*bad])) + " in policy source");
    return nullptr;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    diags.error({file, 0, 0}, "empty policy file: expected 'package <name>'");
    return nullptr;
  }
  OffsetMap offsets(text);
  antlr4::ANTLRInputStream in(text);
  MoatLexer lexer(&in);
  antlr4::CommonTokenStream tokens(&lexer);
  MoatParser parser(&tokens);
  ErrorCollector errs(diags, file, 0, offsets);
  lexer.removeErrorListeners();
  parser.removeErrorListeners();
  lexer.addErrorListener(&errs);
  parser.addErrorListener(&errs);
  if (antlr4::Token* t = too_deeply_bracketed(tokens, limits.max_expr_depth)) {
    uint32_t b = offsets.byte(t->getStartIndex());
    diags.error({file, b, b + 1}, "expression nesting exceeds " + std::to_string(limits.max_expr_depth) + " levels");
    return nullptr;
  }
  // 1 MiB of stack for the parser's recursion, whatever thread we run on.
  DepthGuard guard(1u << 20);
  parser.addParseListener(&guard);
  MoatParser::FileContext* tree = nullptr;
  try {
    tree = parser.file();
  } catch (const TooDeep& deep) {
    antlr4::Token* t = tokens.get(deep.token_index);
    uint32_t b = t ? offsets.byte(t->getStartIndex()) : 0;
    diags.error({file, b, b + 1}, "expression nested too deeply to parse");
    return nullptr;
  } catch (const TooManyErrors& many) {
    diags.error({file, many.at, many.at}, "too many syntax errors; stopping here");
    return nullptr;
  }
  parser.removeParseListeners();
  Builder builder(sources, file, 0, offsets, limits, diags);
  auto m = builder.module(tree);
  if (m->package.empty() && errs.count() == 0) diags.error({file, 0, 0}, "expected 'package <name>' first");
  return m;
}

void clear_parser_caches() {
  antlr4::ANTLRInputStream in("");
  MoatLexer lexer(&in);
  antlr4::CommonTokenStream tokens(&lexer);
  MoatParser parser(&tokens);
  lexer.getInterpreter<antlr4::atn::LexerATNSimulator>()->clearDFA();
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->clearDFA();
}

}  // namespace moat
