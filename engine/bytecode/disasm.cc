#include <cstdio>

#include "bytecode/program.h"

namespace moat {

namespace {
std::string operands(const Program& p, const Chunk& c, uint32_t pc) {
  uint32_t w = c.code[pc];
  Op op = op_of(w);
  uint32_t a = operand_of(w);
  const OpInfo& info = kOpInfo[static_cast<size_t>(op)];
  auto extra = [&](uint32_t i) { return pc + i < c.code.size() ? c.code[pc + i] : 0u; };
  auto slot = [](uint32_t s) { return s == 4095 ? std::string("_") : "$" + std::to_string(s); };
  switch (op) {
    case Op::CONST: return std::to_string(a) + "  ; " + to_json(p.constants[a]).substr(0, 60);
    case Op::FIELD: case Op::RESOURCES: return std::string(p.constants[a].as_string());
    case Op::EDGES: return std::string((a & kEdgesTo) ? "to" : "from") + ((a & kEdgesKind) ? " kind" : "");
    case Op::LOAD: case Op::STORE: return "$" + std::to_string(a);
    case Op::LOAD_GLOBAL: case Op::STORE_GLOBAL: {
      for (const ParamInfo& pi : p.params)
        if (pi.global == a) return "g" + std::to_string(a) + "  ; param " + pi.qualified;
      return "g" + std::to_string(a);
    }
    case Op::JUMP: case Op::AND: case Op::OR: case Op::COALESCE: case Op::WHERE: case Op::FOR_CHECK:
      return "-> " + std::to_string(a);
    case Op::BRANCH: return "-> " + std::to_string(a) + ", undefined -> " + std::to_string(extra(1));
    case Op::ITER_INIT: return "$" + std::to_string(a) + ", undefined -> " + std::to_string(extra(1));
    case Op::ITER_NEXT: {
      uint32_t s = extra(1);
      return "$" + std::to_string(a) + " key " + slot(s >> 12) + " value " + slot(s & 0xfff) + ", done -> " +
             std::to_string(extra(2));
    }
    case Op::ACC_INIT: return "$" + std::to_string(a);
    case Op::ACC_STEP: {
      static const char* kNames[] = {"any", "all", "none", "count"};
      return "$" + std::to_string(a) + " " + kNames[extra(1) & 3] + ", decided -> " + std::to_string(extra(1) >> 2);
    }
    case Op::ACC_END: {
      static const char* kNames[] = {"any", "all", "none", "count"};
      return "$" + std::to_string(a & 0xfffff) + " " + kNames[(a >> 20) & 3];
    }
    case Op::BUILD_BEGIN: case Op::BUILD_ADD: return a ? "map" : "list";
    case Op::BUILD_FILTER: return "-> " + std::to_string(a) + ", undefined into $" + std::to_string(extra(1));
    case Op::BUILD_END: return "$" + std::to_string(a);
    case Op::LIST: case Op::MAP: return std::to_string(a);
    case Op::INTERP: return std::to_string(a & ~kInterpDisplay) + (a & kInterpDisplay ? " display" : "");
    case Op::CALL: {
      uint32_t e = extra(1);
      std::string s = std::string(p.builtins.at(a).name) + "/" + std::to_string(e & 0xff);
      if (e >> 8) s += " prepared#" + std::to_string((e >> 8) - 1);
      return s;
    }
    case Op::CALL_FN: return p.chunks[a].name.substr(3) + "/" + std::to_string(extra(1));
    case Op::REPORT: {
      std::string s;
      if (a & kReportSubject) s += "subject ";
      if (a & 8) s += "at-loop $" + std::to_string(extra(1));
      else if (a & kReportPlacePair) s += "at-place";
      else if (a & kReportPlaceValue) s += "at-value";
      return s;
    }
    default: return info.extra_words ? std::to_string(a) : "";
  }
}
}  // namespace

std::string disassemble_chunk(const Program& p, const Chunk& c) {
  std::string out = "== " + c.name + " (locals " + std::to_string(c.num_locals) + ", stack " +
                    std::to_string(c.max_stack) + ")\n";
  uint32_t last_line = 0, last_file = UINT32_MAX;
  for (uint32_t pc = 0; pc < c.code.size();) {
    Op op = op_of(c.code[pc]);
    if (static_cast<size_t>(op) >= static_cast<size_t>(Op::kCount)) {
      out += "  ?? invalid opcode\n";
      break;
    }
    SourceRange r = c.ranges[pc];
    if (r.file < p.sources->size()) {
      const SourceFile& f = p.sources->file(r.file);
      LineCol lc = f.line_col(r.begin);
      if (lc.line != last_line || r.file != last_file) {
        std::string_view text = f.line_text(lc.line);
        size_t s = text.find_first_not_of(" \t");
        out += "  ; " + f.name() + ":" + std::to_string(lc.line) + "  " +
               std::string(s == std::string_view::npos ? std::string_view() : text.substr(s)) + "\n";
        last_line = lc.line;
        last_file = r.file;
      }
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "  %4u  %-13s", pc, kOpInfo[static_cast<size_t>(op)].name);
    std::string line = buf + operands(p, c, pc);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    pc += 1 + kOpInfo[static_cast<size_t>(op)].extra_words;
  }
  return out;
}

std::string disassemble(const Program& p) {
  std::string out;
  for (const Chunk& c : p.chunks) out += disassemble_chunk(p, c) + "\n";
  return out;
}

}  // namespace moat
