#include "syntax/ast_builder.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace moat::parsing {

std::string AstBuilder::qualified(MoatParser::QualifiedNameContext* ctx) {
  std::string out;
  if (ctx == nullptr) return out;
  for (auto* id : ctx->ID()) {
    if (!out.empty()) out += '.';
    out += id->getText();
  }
  return out;
}

void AstBuilder::bind_vars(Expr& e, antlr4::Token* v1, antlr4::Token* v2) {
  if (v1) { e.vars.push_back(v1->getText()); e.var_ranges.push_back(range(v1)); }
  if (v2) { e.vars.push_back(v2->getText()); e.var_ranges.push_back(range(v2)); }
}

std::unique_ptr<Module> AstBuilder::module(MoatParser::FileContext* ctx) {
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

ExprPtr AstBuilder::expr(MoatParser::ExprContext* ctx) {
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

ExprPtr AstBuilder::primary(MoatParser::PrimaryContext* ctx) {
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
ExprPtr AstBuilder::comprehension(ExprKind kind, SourceRange r, const std::vector<MoatParser::ExprContext*>& element,
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

namespace {

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

}  // namespace

std::string AstBuilder::plain_string(MoatParser::StringLitContext* ctx) {
  if (ctx == nullptr || ctx->getText().size() < 2) return {};  // a syntax error, already reported
  ExprPtr e = string_literal(ctx);
  if (e->kind == ExprKind::kString) return e->text;
  diags_.error(range(ctx), "interpolation is not allowed here; use a plain string");
  return {};
}

ExprPtr AstBuilder::string_literal(MoatParser::StringLitContext* ctx) {
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

namespace {

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

}  // namespace

ExprPtr AstBuilder::interpolation(std::string_view body, uint32_t body_offset, SourceRange whole) {
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
        AstBuilder sub(sources_, file_, inner_offset, inner_map, limits_, diags_);
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

}  // namespace moat::parsing
