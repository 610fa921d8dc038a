/* The C API, from C (compiled as C11, not C++): every call, the error paths
 * (NULL arguments, bad input, policy errors, budgets) and one program
 * evaluated from several threads at once. Run by CTest with the repository
 * root as its first argument. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moat.h"

static int failures = 0;
static const char *root = ".";

#define CHECK(cond)                                                                   \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__, __LINE__, \
              #cond, moat_last_error());                                              \
      ++failures;                                                                     \
    }                                                                                 \
  } while (0)

#define CHECK_RC(call, expected)                                                                 \
  do {                                                                                           \
    int rc_ = (call);                                                                            \
    if (rc_ != (expected)) {                                                                     \
      fprintf(stderr, "%s:%d: %s returned %s, expected %s (last error: %s)\n", __FILE__, __LINE__, \
              #call, moat_status_name(rc_), moat_status_name(expected), moat_last_error());      \
      ++failures;                                                                                \
    }                                                                                            \
  } while (0)

static const char *kPolicy =
    "package ctest\n"
    "param max_timeout: int = 300 \"Longest acceptable timeout\"\n"
    "rule \"CT-1\" {\n"
    "  title: \"Long timeout\"\n"
    "  severity: medium\n"
    "  category: exhaustion\n"
    "  select f: \"aws.lambda.function\"\n"
    "  where (f.timeout ?? 3) > max_timeout\n"
    "  report \"function ${f.id} has a timeout of ${f.timeout}s\" at f.timeout\n"
    "}\n"
    "rule \"CT-2\" {\n"
    "  title: \"Expired document\"\n"
    "  severity: low\n"
    "  category: obsolete\n"
    "  where (input.expires ?? 9999999999) < now()\n"
    "  report \"expired\"\n"
    "}\n"
    "rule \"CT-3\" {\n"
    "  title: \"SQL in a query parameter\"\n"
    "  severity: high\n"
    "  category: injection\n"
    "  where any(x in input.fields ?? []: x.name == \"http.query\" and x.value == \"1 OR 1=1\")\n"
    "  report \"query parameter carries SQL\"\n"
    "}\n";

static const char *kDoc =
    "{\"resources\": {\n"
    "  \"slow\": {\"type\": \"aws.lambda.function\", \"id\": \"slow\", \"timeout\": 900},\n"
    "  \"fast\": {\"type\": \"aws.lambda.function\", \"id\": \"fast\", \"timeout\": 10}},\n"
    " \"expires\": 1700000000}\n";

static const char *kEvent =
    "{\"resource\": \"/items\", \"path\": \"/items\", \"httpMethod\": \"GET\",\n"
    " \"headers\": {\"Host\": \"example.com\"},\n"
    " \"queryStringParameters\": {\"id\": \"1 OR 1=1\"},\n"
    " \"requestContext\": {\"resourceId\": \"abc\", \"stage\": \"prod\", \"requestId\": \"r1\",\n"
    "   \"identity\": {\"sourceIp\": \"203.0.113.9\"}, \"httpMethod\": \"GET\", \"apiId\": \"a1\"},\n"
    " \"body\": null, \"isBase64Encoded\": false}\n";

static moat_program *compile_policy(const moat_engine_options *options) {
  moat_engine *engine = NULL;
  moat_program *program = NULL;
  CHECK_RC(moat_engine_create(options, &engine), MOAT_OK);
  CHECK_RC(moat_engine_add_policy_text(engine, "ctest.moat", kPolicy, MOAT_NUL_TERMINATED), MOAT_OK);
  CHECK_RC(moat_engine_compile(engine, &program), MOAT_OK);
  moat_engine_free(engine);
  return program;
}

static void test_basics(void) {
  CHECK(strcmp(moat_status_name(MOAT_OK), "ok") == 0);
  CHECK(strcmp(moat_status_name(MOAT_ERR_COMPILE), "compile_error") == 0);
  CHECK(strcmp(moat_status_name(12345), "unknown_code") == 0);
  CHECK(moat_version()[0] != '\0');
  int64_t seconds = 0;
  CHECK_RC(moat_parse_date("2026-11-29", &seconds), MOAT_OK);
  CHECK(seconds == 1795910400);
  CHECK_RC(moat_parse_date("2026-02-30", &seconds), MOAT_ERR_INVALID_ARGUMENT);
  CHECK(strstr(moat_last_error(), "invalid date") != NULL);
  CHECK_RC(moat_parse_date(NULL, &seconds), MOAT_ERR_INVALID_ARGUMENT);
}

static void test_null_arguments(void) {
  moat_engine *engine = (moat_engine *)&failures; /* must be reset to NULL */
  CHECK_RC(moat_engine_create(NULL, NULL), MOAT_ERR_INVALID_ARGUMENT);
  CHECK(strstr(moat_last_error(), "out is NULL") != NULL);
  CHECK_RC(moat_engine_add_policy_text(NULL, "x", "y", 1), MOAT_ERR_INVALID_ARGUMENT);
  CHECK_RC(moat_engine_add_policy_file(NULL, "x"), MOAT_ERR_INVALID_ARGUMENT);
  CHECK_RC(moat_engine_compile(NULL, NULL), MOAT_ERR_INVALID_ARGUMENT);
  CHECK_RC(moat_engine_diagnostic(NULL, 0, NULL), MOAT_ERR_INVALID_ARGUMENT);
  CHECK_RC(moat_document_from_json(NULL, 0, NULL, NULL), MOAT_ERR_INVALID_ARGUMENT);
  CHECK_RC(moat_document_load_file(NULL, NULL, NULL), MOAT_ERR_INVALID_ARGUMENT);
  CHECK_RC(moat_document_load_text(NULL, 0, NULL, NULL, NULL), MOAT_ERR_INVALID_ARGUMENT);
  CHECK_RC(moat_document_from_event(NULL, 0, NULL, NULL), MOAT_ERR_INVALID_ARGUMENT);
  CHECK_RC(moat_evaluate(NULL, NULL, NULL), MOAT_ERR_INVALID_ARGUMENT);
  CHECK_RC(moat_result_finding(NULL, 0, NULL), MOAT_ERR_INVALID_ARGUMENT);
  CHECK(moat_engine_diagnostic_count(NULL) == 0);
  CHECK(moat_program_rule_count(NULL) == 0);
  CHECK(moat_result_finding_count(NULL) == 0);
  CHECK(moat_result_unknown_count(NULL) == 0);
  CHECK(moat_result_error_count(NULL) == 0);
  CHECK(moat_result_error(NULL, 0) == NULL);
  CHECK(moat_result_json(NULL) == NULL);
  CHECK(moat_document_warning_count(NULL) == 0);
  CHECK(moat_document_warning(NULL, 0) == NULL);
  CHECK(strcmp(moat_document_format(NULL), "") == 0);
  moat_engine_options_init(NULL);
  moat_engine_free(NULL);
  moat_program_free(NULL);
  moat_document_free(NULL);
  moat_result_free(NULL);

  moat_engine_options options;
  memset(&options, 0, sizeof options); /* struct_size not set */
  CHECK_RC(moat_engine_create(&options, &engine), MOAT_ERR_INVALID_ARGUMENT);
  CHECK(engine == NULL);
  moat_engine_options_init(&options);
  options.param_count = 1; /* params NULL */
  CHECK_RC(moat_engine_create(&options, &engine), MOAT_ERR_INVALID_ARGUMENT);
}

