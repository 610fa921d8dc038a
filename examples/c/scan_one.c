/* scan_one: evaluate policies over input files with the Moat C API.
 *
 *   scan_one POLICY_PATH INPUT...
 *
 * POLICY_PATH is a .moat file or a directory of them; each INPUT is any
 * format Moat loads (CloudFormation/SAM, serverless.yml, Terraform plan JSON,
 * a Lambda event, JSON, YAML). Prints one line per finding; exits 0 when
 * clean, 1 with findings or policy errors, 2 when a run fails.
 *
 * Build against an installed libmoat:
 *   cc scan_one.c $(pkg-config --cflags --libs moat) -o scan_one
 */
#include <stdio.h>

#include <moat.h>

static int print_findings(const moat_result *result) {
  size_t n = moat_result_finding_count(result);
  for (size_t i = 0; i < n; ++i) {
    moat_finding f;
    if (moat_result_finding(result, i, &f) != MOAT_OK) return -1;
    printf("%s:%u:%u: %s [%s/%s] %s\n", f.file[0] ? f.file : "?", f.line, f.column, f.rule_id, f.severity,
           f.category, f.message);
  }
  return (int)n;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s POLICY_PATH INPUT...\n", argv[0]);
    return 2;
  }
  moat_engine *engine = NULL;
  moat_program *program = NULL;
  int exit_code = 0;

  if (moat_engine_create(NULL, &engine) != MOAT_OK || moat_engine_add_policy_file(engine, argv[1]) != MOAT_OK) {
    fprintf(stderr, "scan_one: %s\n", moat_last_error());
    moat_engine_free(engine);
    return 2;
  }
  int rc = moat_engine_compile(engine, &program);
  /* Every diagnostic, warnings too, already formatted with file:line:col. */
  for (size_t i = 0; i < moat_engine_diagnostic_count(engine); ++i) {
    moat_diagnostic d;
    if (moat_engine_diagnostic(engine, i, &d) == MOAT_OK) fputs(d.formatted, stderr);
  }
  moat_engine_free(engine); /* the program does not need the engine */
  if (rc != MOAT_OK) {
    fprintf(stderr, "scan_one: %s\n", moat_last_error());
    return rc == MOAT_ERR_COMPILE ? 1 : 2;
  }

  for (int i = 2; i < argc; ++i) {
    moat_document *doc = NULL;
    if (moat_document_load_file(argv[i], NULL, &doc) != MOAT_OK) {
      fprintf(stderr, "scan_one: %s\n", moat_last_error());
      exit_code = 2;
      continue;
    }
    for (size_t w = 0; w < moat_document_warning_count(doc); ++w)
      fprintf(stderr, "warning: %s\n", moat_document_warning(doc, w));
    moat_result *result = NULL;
    rc = moat_evaluate(program, doc, &result);
    int found = result ? print_findings(result) : 0;
    if (rc != MOAT_OK) {
      fprintf(stderr, "scan_one: %s: %s\n", argv[i], moat_last_error());
      exit_code = 2;
    } else if (found > 0 && exit_code == 0) {
      exit_code = 1;
    }
    moat_result_free(result); /* NULL is fine */
    moat_document_free(doc);
  }
  moat_program_free(program);
  return exit_code;
}
