// The checker: resolves every name, assigns local slots, infers static
// types where it can, checks builtin signatures, rule metadata and
// parameter declarations, forbids recursion, and (given a schema) warns
// about fields no document defines. It reports every problem it finds in
// one run and leaves the AST annotated for the compiler.
#pragma once

#include <memory>
#include <vector>

#include "builtins/builtin.h"
#include "check/schema.h"
#include "syntax/ast.h"
#include "syntax/diagnostic.h"

namespace moat {

struct CheckedProgram {
  std::vector<Module*> modules;
  std::vector<ParamDecl*> params;  // global index = position
  std::vector<ConstDecl*> consts;  // in evaluation order; global index set in decl
  std::vector<FnDecl*> fns;        // index set in decl
  std::vector<std::pair<Module*, RuleDecl*>> rules;
};

// Metadata vocabularies, shared with the CLI and docs.
const std::vector<std::string>& rule_severities();
const std::vector<std::string>& rule_categories();
// Type name in a `param` declaration -> Type; false when unknown.
bool param_type_from_name(std::string_view name, Type* out);

void check_program(std::vector<std::unique_ptr<Module>>& modules, const BuiltinRegistry& builtins,
                   const Schema* schema, Diagnostics& diags, CheckedProgram* out);

}  // namespace moat
