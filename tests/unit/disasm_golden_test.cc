// Golden bytecode listings: a compiler change shows up as a reviewable diff
// of tests/golden/disasm/*.disasm. Regenerate with MOAT_UPDATE_GOLDEN=1.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "golden_util.h"
#include "moat/moat.h"

namespace {

using moat::testing_golden::read_file;

void check_golden(const std::string& policy, const std::string& golden) {
  const std::string root = MOAT_SOURCE_DIR;
  moat::Engine engine;
  // A relative name keeps the listing independent of the checkout path.
  engine.add_source(policy, read_file(root + "/" + policy));
  moat::CompileResult r = engine.compile();
  ASSERT_TRUE(r.ok()) << r.format_diagnostics();
  std::string actual = moat::disassemble(*r.program);
  std::string path = root + "/tests/golden/disasm/" + golden;
  if (std::getenv("MOAT_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::string expected = read_file(path);
  ASSERT_FALSE(expected.empty()) << "missing golden file " << path << " (run with MOAT_UPDATE_GOLDEN=1)";
  EXPECT_EQ(expected, actual);
}

TEST(DisasmGolden, BenchRules) { check_golden("bench/workload/rules.moat", "bench_rules.disasm"); }
TEST(DisasmGolden, TypoRule) { check_golden("tests/policies/typo/typo.moat", "typo.disasm"); }

}  // namespace
