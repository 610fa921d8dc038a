// Compiled programs as bytes (bytecode/serialize.h) and the precompiled
// bundled library (Engine's fast path): a loaded program must be the compiled
// one (same disassembly, same findings), and damaged or foreign bytes must be
// an error, never a crash.
#include "bytecode/serialize.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bytecode/verify.h"
#include "documents/template_loader.h"
#include "golden_util.h"
#include "library/precompiled.h"
#include "moat/moat.h"
#include "value/build.h"

namespace moat {
namespace {

using moat::testing_golden::read_file;

const std::string kRoot = MOAT_SOURCE_DIR;

CompileResult compile_bundled(bool precompiled) {
  CompileOptions options;
  options.use_precompiled_library = precompiled;
  Engine engine(options);
  absl::Status st = engine.add_bundled_library();
  EXPECT_TRUE(st.ok()) << st;
  return engine.compile();
}

// Policies that between them put every kind of value in constants, parameter
// defaults and prepared builtin arguments.
const char* const kKitchenSink = R"moat(package sink

param limit: int = -3 "negative default"
param ratio: float = 1 "int default read as a float"
param names: list = ["a", "b\u{e9}", ""]
param table: map = {"x": {"deep": [1, 2.5, true, null]}, "y": []}
param pattern: string = "^ab+$"

let small = [1, -2, 3.25, "s", null, false, {"k": "v"}]
let mixed = {"utf8": "caf\u{e9} \u{1F600}", "empty": {}, "nested": [[[]]]}

fn looks_secret(name, value) =
  matches(lower(name), "(secret|token|passw(or)?d)") and is_string(value) and len(value) > 3

rule "SINK-1" {
  title: "Functions with secrets in the environment"
  severity: high
  category: secrets
  description: "Plain-text secrets."
  remediation: "Use a secret store."
  references: ["https://example.com/a", "https://example.com/b"]
  tags: ["one", "two"]
  select f: "AWS::Lambda::Function"
  for name, value in f.environment ?? {}
  where looks_secret(name, value)
  report "function ${f.name} keeps ${name} in plain text" at value
}

rule "SINK-2" {
  title: "Glob, CIDR and date literals"
  severity: low
  category: flow
  select g: "AWS::EC2::SecurityGroup"
  for ing in g.ingress ?? []
  where ip_in_cidr(ing.cidr ?? "10.0.0.1", "0.0.0.0/1") or glob_match(g.name ?? "", "public-*")
  report "open ${ing.cidr} on ${g.name}, checked after ${date("2024-01-01")}"
}

rule "SINK-3" {
  title: "Document-wide count"
  severity: info
  category: exhaustion
  where count(r in values(input.resources ?? {}): r.type == "AWS::Lambda::Function") > limit
  report "functions: ${len(small)} ${mixed.utf8} ${names[1]} ${ratio} ${table.x.deep[1]}"
}

rule "SINK-4" {
  title: "Signatures and replacements"
  severity: medium
  category: injection
  select f: "AWS::Lambda::Function"
  where len(signatures(f.name ?? "", [{"id": "a", "pattern": "ab+"}, {"id": "b", "pattern": "^x"}])) > 0
     or regex_replace(f.name ?? "", "(a)(b)", "\\2\\1") != (f.name ?? "")
     or matches(f.name ?? "", pattern)
  report "name ${f.name}"
}
)moat";

const char* const kDocument = R"json({"resources": {
  "Fn": {"type": "AWS::Lambda::Function", "name": "abba", "environment": {"DB_PASSWORD": "hunter22", "MODE": "x"}},
  "Fn2": {"type": "AWS::Lambda::Function", "name": "xyz", "environment": {"API_TOKEN": 42}},
  "Sg": {"type": "AWS::EC2::SecurityGroup", "name": "public-web", "ingress": [{"cidr": "0.0.0.0/0"}, {"cidr": "192.168.0.1/32"}]}
}})json";

