// Python objects <-> Moat values, directly (no JSON text in between).
//
// A dict becomes a map, a list or tuple a list, str/int/float/bool/None the
// matching scalar, and moat.Unknown a value known only at deploy time (the
// loaders' unknowns survive a round trip through Document.to_python()).
// Ints beyond int64 become floats, as in the JSON reader.
#pragma once

#include <pybind11/pybind11.h>

#include <string>

#include "value/arena.h"
#include "value/value.h"

namespace moat::python {

// A value that cannot be known before deployment (an unresolved Ref, a
// Terraform value known after apply); exposed as moat.Unknown.
struct UnknownValue {
  std::string reason;
};

// Same nesting limit as the JSON reader's default.
constexpr size_t kMaxDepth = 512;

// Builds `object` into `arena`. Raises TypeError (unsupported type, non-str
// key) or ValueError (NaN, too deep, invalid str) naming the JSON pointer of
// the offending value. Needs the GIL.
Value value_from_python(pybind11::handle object, Arena& arena);

// The inverse; missing and error values (never in a loaded document) become None.
pybind11::object value_to_python(const Value& value);

}  // namespace moat::python
