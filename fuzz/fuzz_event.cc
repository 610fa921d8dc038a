// Lambda event payload text -> load_event (source detection, decoding of
// base64/gzip/JSON/DynamoDB layers), under small decode budgets.
#include <cstddef>
#include <cstdint>
#include <string>

#include "documents/event_loader.h"
#include "fuzz_walk.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  moat::EventLoadOptions options;
  options.max_decoded_bytes = 1u << 20;
  options.max_fields = 10'000;
  options.json.max_depth = 256;
  options.json.max_nodes = 1'000'000;
  auto doc = moat::load_event(std::string(reinterpret_cast<const char*>(data), size), "event.json", options);
  if (doc.ok()) moat_fuzz::walk((*doc)->root());
  return 0;
}
