// The C API (include/moat.h) over the C++ facade. Every entry point checks
// its pointers, runs inside capi::guarded(), and reports failures through a
// result code and the per-thread last error.
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "c_status.h"
#include "document_input.h"
#include "moat.h"
#include "moat/moat.h"
#include "policy_sources.h"
#include "result_json.h"
#include "shared_program.h"

using moat::capi::fail;
using moat::capi::fail_status;
using moat::capi::guarded;
using moat::capi::null_argument;

namespace {

struct DiagnosticCopy {
  moat_severity severity;
  std::string file, message, formatted;
  uint32_t line = 0, column = 0;
};

std::string_view text_of(const char* text, size_t length) {
  return length == MOAT_NUL_TERMINATED ? std::string_view(text) : std::string_view(text, length);
}

}  // namespace

struct moat_engine {
  moat::Engine engine;
  moat::EvalOptions options;
  std::vector<DiagnosticCopy> diagnostics;
};

struct moat_program {
  std::shared_ptr<const moat::bindings::SharedProgram> program;
};

struct moat_document {
  moat::LoadedDocument loaded;
  std::vector<std::string> warnings;  // described, so accessors can hand out c_str()
};

struct moat_result {
  moat::EvalResult result;
  std::string json;
  bool json_built = false;
};