static void test_compile_errors(void) {
  moat_engine *engine = NULL;
  moat_program *program = NULL;
  CHECK_RC(moat_engine_create(NULL, &engine), MOAT_OK);
  CHECK_RC(moat_engine_add_policy_text(engine, "bad.moat",
                                       "package bad\nrule \"B-1\" {\n  title: \"t\"\n  severity: high\n  category: flow\n"
                                       "  where undefined_name > 1\n  report \"x\"\n}\n",
                                       MOAT_NUL_TERMINATED),
           MOAT_OK);
  CHECK_RC(moat_engine_add_policy_text(engine, "bad2.moat", "rule \"B-2\" { title: \n", 20), MOAT_OK);
  CHECK_RC(moat_engine_compile(engine, &program), MOAT_ERR_COMPILE);
  CHECK(program == NULL);
  CHECK(strstr(moat_last_error(), "policy error") != NULL);
  size_t n = moat_engine_diagnostic_count(engine);
  CHECK(n >= 2);
  int saw_name = 0, saw_second_file = 0;
  for (size_t i = 0; i < n; ++i) {
    moat_diagnostic d;
    CHECK_RC(moat_engine_diagnostic(engine, i, &d), MOAT_OK);
    if (d.severity != MOAT_SEVERITY_ERROR) continue;
    if (strcmp(d.file, "bad.moat") == 0 && d.line == 6 && d.column == 9 && strstr(d.message, "undefined_name"))
      saw_name = 1;
    if (strcmp(d.file, "bad2.moat") == 0) saw_second_file = 1;
    CHECK(strstr(d.formatted, d.file) == d.formatted); /* "file:line:col: error: ..." */
  }
  CHECK(saw_name);
  CHECK(saw_second_file);
  moat_diagnostic d;
  CHECK_RC(moat_engine_diagnostic(engine, n, &d), MOAT_ERR_OUT_OF_RANGE);
  CHECK_RC(moat_engine_add_policy_file(engine, "/nonexistent/policy.moat"), MOAT_ERR_NOT_FOUND);
  moat_engine_free(engine);
}

