// Shared by the document harnesses: visits a value tree (at most kMaxNodes
// nodes, so shared alias storage cannot make a walk exponential), reading
// every string byte and looking every map key up again, so ASan sees any
// dangling or out-of-bounds storage the readers produced.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "value/value.h"

namespace moat_fuzz {

inline void walk(moat::Value root) {
  constexpr size_t kMaxNodes = 200'000;
  std::vector<moat::Value> stack{root};
  size_t visited = 0;
  volatile uint64_t sink = 0;
  auto touch = [&](std::string_view s) {
    uint64_t h = 0;
    for (char c : s) h = h * 31 + static_cast<unsigned char>(c);
    sink = sink + h;
  };
  while (!stack.empty() && visited++ < kMaxNodes) {
    moat::Value v = stack.back();
    stack.pop_back();
    switch (v.kind()) {
      case moat::Kind::kString:
        touch(v.as_string());
        break;
      case moat::Kind::kList:
        for (const moat::Value& item : v.as_list()) stack.push_back(item);
        break;
      case moat::Kind::kMap:
        for (const moat::Member& m : v.as_map()) {
          if (!m.key.is_string()) __builtin_trap();  // keys are always strings
          touch(m.key.as_string());
          if (v.as_map().find(m.key.as_string()) == nullptr) __builtin_trap();
          stack.push_back(m.value);
        }
        break;
      case moat::Kind::kUnknown:
        touch(v.as_unknown().reason);
        break;
      case moat::Kind::kError:
        touch(v.as_error().code);
        touch(v.as_error().message);
        break;
      default:
        break;
    }
  }
}

}  // namespace moat_fuzz
