#include "value/arena.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace moat {

namespace {

constexpr size_t kHugePage = 2u << 20;
constexpr size_t kMaxKeptBytes = 64u << 20;  // what reset() keeps at most

// Chunks of 2 MiB and more are aligned to huge pages and offered to the
// kernel's transparent huge pages: a large document fills tens of them,
// and faulting its memory in 4 KiB pages was a third of loading it.
char* new_chunk(size_t& size) {
  if (size < kHugePage) {
    char* p = static_cast<char*>(std::malloc(size));
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  size = (size + kHugePage - 1) & ~(kHugePage - 1);
  char* p = static_cast<char*>(std::aligned_alloc(kHugePage, size));
  if (p == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  madvise(p, size, MADV_HUGEPAGE);  // advice only: failure changes nothing
#endif
  return p;
}

}  // namespace

void Arena::FreeChunk::operator()(char* p) const { std::free(p); }

void* Arena::allocate_slow(size_t bytes, size_t align) {
  if (used_ + bytes > limit_) throw MemoryBudgetExceeded(limit_);
  size_t size = std::max(next_chunk_, bytes + align);
  // Chunks double up to 8 MiB so that big documents need few of them while
  // small evaluations stay within one.
  next_chunk_ = std::min<size_t>(next_chunk_ * 2, 8u << 20);
  chunks_.push_back(std::unique_ptr<char, FreeChunk>(new_chunk(size)));
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
    // One chunk as large as all of them: the next use of the same size (the
    // same rule on the next resource) then needs no allocation. Keeping only
    // the newest chunk made every such use allocate, and fault in, fresh
    // memory again. Capped, so that one runaway rule does not leave the
    // evaluator holding its peak.
    size_t size = std::min<size_t>(reserved_, kMaxKeptBytes);
    chunks_.clear();
    chunks_.push_back(std::unique_ptr<char, FreeChunk>(new_chunk(size)));
    chunk_ = chunks_.back().get();
    cap_ = size;
    reserved_ = size;
  }
  pos_ = 0;
  used_ = 0;
}

}  // namespace moat