static void test_parameters_and_date(void) {
  moat_param params[] = {{"max_timeout", "1000"}};
  moat_engine_options options;
  moat_engine_options_init(&options);
  options.params = params;
  options.param_count = 1;
  CHECK_RC(moat_parse_date("2026-11-29", &options.now), MOAT_OK);
  moat_program *program = compile_policy(&options);
  CHECK(program != NULL);
  CHECK(moat_program_rule_count(program) == 3);
  moat_document *doc = NULL;
  CHECK_RC(moat_document_from_json(kDoc, strlen(kDoc), "doc.json", &doc), MOAT_OK);
  CHECK(strcmp(moat_document_format(doc), "json") == 0);
  moat_result *result = NULL;
  CHECK_RC(moat_evaluate(program, doc, &result), MOAT_OK);
  /* max_timeout=1000: no CT-1; now=2026-11-29 is after expires: CT-2. */
  CHECK(moat_result_finding_count(result) == 1);
  moat_finding f;
  CHECK_RC(moat_result_finding(result, 0, &f), MOAT_OK);
  CHECK(strcmp(f.rule_id, "CT-2") == 0);
  CHECK(strcmp(f.category, "obsolete") == 0);
  moat_result_free(result);
  moat_document_free(doc);
  moat_program_free(program);

  /* A parameter the program does not declare fails at compile time. */
  moat_param unknown[] = {{"max_timeot", "1"}};
  options.params = unknown;
  moat_engine *engine = NULL;
  CHECK_RC(moat_engine_create(&options, &engine), MOAT_OK);
  CHECK_RC(moat_engine_add_policy_text(engine, NULL, kPolicy, MOAT_NUL_TERMINATED), MOAT_OK);
  moat_program *none = NULL;
  CHECK_RC(moat_engine_compile(engine, &none), MOAT_ERR_INVALID_ARGUMENT);
  CHECK(strstr(moat_last_error(), "did you mean 'max_timeout'") != NULL);
  CHECK(none == NULL);
  moat_engine_free(engine);
}

static void test_findings_and_json(void) {
  moat_program *program = compile_policy(NULL);
  moat_document *doc = NULL;
  CHECK_RC(moat_document_from_json(kDoc, MOAT_NUL_TERMINATED, "doc.json", &doc), MOAT_OK);
  moat_result *result = NULL;
  CHECK_RC(moat_evaluate(program, doc, &result), MOAT_OK);
  /* now defaults to the epoch: CT-2 does not fire; CT-1 fires for "slow". */
  CHECK(moat_result_finding_count(result) == 1);
  CHECK(moat_result_error_count(result) == 0);
  CHECK(moat_result_unknown_count(result) == 0);
  moat_finding f;
  CHECK_RC(moat_result_finding(result, 0, &f), MOAT_OK);
  CHECK(strcmp(f.rule_id, "CT-1") == 0);
  CHECK(strcmp(f.title, "Long timeout") == 0);
  CHECK(strcmp(f.severity, "medium") == 0);
  CHECK(strcmp(f.subject, "slow") == 0);
  CHECK(strcmp(f.message, "function slow has a timeout of 900s") == 0);
  CHECK(strcmp(f.path, "/resources/slow/timeout") == 0);
  CHECK(strcmp(f.file, "doc.json") == 0 && f.line == 2 && f.column > 1);
  CHECK(f.outcome == MOAT_OUTCOME_FAIL);
  CHECK(strncmp(f.policy_location, "ctest.moat:", 11) == 0);
  CHECK_RC(moat_result_finding(result, 1, &f), MOAT_ERR_OUT_OF_RANGE);
  const char *json = moat_result_json(result);
  CHECK(json != NULL && strncmp(json, "{\"findings\":[{\"rule_id\":\"CT-1\"", 30) == 0);
  CHECK(json == moat_result_json(result)); /* built once */
  moat_result_free(result);

  /* Malformed JSON: a parse error with file:line:col. */
  moat_document *bad = NULL;
  CHECK_RC(moat_document_from_json("{\n  \"a\": }", MOAT_NUL_TERMINATED, "bad.json", &bad), MOAT_ERR_PARSE);
  CHECK(bad == NULL);
  CHECK(strncmp(moat_last_error(), "bad.json:2:", 11) == 0);

  /* Budgets: an instruction budget of 1 stops the evaluation; the result
   * still comes back and says why. */
  moat_engine_options options;
  moat_engine_options_init(&options);
  options.max_instructions = 1;
  moat_program *tight = compile_policy(&options);
  CHECK_RC(moat_evaluate(tight, doc, &result), MOAT_ERR_EVALUATION);
  CHECK(result != NULL);
  CHECK(moat_result_error_count(result) == 1);
  CHECK(moat_result_error(result, 0) != NULL && strstr(moat_result_error(result, 0), "instruction") != NULL);
  CHECK(moat_result_error(result, 1) == NULL);
  moat_result_free(result);
  moat_program_free(tight);
  moat_document_free(doc);
  moat_program_free(program);
}

