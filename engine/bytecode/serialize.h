// A compiled Program as bytes, and back.
//
// The bundled library is compiled once at build time and its Program is
// embedded in the binary in this form (library/precompiled.h), so a cold
// `moat scan` loads bytecode instead of parsing 450 KB of policy text.
//
// The bytes hold everything a Program is made of except what the loading
// binary already has: the source texts (the caller passes the SourceSet the
// program was compiled from; a fingerprint of it is stored and compared) and
// the builtin registry (rebuilt with BuiltinRegistry::standard(); a
// fingerprint of the opcode table and of every builtin's name and signature
// is stored and compared). Prepared builtin state (RE2 patterns, signature
// sets, CIDRs, dates) is stored as the constant arguments the compiler gave
// the builtin's `prepare`, which runs again at load.
//
// Layout (integers little-endian on the machines Moat builds for; the
// fingerprint changes with byte order, so a foreign blob is rejected):
//   header   magic "MOATPROG", u32 format version, u64 engine fingerprint,
//            u64 sources fingerprint, u64 payload size, u64 payload checksum
//   payload  file count, diagnostics, constants, chunks (code, position
//            table run-length encoded, frame sizes, names), rules, params,
//            globals, init chunk, prepared calls, rules_by_type,
//            document_rules
//
// Loading does not trust the bytes: every count is bounded by what is left,
// every index is checked against what it indexes, and the result goes
// through the bytecode verifier. A bad blob is an error status, never a
// crash. (The verifier does not re-derive stack depths; the checksum is what
// keeps an accidentally damaged `max_stack` out.) The one exception is the
// blob embedded in the binary itself (DeserializeOptions::embedded): the
// build wrote it and loaded it back with every check before embedding it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "builtins/builtin.h"
#include "bytecode/program.h"
#include "syntax/diagnostic.h"
#include "syntax/source.h"

namespace moat {

inline constexpr uint32_t kProgramFormatVersion = 1;

// The program and the diagnostics (warnings) its compilation produced, so a
// loaded program reports what a compiled one would.
absl::StatusOr<std::string> serialize_program(const Program& program, const Diagnostics& diagnostics);

struct LoadedProgram {
  std::shared_ptr<const Program> program;
  Diagnostics diagnostics;
};

struct DeserializeOptions {
  // Tests turn this off to drive damaged bytes past the checksum into the
  // decoder's own bounds checks.
  bool verify_checksum = true;
  // The bytes are this binary's own precompiled library: written by
  // tools/precompile_library.cc from the very sources embedded beside them,
  // and loaded back there with every check (and their disassembly compared)
  // before the build embedded them. Checking them again on every cold start
  // cost a third of loading the library (the checksum and the sources'
  // fingerprint hash 800 KB, the verifier walks every chunk), so only the
  // format version and the engine fingerprint are compared. Bounds are still
  // checked while decoding. Never set this for bytes from anywhere else.
  bool embedded = false;
};

// `sources` must be the files the program was compiled from, in the same
// order (their fingerprint is compared). Errors say what is wrong and where
// ("precompiled program: truncated at byte 1234 (reading chunk 17)").
absl::StatusOr<LoadedProgram> deserialize_program(std::string_view bytes, std::shared_ptr<const SourceSet> sources,
                                                  DeserializeOptions options = {});

// What the bytes depend on in the binary that reads them: the format
// version, the opcode table (opcodes.def) and the builtin registry's names
// and signatures, in order.
uint64_t engine_fingerprint(const BuiltinRegistry& builtins);
// The names and texts of the files, in order.
uint64_t sources_fingerprint(const SourceSet& sources);

}  // namespace moat
