// JSON text -> values (read_json), then a bounded walk over the result.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "documents/json_reader.h"
#include "fuzz_walk.h"
#include "value/arena.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  moat::JsonLimits limits;
  limits.max_depth = 256;
  limits.max_nodes = 1'000'000;
  limits.allow_duplicate_keys = size > 0 && (data[0] & 1);
  moat::Arena arena(256u << 20);
  moat::Value root;
  moat::JsonError error;
  try {
    if (moat::read_json(text, arena, limits, &root, &error)) {
      moat_fuzz::walk(root);
    } else {
      (void)error.describe();
    }
  } catch (const moat::MemoryBudgetExceeded&) {
  }
  return 0;
}