static void test_documents(void) {
  moat_program *program = compile_policy(NULL);
  char path[4096];
  /* Every supported file format through one call. */
  const char *files[][2] = {{"tests/fixtures/cloudformation/lambda_api.yaml", "cloudformation"},
                            {"tests/fixtures/cloudformation/api_iam.json", "cloudformation"},
                            {"tests/fixtures/serverless/serverless.yml", "serverless"},
                            {"tests/fixtures/terraform/lambda_app.json", "terraform-plan"}};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; ++i) {
    snprintf(path, sizeof path, "%s/%s", root, files[i][0]);
    moat_document *doc = NULL;
    CHECK_RC(moat_document_load_file(path, NULL, &doc), MOAT_OK);
    if (doc == NULL) continue;
    if (strcmp(moat_document_format(doc), files[i][1]) != 0 &&
        !(strcmp(files[i][1], "cloudformation") == 0 && strcmp(moat_document_format(doc), "sam") == 0)) {
      fprintf(stderr, "%s loaded as %s\n", path, moat_document_format(doc));
      ++failures;
    }
    for (size_t w = 0; w < moat_document_warning_count(doc); ++w) CHECK(moat_document_warning(doc, w) != NULL);
    CHECK(moat_document_warning(doc, moat_document_warning_count(doc)) == NULL);
    moat_result *result = NULL;
    CHECK_RC(moat_evaluate(program, doc, &result), MOAT_OK);
    moat_result_free(result);
    moat_document_free(doc);
  }
  /* lambda_api.yaml's Worker has Timeout: 900; its finding points into the YAML. */
  snprintf(path, sizeof path, "%s/tests/fixtures/cloudformation/lambda_api.yaml", root);
  moat_document *doc = NULL;
  CHECK_RC(moat_document_load_file(path, "cloudformation", &doc), MOAT_OK);
  moat_result *result = NULL;
  CHECK_RC(moat_evaluate(program, doc, &result), MOAT_OK);
  int saw_worker = 0;
  for (size_t i = 0; i < moat_result_finding_count(result); ++i) {
    moat_finding f;
    CHECK_RC(moat_result_finding(result, i, &f), MOAT_OK);
    if (strcmp(f.subject, "Worker") == 0 && strstr(f.file, "lambda_api.yaml") && f.line > 0) saw_worker = 1;
  }
  CHECK(saw_worker);
  moat_result_free(result);
  moat_document_free(doc);

  CHECK_RC(moat_document_load_file(path, "no-such-format", &doc), MOAT_ERR_PARSE);
  CHECK(strstr(moat_last_error(), "unknown input format") != NULL);
  CHECK_RC(moat_document_load_file("/nonexistent.yaml", NULL, &doc), MOAT_ERR_NOT_FOUND);

  /* Text of any format: YAML data, and an event recognized automatically. */
  CHECK_RC(moat_document_load_text("resources:\n  f:\n    type: aws.lambda.function\n    timeout: 901\n",
                                   MOAT_NUL_TERMINATED, "inline.yaml", NULL, &doc),
           MOAT_OK);
  CHECK(strcmp(moat_document_format(doc), "yaml") == 0);
  CHECK_RC(moat_evaluate(program, doc, &result), MOAT_OK);
  CHECK(moat_result_finding_count(result) == 1);
  moat_result_free(result);
  moat_document_free(doc);

  CHECK_RC(moat_document_load_text(kEvent, strlen(kEvent), "event.json", NULL, &doc), MOAT_OK);
  CHECK(strcmp(moat_document_format(doc), "event") == 0);
  moat_document_free(doc);

  CHECK_RC(moat_document_from_event(kEvent, MOAT_NUL_TERMINATED, "event.json", &doc), MOAT_OK);
  CHECK(strcmp(moat_document_format(doc), "event") == 0);
  CHECK_RC(moat_evaluate(program, doc, &result), MOAT_OK);
  moat_finding f;
  CHECK(moat_result_finding_count(result) == 1);
  CHECK_RC(moat_result_finding(result, 0, &f), MOAT_OK);
  CHECK(strcmp(f.rule_id, "CT-3") == 0);
  moat_result_free(result);
  moat_document_free(doc);
  moat_program_free(program);
}

