// The bytecode interpreter. One Vm per evaluating thread: it owns the
// operand stack, the arenas and the outcome list, and reads the shared,
// immutable Program.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "builtins/builtin.h"
#include "builtins/signature_index.h"
#include "bytecode/program.h"
#include "documents/document.h"
#include "value/arena.h"
#include "vm/evaluation.h"

namespace moat {

class Vm {
 public:
  Vm(std::shared_ptr<const Program> program, EvalOptions options, std::vector<Value> param_values,
     std::shared_ptr<Arena> param_arena);
  ~Vm();
  Vm(const Vm&) = delete;
  Vm& operator=(const Vm&) = delete;

  EvalResult evaluate(const Document& doc);

 private:
  // Thrown to abandon the document when a budget runs out.
  struct Stop {
    std::string message;
  };

  Value run(uint32_t chunk, Value* locals, bool clear_locals);
  void run_rule(uint32_t rule, Value resource, Value id);
  void note_constant_cost(uint32_t chunk, uint32_t pc);
  std::string constant_name(uint32_t chunk, uint32_t pc) const;
  void record(Outcome outcome, const Value& why, uint32_t pc_chunk, uint32_t pc, Value* locals);
  void report(uint32_t flags, uint32_t iter_slot, uint32_t chunk, uint32_t pc, Value* locals, Value*& sp);
  std::string path_of_place(const Value& container, const Value& key) const;
  std::optional<std::string> pointer_of(const void* identity) const;
  std::string path_of_value(const Value& v) const;
  std::string default_path(Value* locals) const;
  std::string subject_of(const std::string& path, Value* locals) const;
  std::string policy_position(uint32_t chunk, uint32_t pc) const;
  Value resources_of(std::string_view type);
  [[noreturn]] void stop(std::string what, uint32_t chunk, uint32_t pc);
  void check_clock(uint32_t chunk, uint32_t pc);
  // The instruction budget is spent in slices: the dispatch loop only
  // counts slice_left_ down (one test per instruction), and at zero
  // next_slice() checks the budget and the clock. remaining() is exact.
  static constexpr uint64_t kSlice = 1 << 16;
  uint64_t remaining() const { return budget_reserve_ + slice_left_; }
  void next_slice(uint32_t chunk, uint32_t pc);

  std::shared_ptr<const Program> program_;
  const Program& p_;
  EvalOptions options_;
  std::vector<Value> param_values_;
  std::shared_ptr<Arena> param_arena_;

  const Document* doc_ = nullptr;
  Arena globals_arena_;  // constants computed by the init chunk, per document
  Arena arena_;          // values built by one rule on one resource
  CallContext ctx_;
  CallContext globals_ctx_;
  SignatureMemo signature_memo_;  // both contexts share it; cleared per document
  Arena* arena_ptr_ = &arena_;  // where the running code allocates
  CallContext* ctx_ptr_ = &ctx_;
  std::vector<Value> globals_;
  std::vector<Value> stack_;
  Value* stack_end_ = nullptr;
  struct Builder {
    bool is_map = false;
    std::vector<Value> items;
  };
  std::vector<Builder> builders_;
  size_t builder_depth_ = 0;
  uint32_t call_depth_ = 0;
  // Per field-name constant: the member index where it was last found
  // (Op::FIELD's inline cache); UINT32_MAX before the first lookup.
  std::vector<uint32_t> field_hints_;
  uint64_t slice_left_ = 0;      // instructions before next_slice()
  uint64_t budget_reserve_ = 0;  // the budget beyond the current slice
  std::chrono::steady_clock::time_point deadline_;
  bool has_deadline_ = false;
  uint32_t current_rule_ = 0;
  bool in_init_ = false;  // running the constants' init chunk
  Value* rule_locals_ = nullptr;  // locals of the running rule, for paths
  std::vector<std::pair<Value, Value>> fetched_;  // (resource, id) read by resource() in this run
  absl::flat_hash_map<std::string, Value> resources_cache_;  // resources(type) per document
  std::vector<Finding> findings_;
  // EvalOptions::collect_costs: one entry per rule (by index), then one per
  // constant as the init chunk computes it, from these marks.
  std::vector<RuleCost> costs_;
  uint64_t constant_mark_budget_ = 0;
  std::chrono::steady_clock::time_point constant_mark_time_;
  size_t unknown_count_ = 0;
};

}  // namespace moat
