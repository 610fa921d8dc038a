// Golden-file helpers shared by the loader tests: a fixture folder is loaded
// file by file and each normalized document is compared with its golden JSON
// (MOAT_UPDATE_GOLDEN=1 rewrites the goldens instead).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "documents/template_loader.h"
#include "value/value.h"

namespace moat::testing_golden {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Loads every file in tests/fixtures/<kind> and compares it with
// tests/golden/<kind>/<stem>.json; expects at least `min_checked` files.
inline void check_loader_goldens(const std::string& kind, int min_checked) {
  const std::filesystem::path fixtures = std::filesystem::path(MOAT_SOURCE_DIR) / "tests/fixtures" / kind;
  const std::filesystem::path golden = std::filesystem::path(MOAT_SOURCE_DIR) / "tests/golden" / kind;
  const bool update = std::getenv("MOAT_UPDATE_GOLDEN") != nullptr;
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(fixtures)) {
    auto name = entry.path().filename().string();
    auto r = load_template(read_file(entry.path()), name);
    ASSERT_TRUE(r.ok()) << r.status().message();
    std::string out;
    write_json(r->document->root(), out);
    out += "\n";
    auto expected_path = golden / (entry.path().stem().string() + ".json");
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << out;
      continue;
    }
    ASSERT_TRUE(std::filesystem::exists(expected_path)) << "missing " << expected_path << " (run with MOAT_UPDATE_GOLDEN=1)";
    EXPECT_EQ(out, read_file(expected_path)) << name;
    ++checked;
  }
  if (!update) {
    EXPECT_GE(checked, min_checked);
  }
}

}  // namespace moat::testing_golden
