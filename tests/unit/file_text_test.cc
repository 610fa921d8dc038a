// read_file_text: a file whole, in a string of its exact size; the size
// limit refused before reading, naming the flag; missing files named.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "documents/file_text.h"

namespace moat {
namespace {

std::string temp_file(const std::string& name, const std::string& content) {
  std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(FileText, ReadsTheWholeFileExactly) {
  std::string content(100000, 'x');
  content += std::string("\0tail\n", 6);
  std::string path = temp_file("moat_file_text_whole.json", content);
  absl::StatusOr<std::string> text = read_file_text(path, 1u << 20, "--max-input-bytes");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, content);
  EXPECT_EQ(text->capacity() - text->size() < 16, true) << "no slack from a growing buffer";
  std::remove(path.c_str());
}

TEST(FileText, RefusesALargerFileNamingTheFlag) {
  std::string path = temp_file("moat_file_text_big.json", std::string(11, 'x'));
  absl::StatusOr<std::string> text = read_file_text(path, 10, "--max-file-bytes");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().message(), path + ": input is 11 bytes; the limit is 10 (--max-file-bytes)");
  std::remove(path.c_str());
}

TEST(FileText, MissingFileIsNamed) {
  absl::StatusOr<std::string> text = read_file_text("/nonexistent/moat.json", 10, "--max-input-bytes");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().message(), "/nonexistent/moat.json: cannot open");
}

TEST(FileText, EmptyFileIsEmptyText) {
  std::string path = temp_file("moat_file_text_empty.json", "");
  absl::StatusOr<std::string> text = read_file_text(path, 10, "--max-input-bytes");
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(text->empty());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace moat
