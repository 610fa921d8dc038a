// Builds the AST (syntax/ast.h) from ANTLR's parse tree: literals decoded,
// text blocks dedented, `${...}` interpolations parsed, every node with its
// source range, and the expression depth limit applied.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "syntax/ast.h"
#include "syntax/parse_support.h"
#include "syntax/parser.h"
#include "syntax/source.h"

namespace moat::parsing {

class AstBuilder {
 public:
  AstBuilder(const SourceSet& sources, uint32_t file, uint32_t base, const OffsetMap& offsets,
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

}  // namespace moat::parsing
