// A value as named in error messages: its kind, and a string's first
// characters ("string \"abc\"").
#pragma once

#include <string>

#include "value/value.h"

namespace moat {

std::string describe(const Value& v);

}  // namespace moat