// "RULE outcome subject path at policy: message", one per line, plus errors.
std::string findings_of(const std::shared_ptr<const Program>& program, const Document& doc,
                        std::vector<std::pair<std::string, std::string>> params = {}) {
  EvalOptions options;
  options.report_unknown = true;
  options.now = 1'800'000'000;
  options.params = std::move(params);
  auto evaluator = Evaluator::create(program, options);
  if (!evaluator.ok()) return "create error: " + std::string(evaluator.status().message());
  EvalResult result = evaluator->evaluate(doc);
  std::string out;
  for (const Finding& f : result.findings)
    out += f.rule_id + " " + std::string(outcome_name(f.outcome)) + " " + f.subject + " " + f.path + " " + f.missing_path +
           " at " + f.policy_location + ": " + f.message + "\n";
  for (const std::string& e : result.errors) out += "ERROR " + e + "\n";
  return out;
}

struct PolicySet {
  const char* name;
  std::vector<std::pair<std::string, std::string>> sources;  // name, text
};

std::vector<PolicySet> policy_sets() {
  std::vector<PolicySet> sets;
  sets.push_back({"kitchen_sink", {{"sink.moat", kKitchenSink}}});
  sets.push_back({"bench_rules", {{"bench/workload/rules.moat", read_file(kRoot + "/bench/workload/rules.moat")}}});
  sets.push_back({"typo", {{"typo.moat", read_file(kRoot + "/tests/policies/typo/typo.moat")}}});
  PolicySet timeouts{"timeouts", {}};
  for (const char* f : {"cloudformation", "serverless", "terraform"})
    timeouts.sources.push_back({std::string(f) + "/timeout.moat", read_file(kRoot + "/tests/policies/" + f + "/timeout.moat")});
  sets.push_back(std::move(timeouts));
  return sets;
}

CompileResult compile_set(const PolicySet& set) {
  CompileOptions options;
  options.use_precompiled_library = false;
  Engine engine(options);
  for (const auto& [name, text] : set.sources) engine.add_source(name, text);
  return engine.compile();
}

TEST(SerializeRoundTrip, TestPolicies) {
  auto doc = Document::from_json(kDocument, "doc.json");
  ASSERT_TRUE(doc.ok()) << doc.status();
  for (const PolicySet& set : policy_sets()) {
    SCOPED_TRACE(set.name);
    CompileResult compiled = compile_set(set);
    ASSERT_TRUE(compiled.ok()) << compiled.format_diagnostics();
    auto bytes = serialize_program(*compiled.program, compiled.diagnostics);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    auto loaded = deserialize_program(*bytes, compiled.sources);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    const Program& a = *compiled.program;
    const Program& b = *loaded->program;
    EXPECT_EQ(disassemble(a), disassemble(b));
    EXPECT_EQ(a.prepared.size(), b.prepared.size());
    EXPECT_EQ(a.rules_by_type, b.rules_by_type);
    EXPECT_EQ(a.document_rules, b.document_rules);
    ASSERT_EQ(a.params.size(), b.params.size());
    for (size_t i = 0; i < a.params.size(); ++i) {
      EXPECT_EQ(a.params[i].qualified, b.params[i].qualified);
      EXPECT_EQ(a.params[i].has_default, b.params[i].has_default);
      EXPECT_EQ(a.params[i].type, b.params[i].type);
    }
    EXPECT_EQ(compiled.diagnostics.items().size(), loaded->diagnostics.items().size());
    std::string expected = findings_of(compiled.program, **doc);
    EXPECT_EQ(expected, findings_of(loaded->program, **doc));
    // The same program always gives the same bytes.
    auto again = serialize_program(b, loaded->diagnostics);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(*again == *bytes);
  }
}

TEST(SerializeRoundTrip, KitchenSinkFindsSomething) {
  // The round trip above compares findings; make sure there are some to compare.
  auto doc = Document::from_json(kDocument, "doc.json");
  ASSERT_TRUE(doc.ok());
  CompileResult compiled = compile_set(policy_sets()[0]);
  ASSERT_TRUE(compiled.ok()) << compiled.format_diagnostics();
  std::string found = findings_of(compiled.program, **doc);
  for (const char* id : {"SINK-1 ", "SINK-2 ", "SINK-3 ", "SINK-4 "}) EXPECT_NE(found.find(id), std::string::npos) << found;
  EXPECT_GE(compiled.program->prepared.size(), 5u);
}

