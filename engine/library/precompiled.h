// The bundled library compiled at build time (bytecode/serialize.h format).
//
// tools/precompile_library.cc compiles the library from the embedded sources
// and writes precompiled_library.cc, which defines this function, into the
// build tree; moat_engine links it. The tool itself defines it as empty (it
// is what makes the bytes). Engine::compile loads these bytes instead of
// parsing when the sources are exactly the bundled library.
#pragma once

#include <string_view>

namespace moat {

// Empty when the binary carries no precompiled library.
std::string_view precompiled_library_blob();

}  // namespace moat
