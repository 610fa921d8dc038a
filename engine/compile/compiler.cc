#include "compile/compiler.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "value/build.h"

namespace moat {
namespace {

constexpr uint32_t kNoSlot = 4095;  // "no variable" in ITER_NEXT's packed slots

class Compiler {
 public:
  Compiler(Program& p, Diagnostics& d) : p_(p), diags_(d) {}

  void run(const CheckedProgram& checked);

 private:
  // ---- emission
  uint32_t emit(Op op, uint32_t a, SourceRange r) {
    if (a > kMaxOperand) {
      diags_.error(r, "program too large: operand exceeds 24 bits");
      a = 0;
    }
    chunk_->code.push_back(encode(op, a));
    chunk_->ranges.push_back(r);
    track_stack(op, a);
    return static_cast<uint32_t>(chunk_->code.size() - 1);
  }
  // The code is structured, so the depth along the straight-line emission
  // order bounds the depth on every path; the VM reserves max_stack.
  void track_stack(Op op, uint32_t a) {
    const OpInfo& info = kOpInfo[static_cast<size_t>(op)];
    int64_t pops = info.pops, pushes = info.pushes;
    if (op == Op::LIST) pops = a;
    if (op == Op::INTERP) pops = a & ~kInterpDisplay;
    if (op == Op::MAP) pops = 2 * int64_t(a);
    if (op == Op::BUILD_ADD) pops = a ? 2 : 1;
    if (pops < 0) pops = 0;  // CALL, CALL_FN, REPORT: counted when their arguments were pushed
    depth_ += pushes;
    chunk_->max_stack = std::max<uint32_t>(chunk_->max_stack, static_cast<uint32_t>(std::max<int64_t>(depth_, 0)) + 1);
    depth_ -= pops;
    // Statement-level instructions leave the operand stack empty.
    if (op == Op::STORE_GLOBAL || op == Op::WHERE || op == Op::REPORT || op == Op::RETURN || op == Op::HALT) depth_ = 0;
  }
  uint32_t word(uint32_t w, SourceRange r) {
    chunk_->code.push_back(w);
    chunk_->ranges.push_back(r);
    return static_cast<uint32_t>(chunk_->code.size() - 1);
  }
  uint32_t here() const { return static_cast<uint32_t>(chunk_->code.size()); }
  void patch_a(uint32_t at, uint32_t target) {
    chunk_->code[at] = (chunk_->code[at] & 0xff) | (target << 8);
  }
  void patch_word(uint32_t at, uint32_t value) { chunk_->code[at] = value; }

  uint32_t constant(Value v) {
    if (v.is_string()) {
      std::string key(v.as_string());
      auto it = string_consts_.find(key);
      if (it != string_consts_.end()) return it->second;
      Value s = make_string(p_.arena, key);
      p_.constants.push_back(s);
      uint32_t idx = static_cast<uint32_t>(p_.constants.size() - 1);
      string_consts_[key] = idx;
      return idx;
    }
    p_.constants.push_back(v);
    return static_cast<uint32_t>(p_.constants.size() - 1);
  }
  uint32_t string_constant(std::string_view s) { return constant(Value::string(s)); }

  void use_slot(int32_t s) {
    if (s >= static_cast<int32_t>(kNoSlot) && !too_many_locals_) {
      // ITER_NEXT packs two slot numbers into one word, 12 bits each.
      diags_.error(chunk_->ranges.empty() ? SourceRange{} : chunk_->ranges.back(),
                   "too many variables in one rule or function (limit " + std::to_string(kNoSlot - 1) + ")");
      too_many_locals_ = true;
    }
    if (s >= 0) chunk_->num_locals = std::max<uint32_t>(chunk_->num_locals, static_cast<uint32_t>(s) + 1);
  }
  bool too_many_locals_ = false;

