// Parsing: policy source text -> Module (AST), with every syntax error
// collected into Diagnostics. The only file that includes ANTLR headers.
#pragma once

#include <cstddef>
#include <memory>

#include "syntax/ast.h"
#include "syntax/diagnostic.h"
#include "syntax/source.h"

namespace moat {

struct ParseLimits {
  size_t max_policy_bytes = 4u << 20;  // a policy file larger than this is refused
  int max_expr_depth = 256;            // nesting of expressions in the AST
};

// Returns nullptr when the file could not be parsed at all (too large,
// invalid UTF-8); otherwise a module, possibly partial, with diagnostics.
std::unique_ptr<Module> parse_module(const SourceSet& sources, uint32_t file, const ParseLimits& limits,
                                     Diagnostics& diags);

// The ANTLR runtime caches DFA states in static tables that grow with the
// variety of input. Long-running processes that compile many different
// policies (servers, fuzzers) call this between compilations; it must not
// run while another thread is parsing.
void clear_parser_caches();

}  // namespace moat
