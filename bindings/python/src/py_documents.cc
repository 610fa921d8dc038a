// Documents for Python: loaded from a file or text of any input format (the
// loading itself runs without the GIL), or built straight from Python
// objects.
#include <pybind11/stl.h>

#include "document_input.h"
#include "documents/event_loader.h"
#include "module_parts.h"
#include "py_values.h"

namespace py = pybind11;

namespace moat::python {

namespace {

std::shared_ptr<PyDocument> adopt(absl::StatusOr<LoadedDocument> loaded) {
  if (!loaded.ok()) raise_status(loaded.status());
  return std::make_shared<PyDocument>(PyDocument{*std::move(loaded)});
}

}  // namespace

void bind_values(py::module_& m) {
  py::class_<UnknownValue>(m, "Unknown",
                           "A value known only at deploy time (an unresolved Ref, a Terraform value known\n"
                           "after apply). Rules see it as unknown: a decision that depends on it ends UNKNOWN.")
      .def(py::init<std::string>(), py::arg("reason") = "")
      .def_readonly("reason", &UnknownValue::reason, "Why the loader could not know the value.")
      .def("__repr__", [](const UnknownValue& u) { return "moat.Unknown(" + py::repr(py::str(u.reason)).cast<std::string>() + ")"; })
      .def("__eq__", [](const UnknownValue& a, py::object b) {
        return py::isinstance<UnknownValue>(b) && a.reason == b.cast<const UnknownValue&>().reason;
      })
      .def("__hash__", [](const UnknownValue& u) { return py::hash(py::str(u.reason)); })
      .def(py::pickle([](const UnknownValue& u) { return py::make_tuple(u.reason); },
                      [](py::tuple t) { return UnknownValue{t[0].cast<std::string>()}; }));
}

void bind_documents(py::module_& m) {
  py::class_<PyDocument, std::shared_ptr<PyDocument>>(m, "Document")
      .def_property_readonly("name", [](const PyDocument& d) { return d.loaded.document->name(); })
      .def_property_readonly("format", [](const PyDocument& d) { return d.loaded.format; })
      .def_property_readonly("warnings", [](const PyDocument& d) {
        std::vector<std::string> out;
        for (const TemplateWarning& w : d.loaded.warnings) out.push_back(w.describe());
        return out;
      })
      .def("to_python", [](const PyDocument& d) { return value_to_python(d.loaded.document->root()); });

  m.def("load_file", [](const std::string& path, const std::string& input_format) {
    absl::StatusOr<LoadedDocument> loaded;
    {
      py::gil_scoped_release unlocked;
      loaded = bindings::load_input_file(path, input_format);
    }
    return adopt(std::move(loaded));
  }, py::arg("path"), py::arg("input_format") = "auto");

  m.def("load_text", [](std::string text, std::string name, const std::string& input_format) {
    absl::StatusOr<LoadedDocument> loaded;
    {
      py::gil_scoped_release unlocked;
      loaded = bindings::load_input_text(std::move(text), std::move(name), input_format);
    }
    return adopt(std::move(loaded));
  }, py::arg("text"), py::arg("name"), py::arg("input_format") = "auto");

  m.def("from_python", [](py::handle object, std::string name) {
    Arena arena;
    Value root = value_from_python(object, arena);
    LoadedDocument loaded;
    loaded.document = Document::from_value(std::move(arena), root, std::move(name));
    loaded.format = "python";
    return std::make_shared<PyDocument>(PyDocument{std::move(loaded)});
  }, py::arg("object"), py::arg("name"));

  // A Lambda event payload given as Python objects (the dict the runtime
  // hands a handler): converted straight to values, then recognized and
  // decoded like JSON text would be. Serializing the dict to JSON first
  // cost more than evaluating the event rules.
  m.def("event_from_python", [](py::handle object, std::string name) {
    Arena arena;
    Value payload = value_from_python(object, arena);
    absl::StatusOr<std::shared_ptr<const Document>> doc;
    {
      py::gil_scoped_release unlocked;
      doc = load_event_payload(std::move(arena), payload, std::move(name));
    }
    if (!doc.ok()) raise_status(doc.status());
    LoadedDocument loaded;
    loaded.document = *std::move(doc);
    loaded.format = "event";
    return std::make_shared<PyDocument>(PyDocument{std::move(loaded)});
  }, py::arg("object"), py::arg("name"));
}

}  // namespace moat::python
