// One writer per output format of `moat scan` (format_scan in moat/scan.h).
#pragma once

#include <string>

#include "moat/scan.h"

namespace moat::report {

std::string write_text(const ScanResult& result, bool color);
std::string write_json(const ScanResult& result);
std::string write_sarif(const ScanResult& result);
std::string write_junit(const ScanResult& result);

// Shared by the writers.
std::string date_text(int64_t unix_seconds);
std::string location_text(const std::optional<Location>& loc, const std::string& fallback_file);

}  // namespace moat::report
