/* Moat C API: compile policies, load documents, evaluate, read findings.
 *
 *   moat_engine *engine;
 *   moat_engine_options options;
 *   moat_engine_options_init(&options);
 *   options.now = 1795910400;                        // evaluation date (Unix seconds)
 *   moat_engine_create(&options, &engine);
 *   moat_engine_add_policy_file(engine, "policies/lambda.moat");
 *   moat_program *program;
 *   if (moat_engine_compile(engine, &program) != MOAT_OK) { ...moat_engine_diagnostic()... }
 *   moat_document *doc;
 *   moat_document_load_file("template.yaml", NULL, &doc);
 *   moat_result *result;
 *   int rc = moat_evaluate(program, doc, &result);
 *   for (size_t i = 0; i < moat_result_finding_count(result); ++i) { moat_finding f; ... }
 *   moat_result_free(result); moat_document_free(doc); moat_program_free(program);
 *   moat_engine_free(engine);
 *
 * RESULT CODES. Every call that can fail returns an int: MOAT_OK (0) or one of
 * the MOAT_ERR_* codes below. After a failure, moat_last_error() gives a
 * message for it. No C++ exception ever leaves this library; a null pointer
 * where an object is required is MOAT_ERR_INVALID_ARGUMENT, never a crash.
 *
 * OWNERSHIP. Every handle a moat_*_create/load/compile/evaluate call returns
 * through an out-parameter belongs to the caller, who releases it with the
 * matching moat_*_free (each free accepts NULL). Handles are independent: a
 * program stays valid after its engine is freed, a result after its program
 * and document are freed. A `const char *` returned by an accessor is owned
 * by the handle it came from and stays valid until that handle is freed (for
 * an engine's diagnostics: until its next compile or its free). Strings are
 * UTF-8 and NUL-terminated. Input strings are copied; the caller may free
 * them as soon as the call returns. On failure, out-parameters are set to
 * NULL unless a function says otherwise. Accessors that cannot fail return
 * 0 (counts) or NULL (strings; moat_document_format gives "") for a NULL
 * handle or an index past the end.
 *
 * THREADS. A moat_program is immutable: any number of threads may call
 * moat_evaluate() on the same program at the same time (each call runs its
 * own evaluation; finished evaluators are reused). A moat_document is
 * immutable after loading and may be evaluated from several threads at once.
 * A moat_engine and a moat_result may be used by one thread at a time (they
 * may move between threads). moat_last_error() is per thread.
 */
#ifndef MOAT_C_API_H
#define MOAT_C_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define MOAT_API __attribute__((visibility("default")))
#else
#define MOAT_API
#endif

/* ---- Result codes ------------------------------------------------------ */

enum {
  MOAT_OK = 0,
  MOAT_ERR_INVALID_ARGUMENT = 1, /* a null or malformed argument, an unknown parameter */
  MOAT_ERR_NOT_FOUND = 2,        /* a file that cannot be opened */
  MOAT_ERR_PARSE = 3,            /* a malformed document (message: file:line:col) */
  MOAT_ERR_COMPILE = 4,          /* policy errors: see moat_engine_diagnostic() */
  MOAT_ERR_EVALUATION = 5,       /* evaluation stopped (a budget): the result lists why */
  MOAT_ERR_LIMIT = 6,            /* an input larger than a limit */
  MOAT_ERR_OUT_OF_RANGE = 7,     /* an index past the end */
  MOAT_ERR_INTERNAL = 8          /* a bug or out of memory */
};

/* Message of the most recent failed call on this thread ("" when none yet).
 * Owned by the library; valid until the next failing call on this thread. */
MOAT_API const char *moat_last_error(void);
/* "ok", "invalid_argument", ... for a result code; never NULL. Static storage. */
MOAT_API const char *moat_status_name(int code);
/* The library version, e.g. "0.1.0". Static storage. */
MOAT_API const char *moat_version(void);

/* As a text length: the text is NUL-terminated. */
#define MOAT_NUL_TERMINATED ((size_t)-1)

/* ---- Handles (opaque, distinct types) ---------------------------------- */

