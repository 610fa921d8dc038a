#include "syntax/diagnostic.h"

#include <algorithm>

namespace moat {

bool Diagnostics::has_errors() const { return error_count() > 0; }

size_t Diagnostics::error_count() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(),
                                           [](const Diagnostic& d) { return d.severity == Severity::kError; }));
}

void Diagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.range.file != b.range.file) return a.range.file < b.range.file;
    return a.range.begin < b.range.begin;
  });
}

std::string format_diagnostic(const SourceSet& sources, const Diagnostic& d) {
  const char* sev = d.severity == Severity::kError ? "error" : d.severity == Severity::kWarning ? "warning" : "note";
  if (d.range.file >= sources.size()) return std::string(sev) + ": " + d.message + "\n";
  const SourceFile& f = sources.file(d.range.file);
  LineCol lc = f.line_col(d.range.begin);
  std::string out = f.name() + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": " + sev +
                    ": " + d.message + "\n";
  std::string_view line = f.line_text(lc.line);
  if (line.empty() && f.text().empty()) return out;
  out += "  ";
  out += line;
  out += "\n  ";
  // Reproduce tabs so the caret lines up in a terminal.
  uint32_t col = 1;
  size_t i = 0;
  for (; i < line.size() && col < lc.column; ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;
    out += (c == '\t') ? '\t' : ' ';
    ++col;
  }
  out += '^';
  LineCol end = f.line_col(d.range.end > d.range.begin ? d.range.end : d.range.begin);
  if (end.line == lc.line && end.column > lc.column + 1) out.append(end.column - lc.column - 1, '~');
  out += "\n";
  return out;
}

}  // namespace moat
