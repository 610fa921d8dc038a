// _moat: the thin extension under the `moat` package. It exposes the C++
// facade almost one to one; names, keyword arguments, exceptions and
// Finding objects are the Python layer's job (moat/_api.py).
#include <pybind11/pybind11.h>

#include "module_parts.h"
#include "moat/moat.h"

namespace py = pybind11;

namespace moat::python {

void raise_status(const absl::Status& status) {
  std::string message(status.message());
  PyObject* type = PyExc_RuntimeError;
  switch (status.code()) {
    case absl::StatusCode::kNotFound: type = PyExc_FileNotFoundError; break;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kDataLoss: type = PyExc_ValueError; break;
    default: break;
  }
  PyErr_SetString(type, message.c_str());
  throw py::error_already_set();
}

}  // namespace moat::python

PYBIND11_MODULE(_moat, m) {
  m.doc() = "Moat's C++ engine (internal: use the `moat` package)";
  moat::python::bind_values(m);
  moat::python::bind_documents(m);
  moat::python::bind_engine(m);
  moat::python::bind_scan(m);
  m.def("parse_date", [](const std::string& text) {
    auto seconds = moat::parse_date(text);
    if (!seconds.ok()) moat::python::raise_status(seconds.status());
    return *seconds;
  }, py::arg("text"), "'2026-11-29' or '2026-11-29T10:00:00Z' -> Unix seconds (UTC).");
}
