// IAM wildcard matching. Both sides may come from an untrusted template (a
// policy's Resource against a bucket ARN), so the matcher must not be the
// thing an attacker slows down: no backtracking, and each star-free piece is
// found with at most one pass over the text.
#include "builtins/iam_wildcard.h"

#include <cstdint>
#include <vector>

namespace moat {
namespace {

char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
char upper_ascii(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

bool char_matches(char p, char t, bool fold) {
  return p == '?' || p == t || (fold && lower_ascii(p) == lower_ascii(t));
}

// A star-free piece against text of the same length.
bool piece_equal(std::string_view piece, std::string_view text, bool fold) {
  for (size_t i = 0; i < piece.size(); ++i)
    if (!char_matches(piece[i], text[i], fold)) return false;
  return true;
}

// Start of the leftmost occurrence of a star-free piece, or npos. Small
// searches compare directly; larger ones run the Shift-And automaton, one
// pass over the text with ceil(|piece|/64) words of state, so that a piece
// like "aaaa?aaab" cannot make the search quadratic.
size_t find_piece(std::string_view piece, std::string_view text, bool fold) {
  const size_t k = piece.size();
  if (k == 0) return 0;
  if (k > text.size()) return std::string_view::npos;
  // Up to this many character comparisons, the direct search is cheaper than
  // building the automaton.
  constexpr size_t kDirectSearchBudget = 4096;
  if (k * (text.size() - k + 1) <= kDirectSearchBudget) {
    for (size_t i = 0; i + k <= text.size(); ++i)
      if (piece_equal(piece, text.substr(i, k), fold)) return i;
    return std::string_view::npos;
  }
  const size_t words = (k + 63) / 64;
  // masks[c * words + w]: bit j of word w is set when piece[64w + j] accepts c.
  std::vector<uint64_t> masks(256 * words, 0);
  for (size_t j = 0; j < k; ++j) {
    uint64_t bit = uint64_t{1} << (j % 64);
    size_t w = j / 64;
    char p = piece[j];
    if (p == '?') {
      for (size_t c = 0; c < 256; ++c) masks[c * words + w] |= bit;
    } else {
      masks[static_cast<unsigned char>(p) * words + w] |= bit;
      if (fold) {
        masks[static_cast<unsigned char>(lower_ascii(p)) * words + w] |= bit;
        masks[static_cast<unsigned char>(upper_ascii(p)) * words + w] |= bit;
      }
    }
  }
  std::vector<uint64_t> state(words, 0);
  const uint64_t accept = uint64_t{1} << ((k - 1) % 64);
  for (size_t i = 0; i < text.size(); ++i) {
    const uint64_t* m = &masks[static_cast<unsigned char>(text[i]) * words];
    uint64_t carry = 1;  // a match may start at every position
    for (size_t w = 0; w < words; ++w) {
      uint64_t next_carry = state[w] >> 63;
      state[w] = ((state[w] << 1) | carry) & m[w];
      carry = next_carry;
    }
    if (state[words - 1] & accept) return i + 1 - k;
  }
  return std::string_view::npos;
}

}  // namespace

// The first and last pieces are anchored; each middle piece is taken at its
// leftmost occurrence, which is always safe because a later star can absorb
// whatever an earlier choice leaves, so nothing is ever retried.
bool iam_wildcard_match(std::string_view pattern, std::string_view text, bool fold_case) {
  size_t star = pattern.find('*');
  if (star == std::string_view::npos)
    return pattern.size() == text.size() && piece_equal(pattern, text, fold_case);
  std::string_view head = pattern.substr(0, star);
  size_t last_star = pattern.rfind('*');
  std::string_view tail = pattern.substr(last_star + 1);
  if (head.size() + tail.size() > text.size()) return false;
  if (!piece_equal(head, text.substr(0, head.size()), fold_case)) return false;
  if (!piece_equal(tail, text.substr(text.size() - tail.size()), fold_case)) return false;
  std::string_view middle = pattern.substr(star + 1, last_star - star);  // keeps its last '*'
  std::string_view rest = text.substr(head.size(), text.size() - head.size() - tail.size());
  while (!middle.empty()) {
    size_t next = middle.find('*');
    std::string_view piece = middle.substr(0, next);
    middle.remove_prefix(next + 1);
    size_t at = find_piece(piece, rest, fold_case);
    if (at == std::string_view::npos) return false;
    rest.remove_prefix(at + piece.size());
  }
  return true;
}

}  // namespace moat
