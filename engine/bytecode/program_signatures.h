// A program's `signatures` call sites joined into one SignatureIndex
// (builtins/signature_index.h), built once per program on first use.
#pragma once

#include "builtins/signature_index.h"
#include "bytecode/program.h"

namespace moat {

// Thread-safe; nullptr when the program has no literal signature set or the
// joined set does not compile (each set then matches on its own).
const SignatureIndex* signature_index_of(const Program& p);

}  // namespace moat
