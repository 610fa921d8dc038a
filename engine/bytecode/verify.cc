#include "bytecode/verify.h"

#include <vector>

namespace moat {

namespace {

constexpr uint32_t kNoSlot = 4095;

class ChunkVerifier {
 public:
  ChunkVerifier(const Program& p, const Chunk& c, std::vector<std::string>& out) : p_(p), c_(c), out_(out) {}

  void run() {
    if (c_.code.size() != c_.ranges.size()) fail(0, "position table does not cover the code");
    // First pass: instruction starts, so jumps can be checked to land on one.
    std::vector<bool> start(c_.code.size() + 1, false);
    for (uint32_t pc = 0; pc < c_.code.size();) {
      start[pc] = true;
      Op op = op_of(c_.code[pc]);
      if (static_cast<size_t>(op) >= static_cast<size_t>(Op::kCount)) {
        fail(pc, "invalid opcode " + std::to_string(static_cast<int>(op)));
        return;
      }
      pc += 1 + kOpInfo[static_cast<size_t>(op)].extra_words;
      if (pc > c_.code.size()) {
        fail(pc, "instruction runs past the end of the chunk");
        return;
      }
    }
    start_ = std::move(start);
    if (c_.code.empty()) {
      fail(0, "empty chunk");
      return;
    }
    Op last = op_of(c_.code[last_start()]);
    if (last != Op::HALT && last != Op::RETURN && last != Op::JUMP) fail(last_start(), "chunk does not end in HALT or RETURN");
    for (uint32_t pc = 0; pc < c_.code.size();) {
      check(pc);
      pc += 1 + kOpInfo[static_cast<size_t>(op_of(c_.code[pc]))].extra_words;
    }
  }

 private:
  uint32_t last_start() const {
    uint32_t last = 0;
    for (uint32_t i = 0; i < start_.size(); ++i)
      if (start_[i] && i < c_.code.size()) last = i;
    return last;
  }
  void fail(uint32_t pc, const std::string& msg) { out_.push_back(c_.name + " @" + std::to_string(pc) + ": " + msg); }
  void target(uint32_t pc, uint32_t t) {
    if (t >= c_.code.size() || !start_[t]) fail(pc, "jump target " + std::to_string(t) + " is not an instruction");
  }
  void slot(uint32_t pc, uint32_t s, uint32_t width = 1) {
    if (s + width > c_.num_locals) fail(pc, "local slot " + std::to_string(s) + " out of range");
  }
  void constant(uint32_t pc, uint32_t i, bool string) {
    if (i >= p_.constants.size()) fail(pc, "constant " + std::to_string(i) + " out of range");
    else if (string && !p_.constants[i].is_string()) fail(pc, "constant " + std::to_string(i) + " is not a string");
  }

  void check(uint32_t pc) {
    uint32_t w = c_.code[pc];
    uint32_t a = operand_of(w);
    auto extra = [&](uint32_t i) { return c_.code[pc + i]; };
    switch (op_of(w)) {
      case Op::CONST: constant(pc, a, false); break;
      case Op::FIELD: case Op::RESOURCES: constant(pc, a, true); break;
      case Op::LOAD: case Op::STORE: slot(pc, a); break;
      case Op::LOAD_GLOBAL: case Op::STORE_GLOBAL:
        if (a >= p_.num_globals) fail(pc, "global " + std::to_string(a) + " out of range");
        break;
      case Op::JUMP: case Op::AND: case Op::OR: case Op::COALESCE: case Op::WHERE: case Op::FOR_CHECK: target(pc, a); break;
      case Op::BRANCH: target(pc, a); target(pc, extra(1)); break;
      case Op::ITER_INIT: slot(pc, a, 2); target(pc, extra(1)); break;
      case Op::ITER_NEXT: {
        slot(pc, a, 2);
        uint32_t k = extra(1) >> 12, v = extra(1) & 0xfff;
        if (k != kNoSlot) slot(pc, k);
        if (v != kNoSlot) slot(pc, v);
        target(pc, extra(2));
        break;
      }
      case Op::ACC_INIT: slot(pc, a, 2); break;
      case Op::ACC_STEP: slot(pc, a, 2); target(pc, extra(1) >> 2); break;
      case Op::ACC_END: slot(pc, a & 0xfffff, 2); break;
      case Op::BUILD_FILTER: target(pc, a); slot(pc, extra(1)); break;
      case Op::BUILD_END: slot(pc, a); break;
      case Op::CALL:
        if (a >= p_.builtins.all().size()) fail(pc, "builtin " + std::to_string(a) + " out of range");
        else if ((extra(1) >> 8) > p_.prepared.size()) fail(pc, "prepared state out of range");
        break;
      case Op::CALL_FN:
        if (a >= p_.chunks.size() || p_.chunks[a].num_params != extra(1)) fail(pc, "bad function call");
        break;
      case Op::EDGES:
        if (a > (kEdgesTo | kEdgesKind)) fail(pc, "bad edges flags " + std::to_string(a));
        break;
      case Op::REPORT:
        if (a & 8) slot(pc, extra(1), 2);
        break;
      default: break;
    }
  }

  const Program& p_;
  const Chunk& c_;
  std::vector<std::string>& out_;
  std::vector<bool> start_;
};

}  // namespace

std::vector<std::string> verify_program(const Program& program) {
  std::vector<std::string> out;
  for (const Chunk& c : program.chunks) ChunkVerifier(program, c, out).run();
  for (const RuleInfo& r : program.rules)
    if (r.chunk >= program.chunks.size()) out.push_back("rule " + r.id + ": chunk out of range");
  if (program.init_chunk >= program.chunks.size()) out.push_back("init chunk out of range");
  return out;
}

}  // namespace moat