extern "C" {

const char* moat_status_name(int code) {
  switch (code) {
    case MOAT_OK: return "ok";
    case MOAT_ERR_INVALID_ARGUMENT: return "invalid_argument";
    case MOAT_ERR_NOT_FOUND: return "not_found";
    case MOAT_ERR_PARSE: return "parse_error";
    case MOAT_ERR_COMPILE: return "compile_error";
    case MOAT_ERR_EVALUATION: return "evaluation_error";
    case MOAT_ERR_LIMIT: return "limit_exceeded";
    case MOAT_ERR_OUT_OF_RANGE: return "out_of_range";
    case MOAT_ERR_INTERNAL: return "internal_error";
    default: return "unknown_code";
  }
}

const char* moat_version(void) { return MOAT_VERSION_STRING; }

void moat_engine_options_init(moat_engine_options* options) {
  if (options == nullptr) return;
  const moat::Budgets defaults;
  *options = moat_engine_options{};
  options->struct_size = sizeof(moat_engine_options);
  options->max_instructions = defaults.max_instructions;
  options->max_memory_bytes = defaults.max_memory_bytes;
  options->max_call_depth = defaults.max_call_depth;
  options->max_wall_ms = defaults.max_wall_ms;
}

int moat_parse_date(const char* text, int64_t* out_seconds) {
  return guarded(__func__, [&]() -> int {
    if (text == nullptr) return null_argument("text");
    if (out_seconds == nullptr) return null_argument("out_seconds");
    auto seconds = moat::parse_date(text);
    if (!seconds.ok()) return fail_status(seconds.status());
    *out_seconds = *seconds;
    return MOAT_OK;
  });
}

int moat_engine_create(const moat_engine_options* options, moat_engine** out) {
  if (out != nullptr) *out = nullptr;
  return guarded(__func__, [&]() -> int {
    if (out == nullptr) return null_argument("out");
    moat_engine_options given;
    moat_engine_options_init(&given);
    if (options != nullptr) {
      // A caller built against an older, smaller struct keeps the defaults
      // for the fields it does not know.
      if (options->struct_size < offsetof(moat_engine_options, param_count) + sizeof(size_t) ||
          options->struct_size > sizeof(moat_engine_options))
        return fail(MOAT_ERR_INVALID_ARGUMENT, "options->struct_size is not set: call moat_engine_options_init()");
      std::memcpy(&given, options, options->struct_size);
    }
    if (given.param_count > 0 && given.params == nullptr) return null_argument("options->params");
    auto engine = std::make_unique<moat_engine>();
    moat::EvalOptions& eval = engine->options;
    eval.now = given.now;
    eval.report_unknown = given.report_unknown != 0;
    eval.budgets.max_instructions = given.max_instructions;
    eval.budgets.max_memory_bytes = static_cast<size_t>(given.max_memory_bytes);
    eval.budgets.max_call_depth = given.max_call_depth;
    eval.budgets.max_wall_ms = given.max_wall_ms;
    for (size_t i = 0; i < given.param_count; ++i) {
      const moat_param& p = given.params[i];
      if (p.name == nullptr || p.value == nullptr)
        return fail(MOAT_ERR_INVALID_ARGUMENT, "options->params[" + std::to_string(i) + "] has a NULL name or value");
      eval.params.emplace_back(p.name, p.value);
    }
    *out = engine.release();
    return MOAT_OK;
  });
}

void moat_engine_free(moat_engine* engine) { delete engine; }

int moat_engine_add_policy_text(moat_engine* engine, const char* name, const char* text, size_t length) {
  return guarded(__func__, [&]() -> int {
    if (engine == nullptr) return null_argument("engine");
    if (text == nullptr) return null_argument("text");
    engine->engine.add_source(name != nullptr ? name : "<policy>", std::string(text_of(text, length)));
    return MOAT_OK;
  });
}

int moat_engine_add_policy_file(moat_engine* engine, const char* path) {
  return guarded(__func__, [&]() -> int {
    if (engine == nullptr) return null_argument("engine");
    if (path == nullptr) return null_argument("path");
    absl::Status st = moat::bindings::add_policy_path(engine->engine, path);
    return st.ok() ? MOAT_OK : fail_status(st);
  });
}

int moat_engine_add_bundled(moat_engine* engine) {
  return guarded(__func__, [&]() -> int {
    if (engine == nullptr) return null_argument("engine");
    absl::Status st = engine->engine.add_bundled_library();
    return st.ok() ? MOAT_OK : fail_status(st);
  });
}

int moat_engine_compile(moat_engine* engine, moat_program** out) {
  if (out != nullptr) *out = nullptr;
  return guarded(__func__, [&]() -> int {
    if (engine == nullptr) return null_argument("engine");
    if (out == nullptr) return null_argument("out");
    moat::CompileResult compiled = engine->engine.compile();
    engine->diagnostics.clear();
    size_t errors = 0;
    std::string first_error;
    for (const moat::Diagnostic& d : compiled.diagnostics.items()) {
      DiagnosticCopy copy;
      copy.severity = d.severity == moat::Severity::kError     ? MOAT_SEVERITY_ERROR
                      : d.severity == moat::Severity::kWarning ? MOAT_SEVERITY_WARNING
                                                               : MOAT_SEVERITY_NOTE;
      copy.message = d.message;
      if (compiled.sources && d.range.file < compiled.sources->size()) {
        const moat::SourceFile& file = compiled.sources->file(d.range.file);
        moat::LineCol lc = file.line_col(d.range.begin);
        copy.file = file.name();
        copy.line = lc.line;
        copy.column = lc.column;
        copy.formatted = moat::format_diagnostic(*compiled.sources, d);
      } else {
        copy.formatted = "error: " + d.message + "\n";
      }
      if (copy.severity == MOAT_SEVERITY_ERROR && errors++ == 0) first_error = copy.formatted;
      engine->diagnostics.push_back(std::move(copy));
    }
    if (!compiled.ok()) {
      if (errors == 0) first_error = "no program was produced";
      return fail(MOAT_ERR_COMPILE, std::to_string(errors) + " policy error" + (errors == 1 ? "" : "s") +
                                        "; the first: " + first_error);
    }
    auto shared = moat::bindings::SharedProgram::create(compiled.program, engine->options);
    if (!shared.ok()) return fail_status(shared.status());
    *out = new moat_program{*std::move(shared)};
    return MOAT_OK;
  });
}

size_t moat_engine_diagnostic_count(const moat_engine* engine) {
  return engine == nullptr ? 0 : engine->diagnostics.size();
}

int moat_engine_diagnostic(const moat_engine* engine, size_t index, moat_diagnostic* out) {
  return guarded(__func__, [&]() -> int {
    if (engine == nullptr) return null_argument("engine");
    if (out == nullptr) return null_argument("out");
    if (index >= engine->diagnostics.size())
      return fail(MOAT_ERR_OUT_OF_RANGE, "diagnostic " + std::to_string(index) + " of " +
                                             std::to_string(engine->diagnostics.size()));
    const DiagnosticCopy& d = engine->diagnostics[index];
    *out = moat_diagnostic{d.severity, d.file.c_str(), d.line, d.column, d.message.c_str(), d.formatted.c_str()};
    return MOAT_OK;
  });
}

void moat_program_free(moat_program* program) { delete program; }

size_t moat_program_rule_count(const moat_program* program) {
  return program == nullptr ? 0 : program->program->program().rules.size();
}

}  // extern "C"

namespace {

int adopt_document(absl::StatusOr<moat::LoadedDocument> loaded, moat_document** out) {
  if (!loaded.ok()) return fail_status(loaded.status(), MOAT_ERR_PARSE);
  auto doc = std::make_unique<moat_document>();
  for (const moat::TemplateWarning& w : loaded->warnings) doc->warnings.push_back(w.describe());
  doc->loaded = *std::move(loaded);
  *out = doc.release();
  return MOAT_OK;
}

const char* format_or_auto(const char* input_format) { return input_format == nullptr ? "auto" : input_format; }

}  // namespace

