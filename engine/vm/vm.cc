#include "vm/vm.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "bytecode/program_signatures.h"
#include "value/build.h"
#include "util/reorder.h"
#include "vm/describe.h"

namespace moat {

namespace {

// Errors win over unknowns, unknowns over missing: an error must never be
// hidden behind "data was absent".
Value propagate(const Value& a, const Value& b) {
  if (a.is_error()) return a;
  if (b.is_error()) return b;
  if (a.is_unknown()) return a;
  if (b.is_unknown()) return b;
  if (a.is_missing()) return a;
  return b;
}

}  // namespace

Vm::Vm(std::shared_ptr<const Program> program, EvalOptions options, std::vector<Value> param_values,
       std::shared_ptr<Arena> param_arena)
    : program_(std::move(program)),
      p_(*program_),
      options_(std::move(options)),
      param_values_(std::move(param_values)),
      param_arena_(std::move(param_arena)),
      arena_(options_.budgets.max_memory_bytes),
      ctx_(arena_, options_.now),
      globals_ctx_(globals_arena_, options_.now),
      signature_memo_([&p = p_] { return signature_index_of(p); }) {
  ctx_.set_signature_memo(&signature_memo_);
  globals_ctx_.set_signature_memo(&signature_memo_);
  ctx_.remember_matches(true);
  globals_ctx_.remember_matches(true);
  globals_arena_.set_limit(options_.budgets.max_memory_bytes);
  stack_.resize(1u << 16);
  stack_end_ = stack_.data() + stack_.size();
  field_hints_.assign(p_.constants.size(), UINT32_MAX);
}

Vm::~Vm() = default;

void Vm::stop(std::string what, uint32_t chunk, uint32_t pc) {
  std::string where = policy_position(chunk, pc);
  std::string who = in_init_ || p_.rules.empty() ? "computing constants" : "rule " + p_.rules[current_rule_].id;
  throw Stop{who + ": " + what + (where.empty() ? "" : " (at " + where + ")")};
}

void Vm::next_slice(uint32_t chunk, uint32_t pc) {
  if (budget_reserve_ == 0)
    stop("instruction budget of " + std::to_string(options_.budgets.max_instructions) + " exceeded (--max-instructions)", chunk, pc);
  check_clock(chunk, pc);
  slice_left_ = std::min(budget_reserve_, kSlice);
  budget_reserve_ -= slice_left_;
}

void Vm::check_clock(uint32_t chunk, uint32_t pc) {
  if (has_deadline_ && std::chrono::steady_clock::now() > deadline_)
    stop("evaluation time budget of " + std::to_string(options_.budgets.max_wall_ms) + " ms exceeded (--max-wall-ms; in scan also --file-time-limit-ms)", chunk, pc);
}

Value Vm::resources_of(std::string_view type) {
  // No resource of the type (every type, in an event document): one shared
  // empty map, with nothing to build or cache.
  static constexpr MapRep kNoResources{};
  const std::vector<uint32_t>* idx = doc_->resources_of_type(type);
  if (idx == nullptr) return Value::map(&kNoResources);
  if (auto it = resources_cache_.find(absl::string_view(type.data(), type.size())); it != resources_cache_.end())
    return it->second;
  std::vector<Member> members;
  members.reserve(idx->size());
  const MapRep& all = doc_->resources().as_map();
  for (uint32_t i : *idx) members.push_back(all.members[i]);
  Value v = make_map_unique(globals_arena_, members);
  resources_cache_.emplace(std::string(type), v);
  return v;
}

Value Vm::run(uint32_t chunk_index, Value* locals, bool clear_locals) {
  const Chunk& chunk = p_.chunks[chunk_index];
  if (locals + chunk.num_locals + chunk.max_stack + 8 > stack_end_) stop("value stack budget exceeded", chunk_index, 0);
  if (clear_locals)
    for (uint32_t i = chunk.num_params; i < chunk.num_locals; ++i) locals[i] = Value();
  Value* sp = locals + chunk.num_locals;
  const uint32_t* code = chunk.code.data();
  uint32_t pc = 0;
  Arena& arena = *arena_ptr_;
  CallContext& ctx = *ctx_ptr_;

#define POP() (*--sp)
#define PUSH(v)        \
  do {                 \
    Value pushed_ = (v); \
    *sp++ = pushed_;   \
  } while (0)
#define TOP() (sp[-1])
#define ERR(code_, msg) make_error(arena, code_, msg)

  for (;;) {
    if (--slice_left_ == 0) [[unlikely]] next_slice(chunk_index, pc);
    const uint32_t w = code[pc];
    const uint32_t a = w >> 8;
    const uint32_t at = pc;
    switch (static_cast<Op>(w & 0xff)) {
      case Op::CONST: PUSH(p_.constants[a]); ++pc; break;
      case Op::NULL_: PUSH(Value()); ++pc; break;
      case Op::TRUE_: PUSH(Value::boolean(true)); ++pc; break;
      case Op::FALSE_: PUSH(Value::boolean(false)); ++pc; break;
      case Op::LOAD: PUSH(locals[a]); ++pc; break;
      case Op::STORE: locals[a] = POP(); ++pc; break;
      case Op::LOAD_GLOBAL: PUSH(globals_[a]); ++pc; break;
      case Op::STORE_GLOBAL:
        globals_[a] = POP();
        if (options_.collect_costs) note_constant_cost(chunk_index, pc);
        ++pc;
        break;
      case Op::INPUT: PUSH(doc_->root()); ++pc; break;
      case Op::POP: --sp; ++pc; break;
      case Op::FIELD: {
        Value& x = TOP();
        std::string_view key = p_.constants[a].as_string();
        if (x.is_map()) {
          // Inline cache: maps of one kind (a resource type, an event
          // field) lay out their members alike, so the member where this
          // name was found last time is tried first.
          const MapRep& m = x.as_map();
          const uint32_t hint = field_hints_[a];
          if (hint < m.size && same_text(m.members[hint].key.as_string(), key)) {
            x = m.members[hint].value;
          } else if (const Value* v = m.find(key)) {
            field_hints_[a] = static_cast<uint32_t>(member_of(v) - m.members);
            x = *v;
          } else {
            x = make_missing(arena, x, p_.constants[a]);
          }
        } else if (x.is_undefined() || x.is_null()) {
          x = get_field(arena, x, key);
        } else {
          // An error, not a missing value: the data has the wrong shape,
          // and `??` only supplies defaults for absent data.
          x = ERR("type_error", "cannot read field '" + std::string(key) + "' of a " + std::string(kind_name(x.kind())) +
                                    "; this is an error, and errors are never absorbed (not even by '?\?'): "
                                    "guard the read, e.g. 'is_map(input) and ...'");
        }
        ++pc;
        break;
      }
      case Op::INDEX: {
        Value k = POP();
        TOP() = get_index(arena, TOP(), k);
        ++pc;
        break;
      }
      case Op::RESOURCE: {
        Value id = TOP();
        if (id.is_undefined()) { ++pc; break; }
        if (!id.is_string()) { TOP() = ERR("type_error", "resource() takes a string id, got " + describe(id)); ++pc; break; }
        Value res = doc_->resources();
        if (res.is_map()) {
          const Value* r = res.as_map().find(id.as_string());
          TOP() = r ? *r : make_missing(arena, res, id);
          // Remembered so that paths inside it are found without a
          // document-wide index.
          if (r && fetched_.size() < 16) fetched_.emplace_back(*r, id);
        } else {
          TOP() = make_missing(arena, Value(), id);
        }
        ++pc;
        break;
      }
      case Op::RESOURCES: PUSH(resources_of(p_.constants[a].as_string())); ++pc; break;
      case Op::EDGES: {
        // Strict like a builtin: an undefined id or kind is the result
        // (error first, then unknown, then missing).
        Value kind = POP();
        Value& id = TOP();
        const char* fn = (a & kEdgesTo) ? "edges_to" : "edges_from";
        bool with_kind = (a & kEdgesKind) != 0;
        if (id.is_undefined() || (with_kind && kind.is_undefined())) {
          id = with_kind ? propagate(id, kind) : id;
          ++pc;
          break;
        }
        if (!id.is_string()) { id = ERR("type_error", std::string(fn) + "() takes a string id, got " + describe(id)); ++pc; break; }
        if (with_kind && !kind.is_string()) { id = ERR("type_error", std::string(fn) + "() takes a string kind, got " + describe(kind)); ++pc; break; }
        std::string_view kind_text = with_kind ? kind.as_string() : std::string_view();
        id = doc_->edges_at((a & kEdgesTo) ? EdgeEnd::kTo : EdgeEnd::kFrom, id.as_string(), with_kind ? &kind_text : nullptr);
        ++pc;
        break;
      }
      case Op::NEG: {
        Value& x = TOP();
        if (x.is_int()) {
          if (x.as_int() == INT64_MIN) x = ERR("overflow", "integer overflow in negation");
          else x = Value::integer(-x.as_int());
        } else if (x.is_float()) {
          x = Value::real(-x.as_float());
        } else if (!x.is_undefined()) {
          x = ERR("type_error", "cannot negate a " + describe(x));
        }
        ++pc;
        break;
      }
      case Op::ADD: case Op::SUB: case Op::MUL: case Op::DIV: case Op::MOD: {
        Value b = POP();
        Value& x = TOP();
        Op op = static_cast<Op>(w & 0xff);
        if (x.is_undefined() || b.is_undefined()) { x = propagate(x, b); ++pc; break; }
        if (x.is_int() && b.is_int()) {
          int64_t r = 0, l = x.as_int(), rr = b.as_int();
          bool overflow = false;
          switch (op) {
            case Op::ADD: overflow = __builtin_add_overflow(l, rr, &r); break;
            case Op::SUB: overflow = __builtin_sub_overflow(l, rr, &r); break;
            case Op::MUL: overflow = __builtin_mul_overflow(l, rr, &r); break;
            default:
              if (rr == 0) { x = ERR("division_by_zero", "division by zero"); ++pc; goto next; }
              if (l == INT64_MIN && rr == -1) {  // the quotient overflows; the remainder is 0
                if (op == Op::DIV) overflow = true;
                break;
              }
              r = op == Op::DIV ? l / rr : l % rr;
          }
          x = overflow ? ERR("overflow", "integer overflow") : Value::integer(r);
        } else if (x.is_number() && b.is_number()) {
          double l = x.as_number(), rr = b.as_number();
          if ((op == Op::DIV || op == Op::MOD) && rr == 0) { x = ERR("division_by_zero", "division by zero"); ++pc; break; }
          double r = op == Op::ADD ? l + rr : op == Op::SUB ? l - rr : op == Op::MUL ? l * rr : op == Op::DIV ? l / rr : std::fmod(l, rr);
          x = Value::real(r);
        } else if (op == Op::ADD && x.is_string() && b.is_string()) {
          std::string_view l = x.as_string(), rr = b.as_string();
          char* buf = static_cast<char*>(arena.allocate(l.size() + rr.size() + 1, 1));
          std::memcpy(buf, l.data(), l.size());
          std::memcpy(buf + l.size(), rr.data(), rr.size());
          x = Value::string({buf, l.size() + rr.size()});
        } else if (op == Op::ADD && x.is_list() && b.is_list()) {
          std::vector<Value> items(x.as_list().begin(), x.as_list().end());
          items.insert(items.end(), b.as_list().begin(), b.as_list().end());
          x = make_list(arena, items);
        } else if (op == Op::ADD && x.is_map() && b.is_map()) {
          // Merge: a's keys in a's order, then b's new keys; b's values win
          // (make_map keeps the first position and the last value of a key).
          std::vector<Member> members(x.as_map().begin(), x.as_map().end());
          members.insert(members.end(), b.as_map().begin(), b.as_map().end());
          x = make_map(arena, members);
        } else {
          static constexpr const char* kSym[] = {"+", "-", "*", "/", "%"};
          x = ERR("type_error", std::string("operator ") + kSym[static_cast<int>(op) - static_cast<int>(Op::ADD)] +
                                    " cannot combine " + describe(x) + " and " + describe(b));
        }
        ++pc;
        break;
      }
      case Op::EQ: case Op::NE: {
        Value b = POP();
        Value& x = TOP();
        if (x.is_undefined() || b.is_undefined()) x = propagate(x, b);
        else if (x.is_string() && b.is_string())  // most comparisons: no call
          x = Value::boolean(same_text(x.as_string(), b.as_string()) == (static_cast<Op>(w & 0xff) == Op::EQ));
        else x = Value::boolean(values_equal(x, b) == (static_cast<Op>(w & 0xff) == Op::EQ));
        ++pc;
        break;
      }
      case Op::LT: case Op::LE: case Op::GT: case Op::GE: {
        Value b = POP();
        Value& x = TOP();
        if (x.is_undefined() || b.is_undefined()) { x = propagate(x, b); ++pc; break; }
        int c;
        if (x.is_number() && b.is_number()) c = compare_values(x, b);
        else if (x.is_string() && b.is_string()) c = x.as_string().compare(b.as_string());
        else {
          x = ERR("type_error", "cannot order " + describe(x) + " and " + describe(b));
          ++pc;
          break;
        }
        Op op = static_cast<Op>(w & 0xff);
        x = Value::boolean(op == Op::LT ? c < 0 : op == Op::LE ? c <= 0 : op == Op::GT ? c > 0 : c >= 0);
        ++pc;
        break;
      }
      case Op::IN: {
        Value c = POP();
        Value& x = TOP();
        if (x.is_undefined() || c.is_undefined()) { x = propagate(x, c); ++pc; break; }
        if (c.is_list()) {
          bool found = false;
          if (x.is_string()) {
            // The common case (a type or action among a table of strings),
            // without a call per element: equal strings have equal lengths.
            const std::string_view s = x.as_string();
            for (const Value& item : c.as_list())
              if (item.is_string() && same_text(item.as_string(), s)) { found = true; break; }
          } else {
            for (const Value& item : c.as_list())
              if (values_equal(item, x)) { found = true; break; }
          }
          x = Value::boolean(found);
        } else if (c.is_map()) {
          x = x.is_string() ? Value::boolean(c.as_map().find(x.as_string()) != nullptr)
                            : ERR("type_error", "map keys are strings; 'in' got " + describe(x));
        } else if (c.is_string()) {
          x = x.is_string() ? Value::boolean(c.as_string().find(x.as_string()) != std::string_view::npos)
                            : ERR("type_error", "'in' a string needs a string, got " + describe(x));
        } else {
          x = ERR("type_error", "'in' needs a list, map or string, got " + describe(c));
        }
        ++pc;
        break;
      }
      case Op::NOT: {
        Value& x = TOP();
        if (x.is_bool()) x = Value::boolean(!x.as_bool());
        else if (!x.is_undefined()) x = ERR("type_error", "'not' needs a bool, got " + describe(x));
        ++pc;
        break;
      }
      case Op::JUMP: pc = a; break;
      case Op::AND: {
        const Value& x = TOP();
        pc = (x.is_bool() && !x.as_bool()) ? a : pc + 1;
        break;
      }
      case Op::OR: {
        const Value& x = TOP();
        pc = (x.is_bool() && x.as_bool()) ? a : pc + 1;
        break;
      }
      case Op::AND_END: case Op::OR_END: {
        bool is_and = static_cast<Op>(w & 0xff) == Op::AND_END;
        Value b = POP();
        Value& x = TOP();
        const char* name = is_and ? "'and'" : "'or'";
        if (!x.is_bool() && !x.is_undefined()) { x = ERR("type_error", std::string(name) + " needs bools, got " + describe(x)); ++pc; break; }
        if (!b.is_bool() && !b.is_undefined()) { x = ERR("type_error", std::string(name) + " needs bools, got " + describe(b)); ++pc; break; }
        // x is not the short-circuit value (the jump handled that). An error
        // that happened is never absorbed: `error or true` stays an error.
        if (x.is_error() || b.is_error()) x = propagate(x, b);
        else if (x.is_bool()) x = b;  // true and b = b; false or b = b
        else if (b.is_bool() && b.as_bool() != is_and) x = b;  // missing and false = false
        else x = propagate(x, b);
        ++pc;
        break;
      }
      case Op::COALESCE: {
        if (TOP().is_missing() || TOP().is_null()) { --sp; ++pc; }
        else pc = a;
        break;
      }
      case Op::BRANCH: {
        Value c = POP();
        if (c.is_bool()) pc = c.as_bool() ? pc + 2 : a;
        else {
          PUSH(c.is_undefined() ? c : ERR("type_error", "'if' needs a bool, got " + describe(c)));
          pc = code[pc + 1];
        }
        break;
      }
      case Op::LIST: {
        sp -= a;
        PUSH(make_list(arena, std::span<const Value>(sp, a)));
        ++pc;
        break;
      }
      case Op::MAP: {
        sp -= 2 * a;
        std::vector<Member> members;
        members.reserve(a);
        Value bad;
        for (uint32_t i = 0; i < a; ++i) {
          const Value& k = sp[2 * i];
          if (!k.is_string()) { bad = k.is_undefined() ? k : ERR("type_error", "map keys must be strings, got " + describe(k)); break; }
          members.push_back({k, sp[2 * i + 1]});
        }
        PUSH(bad.is_undefined() ? bad : make_map(arena, members));
        ++pc;
        break;
      }
      case Op::INTERP: {
        const uint32_t n = a & ~kInterpDisplay;
        sp -= n;
        // An error part fails the string. Elsewhere than in a report message
        // a missing or unknown part does too (first error, then unknown, then
        // missing), so a decision never rests on the text "<missing>"; in a
        // report message they read as <missing>/<unknown>: a message may
        // mention absent data without the decision depending on it.
        Value failed;
        for (uint32_t i = 0; i < n; ++i)
          if (sp[i].is_error() || (!(a & kInterpDisplay) && sp[i].is_undefined()))
            failed = failed.is_undefined() ? propagate(failed, sp[i]) : sp[i];
        if (failed.is_undefined()) {
          PUSH(failed);
        } else {
          std::string out;
          for (uint32_t i = 0; i < n; ++i) append_display(sp[i], out);
          PUSH(make_string(arena, out));
        }
        ++pc;
        break;
      }
      case Op::ITER_INIT: {
        Value c = POP();
        if (c.is_list() || c.is_map()) {
          locals[a] = c;
          locals[a + 1] = Value::integer(0);
          pc += 2;
        } else {
          PUSH(c.is_undefined() ? c : ERR("type_error", "cannot iterate over a " + describe(c)));
          pc = code[pc + 1];
        }
        break;
      }
      case Op::ITER_NEXT: {
        const Value& c = locals[a];
        int64_t pos = locals[a + 1].as_int();
        uint32_t slots = code[pc + 1];
        uint32_t key_slot = slots >> 12, val_slot = slots & 0xfff;
        if (c.is_list()) {
          const ListRep& l = c.as_list();
          if (pos >= l.size) { pc = code[pc + 2]; break; }
          if (key_slot != 4095) locals[key_slot] = Value::integer(pos);
          if (val_slot != 4095) locals[val_slot] = l.items[pos];
        } else {
          const MapRep& m = c.as_map();
          if (pos >= m.size) { pc = code[pc + 2]; break; }
          if (key_slot != 4095) {
            locals[key_slot] = m.members[pos].key;
            if (val_slot != 4095) locals[val_slot] = m.members[pos].value;
          } else if (val_slot != 4095) {
            locals[val_slot] = m.members[pos].value;
          }
        }
        locals[a + 1] = Value::integer(pos + 1);
        pc += 3;
        break;
      }
      case Op::ACC_INIT: locals[a] = Value::integer(0); locals[a + 1] = Value(); ++pc; break;
      case Op::ACC_STEP: {
        Value c = POP();
        uint32_t extra = code[pc + 1];
        auto kind = static_cast<AccKind>(extra & 3);
        uint32_t exit = extra >> 2;
        pc += 2;
        if (c.is_bool()) {
          bool v = c.as_bool();
          switch (kind) {
            case AccKind::kAny:
            case AccKind::kNone:
              if (v) { locals[a] = Value::integer(1); pc = exit; }
              break;
            case AccKind::kAll:
              if (!v) { locals[a] = Value::integer(1); pc = exit; }
              break;
            case AccKind::kCount:
              if (v) locals[a] = Value::integer(locals[a].as_int() + 1);
              break;
          }
        } else {
          Value u = c.is_undefined() ? c : ERR("type_error", "a quantifier condition must be a bool, got " + describe(c));
          locals[a + 1] = locals[a + 1].is_undefined() ? propagate(locals[a + 1], u) : u;
        }
        break;
      }
      case Op::ACC_END: {
        uint32_t slot = a & 0xfffff;
        auto kind = static_cast<AccKind>(a >> 20);
        bool hit = locals[slot].as_int() != 0;
        const Value& u = locals[slot + 1];
        if (u.is_error()) {  // an element's condition failed: never decided around it
          PUSH(u);
          ++pc;
          break;
        }
        switch (kind) {
          case AccKind::kAny: PUSH(hit ? Value::boolean(true) : u.is_undefined() ? u : Value::boolean(false)); break;
          case AccKind::kAll: PUSH(hit ? Value::boolean(false) : u.is_undefined() ? u : Value::boolean(true)); break;
          case AccKind::kNone: PUSH(hit ? Value::boolean(false) : u.is_undefined() ? u : Value::boolean(true)); break;
          case AccKind::kCount: PUSH(u.is_undefined() ? u : locals[slot]); break;
        }
        ++pc;
        break;
      }
      case Op::BUILD_BEGIN: {
        if (builder_depth_ == builders_.size()) builders_.emplace_back();
        Builder& b = builders_[builder_depth_++];
        b.items.clear();
        b.is_map = a != 0;
        ++pc;
        break;
      }
      case Op::BUILD_ADD: {
        std::vector<Value>& b = builders_[builder_depth_ - 1].items;
        if (a) {
          Value v = POP();
          Value k = POP();
          b.push_back(k);
          b.push_back(v);
        } else {
          b.push_back(POP());
        }
        // Builders hold values outside the arena: count them against the
        // memory budget too.
        if (b.size() * sizeof(Value) + arena.bytes_used() > options_.budgets.max_memory_bytes)
          throw MemoryBudgetExceeded(options_.budgets.max_memory_bytes);
        ++pc;
        break;
      }
      case Op::BUILD_FILTER: {
        Value c = POP();
        if (c.is_bool()) {
          pc = c.as_bool() ? pc + 2 : a;
        } else {
          Value u = c.is_undefined() ? c : ERR("type_error", "a comprehension filter must be a bool, got " + describe(c));
          uint32_t slot = code[pc + 1];
          locals[slot] = locals[slot].is_undefined() ? propagate(locals[slot], u) : u;
          pc = a;
        }
        break;
      }
      case Op::BUILD_END: {
        Builder& bl = builders_[--builder_depth_];
        std::vector<Value>& b = bl.items;
        if (locals[a].is_undefined()) {
          PUSH(locals[a]);
        } else if (bl.is_map) {
          std::vector<Member> members;
          members.reserve(b.size() / 2);
          Value bad;
          for (size_t i = 0; i + 1 < b.size(); i += 2) {
            if (!b[i].is_string()) {
              bad = b[i].is_undefined() ? b[i] : ERR("type_error", "map keys must be strings, got " + describe(b[i]));
              break;
            }
            members.push_back({b[i], b[i + 1]});
          }
          PUSH(bad.is_undefined() ? bad : make_map(arena, members));
        } else {
          PUSH(make_list(arena, b));
        }
        b.clear();
        ++pc;
        break;
      }
      case Op::CALL: {
        uint32_t extra = code[pc + 1];
        uint32_t nargs = extra & 0xff;
        uint32_t prep = extra >> 8;
        const BuiltinDef& def = p_.builtins.at(a);
        Value* args = sp - nargs;
        Value result;
        bool called = false;
        if (def.strict) {
          Value bad;
          for (uint32_t i = 0; i < nargs; ++i)
            if (args[i].is_undefined()) bad = bad.is_undefined() ? propagate(bad, args[i]) : args[i];
          if (bad.is_undefined()) { result = bad; called = true; }
        }
        if (!called) {
          ctx.set_prepared(prep ? p_.prepared[prep - 1]->get() : nullptr);
          result = def.fn(ctx, std::span<const Value>(args, nargs));
        }
        sp = args;
        PUSH(result);
        pc += 2;
        break;
      }
      case Op::CALL_FN: {
        uint32_t nargs = code[pc + 1];
        if (++call_depth_ > options_.budgets.max_call_depth) stop("call depth budget of " + std::to_string(options_.budgets.max_call_depth) + " exceeded", chunk_index, pc);
        Value* callee = sp - nargs;
        Value r = run(a, callee, true);
        --call_depth_;
        sp = callee;
        PUSH(r);
        pc += 2;
        break;
      }
      case Op::RETURN: return POP();
      case Op::WHERE: {
        Value c = POP();
        if (c.is_bool()) {
          pc = c.as_bool() ? pc + 1 : a;
        } else {
          record(c.is_error() || !c.is_undefined() ? Outcome::kError : Outcome::kUnknown, c, chunk_index, at, locals);
          pc = a;
        }
        break;
      }
      case Op::FOR_CHECK: {
        const Value& c = TOP();
        if (c.is_list() || c.is_map()) { ++pc; break; }
        Value why = c.is_undefined() ? c : ERR("type_error", "cannot iterate over a " + describe(c));
        record(why.is_error() ? Outcome::kError : Outcome::kUnknown, why, chunk_index, at, locals);
        --sp;
        pc = a;
        break;
      }
      case Op::REPORT: {
        report(a, code[pc + 1], chunk_index, at, locals, sp);
        pc += 2;
        break;
      }
      case Op::HALT: return Value();
      case Op::kCount: stop("invalid instruction", chunk_index, pc);
    }
  next:;
  }
#undef POP
#undef PUSH
#undef TOP
#undef ERR
}

void Vm::note_constant_cost(uint32_t chunk, uint32_t pc) {
  // The init chunk computes the constants one after the other, each ending
  // in its STORE_GLOBAL, whose position is the `let` declaration.
  RuleCost c;
  c.name = "let " + constant_name(chunk, pc);
  c.instructions = constant_mark_budget_ - remaining();
  auto now = std::chrono::steady_clock::now();
  c.nanos = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now - constant_mark_time_).count());
  c.runs = 1;
  costs_.push_back(std::move(c));
  constant_mark_budget_ = remaining();
  constant_mark_time_ = now;
}