// Documents of every input kind the library covers, from the test fixtures.
std::vector<std::shared_ptr<const Document>> fixture_documents() {
  std::vector<std::shared_ptr<const Document>> docs;
  for (const char* rel : {"tests/fixtures/scan/app/template.yaml", "tests/fixtures/scan/app/serverless.yml",
                          "tests/fixtures/scan/app/plan.json", "tests/fixtures/sam/api_auth.yaml",
                          "tests/fixtures/sam/events_policies.yaml", "tests/fixtures/sam/state_machine.yaml",
                          "examples/app/template.yaml"}) {
    auto loaded = load_template_file(kRoot + "/" + rel);
    EXPECT_TRUE(loaded.ok()) << rel << ": " << loaded.status();
    if (loaded.ok()) docs.push_back(loaded->document);
  }
  for (const char* rel : {"tests/fixtures/events/apigw_rest.json", "tests/fixtures/events/sqs.json"}) {
    auto loaded = load_event_file(kRoot + "/" + rel);
    EXPECT_TRUE(loaded.ok()) << rel << ": " << loaded.status();
    if (loaded.ok()) docs.push_back(*loaded);
  }
  return docs;
}

TEST(SerializeRoundTrip, BundledLibrary) {
  CompileResult compiled = compile_bundled(false);
  ASSERT_TRUE(compiled.ok()) << compiled.format_diagnostics();
  EXPECT_FALSE(compiled.precompiled);
  auto bytes = serialize_program(*compiled.program, compiled.diagnostics);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto loaded = deserialize_program(*bytes, compiled.sources);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(disassemble(*compiled.program), disassemble(*loaded->program));
  ASSERT_EQ(compiled.program->rules.size(), loaded->program->rules.size());
  for (size_t i = 0; i < compiled.program->rules.size(); ++i) {
    const RuleInfo& a = compiled.program->rules[i];
    const RuleInfo& b = loaded->program->rules[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.description, b.description);
    EXPECT_EQ(a.remediation, b.remediation);
    EXPECT_EQ(a.references, b.references);
    EXPECT_EQ(a.tags, b.tags);
    EXPECT_EQ(a.formats, b.formats);
    EXPECT_EQ(a.select_types, b.select_types);
  }
  EXPECT_EQ(compiled.program->rules_by_type, loaded->program->rules_by_type);
  for (const auto& doc : fixture_documents())
    EXPECT_EQ(findings_of(compiled.program, *doc), findings_of(loaded->program, *doc)) << doc->name();
}

// ---- damaged and foreign bytes

std::string kitchen_sink_bytes(std::shared_ptr<const SourceSet>* sources) {
  CompileResult compiled = compile_set(policy_sets()[0]);
  EXPECT_TRUE(compiled.ok()) << compiled.format_diagnostics();
  *sources = compiled.sources;
  auto bytes = serialize_program(*compiled.program, compiled.diagnostics);
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : std::string();
}

TEST(SerializeMalformed, TruncatedAtEvery97thByte) {
  std::shared_ptr<const SourceSet> sources;
  std::string bytes = kitchen_sink_bytes(&sources);
  ASSERT_GT(bytes.size(), 1000u);
  for (size_t n = 0; n < bytes.size(); n += 97) {
    for (bool checksum : {true, false}) {
      auto loaded = deserialize_program(std::string_view(bytes).substr(0, n), sources, {.verify_checksum = checksum});
      ASSERT_FALSE(loaded.ok()) << "truncated at " << n;
      EXPECT_NE(loaded.status().message().find("precompiled program:"), std::string::npos) << loaded.status();
    }
  }
}

TEST(SerializeMalformed, FlippedBytesAreRejected) {
  std::shared_ptr<const SourceSet> sources;
  std::string bytes = kitchen_sink_bytes(&sources);
  for (size_t i = 0; i < bytes.size(); i += 97) {
    for (unsigned char mask : {0x01, 0x80, 0xff}) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ mask);
      auto loaded = deserialize_program(damaged, sources);
      ASSERT_FALSE(loaded.ok()) << "flip at " << i;
    }
  }
}

