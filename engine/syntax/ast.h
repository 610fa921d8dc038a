// Moat's abstract syntax tree. Built from the ANTLR parse tree by
// syntax/parser.cc; nothing outside syntax/ sees an ANTLR type.
//
// Expressions use one node struct with a kind tag rather than a class per
// node: the tree is small, passes switch on the kind, and the checker
// annotates nodes in place (resolution results live in `ref`).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "syntax/source.h"

namespace moat {

enum class ExprKind : uint8_t {
  kNull, kBool, kInt, kFloat, kString,
  kInterp,     // kids: parts (string literals and expressions), in order
  kList,       // kids: elements
  kMap,        // kids: key, value, key, value...
  kName,       // text: the name
  kField,      // kids[0]: object; text: field name
  kIndex,      // kids[0]: container, kids[1]: key
  kCall,       // text: callee (dotted for imports); kids: arguments
  kNeg, kNot,  // kids[0]
  kBinary,     // op; kids[0], kids[1]
  kAnd, kOr, kCoalesce,
  kIn,         // kids[0] in kids[1]; negated when `negated`
  kCond,       // if kids[0] then kids[1] else kids[2]
  kLet,        // let vars[0] = kids[0]; kids[1]
  kQuant,      // quant over vars in kids[0], optional condition kids[1]
  kListComp,   // [kids[0] for vars in kids[1] CLAUSES], CLAUSES = kids[2...]
  kMapComp,    // {kids[0]: kids[1] for vars in kids[2] CLAUSES}, CLAUSES = kids[3...]
  // The clauses after a comprehension's first `for`, in source order (they
  // nest left to right). Only found in comprehension kids, never evaluated
  // as expressions on their own.
  kCompFor,    // for vars in kids[0]; slot = base of its two hidden slots
  kCompIf,     // if kids[0]
  kCompLet,    // let vars[0] = kids[0]
};

enum class BinOp : uint8_t { kAdd, kSub, kMul, kDiv, kMod, kEq, kNe, kLt, kLe, kGt, kGe };
enum class Quant : uint8_t { kAny, kAll, kNone, kCount };

// What a name resolved to (filled by the checker).
enum class RefKind : uint8_t { kUnresolved, kLocal, kGlobal, kInput, kFunction, kBuiltin, kResource, kResources, kEdgesFrom, kEdgesTo };

struct Expr {
  ExprKind kind;
  SourceRange range;
  bool bool_value = false;
  bool negated = false;  // `not in`
  BinOp op = BinOp::kAdd;
  Quant quant = Quant::kAny;
  int64_t int_value = 0;
  double float_value = 0;
  std::string text;               // string literal, name, field, callee
  std::vector<std::string> vars;  // bound names (let, quantifiers, comprehensions)
  std::vector<SourceRange> var_ranges;
  std::vector<std::unique_ptr<Expr>> kids;
  bool has_filter = false;  // quantifier condition

  // Resolution, filled by the checker.
  RefKind ref = RefKind::kUnresolved;
  int32_t slot = -1;        // local slot, global index, function or builtin index
  std::vector<int32_t> var_slots;  // slots for `vars`

  Expr(ExprKind k, SourceRange r) : kind(k), range(r) {}
};
using ExprPtr = std::unique_ptr<Expr>;

struct MetaEntry {
  std::string key;
  SourceRange key_range;
  ExprPtr value;
};

enum class ClauseKind : uint8_t { kSelect, kFor, kLet, kWhere };

struct Clause {
  ClauseKind kind;
  SourceRange range;
  std::string var, var2;
  SourceRange var_range, var2_range;
  std::vector<std::string> types;  // select: resource types
  std::vector<SourceRange> type_ranges;
  ExprPtr expr;  // for: collection; let: value; where: condition
  int32_t slot = -1, slot2 = -1, iter_slot = -1;  // filled by the checker
};

struct ReportClause {
  SourceRange range;
  ExprPtr message, at, subject;
};

struct RuleDecl {
  std::string id;
  SourceRange range, id_range;
  std::vector<MetaEntry> meta;
  std::vector<Clause> clauses;
  ReportClause report;
  int32_t num_locals = 0;  // filled by the checker
};

struct ParamDecl {
  std::string name;
  std::string type;
  SourceRange range, type_range;
  ExprPtr default_value;
  std::string doc;
  int32_t global = -1;
};

struct ConstDecl {
  std::string name;
  SourceRange range;
  ExprPtr value;
  int32_t global = -1;
  int32_t num_locals = 0;
};

struct FnDecl {
  std::string name;
  SourceRange range;
  std::vector<std::string> params;
  std::vector<SourceRange> param_ranges;
  ExprPtr body;
  int32_t index = -1;
  int32_t num_locals = 0;
};

struct Import {
  std::string package;
  std::string alias;  // last component when not given
  SourceRange range;
};

struct Module {
  uint32_t file = 0;
  std::string package;
  SourceRange package_range;
  std::vector<Import> imports;
  std::vector<ParamDecl> params;
  std::vector<ConstDecl> consts;
  std::vector<FnDecl> fns;
  std::vector<RuleDecl> rules;
};

}  // namespace moat