typedef struct moat_engine moat_engine;     /* policy sources and options */
typedef struct moat_program moat_program;   /* a compiled, immutable policy set */
typedef struct moat_document moat_document; /* a loaded, immutable input document */
typedef struct moat_result moat_result;     /* the findings of one evaluation */

/* ---- Engine ------------------------------------------------------------ */

typedef struct moat_param {
  const char *name;  /* "max_timeout" or "package.max_timeout" */
  const char *value; /* JSON text ("600", "[\"a\"]"); a bare word is a string */
} moat_param;

/* Evaluation options used by every program the engine compiles. Initialize
 * with moat_engine_options_init() and change what you need. */
typedef struct moat_engine_options {
  size_t struct_size;         /* set by moat_engine_options_init; keeps the ABI extensible */
  int64_t now;                /* evaluation date, Unix seconds UTC (0 = the epoch); see moat_parse_date */
  uint64_t max_instructions;  /* per document */
  uint64_t max_memory_bytes;  /* values built while evaluating one rule on one resource */
  uint32_t max_call_depth;    /* nested user-function calls */
  uint64_t max_wall_ms;       /* per document; 0 = no limit */
  int report_unknown;         /* nonzero: UNKNOWN outcomes are findings too */
  const moat_param *params;   /* parameter overrides (copied), or NULL */
  size_t param_count;
} moat_engine_options;

/* Fills the defaults (the CLI's). */
MOAT_API void moat_engine_options_init(moat_engine_options *options);
/* "2026-11-29" or "2026-11-29T10:00:00Z" -> Unix seconds. */
MOAT_API int moat_parse_date(const char *text, int64_t *out_seconds);

/* options may be NULL (defaults). *out is owned by the caller: moat_engine_free. */
MOAT_API int moat_engine_create(const moat_engine_options *options, moat_engine **out);
MOAT_API void moat_engine_free(moat_engine *engine);

/* Adds policy text; `name` (used in diagnostics and policy locations) may
 * be NULL ("<policy>"). `text` is `length` bytes, or NUL-terminated when
 * length is MOAT_NUL_TERMINATED. */
MOAT_API int moat_engine_add_policy_text(moat_engine *engine, const char *name, const char *text, size_t length);
/* Adds a policy file, or every *.moat file under a directory with its data
 * files (data/NAME.json, read by policies as moat.data.NAME), sorted. The
 * files are read now. */
MOAT_API int moat_engine_add_policy_file(moat_engine *engine, const char *path);
/* Adds Moat's bundled rule library (compiled into the library; its files are
 * named "stdlib:<category>/<file>.moat" in diagnostics). */
MOAT_API int moat_engine_add_bundled(moat_engine *engine);

/* Compiles every source added so far. On success *out is a program owned by
 * the caller (moat_program_free). With policy errors the result is
 * MOAT_ERR_COMPILE, *out is NULL, and the diagnostics say why. A parameter
 * override that fits no parameter is MOAT_ERR_INVALID_ARGUMENT. */
MOAT_API int moat_engine_compile(moat_engine *engine, moat_program **out);

typedef enum moat_severity { MOAT_SEVERITY_ERROR = 0, MOAT_SEVERITY_WARNING = 1, MOAT_SEVERITY_NOTE = 2 } moat_severity;

/* One diagnostic of the last compile. Strings are owned by the engine. */
typedef struct moat_diagnostic {
  moat_severity severity;
  const char *file;      /* policy file or source name */
  uint32_t line, column; /* 1-based; 0 when the diagnostic has no position */
  const char *message;
  const char *formatted; /* "file:line:col: error: message" + source line and caret */
} moat_diagnostic;

/* Errors and warnings of the last moat_engine_compile (sorted by position). */
MOAT_API size_t moat_engine_diagnostic_count(const moat_engine *engine);
MOAT_API int moat_engine_diagnostic(const moat_engine *engine, size_t index, moat_diagnostic *out);

MOAT_API void moat_program_free(moat_program *program);
MOAT_API size_t moat_program_rule_count(const moat_program *program);

