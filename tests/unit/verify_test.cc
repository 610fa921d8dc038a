#include <gtest/gtest.h>

#include "bytecode/verify.h"
#include "moat/moat.h"

namespace {

moat::Chunk chunk(std::vector<uint32_t> code, uint32_t locals = 0) {
  moat::Chunk c;
  c.name = "test";
  c.code = std::move(code);
  c.ranges.resize(c.code.size());
  c.num_locals = locals;
  return c;
}

TEST(Verify, CompiledProgramsAreWellFormed) {
  moat::Engine engine;
  engine.add_source("t.moat", R"(package t
fn f(x) = [y * 2 for y in x if y > 1]
rule "T1" {
  title: "t"
  severity: low
  category: flow
  select r: "T"
  for k, v in r.items ?? {}
  where count(z in f(v): z > 3) > 0 and any(q in v: q == k)
  report "hit ${k}" at v
})");
  moat::CompileResult r = engine.compile();
  ASSERT_TRUE(r.ok()) << r.format_diagnostics();
  EXPECT_TRUE(moat::verify_program(*r.program).empty());
}

struct BadCase {
  const char* name;
  std::vector<uint32_t> code;
  uint32_t locals;
  const char* expected;
};

TEST(Verify, RejectsMalformedChunks) {
  using moat::encode;
  using moat::Op;
  const BadCase cases[] = {
      {"jump past the end", {encode(Op::JUMP, 7), encode(Op::HALT)}, 0, "jump target 7"},
      {"jump into operands", {encode(Op::ITER_INIT, 0), 3, encode(Op::JUMP, 1), encode(Op::HALT)}, 2, "jump target 1"},
      {"slot out of range", {encode(Op::LOAD, 3), encode(Op::HALT)}, 1, "local slot 3"},
      {"constant out of range", {encode(Op::CONST, 99), encode(Op::HALT)}, 0, "constant 99"},
      {"truncated instruction", {encode(Op::HALT), encode(Op::CALL, 0)}, 0, "past the end"},
      {"no terminator", {encode(Op::NULL_)}, 0, "does not end"},
      {"invalid opcode", {0xff, encode(Op::HALT)}, 0, "invalid opcode"},
      {"unknown edges flags", {encode(Op::NULL_), encode(Op::NULL_), encode(Op::EDGES, 4), encode(Op::HALT)}, 0, "bad edges flags 4"},
  };
  for (const BadCase& c : cases) {
    moat::Program p;
    p.chunks.push_back(chunk(c.code, c.locals));
    auto problems = moat::verify_program(p);
    ASSERT_FALSE(problems.empty()) << c.name;
    bool found = false;
    for (auto& m : problems) found |= m.find(c.expected) != std::string::npos;
    EXPECT_TRUE(found) << c.name << ": " << problems[0];
  }
}

}  // namespace
