#include "report/writers.h"

#include "absl/time/time.h"

namespace moat {

absl::StatusOr<std::string> format_scan(const ScanResult& result, std::string_view format, bool color) {
  if (format == "text") return report::write_text(result, color);
  if (format == "json") return report::write_json(result);
  if (format == "sarif") return report::write_sarif(result);
  if (format == "junit") return report::write_junit(result);
  return absl::InvalidArgumentError("unknown output format '" + std::string(format) + "'; expected text, json, sarif or junit");
}

namespace report {

std::string date_text(int64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(unix_seconds), absl::UTCTimeZone());
}

std::string location_text(const std::optional<Location>& loc, const std::string& fallback_file) {
  if (!loc || loc->file.empty()) return fallback_file;
  std::string out = loc->file;
  if (loc->line) out += ":" + std::to_string(loc->line) + ":" + std::to_string(loc->column);
  return out;
}

}  // namespace report
}  // namespace moat
