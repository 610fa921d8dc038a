// Every signature set of a program joined into one RE2::Set, and the
// per-evaluation memo that lets rules share its scans.
//
// The event rules each test every untrusted field against their own set
// (SQL, command, code, path, SSRF, ...): seven RE2 searches per field, and
// for the short values events are made of, RE2's fixed cost per search is
// most of it. The index answers all seven with one search per distinct text;
// each set reads its own slice of the result. RE2::Set reports every pattern
// that matches somewhere, independently of the other patterns in the set,
// so a slice is exactly what the set alone would have found.
#pragma once

#include <re2/set.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "builtins/signature_set.h"

namespace moat {

class SignatureIndex {
 public:
  // nullptr when the joined set does not compile (RE2's memory budget); the
  // sets then match on their own.
  static std::unique_ptr<SignatureIndex> build(std::span<const SignatureSet* const> sets);

  // Where `set`'s patterns start in the index, or -1 when it is not in it.
  int64_t offset_of(const SignatureSet* set) const;
  // Indexes (in the index) of every pattern matching somewhere in text,
  // ascending; false when RE2 could not decide (its DFA ran out of memory).
  bool match(std::string_view text, std::vector<int>* hits) const;

 private:
  SignatureIndex();
  re2::RE2::Set set_;
  absl::flat_hash_map<const SignatureSet*, uint32_t> offsets_;
};

// One evaluation's memo: the index's answer per distinct text. Owned by the
// evaluator (one per thread) and cleared before each document.
class SignatureMemo {
 public:
  // Builds (or finds) the program's index on first use; may return nullptr.
  using IndexProvider = std::function<const SignatureIndex*()>;
  explicit SignatureMemo(IndexProvider provider) : provider_(std::move(provider)) {}

  // The ascending indexes of set's signatures that match text, as
  // set.match(text) would give them.
  std::vector<int> match(const SignatureSet& set, std::string_view text);
  void clear() { memo_.clear(); }

 private:
  // Texts longer than this are matched on each call, not kept: the memo
  // would copy them, and a long text costs its scan anyway.
  static constexpr size_t kMaxMemoText = 4096;
  static constexpr size_t kMaxMemoEntries = 4096;

  const SignatureIndex* index();

  IndexProvider provider_;
  const SignatureIndex* index_ = nullptr;
  bool asked_ = false;
  absl::flat_hash_map<std::string, std::vector<int>> memo_;
  std::vector<int> scratch_;
};

}  // namespace moat