extern "C" {

int moat_document_from_json(const char* text, size_t length, const char* name, moat_document** out) {
  if (out != nullptr) *out = nullptr;
  return guarded(__func__, [&]() -> int {
    if (text == nullptr) return null_argument("text");
    if (out == nullptr) return null_argument("out");
    auto doc = moat::Document::from_json(std::string(text_of(text, length)), name != nullptr ? name : "<json>");
    if (!doc.ok()) return adopt_document(doc.status(), out);
    moat::LoadedDocument loaded;
    loaded.document = *std::move(doc);
    loaded.format = "json";
    return adopt_document(std::move(loaded), out);
  });
}

int moat_document_load_file(const char* path, const char* input_format, moat_document** out) {
  if (out != nullptr) *out = nullptr;
  return guarded(__func__, [&]() -> int {
    if (path == nullptr) return null_argument("path");
    if (out == nullptr) return null_argument("out");
    return adopt_document(moat::bindings::load_input_file(path, format_or_auto(input_format)), out);
  });
}

int moat_document_load_text(const char* text, size_t length, const char* name, const char* input_format,
                            moat_document** out) {
  if (out != nullptr) *out = nullptr;
  return guarded(__func__, [&]() -> int {
    if (text == nullptr) return null_argument("text");
    if (out == nullptr) return null_argument("out");
    return adopt_document(moat::bindings::load_input_text(std::string(text_of(text, length)),
                                                          name != nullptr ? name : "<text>", format_or_auto(input_format)),
                          out);
  });
}

int moat_document_from_event(const char* text, size_t length, const char* name, moat_document** out) {
  if (out != nullptr) *out = nullptr;
  return guarded(__func__, [&]() -> int {
    if (text == nullptr) return null_argument("text");
    if (out == nullptr) return null_argument("out");
    return adopt_document(moat::bindings::load_input_text(std::string(text_of(text, length)),
                                                          name != nullptr ? name : "<event>", "event"),
                          out);
  });
}

void moat_document_free(moat_document* document) { delete document; }

const char* moat_document_format(const moat_document* document) {
  return document == nullptr ? "" : document->loaded.format.c_str();
}

size_t moat_document_warning_count(const moat_document* document) {
  return document == nullptr ? 0 : document->warnings.size();
}

const char* moat_document_warning(const moat_document* document, size_t index) {
  if (document == nullptr || index >= document->warnings.size()) return nullptr;
  return document->warnings[index].c_str();
}

int moat_evaluate(const moat_program* program, const moat_document* document, moat_result** out) {
  if (out != nullptr) *out = nullptr;
  return guarded(__func__, [&]() -> int {
    if (program == nullptr) return null_argument("program");
    if (document == nullptr) return null_argument("document");
    if (out == nullptr) return null_argument("out");
    auto result = std::make_unique<moat_result>();
    result->result = program->program->evaluate(*document->loaded.document);
    const bool stopped = !result->result.ok();
    std::string why = stopped ? result->result.errors.front() : std::string();
    *out = result.release();
    return stopped ? fail(MOAT_ERR_EVALUATION, why) : MOAT_OK;
  });
}

void moat_result_free(moat_result* result) { delete result; }

size_t moat_result_finding_count(const moat_result* result) {
  return result == nullptr ? 0 : result->result.findings.size();
}

int moat_result_finding(const moat_result* result, size_t index, moat_finding* out) {
  return guarded(__func__, [&]() -> int {
    if (result == nullptr) return null_argument("result");
    if (out == nullptr) return null_argument("out");
    const auto& findings = result->result.findings;
    if (index >= findings.size())
      return fail(MOAT_ERR_OUT_OF_RANGE, "finding " + std::to_string(index) + " of " + std::to_string(findings.size()));
    const moat::Finding& f = findings[index];
    *out = moat_finding{};
    out->rule_id = f.rule_id.c_str();
    out->title = f.title.c_str();
    out->severity = f.severity.c_str();
    out->category = f.category.c_str();
    out->message = f.message.c_str();
    out->subject = f.subject.c_str();
    out->path = f.path.c_str();
    out->file = f.location ? f.location->file.c_str() : "";
    out->line = f.location ? f.location->line : 0;
    out->column = f.location ? f.location->column : 0;
    out->outcome = f.outcome == moat::Outcome::kFail      ? MOAT_OUTCOME_FAIL
                   : f.outcome == moat::Outcome::kUnknown ? MOAT_OUTCOME_UNKNOWN
                                                          : MOAT_OUTCOME_ERROR;
    out->missing_path = f.missing_path.c_str();
    out->policy_location = f.policy_location.c_str();
    return MOAT_OK;
  });
}

size_t moat_result_unknown_count(const moat_result* result) {
  return result == nullptr ? 0 : result->result.unknown_count;
}

size_t moat_result_error_count(const moat_result* result) {
  return result == nullptr ? 0 : result->result.errors.size();
}

const char* moat_result_error(const moat_result* result, size_t index) {
  if (result == nullptr || index >= result->result.errors.size()) return nullptr;
  return result->result.errors[index].c_str();
}

const char* moat_result_json(moat_result* result) {
  if (result == nullptr) return nullptr;
  try {
    if (!result->json_built) {
      result->json = moat::bindings::result_to_json(result->result);
      result->json_built = true;
    }
    return result->json.c_str();
  } catch (...) {
    fail(MOAT_ERR_INTERNAL, "moat_result_json: out of memory");
    return nullptr;
  }
}

}  // extern "C"
