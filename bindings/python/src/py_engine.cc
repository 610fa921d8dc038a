// Engine and Program for Python. Evaluation runs without the GIL, so Python
// threads evaluating one Program run in parallel.
#include <pybind11/stl.h>

#include "module_parts.h"
#include "moat/moat.h"
#include "policy_sources.h"
#include "shared_program.h"

namespace py = pybind11;

namespace moat::python {

namespace {

struct PyEngine {
  Engine engine;
  EvalOptions options;
};

struct PyProgram {
  std::shared_ptr<const bindings::SharedProgram> shared;
};

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kNote: return "note";
  }
  return "error";
}

// (severity, file, line, column, message, formatted) per diagnostic.
py::list diagnostics_of(const CompileResult& compiled) {
  py::list out;
  for (const Diagnostic& d : compiled.diagnostics.items()) {
    std::string file, formatted;
    LineCol lc;
    if (compiled.sources && d.range.file < compiled.sources->size()) {
      const SourceFile& f = compiled.sources->file(d.range.file);
      file = f.name();
      lc = f.line_col(d.range.begin);
      formatted = format_diagnostic(*compiled.sources, d);
    } else {
      formatted = "error: " + d.message + "\n";
    }
    out.append(py::make_tuple(severity_name(d.severity), file, lc.line, lc.column, d.message, formatted));
  }
  return out;
}

// (rule_id, severity, category, message, subject, location, title, path,
//  outcome, missing_path, policy_location); location is (file, line, column) or None.
py::tuple finding_tuple(const Finding& f) {
  py::object location = py::none();
  if (f.location) location = py::make_tuple(f.location->file, f.location->line, f.location->column);
  return py::make_tuple(f.rule_id, f.severity, f.category, f.message, f.subject, location, f.title, f.path,
                        std::string(outcome_name(f.outcome)), f.missing_path, f.policy_location);
}

py::tuple result_tuple(const EvalResult& r) {
  py::list findings(r.findings.size());
  for (size_t i = 0; i < r.findings.size(); ++i) findings[i] = finding_tuple(r.findings[i]);
  return py::make_tuple(findings, r.unknown_count, r.errors, r.instructions);
}

}  // namespace

void bind_engine(py::module_& m) {
  py::class_<PyProgram>(m, "Program")
      .def_property_readonly("rule_ids", [](const PyProgram& p) {
        std::vector<std::string> ids;
        for (const auto& rule : p.shared->program().rules) ids.push_back(rule.id);
        return ids;
      })
      // -> (findings, unknown_count, errors, instructions)
      .def("evaluate", [](const PyProgram& p, const PyDocument& doc) {
        EvalResult result;
        {
          py::gil_scoped_release unlocked;
          result = p.shared->evaluate(*doc.loaded.document);
        }
        return result_tuple(result);
      }, py::arg("document"))
      // Several documents in one call: one GIL release for all of them.
      .def("evaluate_many", [](const PyProgram& p, const std::vector<std::shared_ptr<PyDocument>>& docs) {
        for (const auto& d : docs)
          if (!d) throw py::type_error("evaluate_many: None is not a document");
        std::vector<EvalResult> results(docs.size());
        {
          py::gil_scoped_release unlocked;
          for (size_t i = 0; i < docs.size(); ++i) results[i] = p.shared->evaluate(*docs[i]->loaded.document);
        }
        py::list out(results.size());
        for (size_t i = 0; i < results.size(); ++i) out[i] = result_tuple(results[i]);
        return out;
      }, py::arg("documents"));

  py::class_<PyEngine>(m, "Engine")
      .def(py::init([](std::vector<std::pair<std::string, std::string>> params, int64_t now, uint64_t max_instructions,
                       size_t max_memory_bytes, uint32_t max_call_depth, uint64_t max_wall_ms, bool report_unknown) {
             auto e = std::make_unique<PyEngine>();
             e->options.params = std::move(params);
             e->options.now = now;
             e->options.budgets.max_instructions = max_instructions;
             e->options.budgets.max_memory_bytes = max_memory_bytes;
             e->options.budgets.max_call_depth = max_call_depth;
             e->options.budgets.max_wall_ms = max_wall_ms;
             e->options.report_unknown = report_unknown;
             return e;
           }),
           py::arg("params"), py::arg("now"), py::arg("max_instructions"), py::arg("max_memory_bytes"),
           py::arg("max_call_depth"), py::arg("max_wall_ms"), py::arg("report_unknown"))
      .def("add_source", [](PyEngine& e, std::string name, std::string text) {
        e.engine.add_source(std::move(name), std::move(text));
      }, py::arg("name"), py::arg("text"))
      .def("add_path", [](PyEngine& e, const std::string& path) {
        absl::Status st = bindings::add_policy_path(e.engine, path);
        if (!st.ok()) raise_status(st);
      }, py::arg("path"))
      .def("add_bundled", [](PyEngine& e) {
        absl::Status st = e.engine.add_bundled_library();
        if (!st.ok()) raise_status(st);
      })
      // -> (Program or None, diagnostics)
      .def("compile", [](PyEngine& e) {
        // The GIL stays held: it is what keeps another Python thread from
        // adding sources to this engine while it compiles.
        CompileResult compiled = e.engine.compile();
        py::list diagnostics = diagnostics_of(compiled);
        if (!compiled.ok()) return py::make_tuple(py::none(), diagnostics);
        auto shared = bindings::SharedProgram::create(compiled.program, e.options);
        if (!shared.ok()) raise_status(shared.status());
        return py::make_tuple(PyProgram{*std::move(shared)}, diagnostics);
      });

  const Budgets budgets;
  m.attr("DEFAULT_MAX_INSTRUCTIONS") = budgets.max_instructions;
  m.attr("DEFAULT_MAX_MEMORY_BYTES") = budgets.max_memory_bytes;
  m.attr("DEFAULT_MAX_CALL_DEPTH") = budgets.max_call_depth;
}

}  // namespace moat::python
