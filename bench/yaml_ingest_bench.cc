// YAML ingest speed: read_yaml (with and without positions) against
// libyaml's event stream alone, which is the floor read_yaml builds on.
//
//   MOAT_BENCH_YAML=/path/to/template.yaml ./yaml_ingest_bench
//
// Without MOAT_BENCH_YAML a synthetic CloudFormation-shaped template is used
// (5,000 functions with short-form tags, repeated field names).
#include <benchmark/benchmark.h>
#include <yaml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "documents/yaml_reader.h"
#include "value/arena.h"
#include "value/value.h"

namespace {

std::string synthetic_template() {
  std::string s = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n";
  for (int i = 0; i < 5000; ++i) {
    std::string id = std::to_string(i);
    s += "  Fn" + id + ":\n    Type: AWS::Lambda::Function\n    Properties:\n      FunctionName: !Sub \"${AWS::StackName}-fn" +
         id + "\"\n      Runtime: python3.12\n      Handler: app.handler\n      MemorySize: " +
         std::to_string(128 << (i % 5)) + "\n      Timeout: " + std::to_string(3 + i % 900) +
         "\n      Role: !GetAtt Role" + id + ".Arn\n      Environment:\n        Variables:\n          LOG_LEVEL: info\n"
         "          TABLE_NAME: !Ref Table" + id + "\n      Layers:\n        - arn:aws:lambda:us-east-1:123456789012:layer:l" +
         id + ":1\n      TracingConfig: {Mode: Active}\n      ReservedConcurrentExecutions: ~\n";
  }
  return s;
}

const std::string& document() {
  static const std::string doc = [] {
    const char* path = std::getenv("MOAT_BENCH_YAML");
    if (path == nullptr || *path == '\0') return synthetic_template();
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(std::string("cannot read MOAT_BENCH_YAML ") + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }();
  return doc;
}

void read(benchmark::State& state, bool with_positions) {
  const std::string& text = document();
  for (auto _ : state) {
    moat::Arena arena;
    moat::Value v;
    moat::YamlError error;
    moat::YamlPositions positions;
    if (!moat::read_yaml(text, arena, {}, &v, &error, with_positions ? &positions : nullptr)) {
      state.SkipWithError(error.describe().c_str());
      break;
    }
    benchmark::DoNotOptimize(v);
    state.counters["arena_MB"] = static_cast<double>(arena.bytes_used()) / 1e6;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_MoatReadYaml(benchmark::State& state) { read(state, false); }
BENCHMARK(BM_MoatReadYaml)->Unit(benchmark::kMillisecond);

void BM_MoatReadYamlWithPositions(benchmark::State& state) { read(state, true); }
BENCHMARK(BM_MoatReadYamlWithPositions)->Unit(benchmark::kMillisecond);

void BM_LibyamlEventsOnly(benchmark::State& state) {
  const std::string& text = document();
  for (auto _ : state) {
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    for (bool done = false; !done;) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser, &event)) {
        state.SkipWithError(parser.problem);
        break;
      }
      done = event.type == YAML_STREAM_END_EVENT;
      yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_LibyamlEventsOnly)->Unit(benchmark::kMillisecond);

}  // namespace
