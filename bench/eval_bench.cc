// Policy compile time and evaluation throughput on the shared benchmark
// workload (../shared/bench/SPEC.md, moat-bench/1).
//
//   MOAT_BENCH_DIR=/tmp/moat-bench ./eval_bench
//
// The documents are DIR/workload-{1k,10k,100k}.json from
//   python3 ../shared/bench/gen_workload.py --sizes 1000,10000,100000 --outdir DIR
// DIR defaults to /tmp/moat-bench; when a file is missing the generator is
// run once (from MOAT_SOURCE_DIR/../shared/bench, or MOAT_BENCH_GEN), and a
// benchmark whose document still cannot be loaded is skipped with an error.
//
// Evaluation benchmarks load the document once, create the Evaluator once
// and time evaluate() only; items_processed = resources in the document, so
// the items_per_second column is resources per second. Benchmarks measure;
// nothing here asserts a speed.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "moat/moat.h"

#ifndef MOAT_SOURCE_DIR
#error "MOAT_SOURCE_DIR must be defined (bench/CMakeLists.txt does it)"
#endif

namespace {

const std::string kSourceDir = MOAT_SOURCE_DIR;
const std::string kRulesFile = kSourceDir + "/bench/workload/rules.moat";

// R1 alone, as in bench/workload/rules.moat.
const char* const kRuleR1 = R"moat(package bench_r1

param max_timeout: int = 300 "Longest acceptable function timeout, in seconds"

rule "R1" {
  title: "Function timeout above the maximum"
  severity: medium
  category: exhaustion
  select f: "AWS::Lambda::Function"
  where (f.timeout ?? 3) > max_timeout
  report "function ${f.name} has a timeout of ${f.timeout}s (max ${max_timeout}s)" at f.timeout
}
)moat";

// ~200 rules of the shapes the five benchmark rules use (field tests,
// defaults, quantifiers over nested lists, map iteration with regexes,
// cross-resource joins), spread over the four resource types and calling a
// handful of helper functions. Only compile time is measured on this set.
std::string synthetic_policy(int n_rules) {
  static const char* const kSeverities[] = {"low", "medium", "high", "critical"};
  static const char* const kRuntimes[] = {"python3.12", "nodejs20.x", "java21", "go1.x", "ruby3.3"};
  static const char* const kCategories[] = {"exhaustion", "privilege", "secrets", "authentication", "flow"};
  static const char* const kWords[] = {"secret", "password", "token", "api_?key", "private", "cred"};
  std::string s = "package synthetic\n\n";
  s += "param base_timeout: int = 60 \"Base timeout\"\n";
  s += "fn is_wildcard(a) = a == \"*\" or ends_with(a, \":*\")\n";
  s += "fn as_list(a) = if is_list(a) then a else [a]\n";
  s += "fn allows(role, pred_service) =\n"
       "  any(p in role.policies ?? []:\n"
       "    any(s in p.statements ?? []:\n"
       "      s.effect == \"Allow\" and any(a in as_list(s.action): starts_with(a, pred_service))))\n";
  s += "fn open_bucket(b) = not has(b.public_access_block) or b.public_access_block == null\n\n";
  for (int i = 0; i < n_rules; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "S%03d", i);
    std::string k = std::to_string(i);
    s += "rule \"" + std::string(id) + "\" {\n";
    s += "  title: \"Synthetic rule " + k + "\"\n";
    s += "  severity: " + std::string(kSeverities[i % 4]) + "\n";
    s += "  category: " + std::string(kCategories[i % 5]) + "\n";
    switch (i % 8) {
      case 0:
        s += "  select f: \"AWS::Lambda::Function\"\n"
             "  where (f.timeout ?? 3) > base_timeout + " + k + "\n"
             "  report \"function ${f.name} timeout ${f.timeout}\" at f.timeout\n";
        break;
      case 1:
        s += "  select f: \"AWS::Lambda::Function\"\n"
             "  where f.memory_size >= " + std::to_string(128 * (1 + i % 16)) + " and f.runtime == \"" +
             kRuntimes[i % 5] + "\" and f.tracing != \"Active\"\n"
             "  report \"function ${f.name} uses ${f.runtime} with ${f.memory_size} MB\"\n";
        break;
      case 2:
        s += "  select r: \"AWS::IAM::Role\"\n"
             "  where allows(r, \"s3:" + k + "\") or any(arn in r.managed_policy_arns ?? []: contains(arn, \"Admin" + k +
             "\"))\n"
             "  report \"role ${r.name} matches pattern " + k + "\"\n";
        break;
      case 3:
        s += "  select b: \"AWS::S3::Bucket\"\n"
             "  where open_bucket(b) and len(b.notifications ?? []) > " + std::to_string(i % 3) + "\n"
             "  report \"bucket ${b.name} is open with notifications\" at b\n";
        break;
      case 4:
        s += "  select route: \"AWS::ApiGatewayV2::Route\"\n"
             "  where (route.authorization_type ?? \"NONE\") in [\"NONE\", \"CUSTOM\"] and starts_with(route.route_key, \"" +
             std::string(i % 16 < 8 ? "GET" : "POST") + "\")\n"
             "  report \"route ${route.route_key} (" + k + ")\" at route\n";
        break;
      case 5:
        s += "  select f: \"AWS::Lambda::Function\"\n"
             "  for name, value in f.environment ?? {}\n"
             "  where matches(name, r\"(?i)(" + std::string(kWords[i % 6]) + ")_" + std::to_string(i % 10) +
             "\") and is_string(value) and value != \"\"\n"
             "  report \"function ${f.name} keeps ${name}\" at value\n";
        break;
      case 6:
        s += "  select b: \"AWS::S3::Bucket\"\n"
             "  for n in b.notifications ?? []\n"
             "  let f = resource(n.function)\n"
             "  where has(f) and f.type == \"AWS::Lambda::Function\" and (f.timeout ?? 3) > " + std::to_string(10 * i) +
             "\n"
             "  report \"bucket ${b.name} triggers ${n.function}\" at f subject n.function\n";
        break;
      default:
        s += "  select route: \"AWS::ApiGatewayV2::Route\"\n"
             "  let f = resource(route.target)\n"
             "  where has(f) and lower(f.runtime ?? \"\") == \"" + std::string(kRuntimes[i % 5]) + "\"\n"
             "  report \"route ${route.route_key} targets ${route.target}\" at route\n";
        break;
    }
    s += "}\n\n";
  }
  return s;
}