  // ---- expressions
  void expr(const Expr& e);
  void call(const Expr& e);
  void iteration(const Expr& e);
  void comprehension(const Expr& e);
  uint32_t loop_slots(const Expr& e, uint32_t iter_base);
  bool constant_value(const Expr& e, Value* out);
  void place(const Expr& at, uint32_t* flags, uint32_t* iter_slot);
  void rule(const Module& m, const RuleDecl& r, uint32_t rule_index);

  Program& p_;
  Diagnostics& diags_;
  Chunk* chunk_ = nullptr;
  absl::flat_hash_map<std::string, uint32_t> string_consts_;
  absl::flat_hash_map<std::string, uint32_t> const_globals_;  // "pkg.name" -> global
  absl::flat_hash_map<uint32_t, const ConstDecl*> const_decls_;  // global -> its `let`
  int const_depth_ = 0;  // nested `let` names being folded (a guard against cycles)
  absl::flat_hash_map<std::string, uint32_t> fn_index_;       // "pkg.name" -> chunk
  // Local slot of a loop's value variable -> the loop's iterator slot, so
  // `report ... at x` can name x's position in its container.
  absl::flat_hash_map<int32_t, int32_t> loop_var_iter_;
  int32_t info_subject_slot_ = -1, info_select_slot_ = -1;
  std::vector<int32_t> subject_slots_;
  int64_t depth_ = 0;  // operand stack depth while emitting straight-line code
};

bool Compiler::constant_value(const Expr& e, Value* out) {
  switch (e.kind) {
    case ExprKind::kNull: *out = Value::null(); return true;
    case ExprKind::kBool: *out = Value::boolean(e.bool_value); return true;
    case ExprKind::kInt: *out = Value::integer(e.int_value); return true;
    case ExprKind::kFloat: *out = Value::real(e.float_value); return true;
    case ExprKind::kString: *out = make_string(p_.arena, e.text); return true;
    case ExprKind::kNeg:
      if (e.kids[0]->kind == ExprKind::kInt) { *out = Value::integer(-e.kids[0]->int_value); return true; }
      if (e.kids[0]->kind == ExprKind::kFloat) { *out = Value::real(-e.kids[0]->float_value); return true; }
      return false;
    case ExprKind::kList: {
      std::vector<Value> items;
      for (auto& k : e.kids) {
        Value v;
        if (!constant_value(*k, &v)) return false;
        items.push_back(v);
      }
      *out = make_list(p_.arena, items);
      return true;
    }
    case ExprKind::kName: {
      // A package `let` bound to a literal is that literal, so a builtin
      // whose pattern is written once and named (`matches(p, ASYNC_PRINCIPAL)`)
      // is prepared at compile time like `matches(p, "...")`, not compiled
      // per evaluation (and a bad pattern is reported at compile time).
      if (e.ref != RefKind::kGlobal || const_depth_ > 32) return false;
      uint32_t global = 0;
      if (e.slot >= 0) {
        global = static_cast<uint32_t>(e.slot);
      } else {
        auto named = const_globals_.find(e.text);
        if (named == const_globals_.end()) return false;
        global = named->second;
      }
      auto decl = const_decls_.find(global);
      if (decl == const_decls_.end() || !decl->second->value) return false;
      ++const_depth_;
      bool folded = constant_value(*decl->second->value, out);
      --const_depth_;
      return folded;
    }
    case ExprKind::kMap: {
      std::vector<Member> members;
      for (size_t i = 0; i + 1 < e.kids.size(); i += 2) {
        Value v;
        if (!constant_value(*e.kids[i + 1], &v)) return false;
        members.push_back({make_string(p_.arena, e.kids[i]->text), v});
      }
      *out = make_map(p_.arena, members);
      return true;
    }
    default: return false;
  }
}

void Compiler::expr(const Expr& e) {
  const SourceRange r = e.range;
  switch (e.kind) {
    case ExprKind::kNull: emit(Op::NULL_, 0, r); return;
    case ExprKind::kBool: emit(e.bool_value ? Op::TRUE_ : Op::FALSE_, 0, r); return;
    case ExprKind::kInt:
    case ExprKind::kFloat:
    case ExprKind::kString: {
      Value v;
      constant_value(e, &v);
      emit(Op::CONST, constant(v), r);
      return;
    }
    case ExprKind::kInterp:
      for (auto& k : e.kids) expr(*k);
      emit(Op::INTERP, static_cast<uint32_t>(e.kids.size()), r);
      return;
    case ExprKind::kList:
    case ExprKind::kMap: {
      Value v;
      if (constant_value(e, &v)) {  // literal containers are built once
        emit(Op::CONST, constant(v), r);
        return;
      }
      for (auto& k : e.kids) expr(*k);
      uint32_t n = static_cast<uint32_t>(e.kind == ExprKind::kList ? e.kids.size() : e.kids.size() / 2);
      emit(e.kind == ExprKind::kList ? Op::LIST : Op::MAP, n, r);
      return;
    }
    case ExprKind::kName:
      switch (e.ref) {
        case RefKind::kLocal: use_slot(e.slot); emit(Op::LOAD, static_cast<uint32_t>(e.slot), r); return;
        case RefKind::kInput: emit(Op::INPUT, 0, r); return;
        case RefKind::kGlobal:
          if (e.slot >= 0) emit(Op::LOAD_GLOBAL, static_cast<uint32_t>(e.slot), r);
          else emit(Op::LOAD_GLOBAL, const_globals_.at(e.text), r);
          return;
        default: emit(Op::NULL_, 0, r); return;  // unreachable after a clean check
      }
    case ExprKind::kField:
      expr(*e.kids[0]);
      emit(Op::FIELD, string_constant(e.text), r);
      return;
    case ExprKind::kIndex:
      expr(*e.kids[0]);
      expr(*e.kids[1]);
      emit(Op::INDEX, 0, r);
      return;
    case ExprKind::kCall: call(e); return;
    case ExprKind::kNeg: expr(*e.kids[0]); emit(Op::NEG, 0, r); return;
    case ExprKind::kNot: expr(*e.kids[0]); emit(Op::NOT, 0, r); return;
    case ExprKind::kBinary: {
      expr(*e.kids[0]);
      expr(*e.kids[1]);
      static constexpr Op kOps[] = {Op::ADD, Op::SUB, Op::MUL, Op::DIV, Op::MOD, Op::EQ,
                                    Op::NE,  Op::LT,  Op::LE,  Op::GT,  Op::GE};
      emit(kOps[static_cast<int>(e.op)], 0, r);
      return;
    }
    case ExprKind::kAnd:
    case ExprKind::kOr: {
      bool is_and = e.kind == ExprKind::kAnd;
      expr(*e.kids[0]);
      uint32_t j = emit(is_and ? Op::AND : Op::OR, 0, e.kids[0]->range);
      expr(*e.kids[1]);
      emit(is_and ? Op::AND_END : Op::OR_END, 0, r);
      patch_a(j, here());
      return;
    }
    case ExprKind::kCoalesce: {
      expr(*e.kids[0]);
      uint32_t j = emit(Op::COALESCE, 0, r);
      expr(*e.kids[1]);
      patch_a(j, here());
      return;
    }
    case ExprKind::kIn:
      expr(*e.kids[0]);
      expr(*e.kids[1]);
      emit(Op::IN, 0, r);
      if (e.negated) emit(Op::NOT, 0, r);
      return;
    case ExprKind::kCond: {
      expr(*e.kids[0]);
      uint32_t br = emit(Op::BRANCH, 0, e.kids[0]->range);
      uint32_t end_word = word(0, r);
      expr(*e.kids[1]);
      uint32_t j = emit(Op::JUMP, 0, r);
      patch_a(br, here());
      expr(*e.kids[2]);
      patch_a(j, here());
      patch_word(end_word, here());
      return;
    }
    case ExprKind::kLet:
      expr(*e.kids[0]);
      use_slot(e.var_slots[0]);
      loop_var_iter_.erase(e.var_slots[0]);  // the slot may have held a loop variable before
      emit(Op::STORE, static_cast<uint32_t>(e.var_slots[0]), r);
      expr(*e.kids[1]);
      return;
    case ExprKind::kQuant:
    case ExprKind::kListComp:
    case ExprKind::kMapComp: iteration(e); return;
    case ExprKind::kCompFor:
    case ExprKind::kCompIf:
    case ExprKind::kCompLet: return;  // emitted by comprehension()
  }
}

void Compiler::call(const Expr& e) {
  const SourceRange r = e.range;
  switch (e.ref) {
    case RefKind::kResource:
      expr(*e.kids[0]);
      emit(Op::RESOURCE, 0, r);
      return;
    case RefKind::kResources:
      emit(Op::RESOURCES, string_constant(e.kids[0]->text), r);
      return;
    case RefKind::kEdgesFrom:
    case RefKind::kEdgesTo: {
      // Always two operands: the kind, or a null placeholder the VM ignores.
      expr(*e.kids[0]);
      bool with_kind = e.kids.size() == 2;
      if (with_kind) expr(*e.kids[1]);
      else emit(Op::NULL_, 0, r);
      emit(Op::EDGES, (e.ref == RefKind::kEdgesTo ? kEdgesTo : 0u) | (with_kind ? kEdgesKind : 0u), r);
      return;
    }
    case RefKind::kFunction: {
      for (auto& k : e.kids) expr(*k);
      emit(Op::CALL_FN, fn_index_.at(e.text), r);
      word(static_cast<uint32_t>(e.kids.size()), r);
      return;
    }
    case RefKind::kBuiltin: {
      const BuiltinDef& def = p_.builtins.at(static_cast<size_t>(e.slot));
      uint32_t prepared = 0;
      if (def.prepare != nullptr) {
        std::vector<Value> consts(e.kids.size());
        std::vector<const Value*> ptrs(e.kids.size(), nullptr);
        for (size_t i = 0; i < e.kids.size(); ++i)
          if (constant_value(*e.kids[i], &consts[i])) ptrs[i] = &consts[i];
        std::string error;
        std::shared_ptr<const void> state = def.prepare(ptrs, &error);
        if (!error.empty()) {
          // The literal a builtin prepares (pattern, range, date) is its
          // last constant argument.
          SourceRange at = r;
          for (size_t i = e.kids.size(); i-- > 0;)
            if (ptrs[i]) { at = e.kids[i]->range; break; }
          diags_.error(at, std::string(def.name) + "(): " + error);
        }
        if (state) {
          p_.prepared.push_back(std::make_unique<PreparedSlot>(std::move(state)));
          PreparedCall& site = p_.prepared_calls.emplace_back();
          site.builtin = static_cast<uint32_t>(e.slot);
          for (size_t i = 0; i < e.kids.size(); ++i)
            site.args.push_back(ptrs[i] ? std::optional<Value>(consts[i]) : std::nullopt);
          prepared = static_cast<uint32_t>(p_.prepared.size());
        }
      }
      for (auto& k : e.kids) expr(*k);
      emit(Op::CALL, static_cast<uint32_t>(e.slot), r);
      word(static_cast<uint32_t>(e.kids.size()) | (prepared << 8), r);
      return;
    }
    default: emit(Op::NULL_, 0, r); return;
  }
}

// Packs a loop's variable slots for ITER_NEXT and records the value
// variable's iterator, so `report ... at x` can name x's position.
uint32_t Compiler::loop_slots(const Expr& e, uint32_t iter_base) {
  uint32_t key_slot = kNoSlot, val_slot = kNoSlot;
  if (e.var_slots.size() == 2) {
    key_slot = static_cast<uint32_t>(e.var_slots[0]);
    val_slot = static_cast<uint32_t>(e.var_slots[1]);
  } else if (e.var_slots.size() == 1) {
    val_slot = static_cast<uint32_t>(e.var_slots[0]);
  }
  for (int32_t s : e.var_slots) use_slot(s);
  if (val_slot != kNoSlot) loop_var_iter_[static_cast<int32_t>(val_slot)] = static_cast<int32_t>(iter_base);
  return (key_slot << 12) | val_slot;
}

// Quantifiers: the hidden slots start at e.slot: collection, position,
// accumulator pair.
void Compiler::iteration(const Expr& e) {
  if (e.kind != ExprKind::kQuant) return comprehension(e);
  const SourceRange r = e.range;
  const uint32_t base = static_cast<uint32_t>(e.slot);
  use_slot(static_cast<int32_t>(base) + 3);
  uint32_t slots = loop_slots(e, base);
  const Expr& coll = *e.kids[0];
  expr(coll);
  emit(Op::ITER_INIT, base, coll.range);
  uint32_t init_end = word(0, r);
  emit(Op::ACC_INIT, base + 2, r);
  uint32_t loop = emit(Op::ITER_NEXT, base, r);
  word(slots, r);
  uint32_t exit_word = word(0, r);
  if (e.has_filter) expr(*e.kids[1]);
  else emit(Op::TRUE_, 0, r);
  emit(Op::ACC_STEP, base + 2, r);
  uint32_t step_word = word(0, r);
  emit(Op::JUMP, loop, r);
  uint32_t exit = here();
  emit(Op::ACC_END, (base + 2) | (static_cast<uint32_t>(e.quant) << 20), r);
  patch_word(exit_word, exit);
  patch_word(step_word, static_cast<uint32_t>(e.quant) | (exit << 2));
  patch_word(init_end, here());
  // The variables' slots are free again after the loop; a later `let` may reuse them.
  for (int32_t s : e.var_slots) loop_var_iter_.erase(s);
}

// Comprehensions: one builder, and one loop per `for`, nested left to right.
// The hidden slots of the first `for` start at e.slot: collection, position,
// (unused), first undefined value; a later `for` has its collection and
// position at its own slot. An `if` that is not true, or a later collection
// that cannot be iterated, skips to the next element of the innermost loop
// around it (BUILD_FILTER), remembering an undefined value, which becomes
// the result.
void Compiler::comprehension(const Expr& e) {
  const SourceRange r = e.range;
  const bool is_map = e.kind == ExprKind::kMapComp;
  const size_t first = is_map ? 2 : 1;
  const uint32_t base = static_cast<uint32_t>(e.slot);
  const uint32_t undef = base + 3;
  use_slot(static_cast<int32_t>(undef));
  uint32_t slots = loop_slots(e, base);

  const Expr& coll = *e.kids[first];
  expr(coll);
  emit(Op::ITER_INIT, base, coll.range);
  uint32_t init_end = word(0, r);
  emit(Op::NULL_, 0, r);
  emit(Op::STORE, undef, r);
  emit(Op::BUILD_BEGIN, is_map ? 1 : 0, r);
  uint32_t loop = emit(Op::ITER_NEXT, base, r);
  word(slots, r);
  uint32_t exit_word = word(0, r);
  std::vector<int32_t> bound;  // slots to forget after the comprehension
  for (size_t i = first + 1; i < e.kids.size(); ++i) {
    const Expr& c = *e.kids[i];
    switch (c.kind) {
      case ExprKind::kCompFor: {
        const uint32_t b = static_cast<uint32_t>(c.slot);
        use_slot(static_cast<int32_t>(b) + 1);
        uint32_t inner_slots = loop_slots(c, b);
        bound.insert(bound.end(), c.var_slots.begin(), c.var_slots.end());
        expr(*c.kids[0]);
        emit(Op::ITER_INIT, b, c.kids[0]->range);
        uint32_t fail_word = word(0, r);
        uint32_t skip = emit(Op::JUMP, 0, r);
        // ITER_INIT pushed the undefined collection (or a type error) on this
        // path only; the straight-line depth count has to be told.
        patch_word(fail_word, here());
        ++depth_;
        emit(Op::BUILD_FILTER, loop, c.kids[0]->range);
        word(undef, r);
        patch_a(skip, here());
        uint32_t inner = emit(Op::ITER_NEXT, b, r);
        word(inner_slots, r);
        word(loop, r);  // done: the next element of the enclosing loop
        loop = inner;
        break;
      }
      case ExprKind::kCompIf:
        expr(*c.kids[0]);
        emit(Op::BUILD_FILTER, loop, c.kids[0]->range);
        word(undef, r);
        break;
      case ExprKind::kCompLet:
        if (c.var_slots.empty()) break;  // a syntax error, already reported
        expr(*c.kids[0]);
        use_slot(c.var_slots[0]);
        loop_var_iter_.erase(c.var_slots[0]);
        emit(Op::STORE, static_cast<uint32_t>(c.var_slots[0]), c.range);
        bound.push_back(c.var_slots[0]);
        break;
      default: break;
    }
  }
  expr(*e.kids[0]);
  if (is_map) expr(*e.kids[1]);
  emit(Op::BUILD_ADD, is_map ? 1 : 0, r);
  emit(Op::JUMP, loop, r);
  uint32_t exit = here();
  emit(Op::BUILD_END, undef, r);
  patch_word(exit_word, exit);
  patch_word(init_end, here());
  for (int32_t s : e.var_slots) loop_var_iter_.erase(s);
  for (int32_t s : bound) loop_var_iter_.erase(s);
}

void Compiler::place(const Expr& at, uint32_t* flags, uint32_t* iter_slot) {
  if (at.kind == ExprKind::kField) {
    expr(*at.kids[0]);
    emit(Op::CONST, string_constant(at.text), at.range);
    *flags |= kReportPlacePair;
    return;
  }
  if (at.kind == ExprKind::kIndex) {
    expr(*at.kids[0]);
    expr(*at.kids[1]);
    *flags |= kReportPlacePair;
    return;
  }
  if (at.kind == ExprKind::kName && at.ref == RefKind::kLocal) {
    auto it = loop_var_iter_.find(at.slot);
    if (it != loop_var_iter_.end() && it->second >= 0) {
      // The loop's collection and the position just consumed.
      *iter_slot = static_cast<uint32_t>(it->second);
      *flags |= kReportPlacePair | 8;
      return;
    }
  }
  expr(at);
  *flags |= kReportPlaceValue;
}

void Compiler::rule(const Module& m, const RuleDecl& r, uint32_t rule_index) {
  RuleInfo& info = p_.rules[rule_index];
  info.id = r.id;
  info.package = m.package;
  info.range = r.range;
  for (const MetaEntry& me : r.meta) {
    auto text = [&]() { return me.value->text; };
    if (me.key == "title") info.title = text();
    else if (me.key == "severity") info.severity = text();
    else if (me.key == "category") info.category = text();
    else if (me.key == "description") info.description = text();
    else if (me.key == "remediation") info.remediation = text();
    else if (me.key == "references" || me.key == "tags" || me.key == "formats")
      for (auto& k : me.value->kids)
        (me.key == "tags" ? info.tags : me.key == "formats" ? info.formats : info.references).push_back(k->text);
  }
  loop_var_iter_.clear();
  chunk_->num_locals = static_cast<uint32_t>(r.num_locals);
  // Loop heads whose ITER_NEXT is where `continue` goes; the outermost
  // level "continues" by halting (patched at the end).
  std::vector<uint32_t> halt_patches_a;   // instructions whose A must become the HALT address
  std::vector<uint32_t> halt_patches_w;   // extra words that must become the HALT address
  std::vector<uint32_t> continue_stack;   // ITER_NEXT addresses; empty = halt
  auto jump_continue = [&](Op op, SourceRange rg) {
    if (continue_stack.empty()) halt_patches_a.push_back(emit(op, 0, rg));
    else emit(op, continue_stack.back(), rg);
  };
  // The first `select` not inside a `for` is driven by the engine's type
  // index; `let`/`where` clauses before it simply run once per resource.
  bool engine_select_done = false;
  for (const Clause& c : r.clauses) {
    switch (c.kind) {
      case ClauseKind::kSelect:
        if (!engine_select_done && continue_stack.empty()) {
          engine_select_done = true;
          // The engine runs this chunk once per resource of these types,
          // with the resource and its id already in their slots.
          info.select_types = c.types;
          info_subject_slot_ = c.slot2;
          info_select_slot_ = c.slot;
          loop_var_iter_[c.slot] = -1;
          break;
        }
        [[fallthrough]];
      case ClauseKind::kFor: {
        if (c.kind == ClauseKind::kSelect) {
          if (c.types.size() != 1)
            diags_.error(c.range, "a 'select' after the first clause takes one type; use a 'for' over resources(...) per type");
          emit(Op::RESOURCES, string_constant(c.types.empty() ? "" : c.types[0]), c.range);
        } else {
          expr(*c.expr);
        }
        jump_continue(Op::FOR_CHECK, c.expr ? c.expr->range : c.range);
        emit(Op::ITER_INIT, static_cast<uint32_t>(c.iter_slot), c.range);
        word(0, c.range);
        uint32_t key = kNoSlot, val;
        if (c.kind == ClauseKind::kSelect || !c.var2.empty()) {
          key = static_cast<uint32_t>(c.kind == ClauseKind::kSelect ? c.slot2 : c.slot);
          val = static_cast<uint32_t>(c.kind == ClauseKind::kSelect ? c.slot : c.slot2);
        } else {
          val = static_cast<uint32_t>(c.slot);
        }
        loop_var_iter_[static_cast<int32_t>(val)] = c.iter_slot;
        uint32_t next = emit(Op::ITER_NEXT, static_cast<uint32_t>(c.iter_slot), c.range);
        word((key << 12) | val, c.range);
        if (continue_stack.empty()) halt_patches_w.push_back(word(0, c.range));
        else word(continue_stack.back(), c.range);
        continue_stack.push_back(next);
        break;
      }
      case ClauseKind::kLet:
        expr(*c.expr);
        loop_var_iter_.erase(c.slot);
        emit(Op::STORE, static_cast<uint32_t>(c.slot), c.range);
        break;
      case ClauseKind::kWhere:
        expr(*c.expr);
        jump_continue(Op::WHERE, c.expr->range);
        break;
    }
  }
  // report [subject] place message
  const ReportClause& rep = r.report;
  uint32_t flags = 0, iter_slot = 0;
  if (rep.subject) {
    expr(*rep.subject);
    flags |= kReportSubject;
  }
  if (rep.at) {
    place(*rep.at, &flags, &iter_slot);
  } else if (info_select_slot_ >= 0) {
    emit(Op::LOAD, static_cast<uint32_t>(info_select_slot_), rep.range);
    flags |= kReportPlaceValue;
  }
  if (rep.message->kind == ExprKind::kInterp) {
    // The message text shows missing parts instead of failing on them.
    for (auto& k : rep.message->kids) expr(*k);
    emit(Op::INTERP, static_cast<uint32_t>(rep.message->kids.size()) | kInterpDisplay, rep.message->range);
  } else {
    expr(*rep.message);
  }
  emit(Op::REPORT, flags, rep.range);
  word(iter_slot, rep.range);
  if (!continue_stack.empty()) emit(Op::JUMP, continue_stack.back(), rep.range);
  uint32_t halt = emit(Op::HALT, 0, r.range);
  for (uint32_t at : halt_patches_a) patch_a(at, halt);
  for (uint32_t at : halt_patches_w) patch_word(at, halt);
  subject_slots_.push_back(info_subject_slot_);
}

void Compiler::run(const CheckedProgram& checked) {
  for (const ConstDecl* c : checked.consts) {
    for (const Module* m : checked.modules)
      for (const ConstDecl& d : m->consts)
        if (&d == c) {
          const_globals_[m->package + "." + d.name] = static_cast<uint32_t>(d.global);
          const_decls_[static_cast<uint32_t>(d.global)] = &d;
        }
  }
  for (const Module* m : checked.modules)
    for (const FnDecl& f : m->fns) fn_index_[m->package + "." + f.name] = static_cast<uint32_t>(f.index);
  p_.num_globals = static_cast<uint32_t>(checked.params.size() + checked.consts.size());

  // Parameters: defaults are literals, evaluated here once.
  for (const ParamDecl* pd : checked.params) {
    ParamInfo pi;
    pi.name = pd->name;
    for (const Module* m : checked.modules)
      for (const ParamDecl& d : m->params)
        if (&d == pd) pi.qualified = m->package + "." + pd->name;
    param_type_from_name(pd->type, &pi.type);
    pi.doc = pd->doc;
    pi.global = static_cast<uint32_t>(pd->global);
    if (pd->default_value) {
      pi.has_default = constant_value(*pd->default_value, &pi.default_value);
      // `param ratio: float = 1` holds 1.0, as an override would.
      if (pi.type == Type::kFloat && pi.default_value.is_int())
        pi.default_value = Value::real(static_cast<double>(pi.default_value.as_int()));
    }
    p_.params.push_back(std::move(pi));
  }

  // Functions first, so chunk index == function index.
  p_.chunks.resize(checked.fns.size());
  for (const FnDecl* f : checked.fns) {
    chunk_ = &p_.chunks[static_cast<size_t>(f->index)];
    depth_ = 0;
    chunk_->num_params = static_cast<uint32_t>(f->params.size());
    chunk_->num_locals = static_cast<uint32_t>(f->num_locals);
    for (const Module* m : checked.modules)
      for (const FnDecl& d : m->fns)
        if (&d == f) chunk_->name = "fn " + m->package + "." + f->name;
    loop_var_iter_.clear();
    expr(*f->body);
    emit(Op::RETURN, 0, f->range);
  }
  p_.rules.resize(checked.rules.size());
  for (size_t i = 0; i < checked.rules.size(); ++i) {
    auto [m, r] = checked.rules[i];
    p_.chunks.emplace_back();
    chunk_ = &p_.chunks.back();
    chunk_->name = "rule " + r->id;
    depth_ = 0;
    p_.rules[i].chunk = static_cast<uint32_t>(p_.chunks.size() - 1);
    info_subject_slot_ = -1;
    info_select_slot_ = -1;
    rule(*m, *r, static_cast<uint32_t>(i));
    p_.rules[i].subject_slot = info_subject_slot_;
    p_.rules[i].select_slot = info_select_slot_;
    if (p_.rules[i].select_types.empty()) p_.document_rules.push_back(static_cast<uint32_t>(i));
    for (const std::string& t : p_.rules[i].select_types) p_.rules_by_type[t].push_back(static_cast<uint32_t>(i));
  }
  // Constants, in dependency order.
  p_.chunks.emplace_back();
  chunk_ = &p_.chunks.back();
  chunk_->name = "init";
  depth_ = 0;
  p_.init_chunk = static_cast<uint32_t>(p_.chunks.size() - 1);
  for (const ConstDecl* c : checked.consts) {
    chunk_->num_locals = std::max<uint32_t>(chunk_->num_locals, static_cast<uint32_t>(c->num_locals));
    loop_var_iter_.clear();
    expr(*c->value);
    emit(Op::STORE_GLOBAL, static_cast<uint32_t>(c->global), c->range);
  }
  emit(Op::HALT, 0, {UINT32_MAX, 0, 0});  // no source line of its own
}

}  // namespace

std::shared_ptr<Program> compile_program(const CheckedProgram& checked, BuiltinRegistry builtins,
                                         std::shared_ptr<const SourceSet> sources, Diagnostics& diags) {
  auto p = std::make_shared<Program>();
  p->sources = std::move(sources);
  p->builtins = std::move(builtins);
  size_t before = diags.error_count();
  Compiler c(*p, diags);
  c.run(checked);
  if (diags.error_count() > before) return nullptr;
  return p;
}

}  // namespace moat
