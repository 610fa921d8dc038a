#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "check/checker.h"
#include "bytecode/serialize.h"
#include "bytecode/verify.h"
#include "compile/compiler.h"
#include "library/bundled.h"
#include "library/data_source.h"
#include "library/precompiled.h"
#include "moat/moat.h"

namespace moat {

std::string_view version() { return MOAT_VERSION; }

std::string CompileResult::format_diagnostics() const {
  std::string out;
  for (const Diagnostic& d : diagnostics.items()) out += format_diagnostic(*sources, d);
  return out;
}

Engine::Engine(CompileOptions options) : options_(std::move(options)) {}

void Engine::add_source(std::string name, std::string text) {
  bundled_only_ = false;
  sources_.emplace_back(std::move(name), std::move(text));
}

absl::Status Engine::add_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(path + ": cannot open policy file");
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0) return absl::InvalidArgumentError(path + ": not a regular file");
  if (static_cast<size_t>(size) > options_.limits.max_policy_bytes)
    return absl::ResourceExhaustedError(path + ": policy file is " + std::to_string(size) + " bytes; the limit is " +
                                        std::to_string(options_.limits.max_policy_bytes) + " (--max-policy-bytes)");
  in.seekg(0);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (is_data_file_path(path)) return add_data(path, std::move(ss).str());
  bundled_only_ = false;
  sources_.emplace_back(path, std::move(ss).str());
  return absl::OkStatus();
}

absl::Status Engine::add_data(const std::string& path, std::string_view json_text) {
  auto policy = data_file_to_policy(path, json_text);
  if (!policy.ok()) return policy.status();
  bundled_only_ = false;
  sources_.emplace_back(path, std::move(*policy));
  return absl::OkStatus();
}

absl::Status Engine::add_bundled_library() {
  bool first = sources_.empty();
  for (const BundledFile& f : bundled_library_files()) {
    std::string name = std::string(kBundledPrefix) + std::string(f.path);
    if (is_data_file_path(f.path)) {
      absl::Status st = add_data(name, f.text);
      if (!st.ok()) return st;
    } else {
      sources_.emplace_back(std::move(name), std::string(f.text));
    }
  }
  // Parameter and data overrides (`--param NAME=@FILE`) are bound by the
  // Evaluator, not compiled in, so they keep working with the fast path.
  bundled_only_ = first;
  return absl::OkStatus();
}

absl::StatusOr<CompileResult> Engine::load_precompiled(std::shared_ptr<const SourceSet> sources) const {
  std::string_view blob = options_.precompiled_library_override ? *options_.precompiled_library_override
                                                                 : precompiled_library_blob();
  if (blob.empty()) return absl::NotFoundError("this binary carries no precompiled library");
  DeserializeOptions how;
  how.embedded = !options_.precompiled_library_override;
  auto loaded = deserialize_program(blob, sources, how);
  if (!loaded.ok()) return loaded.status();
  CompileResult result;
  result.sources = std::move(sources);
  result.program = std::move(loaded->program);
  result.diagnostics = std::move(loaded->diagnostics);
  result.precompiled = true;
  return result;
}

CompileResult Engine::compile() const {
  CompileResult result;
  auto sources = std::make_shared<SourceSet>();
  for (auto& [name, text] : sources_) sources->add(name, text);
  result.sources = sources;
  // The sources are the embedded library's texts, so the precompiled
  // program's fingerprint matches them unless the build is inconsistent; a
  // schema adds warnings the precompiled program was built without.
  const char* no_precompiled = std::getenv("MOAT_NO_PRECOMPILED");
  bool env_off = no_precompiled != nullptr && *no_precompiled != '\0' && std::strcmp(no_precompiled, "0") != 0;
  if (bundled_only_ && options_.use_precompiled_library && !options_.schema && !env_off) {
    auto loaded = load_precompiled(sources);
    if (loaded.ok()) return *std::move(loaded);
    // Never fatal: the sources are right here, compile them.
    result.precompiled_fallback = std::string(loaded.status().message());
  }
  std::vector<std::unique_ptr<Module>> modules;
  for (uint32_t i = 0; i < sources->size(); ++i) {
    Diagnostics file_diags;
    auto m = parse_module(*sources, i, options_.limits, file_diags);
    bool syntax_ok = !file_diags.has_errors();
    for (const Diagnostic& d : file_diags.items()) {
      if (d.severity == Severity::kError) result.diagnostics.error(d.range, d.message);
      else result.diagnostics.warning(d.range, d.message);
    }
    // A file with syntax errors is not checked: its tree is partial and
    // would only add noise. The other files still are.
    if (m && syntax_ok) modules.push_back(std::move(m));
  }
  BuiltinRegistry builtins = BuiltinRegistry::standard();
  CheckedProgram checked;
  check_program(modules, builtins, options_.schema.get(), result.diagnostics, &checked);
  if (!result.diagnostics.has_errors()) {
    auto program = compile_program(checked, std::move(builtins), sources, result.diagnostics);
    if (program && !result.diagnostics.has_errors()) {
      // A compiler bug must not become undefined behaviour in the VM.
      for (const std::string& problem : verify_program(*program))
        result.diagnostics.error({}, "internal error: bytecode verification failed: " + problem);
      if (!result.diagnostics.has_errors()) result.program = std::move(program);
    }
  }
  result.diagnostics.sort();
  return result;
}

}  // namespace moat
