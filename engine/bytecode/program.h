// A compiled program: immutable after compilation, shared between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "builtins/builtin.h"
#include "bytecode/prepared_slot.h"
#include "syntax/source.h"
#include "value/arena.h"
#include "value/value.h"

namespace moat {

enum class Op : uint8_t {
#define OPCODE(name, extra, pops, pushes) name,
#include "bytecode/opcodes.def"
#undef OPCODE
  kCount
};

struct OpInfo {
  const char* name;
  uint8_t extra_words;
  int8_t pops, pushes;
};

inline constexpr OpInfo kOpInfo[] = {
#define OPCODE(name, extra, pops, pushes) {#name, extra, pops, pushes},
#include "bytecode/opcodes.def"
#undef OPCODE
};
static_assert(sizeof(kOpInfo) / sizeof(kOpInfo[0]) == static_cast<size_t>(Op::kCount),
              "opcode table out of sync with opcodes.def");
static_assert(static_cast<size_t>(Op::kCount) <= 256, "opcodes must fit in 8 bits");

constexpr uint32_t kMaxOperand = (1u << 24) - 1;
inline uint32_t encode(Op op, uint32_t a = 0) { return static_cast<uint32_t>(op) | (a << 8); }
inline Op op_of(uint32_t word) { return static_cast<Op>(word & 0xff); }
inline uint32_t operand_of(uint32_t word) { return word >> 8; }

// Quantifier codes used by ACC_STEP / ACC_END.
enum class AccKind : uint32_t { kAny = 0, kAll = 1, kNone = 2, kCount = 3 };

// INTERP: operand A is the number of parts, plus this flag for a report
// message, whose missing/unknown parts are shown as text instead of making
// the whole string undefined.
constexpr uint32_t kInterpDisplay = 1u << 23;

// EDGES flags: which end of the edge matches the id, and whether the kind
// operand filters (without it the kind slot holds a null placeholder).
constexpr uint32_t kEdgesTo = 1;
constexpr uint32_t kEdgesKind = 2;

// REPORT flags.
enum ReportFlags : uint32_t {
  kReportPlacePair = 1,   // place is (container, key) on the stack
  kReportPlaceValue = 2,  // place is a value whose identity may locate it
  kReportSubject = 4,     // an explicit subject expression is on the stack
};

struct Chunk {
  std::string name;  // "rule MOAT-DOS-001", "fn aws.is_admin", "init"
  std::vector<uint32_t> code;
  std::vector<SourceRange> ranges;  // one per code word
  uint32_t num_locals = 0;
  uint32_t num_params = 0;
  uint32_t max_stack = 0;  // operand stack high-water mark, computed by the compiler
};

struct RuleInfo {
  std::string id, title, severity, category, description, remediation;
  std::vector<std::string> references, tags;
  std::vector<std::string> formats;  // input formats the rule covers (metadata `formats`)
  std::string package;
  SourceRange range;
  std::vector<std::string> select_types;  // empty: the rule runs once per document
  uint32_t chunk = 0;
  int32_t select_slot = -1;   // local holding the selected resource
  int32_t subject_slot = -1;  // local holding its id (the default subject)
};

struct ParamInfo {
  std::string name;       // as declared
  std::string qualified;  // package.name
  Type type = Type::kAny;
  Value default_value;    // lives in the program arena; null when none
  bool has_default = false;
  std::string doc;
  uint32_t global = 0;
};

// What the compiler passed to a builtin's `prepare` for one `prepared`
// entry, so a serialized program can rebuild the state (an RE2, a signature
// set) at load instead of storing it. Values live in the program arena.
struct PreparedCall {
  uint32_t builtin = 0;                   // index in Program::builtins
  std::vector<std::optional<Value>> args;  // nullopt: the argument was not a constant
};

struct Program {
  std::shared_ptr<const SourceSet> sources;
  Arena arena;  // constants
  std::vector<Value> constants;
  std::vector<Chunk> chunks;
  std::vector<RuleInfo> rules;
  std::vector<ParamInfo> params;
  uint32_t num_globals = 0;
  uint32_t init_chunk = 0;
  std::vector<std::unique_ptr<PreparedSlot>> prepared;
  std::vector<PreparedCall> prepared_calls;  // parallel to `prepared`
  // Every `signatures` call site's set joined into one (SignatureIndex),
  // built by the first evaluation that matches a signature.
  std::unique_ptr<ProgramLazyState> signature_index = std::make_unique<ProgramLazyState>();
  BuiltinRegistry builtins;
  // Resource type -> rules selecting it, in rule order.
  absl::flat_hash_map<std::string, std::vector<uint32_t>> rules_by_type;
  std::vector<uint32_t> document_rules;  // rules without `select`
};

// Human-readable listing: each instruction with its operands, and the
// policy source line it came from.
std::string disassemble(const Program& program);
std::string disassemble_chunk(const Program& program, const Chunk& chunk);

}  // namespace moat
