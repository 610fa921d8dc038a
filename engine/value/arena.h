// Arena: bump allocation for values that die together.
//
// Moat never frees a value on its own. A document's values live in the
// document's arena and die with the document; values built while evaluating
// live in the evaluation's arena and die when the evaluation is reset; a
// program's constants live in the program's arena. This gives containers
// that are shared by plain pointer with no reference counting, and it makes
// the memory budget a single counter check.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace moat {

// Thrown when an arena would grow past its limit. The VM turns it into a
// budget error naming the rule; loaders turn it into a "document too large"
// error. It is the only exception that crosses builtin code.
class MemoryBudgetExceeded : public std::runtime_error {
 public:
  explicit MemoryBudgetExceeded(size_t limit)
      : std::runtime_error("memory budget of " + std::to_string(limit) + " bytes exceeded"),
        limit_(limit) {}
  size_t limit() const { return limit_; }

 private:
  size_t limit_;
};

class Arena {
 public:
  explicit Arena(size_t limit = SIZE_MAX) : limit_(limit) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  Arena(Arena&&) = default;
  Arena& operator=(Arena&&) = default;

  void* allocate(size_t bytes, size_t align = alignof(std::max_align_t)) {
    size_t p = (pos_ + align - 1) & ~(align - 1);
    if (p + bytes > cap_) return allocate_slow(bytes, align);
    pos_ = p + bytes;
    used_ += bytes;
    return chunk_ + p;
  }

  template <class T>
  T* make_array(size_t n) {
    return static_cast<T*>(allocate(sizeof(T) * (n ? n : 1), alignof(T)));
  }

  // Copies the bytes; the result is not NUL-terminated.
  std::string_view copy_string(std::string_view s) {
    char* p = static_cast<char*>(allocate(s.size() ? s.size() : 1, 1));
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  size_t bytes_used() const { return used_; }
  size_t bytes_reserved() const { return reserved_; }
  size_t limit() const { return limit_; }
  void set_limit(size_t limit) { limit_ = limit; }

  // Forgets every allocation but keeps the memory for reuse, as one chunk
  // (up to 64 MiB).
  void reset();

 private:
  void* allocate_slow(size_t bytes, size_t align);

  struct FreeChunk {
    void operator()(char* p) const;
  };
  std::vector<std::unique_ptr<char, FreeChunk>> chunks_;
  char* chunk_ = nullptr;
  size_t pos_ = 0;
  size_t cap_ = 0;
  size_t used_ = 0;
  size_t reserved_ = 0;
  size_t limit_;
  size_t next_chunk_ = 64 * 1024;
};

}  // namespace moat