void Vm::run_rule(uint32_t rule, Value resource, Value id) {
  current_rule_ = rule;
  const RuleInfo& info = p_.rules[rule];
  Value* locals = stack_.data();
  const Chunk& chunk = p_.chunks[info.chunk];
  for (uint32_t i = 0; i < chunk.num_locals; ++i) locals[i] = Value();
  if (info.select_slot >= 0) {
    locals[info.select_slot] = resource;
    locals[info.subject_slot] = id;
  }
  rule_locals_ = locals;
  fetched_.clear();
  const uint64_t budget_before = remaining();
  const auto started = options_.collect_costs ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
  try {
    run(info.chunk, locals, false);
    if (options_.collect_costs) {
      RuleCost& c = costs_[rule];
      c.instructions += budget_before - remaining();
      c.nanos += static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count());
      ++c.runs;
    }
  } catch (const MemoryBudgetExceeded&) {
    arena_.reset();
    builder_depth_ = 0;
    throw Stop{"rule " + info.id + ": memory budget of " + std::to_string(options_.budgets.max_memory_bytes) +
               " bytes exceeded (--max-memory)"};
  }
  // Nothing a rule builds outlives its run on one resource.
  arena_.reset();
}

EvalResult Vm::evaluate(const Document& doc) {
  EvalResult result;
  doc_ = &doc;
  findings_.clear();
  signature_memo_.clear();
  ctx_.forget_answers();
  globals_ctx_.forget_answers();
  unknown_count_ = 0;
  resources_cache_.clear();
  globals_arena_.reset();
  arena_.reset();
  builder_depth_ = 0;
  call_depth_ = 0;
  // max_instructions + 1 in all: the instruction that would exceed the
  // budget stops. The first instruction starts the first slice.
  slice_left_ = 1;
  budget_reserve_ = options_.budgets.max_instructions;
  has_deadline_ = options_.budgets.max_wall_ms > 0;
  if (has_deadline_) deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.budgets.max_wall_ms);
  globals_.assign(p_.num_globals, Value());
  for (size_t i = 0; i < param_values_.size() && i < globals_.size(); ++i) globals_[i] = param_values_[i];
  try {
    // Constants may depend on the document: computed per document.
    // Constants live in the globals arena: they outlive every rule run.
    current_rule_ = 0;
    arena_ptr_ = &globals_arena_;
    ctx_ptr_ = &globals_ctx_;
    in_init_ = true;
    if (options_.collect_costs) {
      costs_.assign(p_.rules.size(), RuleCost{});
      for (size_t i = 0; i < p_.rules.size(); ++i) costs_[i].name = p_.rules[i].id;
      constant_mark_budget_ = remaining();
      constant_mark_time_ = std::chrono::steady_clock::now();
    }
    try {
      run(p_.init_chunk, stack_.data(), true);
    } catch (const MemoryBudgetExceeded&) {
      arena_ptr_ = &arena_;
      ctx_ptr_ = &ctx_;
      in_init_ = false;
      throw Stop{"computing constants: memory budget of " + std::to_string(options_.budgets.max_memory_bytes) +
                 " bytes exceeded (--max-memory)"};
    } catch (const Stop&) {
      arena_ptr_ = &arena_;
      ctx_ptr_ = &ctx_;
      in_init_ = false;
      throw;
    }
    in_init_ = false;
    arena_ptr_ = &arena_;
    ctx_ptr_ = &ctx_;
    const Value resources = doc.resources();
    if (resources.is_map()) {
      const MapRep& res = resources.as_map();
      for (uint32_t i = 0; i < res.size; ++i) {
        const Value& r = res.members[i].value;
        if (!r.is_map()) continue;
        const Value* t = r.as_map().find("type");
        if (t == nullptr || !t->is_string()) continue;
        auto it = p_.rules_by_type.find(absl::string_view(t->as_string().data(), t->as_string().size()));
        if (it == p_.rules_by_type.end()) continue;
        for (uint32_t rule : it->second) run_rule(rule, r, res.members[i].key);
      }
    }
    for (uint32_t rule : p_.document_rules) run_rule(rule, Value(), Value());
  } catch (const Stop& s) {
    result.errors.push_back(doc.name() + ": " + s.message);
  }
  result.instructions = options_.budgets.max_instructions + 1 - remaining();
  // Deterministic order, one finding per (rule, subject, path, outcome).
  // Sorted by position, each Finding (nine strings) then moved once
  // (util/reorder.h).
  stable_sort_records(findings_, [](const Finding& x, const Finding& y) {
    return std::tie(x.rule_id, x.subject, x.path, x.outcome, x.message) <
           std::tie(y.rule_id, y.subject, y.path, y.outcome, y.message);
  });
  // One finding per rule and place; findings with no place at all stay
  // apart when they say different things.
  auto last = std::unique(findings_.begin(), findings_.end(), [](const Finding& x, const Finding& y) {
    return x.rule_id == y.rule_id && x.subject == y.subject && x.path == y.path && x.outcome == y.outcome &&
           (!x.path.empty() || !x.subject.empty() || x.message == y.message);
  });
  findings_.erase(last, findings_.end());
  if (options_.collect_costs) {
    absl::flat_hash_map<std::string_view, size_t> by_id;
    for (size_t i = 0; i < p_.rules.size(); ++i) by_id.emplace(p_.rules[i].id, i);
    for (const Finding& f : findings_) {
      auto it = by_id.find(f.rule_id);
      if (it == by_id.end()) continue;
      if (f.outcome == Outcome::kFail) ++costs_[it->second].findings;
      else if (f.outcome == Outcome::kUnknown) ++costs_[it->second].unknown;
    }
    result.costs = std::move(costs_);
    costs_ = {};
  }
  result.findings = std::move(findings_);
  findings_ = {};
  result.unknown_count = unknown_count_;
  doc_ = nullptr;
  return result;
}

}  // namespace moat
