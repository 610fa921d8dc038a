#include "builtins/signature_index.h"

#include <algorithm>

namespace moat {

SignatureIndex::SignatureIndex() : set_(signature_options(), re2::RE2::UNANCHORED) {}

std::unique_ptr<SignatureIndex> SignatureIndex::build(std::span<const SignatureSet* const> sets) {
  std::unique_ptr<SignatureIndex> index(new SignatureIndex());
  uint32_t next = 0;
  for (const SignatureSet* s : sets) {
    if (s == nullptr || index->offsets_.contains(s)) continue;
    index->offsets_[s] = next;
    for (size_t i = 0; i < s->size(); ++i) {
      const std::string& pattern = s->pattern(static_cast<int>(i));
      // Each pattern already compiled in its own set with the same options.
      if (index->set_.Add(re2::StringPiece(pattern.data(), pattern.size()), nullptr) < 0) return nullptr;
      ++next;
    }
  }
  if (next == 0 || !index->set_.Compile()) return nullptr;
  return index;
}

int64_t SignatureIndex::offset_of(const SignatureSet* set) const {
  auto it = offsets_.find(set);
  return it == offsets_.end() ? -1 : static_cast<int64_t>(it->second);
}

bool SignatureIndex::match(std::string_view text, std::vector<int>* hits) const {
  return match_signatures(set_, text, hits);
}

const SignatureIndex* SignatureMemo::index() {
  if (!asked_) {
    asked_ = true;
    index_ = provider_ ? provider_() : nullptr;
  }
  return index_;
}

std::vector<int> SignatureMemo::match(const SignatureSet& set, std::string_view text) {
  const SignatureIndex* idx = index();
  const int64_t offset = idx ? idx->offset_of(&set) : -1;
  if (offset < 0) return set.match(text);
  const std::vector<int>* hits = nullptr;
  if (text.size() <= kMaxMemoText) {
    if (auto it = memo_.find(absl::string_view(text.data(), text.size())); it != memo_.end()) hits = &it->second;
  }
  if (hits == nullptr) {
    if (!idx->match(text, &scratch_)) return set.match(text);
    if (text.size() <= kMaxMemoText && memo_.size() < kMaxMemoEntries)
      hits = &memo_.emplace(std::string(text), scratch_).first->second;
    else
      hits = &scratch_;
  }
  // This set's slice of the index, renumbered from 0.
  std::vector<int> out;
  const int lo = static_cast<int>(offset), hi = lo + static_cast<int>(set.size());
  for (auto it = std::lower_bound(hits->begin(), hits->end(), lo); it != hits->end() && *it < hi; ++it)
    out.push_back(*it - lo);
  return out;
}

}  // namespace moat
