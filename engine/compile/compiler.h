// The compiler: a checked AST -> bytecode chunks (one per function, one per
// rule, one to initialise constants) in an immutable Program.
#pragma once

#include <memory>

#include "builtins/builtin.h"
#include "bytecode/program.h"
#include "check/checker.h"
#include "syntax/diagnostic.h"

namespace moat {

// Returns nullptr if compilation found errors (added to diags), e.g. a
// literal regex that does not compile.
std::shared_ptr<Program> compile_program(const CheckedProgram& checked, BuiltinRegistry builtins,
                                         std::shared_ptr<const SourceSet> sources, Diagnostics& diags);

}  // namespace moat
