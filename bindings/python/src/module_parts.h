// The pieces of the _moat extension, each registered by module.cc.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>

#include "absl/status/status.h"
#include "documents/template_loader.h"

namespace moat::python {

// A loaded document as Python sees it: immutable, shareable across threads.
struct PyDocument {
  LoadedDocument loaded;
};

// Raises the Python exception matching `status`: FileNotFoundError for a
// missing file, ValueError for malformed input, a parameter that does not
// fit or a limit, RuntimeError otherwise.
[[noreturn]] void raise_status(const absl::Status& status);

void bind_values(pybind11::module_& m);
void bind_documents(pybind11::module_& m);
void bind_engine(pybind11::module_& m);
void bind_scan(pybind11::module_& m);

}  // namespace moat::python
