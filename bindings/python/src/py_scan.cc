// moat.scan for Python: moat::scan (engine/include/moat/scan.h) run without
// the GIL; the result stays a C++ object that formats itself (text, JSON,
// SARIF, JUnit) exactly as `moat scan` does, and hands plain data to the
// Python layer.
#include <pybind11/stl.h>

#include "module_parts.h"
#include "moat/scan.h"

namespace py = pybind11;

namespace moat::python {

namespace {

struct PyScanResult {
  ScanResult result;
};

py::object location_tuple(const std::optional<Location>& where) {
  if (!where) return py::none();
  return py::make_tuple(where->file, where->line, where->column);
}

// Same layout as py_engine.cc's finding tuples, then snippet, fingerprint,
// suppression (kind, reason, location) or None.
py::tuple scan_finding_tuple(const ScanFinding& sf) {
  const Finding& f = sf.finding;
  py::object suppression = py::none();
  if (sf.suppression)
    suppression = py::make_tuple(sf.suppression->kind, sf.suppression->reason, location_tuple(sf.suppression->where));
  return py::make_tuple(f.rule_id, f.severity, f.category, f.message, f.subject, location_tuple(f.location), f.title,
                        f.path, std::string(outcome_name(f.outcome)), f.missing_path, f.policy_location, sf.snippet,
                        sf.fingerprint, suppression);
}

// {"files": [(path, format, [finding...], unknown_count, error, millis)], "skipped": [...],
//  "notices": [(level, message, location)], "rules": [dict], "now": int, "tool_version": str}
py::dict scan_data(const ScanResult& r) {
  py::list files;
  for (const ScannedFile& f : r.files) {
    py::list findings;
    for (const ScanFinding& sf : f.findings) findings.append(scan_finding_tuple(sf));
    files.append(py::make_tuple(f.path, f.format, findings, f.unknown_count, f.error, f.millis));
  }
  py::list notices;
  for (const ScanNotice& n : r.notices) notices.append(py::make_tuple(n.level, n.message, location_tuple(n.location)));
  py::list rules;
  for (const RuleSummary& s : r.rules) {
    py::dict d;
    d["id"] = s.id;
    d["title"] = s.title;
    d["severity"] = s.severity;
    d["category"] = s.category;
    d["description"] = s.description;
    d["remediation"] = s.remediation;
    d["references"] = s.references;
    d["tags"] = s.tags;
    d["formats"] = s.formats;
    rules.append(d);
  }
  py::dict out;
  out["files"] = files;
  out["skipped"] = r.skipped;
  out["notices"] = notices;
  out["rules"] = rules;
  out["now"] = r.now;
  out["tool_version"] = r.tool_version;
  return out;
}

}  // namespace

void bind_scan(py::module_& m) {
  py::class_<PyScanResult>(m, "ScanResult")
      .def("data", [](const PyScanResult& s) { return scan_data(s.result); })
      .def("format", [](const PyScanResult& s, const std::string& format, bool color) {
        auto text = format_scan(s.result, format, color);
        if (!text.ok()) raise_status(text.status());
        return *text;
      }, py::arg("format"), py::arg("color") = false)
      .def("baseline", [](const PyScanResult& s) { return write_baseline(s.result); })
      .def("exit_code", [](const PyScanResult& s, const std::string& fail_on, bool errors_ok) {
        if (fail_on != "none" && severity_rank(fail_on) < 0)
          throw py::value_error("fail_on expects critical, high, medium, low, info or none, got '" + fail_on + "'");
        return scan_exit_code(s.result, fail_on, errors_ok);
      }, py::arg("fail_on") = "low", py::arg("errors_ok") = false);

  m.def("scan", [](std::vector<std::string> paths, std::vector<std::string> policy_paths, bool bundled,
                   std::vector<std::string> select, std::vector<std::string> skip, std::string baseline_path,
                   std::string input_format, uint64_t file_time_limit_ms, size_t max_file_bytes,
                   std::vector<std::pair<std::string, std::string>> params, int64_t now, uint64_t max_instructions,
                   size_t max_memory_bytes, uint32_t max_call_depth, uint64_t max_wall_ms, bool report_unknown) {
    ScanOptions options;
    options.paths = std::move(paths);
    options.policy_paths = std::move(policy_paths);
    options.bundled = bundled;
    options.select = std::move(select);
    options.skip = std::move(skip);
    options.baseline_path = std::move(baseline_path);
    options.input_format = std::move(input_format);
    options.file_time_limit_ms = file_time_limit_ms;
    options.max_file_bytes = max_file_bytes;
    options.eval.params = std::move(params);
    options.eval.now = now;
    options.eval.budgets.max_instructions = max_instructions;
    options.eval.budgets.max_memory_bytes = max_memory_bytes;
    options.eval.budgets.max_call_depth = max_call_depth;
    options.eval.budgets.max_wall_ms = max_wall_ms;
    options.eval.report_unknown = report_unknown;
    absl::StatusOr<ScanResult> result;
    {
      py::gil_scoped_release unlocked;
      result = scan(options);
    }
    if (!result.ok()) raise_status(result.status());
    return PyScanResult{*std::move(result)};
  });
  m.attr("DEFAULT_SCAN_FILE_TIME_LIMIT_MS") = ScanOptions{}.file_time_limit_ms;
  m.attr("DEFAULT_SCAN_MAX_FILE_BYTES") = ScanOptions{}.max_file_bytes;
}

}  // namespace moat::python