std::string read_rules_file_or_empty() {
  std::FILE* f = std::fopen(kRulesFile.c_str(), "rb");
  if (f == nullptr) return {};
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  std::fclose(f);
  return text;
}

void compile_benchmark(benchmark::State& state, const std::string& name, const std::string& text) {
  if (text.empty()) {
    state.SkipWithError(("cannot read " + name).c_str());
    return;
  }
  size_t rules = 0;
  for (auto _ : state) {
    moat::Engine engine;
    engine.add_source(name, text);
    moat::CompileResult compiled = engine.compile();
    if (!compiled.ok()) {
      state.SkipWithError(("policy does not compile:\n" + compiled.format_diagnostics()).c_str());
      return;
    }
    rules = compiled.program->rules.size();
    benchmark::DoNotOptimize(compiled);
  }
  state.counters["rules"] = static_cast<double>(rules);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rules));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_CompileBenchRules(benchmark::State& state) {
  static const std::string text = read_rules_file_or_empty();
  compile_benchmark(state, kRulesFile, text);
}
BENCHMARK(BM_CompileBenchRules)->Unit(benchmark::kMicrosecond);

void BM_CompileSynthetic200(benchmark::State& state) {
  static const std::string text = synthetic_policy(200);
  compile_benchmark(state, "synthetic-200.moat", text);
}
BENCHMARK(BM_CompileSynthetic200)->Unit(benchmark::kMillisecond);

// --- documents ------------------------------------------------------------

std::string bench_dir() {
  const char* d = std::getenv("MOAT_BENCH_DIR");
  return d != nullptr && *d != '\0' ? d : "/tmp/moat-bench";
}

std::string label(int64_t n) { return n >= 1000 ? std::to_string(n / 1000) + "k" : std::to_string(n); }

std::string workload_path(int64_t n) { return bench_dir() + "/workload-" + label(n) + ".json"; }

bool file_exists(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  std::fclose(f);
  return true;
}

// Runs the generator for a size whose file is missing (only that size, so a
// run filtered to 1k does not write the 100k file). Its output goes to stderr:
// stdout may be --benchmark_format=json that bench/run.py reads.
void ensure_workload(int64_t n) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  if (file_exists(workload_path(n))) return;
  const char* gen = std::getenv("MOAT_BENCH_GEN");
  std::string script = gen != nullptr && *gen != '\0' ? gen : kSourceDir + "/../shared/bench/gen_workload.py";
  std::string dir = bench_dir();
  std::string cmd = "mkdir -p '" + dir + "' && python3 '" + script + "' --sizes " + std::to_string(n) +
                    " --outdir '" + dir + "' 1>&2";
  std::fprintf(stderr, "eval_bench: generating a workload: %s\n", cmd.c_str());
  int rc = std::system(cmd.c_str());
  if (rc != 0) std::fprintf(stderr, "eval_bench: generator failed (status %d)\n", rc);
}

struct LoadedDoc {
  std::shared_ptr<const moat::Document> doc;
  std::string error;
  size_t resources = 0;
};

// Documents stay loaded for the whole run (the 100k one is a few hundred MB
// in memory at most), so every benchmark on a size shares one load.
const LoadedDoc& load_workload(int64_t n) {
  static std::mutex mu;
  static std::map<int64_t, LoadedDoc> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  ensure_workload(n);
  LoadedDoc d;
  auto doc = moat::Document::from_json_file(workload_path(n));
  if (!doc.ok()) {
    d.error = std::string(doc.status().message());
  } else {
    d.doc = *doc;
    moat::Value res = d.doc->resources();
    if (res.is_map()) d.resources = res.as_map().size;
    else d.error = workload_path(n) + ": no resources map";
  }
  return cache.emplace(n, std::move(d)).first->second;
}