static void test_bundled(void) {
  CHECK_RC(moat_engine_add_bundled(NULL), MOAT_ERR_INVALID_ARGUMENT);
  moat_engine *engine = NULL;
  moat_program *program = NULL;
  CHECK_RC(moat_engine_create(NULL, &engine), MOAT_OK);
  CHECK_RC(moat_engine_add_bundled(engine), MOAT_OK);
  CHECK_RC(moat_engine_add_policy_text(engine, "ctest.moat", kPolicy, MOAT_NUL_TERMINATED), MOAT_OK);
  CHECK_RC(moat_engine_compile(engine, &program), MOAT_OK);
  CHECK(moat_program_rule_count(program) > 10);
  char path[4096];
  snprintf(path, sizeof path, "%s/tests/fixtures/cloudformation/lambda_api.yaml", root);
  moat_document *doc = NULL;
  CHECK_RC(moat_document_load_file(path, NULL, &doc), MOAT_OK);
  moat_result *result = NULL;
  CHECK_RC(moat_evaluate(program, doc, &result), MOAT_OK);
  int saw_library_rule = 0;
  for (size_t i = 0; i < moat_result_finding_count(result); ++i) {
    moat_finding f;
    CHECK_RC(moat_result_finding(result, i, &f), MOAT_OK);
    if (strncmp(f.rule_id, "MOAT-", 5) == 0 && strncmp(f.policy_location, "stdlib:", 7) == 0) saw_library_rule = 1;
  }
  CHECK(saw_library_rule);
  moat_result_free(result);
  moat_document_free(doc);
  moat_program_free(program);
  moat_engine_free(engine);
}

/* ---- One program, several threads ------------------------------------- */

enum { kThreads = 4, kRounds = 300 };

typedef struct {
  const moat_program *program;
  const moat_document *doc;
  size_t expected;
  int mismatches;
} worker_args;

static void *worker(void *p) {
  worker_args *a = (worker_args *)p;
  for (int i = 0; i < kRounds; ++i) {
    moat_result *result = NULL;
    if (moat_evaluate(a->program, a->doc, &result) != MOAT_OK || moat_result_finding_count(result) != a->expected)
      ++a->mismatches;
    moat_finding f;
    if (moat_result_finding(result, 0, &f) != MOAT_OK || strcmp(f.subject, "slow") != 0) ++a->mismatches;
    moat_result_free(result);
  }
  return NULL;
}

static void test_threads(void) {
  moat_program *program = compile_policy(NULL);
  moat_document *doc = NULL;
  CHECK_RC(moat_document_from_json(kDoc, MOAT_NUL_TERMINATED, "doc.json", &doc), MOAT_OK);
  moat_result *single = NULL;
  CHECK_RC(moat_evaluate(program, doc, &single), MOAT_OK);
  worker_args args[kThreads];
  pthread_t threads[kThreads];
  for (int t = 0; t < kThreads; ++t) {
    args[t] = (worker_args){program, doc, moat_result_finding_count(single), 0};
    CHECK(pthread_create(&threads[t], NULL, worker, &args[t]) == 0);
  }
  for (int t = 0; t < kThreads; ++t) {
    CHECK(pthread_join(threads[t], NULL) == 0);
    CHECK(args[t].mismatches == 0);
  }
  moat_result_free(single);
  moat_document_free(doc);
  moat_program_free(program);
}

int main(int argc, char **argv) {
  if (argc > 1) root = argv[1];
  test_basics();
  test_null_arguments();
  test_compile_errors();
  test_parameters_and_date();
  test_findings_and_json();
  test_documents();
  test_bundled();
  test_threads();
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("C API: all checks passed\n");
  return 0;
}
