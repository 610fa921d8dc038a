// Policy text -> parse + check + compile, through the public Engine.
// Any input must give a program or diagnostics, never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "moat/moat.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static uint64_t iterations = 0;
  // ANTLR caches DFA states in static tables that grow with input variety;
  // clear them now and then so the RSS limit measures Moat, not the cache.
  if (++iterations % 1000 == 0) moat::clear_parser_caches();

  moat::Engine engine;
  engine.add_source("fuzz.moat", std::string(reinterpret_cast<const char*>(data), size));
  moat::CompileResult result = engine.compile();
  if (!result.ok()) (void)result.format_diagnostics();
  return 0;
}
