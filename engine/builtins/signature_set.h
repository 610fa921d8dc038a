// A set of named regular expressions matched in one pass (RE2::Set), for
// builtins that test a text against many signatures at once. The cost of a
// match grows with the text, not with the number of signatures: an event
// rule can carry the whole CRS-derived list for a technique and still scan
// each field once.
#pragma once

#include <re2/set.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "value/value.h"

namespace moat {

// The options every signature pattern is compiled with (SignatureIndex
// compiles the same patterns again, and must match exactly the same).
re2::RE2::Options signature_options();

// The indexes of `set`'s patterns matching somewhere in text, ascending,
// into *hits; false when RE2 could not decide (its DFA ran out of memory).
// Nearly every text matches nothing: RE2 is first asked only whether
// anything does, which allocates nothing and stops at the first match, and
// the matches themselves cost a second pass, taken only then.
bool match_signatures(const re2::RE2::Set& set, std::string_view text, std::vector<int>* hits);

class SignatureSet {
 public:
  // From a list of patterns (each is its own id) or of maps {id: string,
  // pattern: string}. nullptr with *error set when an item is malformed, a
  // pattern does not compile, or the set is too large for RE2's memory
  // budget.
  static std::unique_ptr<SignatureSet> build(const Value& list, std::string* error);

  // Indexes of the signatures matching somewhere in text, ascending.
  std::vector<int> match(std::string_view text) const;
  const std::string& id(int i) const { return ids_[static_cast<size_t>(i)]; }
  const std::string& pattern(int i) const { return patterns_[static_cast<size_t>(i)]; }
  size_t size() const { return ids_.size(); }

 private:
  SignatureSet();
  re2::RE2::Set set_;
  std::vector<std::string> ids_;
  std::vector<std::string> patterns_;  // for SignatureIndex, which joins sets
};

}  // namespace moat