/* ---- Documents --------------------------------------------------------- */

/* JSON text as a document, unchanged (rules read it through `input`, or
 * `select` when it follows the normalized model). `name` may be NULL
 * ("<json>"); length as for moat_engine_add_policy_text. */
MOAT_API int moat_document_from_json(const char *text, size_t length, const char *name, moat_document **out);
/* A file of any supported input format, normalized: `input_format` is NULL
 * or "auto" (detected as `moat eval` does: CloudFormation/SAM, serverless.yml,
 * Terraform plan JSON, a Lambda event, else JSON or YAML data), or one of
 * "json", "yaml", "cloudformation", "serverless", "terraform-plan", "event". */
MOAT_API int moat_document_load_file(const char *path, const char *input_format, moat_document **out);
/* Text of any supported input format; `name` names it in locations. */
MOAT_API int moat_document_load_text(const char *text, size_t length, const char *name, const char *input_format,
                                     moat_document **out);
/* A Lambda event payload (JSON text) as an event document. */
MOAT_API int moat_document_from_event(const char *text, size_t length, const char *name, moat_document **out);
MOAT_API void moat_document_free(moat_document *document);

/* What the document was loaded as: "json", "yaml", "cloudformation", "sam",
 * "serverless", "terraform-plan", "event". Owned by the document. */
MOAT_API const char *moat_document_format(const moat_document *document);
/* Loader warnings ("file:line:col: message"): parts of the input skipped or
 * not understood. Owned by the document. */
MOAT_API size_t moat_document_warning_count(const moat_document *document);
MOAT_API const char *moat_document_warning(const moat_document *document, size_t index);

/* ---- Evaluation -------------------------------------------------------- */

/* Evaluates every rule of the program over the document. Thread-safe (see
 * THREADS). *out is a result owned by the caller (moat_result_free) when the
 * return is MOAT_OK, and also when it is MOAT_ERR_EVALUATION: the evaluation
 * stopped (a budget ran out) and moat_result_error() says why; its findings
 * are then incomplete. */
MOAT_API int moat_evaluate(const moat_program *program, const moat_document *document, moat_result **out);
MOAT_API void moat_result_free(moat_result *result);

typedef enum moat_outcome { MOAT_OUTCOME_FAIL = 0, MOAT_OUTCOME_UNKNOWN = 1, MOAT_OUTCOME_ERROR = 2 } moat_outcome;

/* One finding. Strings are owned by the result; none is NULL ("" when empty). */
typedef struct moat_finding {
  const char *rule_id;
  const char *title;
  const char *severity; /* "critical", "high", "medium", "low", "info" */
  const char *category;
  const char *message;
  const char *subject;        /* the resource id, or "" for document rules */
  const char *path;           /* JSON pointer inside the document */
  const char *file;           /* location in the input file; "" when unknown */
  uint32_t line, column;      /* 1-based; 0 when unknown */
  moat_outcome outcome;       /* FAIL, or UNKNOWN/ERROR (see docs/language.md) */
  const char *missing_path;   /* UNKNOWN: where the data went missing */
  const char *policy_location; /* file:line:col of the policy code that decided */
} moat_finding;

/* Findings are sorted by rule id, subject, path. */
MOAT_API size_t moat_result_finding_count(const moat_result *result);
MOAT_API int moat_result_finding(const moat_result *result, size_t index, moat_finding *out);
/* UNKNOWN outcomes, reported as findings or not. */
MOAT_API size_t moat_result_unknown_count(const moat_result *result);
/* Why the evaluation stopped (non-empty only after MOAT_ERR_EVALUATION). */
MOAT_API size_t moat_result_error_count(const moat_result *result);
MOAT_API const char *moat_result_error(const moat_result *result, size_t index);
/* {"findings":[...],"unknown_count":N,"errors":[...]}: the same JSON as
 * `moat eval --format json`. Owned by the result; built on first call. */
MOAT_API const char *moat_result_json(moat_result *result);

#ifdef __cplusplus
}
#endif

#endif /* MOAT_C_API_H */
