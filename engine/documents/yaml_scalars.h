// The YAML 1.2 core schema for plain (unquoted, untagged) scalars: which
// text is null, a boolean, an int or a float rather than a string. Shared by
// the YAML reader and anything else that must read plain scalars the way it
// does; the rules, and the two departures from the schema, are described in
// yaml_reader.h.
#pragma once

#include <string_view>

#include "value/value.h"

namespace moat {

// The value of plain scalar `text` when it is not a string (null, bool, int
// or float): true and `*out` set. False when it is a string; the caller
// copies the text. `yaml11_booleans` adds yes/no/on/off (YamlLimits).
bool resolve_plain_scalar(std::string_view text, bool yaml11_booleans, Value* out);

}  // namespace moat
