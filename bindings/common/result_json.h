// An EvalResult as the JSON `moat eval --format json` prints:
// {"findings":[...],"unknown_count":N,"errors":[...]}.
#pragma once

#include <string>

#include "vm/evaluation.h"

namespace moat::bindings {

std::string result_to_json(const EvalResult& result);

}  // namespace moat::bindings
