#include "scan/suppressions.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "documents/template_loader.h"
#include "value/value.h"

namespace moat::scan_detail {

namespace {

constexpr std::string_view kMarker = "moat:ignore";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool comment_only(std::string_view line) {
  line = trim(line);
  return line.empty() || line.front() == '#';
}

// Finds a '#' that starts a YAML comment: at the line start or after
// whitespace, and outside quotes (good enough for the lines that carry one).
size_t comment_start(std::string_view line) {
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') quote = c;
    else if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) return i;
  }
  return std::string_view::npos;
}

void read_inline(std::string_view text, const std::string& path, std::vector<SuppressionEntry>* out,
                 std::vector<ScanNotice>* notices) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    size_t hash = comment_start(line);
    if (hash == std::string_view::npos) continue;
    std::string_view comment = trim(line.substr(hash + 1));
    if (!comment.starts_with(kMarker)) continue;
    std::string_view rest = trim(comment.substr(kMarker.size()));
    size_t sp = rest.find_first_of(" \t");
    std::string_view ids = rest.substr(0, sp);
    std::string reason(sp == std::string_view::npos ? "" : trim(rest.substr(sp)));
    Location where{path, static_cast<uint32_t>(i + 1), static_cast<uint32_t>(hash + 1)};
    if (ids.empty()) {
      notices->push_back({"warning", "moat:ignore names no rule id; nothing suppressed", where});
      continue;
    }
    // A trailing comment covers its own line; a comment line covers the next
    // line that is not a comment.
    uint32_t target = static_cast<uint32_t>(i + 1);
    if (comment_only(line.substr(0, hash + 1))) {
      size_t j = i + 1;
      while (j < lines.size() && comment_only(lines[j])) ++j;
      target = static_cast<uint32_t>(j + 1);
    }
    for (size_t start = 0; start <= ids.size();) {
      size_t comma = ids.find(',', start);
      if (comma == std::string_view::npos) comma = ids.size();
      std::string id(ids.substr(start, comma - start));
      start = comma + 1;
      if (id.empty()) continue;
      if (reason.empty()) {
        notices->push_back({"warning", "moat:ignore " + id + " has no reason; the finding is not suppressed (write `# moat:ignore " + id + " <why>`)", where});
        continue;
      }
      out->push_back({id, reason, "inline", target, "", where});
    }
  }
}

// Metadata is not part of the normalized document, so the template is read
// again as plain data, only when the text mentions the key at all.
void read_metadata(std::string_view text, const std::string& path, std::vector<SuppressionEntry>* out,
                   std::vector<ScanNotice>* notices) {
  if (text.find("moat") == std::string_view::npos || text.find("Metadata") == std::string_view::npos) return;
  TemplateOptions options;
  options.input_format = "auto";
  // Plain data: the raw template with its Metadata.
  bool json = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    json = c == '{';
    break;
  }
  options.input_format = json ? "json" : "yaml";
  auto loaded = load_template(std::string(text), path, options);
  if (!loaded.ok()) return;  // the real load reports the error
  const Document& doc = *loaded->document;
  const Value* resources = doc.root().is_map() ? doc.root().as_map().find("Resources") : nullptr;
  if (!resources || !resources->is_map()) return;
  for (const Member& m : resources->as_map()) {
    if (!m.value.is_map()) continue;
    const Value* meta = m.value.as_map().find("Metadata");
    const Value* moat = meta && meta->is_map() ? meta->as_map().find("moat") : nullptr;
    const Value* ignore = moat && moat->is_map() ? moat->as_map().find("ignore") : nullptr;
    if (!ignore) continue;
    std::string resource(m.key.as_string());
    std::string pointer = "/Resources/" + resource + "/Metadata/moat/ignore";
    Location where = doc.locate(pointer).value_or(Location{path, 0, 0});
    if (!ignore->is_list()) {
      notices->push_back({"warning", "Metadata moat.ignore of " + resource + " must be a list of {id, reason}", where});
      continue;
    }
    for (const Value& item : ignore->as_list()) {
      const Value* id = item.is_map() ? item.as_map().find("id") : nullptr;
      const Value* reason = item.is_map() ? item.as_map().find("reason") : nullptr;
      if (!id || !id->is_string()) {
        notices->push_back({"warning", "Metadata moat.ignore entry of " + resource + " has no id", where});
        continue;
      }
      if (!reason || !reason->is_string() || trim(reason->as_string()).empty()) {
        notices->push_back({"warning", "Metadata moat.ignore " + std::string(id->as_string()) + " of " + resource +
                                           " has no reason; the finding is not suppressed", where});
        continue;
      }
      out->push_back({std::string(id->as_string()), std::string(reason->as_string()), "metadata", 0, resource, where});
    }
  }
}

}  // namespace

std::vector<SuppressionEntry> read_suppressions(std::string_view text, const std::string& path, std::string_view format,
                                                std::vector<ScanNotice>* notices) {
  std::vector<SuppressionEntry> out;
  if (text.find(kMarker) != std::string_view::npos) read_inline(text, path, &out, notices);
  if (format == "cloudformation" || format == "sam") read_metadata(text, path, &out, notices);
  return out;
}

std::optional<Suppression> match_suppression(const std::vector<SuppressionEntry>& entries, const Finding& f,
                                             uint32_t resource_line) {
  uint32_t line = f.location ? f.location->line : 0;
  for (const SuppressionEntry& e : entries) {
    if (e.rule_id != f.rule_id) continue;
    bool hit = e.kind == "metadata" ? (!f.subject.empty() && e.resource == f.subject)
                                    : (e.target_line == line || (resource_line != 0 && e.target_line == resource_line));
    if (hit) return Suppression{e.kind, e.reason, e.where};
  }
  return std::nullopt;
}

std::string fingerprint(const Finding& f, std::string_view file) {
  // No line numbers: a baseline must survive edits elsewhere in the file.
  std::string key = f.rule_id + "|" + std::string(file) + "|" + f.subject + "|" + f.path;
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  static const char* hex = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<size_t>(i)] = hex[h & 15];
  return out;
}

absl::StatusOr<std::set<std::string>> read_baseline(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(path + ": cannot open baseline file");
  std::ostringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("findings") || !j["findings"].is_array())
    return absl::InvalidArgumentError(path + ": not a Moat baseline (expected {\"moat_baseline\": 1, \"findings\": [...]})");
  std::set<std::string> out;
  for (const auto& f : j["findings"])
    if (f.is_object() && f.contains("fingerprint") && f["fingerprint"].is_string()) out.insert(f["fingerprint"].get<std::string>());
  return out;
}

}  // namespace moat::scan_detail
