// The parser driver: one policy file through ANTLR's lexer and parser,
// with its input checked first (size, UTF-8, bracket depth), then the AST
// built by AstBuilder.
#include "syntax/parser.h"

#include <string>

#include "syntax/ast_builder.h"
#include "syntax/parse_support.h"

namespace moat {

using parsing::AstBuilder;
using parsing::DepthGuard;
using parsing::ErrorCollector;
using parsing::MoatLexer;
using parsing::MoatParser;
using parsing::OffsetMap;
using parsing::TooDeep;
using parsing::TooManyErrors;
using parsing::too_deeply_bracketed;

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
  AstBuilder builder(sources, file, 0, offsets, limits, diags);
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