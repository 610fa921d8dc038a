// Document ingest speed: read_json, and Document::from_json (what `moat eval`
// does with a JSON file: the text kept for locations, strings pointing into
// it, the type index built), against nlohmann::json::parse on the same text,
// reported as bytes per second.
//
//   MOAT_BENCH_FILE=/tmp/workload-10k.json ./json_ingest_bench
//
// (the file comes from the shared benchmark kit's generator:
// `gen_workload.py 10000 -o /tmp/workload-10k.json`). Without MOAT_BENCH_FILE a synthetic document
// of the same shape (resources keyed by id, repeated field names) is used.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "documents/document.h"
#include "documents/json_reader.h"
#include "documents/source_position.h"
#include "value/arena.h"
#include "value/value.h"

namespace {

std::string synthetic_document() {
  std::string s = "{\"format\":\"moat-bench/1\",\"seed\":42,\"resources\":{";
  for (int i = 0; i < 5000; ++i) {
    if (i) s += ',';
    std::string id = std::to_string(i);
    s += "\"fn-" + id + "\":{\"type\":\"AWS::Lambda::Function\",\"name\":\"fn-" + id +
         "\",\"runtime\":\"python3.12\",\"handler\":\"app.handler\",\"memory_size\":" +
         std::to_string(128 << (i % 5)) + ",\"timeout\":" + std::to_string(3 + i % 900) +
         ",\"environment\":{\"LOG_LEVEL\":\"info\",\"TABLE_NAME\":\"t" + id +
         "\",\"API_KEY\":{\"ref\":\"p" + id + "\"}},\"role\":\"role-" + id +
         "\",\"layers\":[\"arn:aws:lambda:us-east-1:123456789012:layer:l" + id +
         ":1\"],\"ratio\":0." + id + ",\"tracing\":null,\"enabled\":true}";
  }
  return s + "}}";
}

const std::string& document() {
  static const std::string doc = [] {
    const char* path = std::getenv("MOAT_BENCH_FILE");
    if (path == nullptr || *path == '\0') return synthetic_document();
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(std::string("cannot read MOAT_BENCH_FILE ") + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }();
  return doc;
}

// A fresh arena per document, as a loader would do.
void BM_MoatReadJson(benchmark::State& state) {
  const std::string& text = document();
  for (auto _ : state) {
    moat::Arena arena;
    moat::Value v;
    moat::JsonError error;
    if (!moat::read_json(text, arena, {}, &v, &error)) {
      state.SkipWithError(error.describe().c_str());
      break;
    }
    benchmark::DoNotOptimize(v);
    state.counters["arena_MB"] = static_cast<double>(arena.bytes_used()) / 1e6;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_MoatReadJson)->Unit(benchmark::kMillisecond);

// One arena reset between documents: no chunk allocation from the system.
void BM_MoatReadJsonReusedArena(benchmark::State& state) {
  const std::string& text = document();
  moat::Arena arena;
  for (auto _ : state) {
    arena.reset();
    moat::Value v;
    moat::JsonError error;
    if (!moat::read_json(text, arena, {}, &v, &error)) {
      state.SkipWithError(error.describe().c_str());
      break;
    }
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_MoatReadJsonReusedArena)->Unit(benchmark::kMillisecond);

// The text is copied into each document, as reading a file into it would.
void BM_MoatDocumentFromJson(benchmark::State& state) {
  const std::string& text = document();
  for (auto _ : state) {
    auto doc = moat::Document::from_json(text, "bench.json");
    if (!doc.ok()) {
      state.SkipWithError(std::string(doc.status().message()).c_str());
      break;
    }
    benchmark::DoNotOptimize(doc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_MoatDocumentFromJson)->Unit(benchmark::kMillisecond);

void BM_NlohmannParse(benchmark::State& state) {
  const std::string& text = document();
  for (auto _ : state) {
    nlohmann::json j = nlohmann::json::parse(text);
    benchmark::DoNotOptimize(j);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_NlohmannParse)->Unit(benchmark::kMillisecond);

// Locating the last member of the largest object: the worst case of a
// finding's location lookup (a skim over the whole object).
void BM_FindLastMemberOffset(benchmark::State& state) {
  const std::string& text = document();
  moat::Arena arena;
  moat::Value v;
  moat::JsonError error;
  if (!moat::read_json(text, arena, {}, &v, &error) || !v.is_map()) {
    state.SkipWithError("document is not an object");
    return;
  }
  const moat::Member* biggest = nullptr;
  for (const moat::Member& m : v.as_map())
    if (m.value.is_map() && (biggest == nullptr || m.value.as_map().size > biggest->value.as_map().size))
      biggest = &m;
  if (biggest == nullptr || biggest->value.as_map().size == 0) {
    state.SkipWithError("no nested object");
    return;
  }
  const moat::MapRep& obj = biggest->value.as_map();
  std::string_view last = obj.members[obj.size - 1].key.as_string();
  for (auto _ : state) {
    auto off = moat::find_member_offset(text, obj.source_offset, last);
    benchmark::DoNotOptimize(off);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_FindLastMemberOffset)->Unit(benchmark::kMillisecond);

}  // namespace
