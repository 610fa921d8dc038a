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
  // Very long lines (generated or minified policies) are shown as a window
  // around the column, so one diagnostic stays one screen.
  constexpr size_t kWindow = 60;
  size_t start = 0;  // byte offset of the shown part in the line
  uint32_t col = lc.column;
  std::string prefix;
  if (line.size() > 2 * kWindow + 40) {
    size_t byte_col = static_cast<size_t>(d.range.begin) - static_cast<size_t>(line.data() - f.text().data());
    start = byte_col > kWindow ? byte_col - kWindow : 0;
    while (start > 0 && (static_cast<unsigned char>(line[start]) & 0xC0) == 0x80) --start;
    size_t end = std::min(line.size(), byte_col + kWindow);
    std::string_view shown = line.substr(start, end - start);
    if (start > 0) prefix = "...";
    out += "  " + prefix + std::string(shown) + (end < line.size() ? "..." : "") + "\n  ";
    line = shown;
    // Column within the shown part, in code points.
    col = 1;
    for (size_t i = 0; i < byte_col - start; ++i)
      if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++col;
    out.append(prefix.size(), ' ');
  } else {
    out += "  ";
    out += line;
    out += "\n  ";
  }
  // Reproduce tabs so the caret lines up in a terminal.
  uint32_t c = 1;
  for (size_t i = 0; i < line.size() && c < col; ++i) {
    unsigned char ch = static_cast<unsigned char>(line[i]);
    if ((ch & 0xC0) == 0x80) continue;
    out += (ch == '\t') ? '\t' : ' ';
    ++c;
  }
  out += '^';
  LineCol end = f.line_col(d.range.end > d.range.begin ? d.range.end : d.range.begin);
  if (end.line == lc.line && end.column > lc.column + 1)
    out.append(std::min<size_t>(end.column - lc.column - 1, kWindow), '~');
  out += "\n";
  return out;
}

}  // namespace moat