TEST(SerializeMalformed, FlippedBytesPastTheChecksumNeverCrash) {
  // Without the checksum, damage reaches the decoder: it must come back as
  // an error or as a program that verifies, never as a crash (the sanitizer
  // run checks the memory side). Some flips are harmless (a byte of a title).
  std::shared_ptr<const SourceSet> sources;
  std::string bytes = kitchen_sink_bytes(&sources);
  int rejected = 0, loaded_ok = 0;
  for (size_t i = 0; i < bytes.size(); i += 7) {
    for (unsigned char mask : {0x01, 0x10, 0x80, 0xff}) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ mask);
      auto loaded = deserialize_program(damaged, sources, {.verify_checksum = false});
      if (loaded.ok()) {
        ++loaded_ok;
        EXPECT_TRUE(verify_program(*loaded->program).empty());
      } else {
        ++rejected;
        EXPECT_NE(loaded.status().message().find("precompiled program:"), std::string::npos);
      }
    }
  }
  EXPECT_GT(rejected, 0);
  EXPECT_GT(loaded_ok, 0);
}

TEST(SerializeMalformed, ForeignAndStaleBytes) {
  std::shared_ptr<const SourceSet> sources;
  std::string bytes = kitchen_sink_bytes(&sources);
  auto message = [&](std::string_view b, std::shared_ptr<const SourceSet> s) {
    auto loaded = deserialize_program(b, std::move(s));
    return loaded.ok() ? std::string("loaded") : std::string(loaded.status().message());
  };
  EXPECT_NE(message("", sources).find("truncated header"), std::string::npos);
  EXPECT_NE(message("{\"resources\": {}}" + std::string(60, ' '), sources).find("bad magic"), std::string::npos);
  std::string v2 = bytes;
  v2[8] = 2;
  EXPECT_NE(message(v2, sources).find("format version 2"), std::string::npos);
  std::string engine = bytes;
  engine[12] ^= 1;  // the engine fingerprint
  EXPECT_NE(message(engine, sources).find("different engine"), std::string::npos);
  // The same file with one character changed: the bytes are stale.
  auto edited = std::make_shared<SourceSet>();
  std::string text = kKitchenSink;
  text[text.find("-3")] = '+';
  edited->add("sink.moat", text);
  EXPECT_NE(message(bytes, edited).find("different policy sources"), std::string::npos);
  EXPECT_NE(message(bytes + "x", sources).find("payload is"), std::string::npos);
}

TEST(SerializeMalformed, UndefinedConstantsAreNotSerialized) {
  CompileResult compiled = compile_set(policy_sets()[0]);
  ASSERT_TRUE(compiled.ok());
  // A copy of the program's tables with an error value among its constants.
  Program p;
  p.sources = compiled.sources;
  p.constants.push_back(make_error(p.arena, "x", "y"));
  auto bytes = serialize_program(p, {});
  ASSERT_FALSE(bytes.ok());
  EXPECT_NE(bytes.status().message().find("constant 0 is a error"), std::string::npos) << bytes.status();
}

// ---- the engine's fast path

TEST(EnginePrecompiled, BundledLibraryLoadsTheEmbeddedBytecode) {
  CompileResult fast = compile_bundled(true);
  ASSERT_TRUE(fast.ok()) << fast.format_diagnostics() << fast.precompiled_fallback;
  EXPECT_TRUE(fast.precompiled) << fast.precompiled_fallback;
  EXPECT_EQ(fast.precompiled_fallback, "");
  CompileResult slow = compile_bundled(false);
  ASSERT_TRUE(slow.ok());
  EXPECT_FALSE(slow.precompiled);
  EXPECT_EQ(disassemble(*fast.program), disassemble(*slow.program));
  EXPECT_EQ(fast.diagnostics.items().size(), slow.diagnostics.items().size());
  for (const auto& doc : fixture_documents())
    EXPECT_EQ(findings_of(fast.program, *doc), findings_of(slow.program, *doc)) << doc->name();
}

// The engine loads its own embedded bytes without checking them again
// (DeserializeOptions::embedded); that is sound only because those bytes pass
// every check: the checksum, the sources' fingerprint, the tables and the
// bytecode verifier. (Bytes from anywhere else are checked in full even
// through the engine: FallsBackToCompilingWhenTheBytesAreBad.)
TEST(EnginePrecompiled, EmbeddedBytesPassEveryCheck) {
  CompileResult fast = compile_bundled(true);
  ASSERT_TRUE(fast.ok() && fast.precompiled) << fast.precompiled_fallback;
  ASSERT_FALSE(precompiled_library_blob().empty());
  auto checked = deserialize_program(precompiled_library_blob(), fast.sources);
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_TRUE(verify_program(*checked->program).empty());
  EXPECT_EQ(disassemble(*checked->program), disassemble(*fast.program));
}

