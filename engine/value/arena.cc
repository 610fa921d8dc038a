#include "value/arena.h"

#include <algorithm>
#include <cstring>

namespace moat {

void* Arena::allocate_slow(size_t bytes, size_t align) {
  if (used_ + bytes > limit_) throw MemoryBudgetExceeded(limit_);
  size_t size = std::max(next_chunk_, bytes + align);
  // Chunks double up to 8 MiB so that big documents need few of them while
  // small evaluations stay within one.
  next_chunk_ = std::min<size_t>(next_chunk_ * 2, 8u << 20);
  chunks_.push_back(std::unique_ptr<char[]>(new char[size]));
  chunk_ = chunks_.back().get();
  cap_ = size;
  reserved_ += size;
  size_t p = (reinterpret_cast<uintptr_t>(chunk_) + align - 1) & ~(uintptr_t(align) - 1);
  pos_ = p - reinterpret_cast<uintptr_t>(chunk_) + bytes;
  used_ += bytes;
  return reinterpret_cast<char*>(p);
}

void Arena::reset() {
  if (chunks_.size() > 1) {
    // Keep the newest (largest) chunk.
    auto last = std::move(chunks_.back());
    chunks_.clear();
    chunks_.push_back(std::move(last));
    reserved_ = cap_;
  }
  pos_ = 0;
  used_ = 0;
}

}  // namespace moat
