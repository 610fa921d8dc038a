// Diagnostics: everything wrong with a set of policies, collected in one run.
#pragma once

#include <string>
#include <vector>

#include "syntax/source.h"

namespace moat {

enum class Severity { kError, kWarning, kNote };

struct Diagnostic {
  Severity severity = Severity::kError;
  SourceRange range;
  std::string message;
};

class Diagnostics {
 public:
  void error(SourceRange r, std::string msg) { items_.push_back({Severity::kError, r, std::move(msg)}); }
  void warning(SourceRange r, std::string msg) { items_.push_back({Severity::kWarning, r, std::move(msg)}); }
  void note(SourceRange r, std::string msg) { items_.push_back({Severity::kNote, r, std::move(msg)}); }
  bool has_errors() const;
  size_t error_count() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  // Sorted by file, then position; stable for equal positions.
  void sort();

 private:
  std::vector<Diagnostic> items_;
};

// "file:line:col: error: message" followed by the source line and a caret
// under the range (tildes for the rest of a one-line range).
std::string format_diagnostic(const SourceSet& sources, const Diagnostic& d);

}  // namespace moat
