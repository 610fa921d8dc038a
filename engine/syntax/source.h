// Source files and ranges.
//
// Positions are stored as byte offsets into a file and turned into
// line:column (and a caret line) only when a message is printed, so the AST
// and the bytecode's position table stay small.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace moat {

struct SourceRange {
  uint32_t file = 0;   // index into SourceSet
  uint32_t begin = 0;  // byte offsets, [begin, end)
  uint32_t end = 0;
};

struct LineCol {
  uint32_t line = 0;    // 1-based
  uint32_t column = 0;  // 1-based, in characters (UTF-8 code points)
};

class SourceFile {
 public:
  SourceFile(std::string name, std::string text);
  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  LineCol line_col(uint32_t offset) const;
  // The text of the line holding `offset`, without its newline.
  std::string_view line_text(uint32_t line) const;

 private:
  // Built on the first position asked for: a program loaded from bytes
  // holds the bundled library's half a megabyte of sources and rarely
  // reports a position in them. Thread-safe, as programs are shared.
  const std::vector<uint32_t>& line_starts() const;

  std::string name_;
  std::string text_;
  mutable std::once_flag lines_once_;
  mutable std::vector<uint32_t> line_starts_;
};

// The files of one compilation; indexes are stable.
class SourceSet {
 public:
  uint32_t add(std::string name, std::string text);
  const SourceFile& file(uint32_t i) const { return *files_[i]; }
  size_t size() const { return files_.size(); }

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace moat
