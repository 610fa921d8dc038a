#include "builtins/signature_set.h"

#include <algorithm>

namespace moat {

re2::RE2::Options signature_options() {
  re2::RE2::Options o;
  o.set_log_errors(false);
  // Several hundred signatures compile to one DFA; the default 8 MiB budget
  // is too small for a full CRS-sized list and RE2 would then fail the
  // match at run time instead of at compile time.
  o.set_max_mem(64 << 20);
  return o;
}

SignatureSet::SignatureSet() : set_(signature_options(), re2::RE2::UNANCHORED) {}

std::unique_ptr<SignatureSet> SignatureSet::build(const Value& list, std::string* error) {
  if (!list.is_list()) {
    *error = "the signature set must be a list";
    return nullptr;
  }
  std::unique_ptr<SignatureSet> s(new SignatureSet());
  size_t index = 0;
  for (const Value& item : list.as_list()) {
    std::string_view id, pattern;
    if (item.is_string()) {
      id = pattern = item.as_string();
    } else if (item.is_map()) {
      const Value* i = item.as_map().find("id");
      const Value* p = item.as_map().find("pattern");
      if (i == nullptr || p == nullptr || !i->is_string() || !p->is_string()) {
        *error = "signature " + std::to_string(index) + " must have string members id and pattern";
        return nullptr;
      }
      id = i->as_string();
      pattern = p->as_string();
    } else {
      *error = "signature " + std::to_string(index) + " must be a pattern string or a map {id, pattern}";
      return nullptr;
    }
    std::string why;
    if (s->set_.Add(re2::StringPiece(pattern.data(), pattern.size()), &why) < 0) {
      *error = "signature '" + std::string(id) + "': invalid regular expression: " + why;
      return nullptr;
    }
    s->ids_.emplace_back(id);
    s->patterns_.emplace_back(pattern);
    ++index;
  }
  if (!s->set_.Compile()) {
    *error = "the signature set is too large to compile";
    return nullptr;
  }
  return s;
}

bool match_signatures(const re2::RE2::Set& set, std::string_view text, std::vector<int>* hits) {
  hits->clear();
  const re2::StringPiece piece(text.data(), text.size());
  re2::RE2::Set::ErrorInfo error;
  if (!set.Match(piece, nullptr, &error)) return error.kind == re2::RE2::Set::kNoError;
  if (!set.Match(piece, hits, &error)) return false;
  std::sort(hits->begin(), hits->end());
  return true;
}

std::vector<int> SignatureSet::match(std::string_view text) const {
  std::vector<int> hits;
  if (!ids_.empty()) match_signatures(set_, text, &hits);
  return hits;
}

}  // namespace moat
