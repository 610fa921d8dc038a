// Sorting vectors of heavy records (findings: a dozen strings each) without
// moving them log n times: sort their positions, then move each record once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace moat {

// Rearranges `items` so that position i holds the old items[order[i]]. Cycle
// by cycle, in place: one move per record plus one per cycle, and no sorted
// copy beside the records (which would double their memory at the peak).
// `order` must be a permutation of 0..items.size()-1; it is consumed.
template <typename T>
void apply_order(std::vector<T>& items, std::vector<uint32_t>& order) {
  constexpr uint32_t kPlaced = UINT32_MAX;
  for (uint32_t i = 0; i < order.size(); ++i) {
    if (order[i] == kPlaced) continue;
    if (order[i] == i) {
      order[i] = kPlaced;
      continue;
    }
    // Position i takes items[order[i]], which takes items[order[order[i]]], ...
    T first = std::move(items[i]);
    uint32_t j = i;
    for (;;) {
      const uint32_t from = order[j];
      order[j] = kPlaced;
      if (from == i) {
        items[j] = std::move(first);
        break;
      }
      items[j] = std::move(items[from]);
      j = from;
    }
  }
}

// Stable-sorts `items` by `less` over positions, then moves each record once.
template <typename T, typename Less>
void stable_sort_records(std::vector<T>& items, Less less) {
  std::vector<uint32_t> order(items.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return less(items[a], items[b]); });
  apply_order(items, order);
}

}  // namespace moat
