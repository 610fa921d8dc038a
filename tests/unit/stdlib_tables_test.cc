// Tables of the bundled library that are written out for speed (constants
// are computed for every document, an event included) must stay what they
// stand for: each is compared here with the value derived from its source.
#include <gtest/gtest.h>

#include <string>

#include "documents/document.h"
#include "moat/moat.h"

namespace moat {
namespace {

// A rule that fails when `derived` differs from `written` as sets.
std::string probe(const std::string& written, const std::string& derived) {
  return R"moat(package tables_probe
import moat.privilege

rule "TABLE" {
  title: "written table differs from its source"
  severity: low
  category: privilege
  where sort(unique()moat" +
         written + R"moat()) != sort(unique()moat" + derived + R"moat())
  report "written: ${json_encode(sort()moat" +
         written + R"moat())}, derived: ${json_encode(sort(unique()moat" + derived + R"moat()))}"
}
)moat";
}

std::string run_probe(const std::string& policy) {
  CompileOptions options;
  options.use_precompiled_library = false;
  Engine engine(options);
  EXPECT_TRUE(engine.add_bundled_library().ok());
  engine.add_source("probe.moat", policy);
  CompileResult compiled = engine.compile();
  if (!compiled.ok()) return "compile error: " + compiled.format_diagnostics();
  auto evaluator = Evaluator::create(compiled.program, EvalOptions{});
  if (!evaluator.ok()) return std::string(evaluator.status().message());
  auto doc = Document::from_json("{}", "empty.json");
  EXPECT_TRUE(doc.ok());
  std::string out;
  for (const Finding& f : evaluator->evaluate(**doc).findings)
    if (f.rule_id == "TABLE") out += f.message + "\n";
  return out;
}

TEST(StdlibTables, PrivescServicesAreTheServicesOfTheCombinations) {
  EXPECT_EQ(run_probe(probe("privilege.PRIVESC_SERVICES",
                            "flatten([[action_service(a) for a in c.actions] for c in privilege.PRIVESC_COMBINATIONS])")),
            "");
}

// The probe does fail on a difference (so the test above can fail).
TEST(StdlibTables, TheProbeSeesADifference) {
  EXPECT_NE(run_probe(probe("privilege.PRIVESC_SERVICES", "[\"iam\"]")), "");
}

}  // namespace
}  // namespace moat
