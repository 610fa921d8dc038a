// Policy text -> compile -> evaluate over a fixed small document under tight
// budgets. Covers the checker, the compiler, the verifier and the VM: any
// policy that compiles must evaluate to findings or errors, never crash,
// and stay within the instruction and memory budgets.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "moat/moat.h"

namespace {

constexpr char kDocument[] = R"({
  "resources": {
    "Fn": {"type": "AWS::Lambda::Function", "name": "fn", "timeout": 900, "memory_size": 2048,
           "runtime": "python3.12", "environment": {"variables": {"KEY": "value"}},
           "tags": [{"key": "team", "value": "a"}]},
    "Role": {"type": "AWS::IAM::Role", "name": "role",
             "policies": [{"statements": [{"effect": "Allow", "action": ["s3:*", "iam:PassRole"],
                                            "resource": "*"}]}]},
    "Bucket": {"type": "AWS::S3::Bucket", "name": "b", "public_access_block": null,
               "cidr": "10.0.0.0/8", "created": "2026-11-29T10:00:00Z"}
  },
  "list": [1, 2.5, -3, "x", true, null, [], {}],
  "text": "h\u00e9llo w\u00f6rld"
})";

const std::shared_ptr<const moat::Document>& document() {
  static const std::shared_ptr<const moat::Document> doc = [] {
    auto d = moat::Document::from_json(kDocument, "fuzz.json");
    if (!d.ok()) __builtin_trap();
    return *d;
  }();
  return doc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static uint64_t iterations = 0;
  if (++iterations % 1000 == 0) moat::clear_parser_caches();

  moat::Engine engine;
  engine.add_source("fuzz.moat", std::string(reinterpret_cast<const char*>(data), size));
  moat::CompileResult compiled = engine.compile();
  if (!compiled.ok()) return 0;

  moat::EvalOptions options;
  options.now = 1'795'000'000;
  options.budgets.max_instructions = 100'000;
  options.budgets.max_memory_bytes = 16u << 20;
  options.report_unknown = true;
  auto evaluator = moat::Evaluator::create(compiled.program, options);
  if (!evaluator.ok()) return 0;
  moat::EvalResult result = evaluator->evaluate(*document());
  for (const moat::Finding& f : result.findings) (void)moat::finding_to_json(f);
  return 0;
}
