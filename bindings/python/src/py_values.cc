#include "py_values.h"

#include <cmath>
#include <vector>

#include "documents/document.h"
#include "value/build.h"

namespace py = pybind11;

namespace moat::python {

namespace {

// Raised while converting; each enclosing container prepends its key so the
// message names where the bad value sits.
struct ConvertError {
  PyObject* type;
  std::string message;
  std::string pointer;
};

class Builder {
 public:
  explicit Builder(Arena& arena) : arena_(arena) {}

  Value build(py::handle o, size_t depth) {
    PyObject* p = o.ptr();
    if (p == Py_None) return Value::null();
    if (PyBool_Check(p)) return Value::boolean(p == Py_True);
    if (PyLong_Check(p)) return integer(p);
    if (PyFloat_Check(p)) {
      double d = PyFloat_AS_DOUBLE(p);
      if (!std::isfinite(d)) throw ConvertError{PyExc_ValueError, "NaN and infinities are not values", ""};
      return Value::real(d);
    }
    if (PyUnicode_Check(p)) return make_string(arena_, utf8(p));
    if (depth >= kMaxDepth)
      throw ConvertError{PyExc_ValueError, "nested deeper than " + std::to_string(kMaxDepth) + " levels", ""};
    if (PyDict_Check(p)) return dict(p, depth);
    if (PyList_Check(p) || PyTuple_Check(p)) return sequence(o, depth);
    if (py::isinstance<UnknownValue>(o)) return make_unknown(arena_, o.cast<const UnknownValue&>().reason);
    if (py::isinstance(o, mapping_type())) return mapping(o, depth);
    throw ConvertError{PyExc_TypeError, std::string("unsupported type ") + Py_TYPE(p)->tp_name, ""};
  }

 private:
  static py::object mapping_type() {
    static py::object type = py::module_::import("collections.abc").attr("Mapping");
    return type;
  }

  static std::string_view utf8(PyObject* s) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(s, &size);
    if (data == nullptr) {
      PyErr_Clear();
      throw ConvertError{PyExc_ValueError, "a str that is not valid UTF-8 (lone surrogate)", ""};
    }
    return {data, static_cast<size_t>(size)};
  }

  static Value integer(PyObject* p) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(p, &overflow);
    if (overflow == 0) return Value::integer(v);
    double d = PyLong_AsDouble(p);
    if (d == -1.0 && PyErr_Occurred()) {
      PyErr_Clear();
      throw ConvertError{PyExc_ValueError, "integer too large", ""};
    }
    return Value::real(d);
  }

  Value dict(PyObject* p, size_t depth) {
    std::vector<Member> members;
    members.reserve(static_cast<size_t>(PyDict_Size(p)));
    PyObject *key, *item;
    Py_ssize_t pos = 0;
    while (PyDict_Next(p, &pos, &key, &item)) add_member(members, key, item, depth);
    return make_map_unique(arena_, members);
  }

  Value mapping(py::handle o, size_t depth) {
    std::vector<Member> members;
    for (py::handle pair : o.attr("items")()) {
      py::tuple kv = py::reinterpret_borrow<py::tuple>(pair);
      add_member(members, kv[0].ptr(), kv[1].ptr(), depth);
    }
    // A Mapping's keys are distinct by contract; make_map still tolerates a
    // broken one (later keys win).
    return make_map(arena_, members);
  }

  void add_member(std::vector<Member>& members, PyObject* key, PyObject* item, size_t depth) {
    if (!PyUnicode_Check(key))
      throw ConvertError{PyExc_TypeError,
                         std::string("map keys must be str, not ") + Py_TYPE(key)->tp_name, ""};
    std::string_view k = utf8(key);
    try {
      members.push_back({make_string(arena_, k), build(item, depth + 1)});
    } catch (ConvertError& e) {
      std::string token;
      append_pointer_token(token, k);
      e.pointer = token + e.pointer;
      throw;
    }
  }

  Value sequence(py::handle o, size_t depth) {
    py::sequence seq = py::reinterpret_borrow<py::sequence>(o);
    std::vector<Value> items;
    items.reserve(seq.size());
    size_t i = 0;
    for (py::handle item : seq) {
      try {
        items.push_back(build(item, depth + 1));
      } catch (ConvertError& e) {
        e.pointer = "/" + std::to_string(i) + e.pointer;
        throw;
      }
      ++i;
    }
    return make_list(arena_, items);
  }

  Arena& arena_;
};

}  // namespace

Value value_from_python(py::handle object, Arena& arena) {
  try {
    return Builder(arena).build(object, 0);
  } catch (const ConvertError& e) {
    std::string where = e.pointer.empty() ? "at the document root" : "at " + e.pointer;
    PyErr_SetString(e.type, (e.message + " " + where).c_str());
    throw py::error_already_set();
  }
}

py::object value_to_python(const Value& v) {
  switch (v.kind()) {
    case Kind::kNull: return py::none();
    case Kind::kBool: return py::bool_(v.as_bool());
    case Kind::kInt: return py::int_(v.as_int());
    case Kind::kFloat: return py::float_(v.as_float());
    case Kind::kString: {
      std::string_view s = v.as_string();
      return py::str(s.data(), s.size());
    }
    case Kind::kList: {
      const ListRep& l = v.as_list();
      py::list out(l.size);
      for (uint32_t i = 0; i < l.size; ++i) out[i] = value_to_python(l.items[i]);
      return out;
    }
    case Kind::kMap: {
      py::dict out;
      for (const Member& m : v.as_map()) {
        std::string_view k = m.key.as_string();
        out[py::str(k.data(), k.size())] = value_to_python(m.value);
      }
      return out;
    }
    case Kind::kUnknown: return py::cast(UnknownValue{std::string(v.as_unknown().reason)});
    case Kind::kMissing:
    case Kind::kError: break;
  }
  return py::none();
}

}  // namespace moat::python
