// Object keys in the JSON reader: hashing, comparing and interning them.
//
// Keys are short ("type", "name"), there is one per object member, and most
// repeat in every record of a document, so the reader shares one arena copy
// per distinct key and checks each object for duplicate keys. Both need a
// hash and comparisons per key, so they are written to avoid loops, libc
// calls and branch mispredictions on the keys' varying lengths. Internal to
// json_reader.cc; in a header only to keep that file to the parser.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "value/arena.h"

namespace moat::json_detail {

inline uint64_t load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
inline uint32_t load4(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// A key is summarized by its first 16 bytes, zero-padded, as two words: for
// the keys of 16 bytes or less (nearly all), hashing and comparing are then
// a few word operations with no loop and no look at the key's bytes in the
// arena.
struct KeyPrefix {
  uint64_t lo = 0, hi = 0;
};

// kLowBytes[n]: a mask keeping the first n bytes of a little-endian word.
constexpr uint64_t kLowBytes[9] = {0,
                                   0xFFull,
                                   0xFFFFull,
                                   0xFFFFFFull,
                                   0xFFFFFFFFull,
                                   0xFFFFFFFFFFull,
                                   0xFFFFFFFFFFFFull,
                                   0xFFFFFFFFFFFFFFull,
                                   ~0ull};

// `readable_end` bounds what may be loaded: when 16 bytes from the key's
// start are readable (a key inside the text almost always is), two plain
// loads and masks; otherwise a bounded copy.
inline KeyPrefix key_prefix(std::string_view s, const char* readable_end) {
  size_t n = std::min<size_t>(s.size(), 16);
  KeyPrefix k;
  if (std::endian::native == std::endian::little && readable_end != nullptr &&
      readable_end - s.data() >= 16) {
    k.lo = load8(s.data()) & kLowBytes[std::min<size_t>(n, 8)];
    k.hi = load8(s.data() + 8) & kLowBytes[n > 8 ? n - 8 : 0];
  } else {
    char buf[16] = {};
    std::memcpy(buf, s.data(), n);
    k.lo = load8(buf);
    k.hi = load8(buf + 8);
  }
  return k;
}

// Hash for the intern table and the reader's duplicate-key tables. (MapRep
// indexes use hash_key from value.h, which make_map_unique computes itself.)
inline uint64_t key_hash(std::string_view s, const KeyPrefix& k) {
  uint64_t h = (k.lo + s.size()) * 0x9E3779B97F4A7C15ull;
  h = (h ^ (h >> 32) ^ k.hi) * 0xBF58476D1CE4E5B9ull;
  if (s.size() > 16) {
    const char* p = s.data();
    size_t i = 16;
    for (; s.size() - i > 8; i += 8) h = (h ^ (h >> 32) ^ load8(p + i)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 32) ^ load8(p + s.size() - 8)) * 0xBF58476D1CE4E5B9ull;  // overlaps; n > 16
  }
  return h ^ (h >> 32);
}

inline uint64_t key_hash(std::string_view s) { return key_hash(s, key_prefix(s, nullptr)); }

inline bool same_bytes(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8)
      if (load8(a + i) != load8(b + i)) return false;
    return load8(a + n - 8) == load8(b + n - 8);
  }
  if (n >= 4) return load4(a) == load4(b) && load4(a + n - 4) == load4(b + n - 4);
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

inline bool same_key(std::string_view a, std::string_view b) {
  return a.size() == b.size() && same_bytes(a.data(), b.data(), a.size());
}

// Arena copy of a string. Most strings in documents are short, where a libc
// memcpy call costs more than the copy itself.
inline std::string_view copy_to_arena(Arena& arena, std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  char* d = static_cast<char*>(arena.allocate(n ? n : 1, 1));
  if (n > 16) {
    std::memcpy(d, p, n);
  } else if (n >= 8) {
    uint64_t head = load8(p), tail = load8(p + n - 8);
    std::memcpy(d, &head, 8);
    std::memcpy(d + n - 8, &tail, 8);
  } else if (n >= 4) {
    uint32_t head = load4(p), tail = load4(p + n - 4);
    std::memcpy(d, &head, 4);
    std::memcpy(d + n - 4, &tail, 4);
  } else {
    for (size_t i = 0; i < n; ++i) d[i] = p[i];
  }
  return {d, n};
}

// One arena copy per distinct key, for the keys worth sharing: field names,
// which are few and repeat in every record. The keys of a wide object are
// typically unique ids (a resources map keyed by id), which would only make
// the table big and slow (a cache miss per key); the reader therefore lets
// only the first members of an object add keys (`may_add`), while later
// ones may still find theirs. The table also stops growing at kMaxKeys. It lives for one
// read_json call.
class KeyInterner {
 public:
  struct Result {
    std::string_view key;
    bool shared;  // in the table: equal shared keys have equal data pointers
  };

  Result intern(std::string_view s, const KeyPrefix& k, uint64_t hash, Arena& arena, bool may_add) {
    if (slots_.empty()) slots_.resize(kInitialSlots);
    size_t mask = slots_.size() - 1;
    size_t i = hash & mask;
    for (; slots_[i].data != nullptr; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.prefix.lo == k.lo && slot.prefix.hi == k.hi && slot.len == s.size() &&
          (s.size() <= 16 || same_bytes(slot.data + 16, s.data() + 16, s.size() - 16)))
        return {{slot.data, slot.len}, true};
    }
    return add(s, k, hash, arena, may_add, i);
  }

 private:
  static constexpr size_t kInitialSlots = 256;
  static constexpr size_t kMaxKeys = size_t{1} << 16;  // table <= 4 MiB

  struct Slot {
    KeyPrefix prefix;
    const char* data = nullptr;  // the arena copy; nullptr = empty slot
    uint32_t len = 0;
    uint32_t hash = 0;  // low half, enough to rehash into a table of 2^32 slots
  };

  // The key is new; `empty` is the free slot where the lookup ended. Kept
  // out of line so that the lookup, the common case, stays small enough to
  // be inlined where keys are read.
  [[gnu::noinline]] Result add(std::string_view s, const KeyPrefix& k, uint64_t hash, Arena& arena, bool may_add,
             size_t empty) {
    std::string_view copy = copy_to_arena(arena, s);
    if (!may_add || count_ >= kMaxKeys) return {copy, false};
    if ((count_ + 1) * 2 > slots_.size()) {
      grow();
      size_t mask = slots_.size() - 1;
      for (empty = hash & mask; slots_[empty].data != nullptr; empty = (empty + 1) & mask) {}
    }
    slots_[empty] = Slot{k, copy.data(), static_cast<uint32_t>(copy.size()), static_cast<uint32_t>(hash)};
    ++count_;
    return {copy, true};
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.data == nullptr) continue;
      size_t i = s.hash & mask;
      while (slots_[i].data != nullptr) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  size_t count_ = 0;
};

}  // namespace moat::json_detail
