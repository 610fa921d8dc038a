// Moat's C++ API.
//
//   moat::Engine engine;                       // one per use; no global state
//   engine.add_file("policies/lambda.moat");
//   moat::CompileResult compiled = engine.compile();
//   if (!compiled.ok()) { std::cerr << compiled.format_diagnostics(); ... }
//   auto doc = moat::Document::from_json_file("template.json");
//   moat::Evaluator eval = *moat::Evaluator::create(compiled.program, options);
//   moat::EvalResult result = eval.evaluate(**doc);
//
// A compiled Program is immutable and may be shared by any number of
// threads; each thread evaluates through its own Evaluator.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "builtins/builtin.h"
#include "bytecode/program.h"
#include "check/schema.h"
#include "documents/document.h"
#include "documents/event_loader.h"
#include "syntax/diagnostic.h"
#include "syntax/parser.h"
#include "vm/evaluation.h"

namespace moat {

struct CompileOptions {
  ParseLimits limits;
  std::shared_ptr<const Schema> schema;  // optional: enables field warnings
  // When the sources are exactly the bundled library (add_bundled_library()
  // and nothing else, no schema), load the bytecode compiled into the binary
  // at build time instead of parsing (library/precompiled.h). false, or the
  // environment variable MOAT_NO_PRECOMPILED=1, always compiles the sources.
  bool use_precompiled_library = true;
  // Tests: bytes to load instead of the binary's precompiled library.
  std::optional<std::string> precompiled_library_override;
};

struct CompileResult {
  std::shared_ptr<const Program> program;  // null when there are errors
  Diagnostics diagnostics;
  std::shared_ptr<const SourceSet> sources;
  // The program was loaded from the precompiled bundled library.
  bool precompiled = false;
  // Why the precompiled library was not used although it applied (a stale
  // or damaged blob); the sources were compiled instead.
  std::string precompiled_fallback;
  bool ok() const { return program != nullptr && !diagnostics.has_errors(); }
  std::string format_diagnostics() const;
};

class Engine {
 public:
  explicit Engine(CompileOptions options = {});
  void add_source(std::string name, std::string text);
  // Reads the file now; a missing or unreadable file is an error. A .json
  // file inside a folder named `data` is a data file (add_data).
  absl::Status add_file(const std::string& path);
  // A data file: its JSON becomes `param NAME: any` of package moat.data,
  // NAME being the file's stem (library/data_source.h).
  absl::Status add_data(const std::string& path, std::string_view json_text);
  // The bundled rule library (stdlib-policies/, compiled into the binary);
  // its files are named "stdlib:<category>/<file>.moat" in diagnostics.
  absl::Status add_bundled_library();
  void set_schema(std::shared_ptr<const Schema> schema) { options_.schema = std::move(schema); }
  CompileResult compile() const;

 private:
  // Loads the precompiled bundled library, or says why it cannot.
  absl::StatusOr<CompileResult> load_precompiled(std::shared_ptr<const SourceSet> sources) const;

  CompileOptions options_;
  std::vector<std::pair<std::string, std::string>> sources_;
  bool bundled_only_ = false;  // sources_ is exactly what add_bundled_library() added
};

class Vm;

// Evaluates one program over documents; one per thread.
class Evaluator {
 public:
  // Fails when a parameter override names no parameter or has the wrong type.
  static absl::StatusOr<Evaluator> create(std::shared_ptr<const Program> program, EvalOptions options);
  Evaluator(Evaluator&&) noexcept;
  Evaluator& operator=(Evaluator&&) noexcept;
  ~Evaluator();

  EvalResult evaluate(const Document& doc);

 private:
  explicit Evaluator(std::unique_ptr<Vm> vm);
  std::unique_ptr<Vm> vm_;
};

// Moat's version ("0.1.0").
std::string_view version();

// "2026-11-29" or "2026-11-29T10:00:00Z" -> Unix seconds.
absl::StatusOr<int64_t> parse_date(std::string_view text);

}  // namespace moat