std::shared_ptr<const moat::Program> compile_or_skip(benchmark::State& state, const std::string& name,
                                                    const std::string& text) {
  moat::Engine engine;
  engine.add_source(name, text);
  moat::CompileResult compiled = engine.compile();
  if (!compiled.ok()) {
    state.SkipWithError(("policy does not compile:\n" + compiled.format_diagnostics()).c_str());
    return nullptr;
  }
  return compiled.program;
}

// items_per_second = resources per second (CPU time), and its inverse as
// time_per_resource (printed in seconds with an SI prefix: 870n = 0.87 us).
void set_resource_counters(benchmark::State& state, size_t resources) {
  state.counters["resources"] = static_cast<double>(resources);
  state.counters["time_per_resource"] = benchmark::Counter(static_cast<double>(state.iterations() * resources),
                                                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * resources));
}

void eval_benchmark(benchmark::State& state, const std::string& policy_name, const std::string& policy_text) {
  const LoadedDoc& d = load_workload(state.range(0));
  if (d.doc == nullptr) {
    state.SkipWithError(("no workload: " + d.error).c_str());
    return;
  }
  auto program = compile_or_skip(state, policy_name, policy_text);
  if (program == nullptr) return;
  auto evaluator = moat::Evaluator::create(program, moat::EvalOptions{});
  if (!evaluator.ok()) {
    state.SkipWithError(std::string(evaluator.status().message()).c_str());
    return;
  }
  size_t findings = 0;
  uint64_t instructions = 0;
  for (auto _ : state) {
    moat::EvalResult result = evaluator->evaluate(*d.doc);
    if (!result.ok()) {
      state.SkipWithError(("evaluation error: " + result.errors.front()).c_str());
      return;
    }
    findings = result.findings.size();
    instructions = result.instructions;
    benchmark::DoNotOptimize(result);
  }
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["instructions"] = static_cast<double>(instructions);
  set_resource_counters(state, d.resources);
}

void BM_EvalR1(benchmark::State& state) { eval_benchmark(state, "r1.moat", kRuleR1); }
BENCHMARK(BM_EvalR1)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_EvalFiveRules(benchmark::State& state) {
  static const std::string text = read_rules_file_or_empty();
  if (text.empty()) {
    state.SkipWithError(("cannot read " + kRulesFile).c_str());
    return;
  }
  eval_benchmark(state, kRulesFile, text);
}
BENCHMARK(BM_EvalFiveRules)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// The five rules on a document loaded just before (load not timed): the
// first evaluation of a document also builds its lazily made indexes (the
// parent index behind findings' JSON pointers, the line index behind their
// file:line:col), which the warm benchmark above pays only once. This is
// what `moat eval` pays after loading.
void BM_EvalFiveRulesFirstOnDocument(benchmark::State& state) {
  static const std::string text = read_rules_file_or_empty();
  ensure_workload(state.range(0));
  const std::string path = workload_path(state.range(0));
  auto program = compile_or_skip(state, kRulesFile, text);
  if (program == nullptr) return;
  auto evaluator = moat::Evaluator::create(program, moat::EvalOptions{});
  if (!evaluator.ok()) {
    state.SkipWithError(std::string(evaluator.status().message()).c_str());
    return;
  }
  size_t resources = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto doc = moat::Document::from_json_file(path);
    if (!doc.ok()) {
      state.SkipWithError(std::string(doc.status().message()).c_str());
      return;
    }
    moat::Value res = (*doc)->resources();
    resources = res.is_map() ? res.as_map().size : 0;
    state.ResumeTiming();
    moat::EvalResult result = evaluator->evaluate(**doc);
    benchmark::DoNotOptimize(result);
    state.PauseTiming();
    doc->reset();  // the document's memory is freed outside the timed region
    state.ResumeTiming();
  }
  set_resource_counters(state, resources);
}
BENCHMARK(BM_EvalFiveRulesFirstOnDocument)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// Loading (read + parse + type index) for context: what a whole-process run
// pays before evaluation starts. Not part of the evaluation figures above.
void BM_LoadDocument(benchmark::State& state) {
  ensure_workload(state.range(0));
  const std::string path = workload_path(state.range(0));
  size_t resources = 0;
  size_t in_memory = 0;
  for (auto _ : state) {
    auto doc = moat::Document::from_json_file(path);
    if (!doc.ok()) {
      state.SkipWithError(std::string(doc.status().message()).c_str());
      return;
    }
    moat::Value res = (*doc)->resources();
    resources = res.is_map() ? res.as_map().size : 0;
    in_memory = (*doc)->bytes_in_memory();
    benchmark::DoNotOptimize(doc);
  }
  state.counters["doc_MB_in_memory"] = static_cast<double>(in_memory) / 1e6;
  set_resource_counters(state, resources);
}
BENCHMARK(BM_LoadDocument)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