TEST(EnginePrecompiled, ParameterAndDataOverridesStillApply) {
  // The runtime table is a data file, i.e. a parameter with a default; an
  // override (`--param lambda_runtimes=@FILE`) is bound at evaluation.
  CompileResult fast = compile_bundled(true);
  CompileResult slow = compile_bundled(false);
  ASSERT_TRUE(fast.ok() && slow.ok());
  ASSERT_TRUE(fast.precompiled);
  // python3.13 is supported in the bundled table; the override retires it.
  auto loaded = load_template_file(kRoot + "/tests/stdlib/obsolete/fixtures/obs-001-pass.cfn.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const std::shared_ptr<const Document>& doc = loaded->document;
  std::vector<std::pair<std::string, std::string>> params = {
      {"lambda_runtimes", R"({"python3.13": {"deprecation": "2020-01-01", "block_create": "2020-02-01",
                              "block_update": "2020-03-01", "replacement": "python3.14"}})"}};
  std::string with_override = findings_of(fast.program, *doc, params);
  EXPECT_EQ(with_override, findings_of(slow.program, *doc, params));
  EXPECT_NE(with_override, findings_of(fast.program, *doc));
  EXPECT_NE(with_override.find("python3.13"), std::string::npos) << with_override;
}

TEST(EnginePrecompiled, FallsBackToCompilingWhenTheBytesAreBad) {
  CompileResult reference = compile_bundled(false);
  ASSERT_TRUE(reference.ok());
  auto bytes = serialize_program(*reference.program, reference.diagnostics);
  ASSERT_TRUE(bytes.ok());
  std::string damaged = *bytes;
  damaged[damaged.size() / 2] ^= 0x5a;
  CompileOptions options;
  options.precompiled_library_override = damaged;
  Engine engine(options);
  ASSERT_TRUE(engine.add_bundled_library().ok());
  CompileResult r = engine.compile();
  ASSERT_TRUE(r.ok()) << r.format_diagnostics();
  EXPECT_FALSE(r.precompiled);
  EXPECT_NE(r.precompiled_fallback.find("checksum mismatch"), std::string::npos) << r.precompiled_fallback;
  EXPECT_EQ(disassemble(*r.program), disassemble(*reference.program));

  // And the undamaged bytes through the same door are used.
  options.precompiled_library_override = *bytes;
  Engine good(options);
  ASSERT_TRUE(good.add_bundled_library().ok());
  CompileResult g = good.compile();
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g.precompiled) << g.precompiled_fallback;
}

TEST(EnginePrecompiled, OnlyForExactlyTheBundledLibrary) {
  {
    Engine engine;
    ASSERT_TRUE(engine.add_bundled_library().ok());
    engine.add_source("org.moat", "package org\nimport moat.data\nlet n = len(data.lambda_runtimes)\n");
    CompileResult r = engine.compile();
    ASSERT_TRUE(r.ok()) << r.format_diagnostics();
    EXPECT_FALSE(r.precompiled);
    EXPECT_EQ(r.precompiled_fallback, "");
  }
  {
    Engine engine;
    engine.add_source("org.moat", "package org\n");
    ASSERT_TRUE(engine.add_bundled_library().ok());
    EXPECT_FALSE(engine.compile().precompiled);
  }
  {
    Engine engine;
    ASSERT_TRUE(engine.add_bundled_library().ok());
    ASSERT_TRUE(engine.add_data("org/data/extra.json", "{\"a\": 1}").ok());
    EXPECT_FALSE(engine.compile().precompiled);
  }
}

TEST(EnginePrecompiled, EnvironmentVariableForcesCompiling) {
  ASSERT_EQ(setenv("MOAT_NO_PRECOMPILED", "1", 1), 0);
  CompileResult r = compile_bundled(true);
  unsetenv("MOAT_NO_PRECOMPILED");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.precompiled);
  EXPECT_EQ(r.precompiled_fallback, "");
}

}  // namespace
}  // namespace moat
