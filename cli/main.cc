// moat: check, evaluate, test and inspect Moat policies.
#include <cstring>
#include <iostream>

#include "common.h"

namespace {

const char* kUsage = R"(usage: moat <command> [options]

commands:
  check FILES...            compile policies and print every diagnostic
      --schema FILE           warn about fields the document schema does not define
  eval --policy P... --input DOC [--param NAME=VALUE]... [--format text|json]
                            evaluate policies over a document (JSON, YAML, a template, an event)
      --input-format F        auto (default), json, yaml, cloudformation, serverless, terraform-plan or event
      --now DATE              evaluation date (YYYY-MM-DD); default: today
      --report-unknown        also report rules that could not decide (missing data)
      --max-instructions N  --max-memory BYTES  --max-wall-ms N   budgets
  test [PATHS...]           run policy tests (*.test.json files)
  inspect FILES... [--input-format auto|json|yaml|cloudformation|serverless|terraform-plan|event] [--graph]
                            print the normalized document (JSON), or its graph (Graphviz DOT)
  scan PATHS... [--format text|json|sarif|junit] [--output FILE] [--fail-on SEVERITY]
                            find every template under PATHS and evaluate the bundled library
      --policy P              also evaluate these policy files/folders (--no-bundled: only these)
      --select/--skip X       rule id, id prefix (MOAT-PRIV-*), category or tag; comma lists allowed
      --param NAME=VALUE      policy parameter (NAME=@FILE reads JSON, e.g. lambda_runtimes=@table.json)
      --baseline FILE         suppress the findings recorded by --write-baseline FILE
      --show-unknown          list rules that could not decide (values known only at deploy time)
      --fail-on S             exit 1 on a finding at or above S (default low; none = never)
      --errors-ok             a file that cannot be scanned does not make the exit code 2
      --file-time-limit-ms N  evaluation time limit per file (default 30000)
  scan-event [EVENT.json...|-] [--format text|json|sarif|junit] [--fail-on S] [--select/--skip X] [--stats]
                            detect injection in Lambda event payloads with the bundled event rules
                            (no file or -: JSON lines on stdin, one event per line)
  rules [--format text|json|markdown] [--policy P]... [--no-bundled]
                            list the rules (markdown: the rule catalog, docs/rules.md)
  disasm FILES...           print the bytecode with source lines
  builtins [--format text|json|markdown]
                            list the builtin functions and their signatures
  version                   print the version

limits on input documents (eval, inspect, scan, scan-event; each error names its flag):
  --max-input-bytes N       file size (default 32 MiB; eval 512 MiB; scan also --max-file-bytes)
  --max-depth N             JSON/YAML nesting depth (default 512)
  --max-nodes N             values in one document (default 50,000,000)
  --max-alias-expansion N   nodes produced through YAML aliases (default 1,000,000)
  --max-string-bytes N      longest string or key (default 64 MiB)
  --max-load-ms N           wall time to load one template, 0 = none (default 30000)

exit codes: 0 clean, 1 findings / errors in policies / failed tests, 2 the run failed
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::cout << kUsage;
    return argc < 2 ? moat::cli::kExitError : 0;
  }
  std::string cmd = argv[1];
  try {
    if (cmd == "check") return moat::cli::cmd_check(argc, argv);
    if (cmd == "eval") return moat::cli::cmd_eval(argc, argv);
    if (cmd == "test") return moat::cli::cmd_test(argc, argv);
    if (cmd == "disasm") return moat::cli::cmd_disasm(argc, argv);
    if (cmd == "builtins") return moat::cli::cmd_builtins(argc, argv);
    if (cmd == "inspect") return moat::cli::cmd_inspect(argc, argv);
    if (cmd == "scan") return moat::cli::cmd_scan(argc, argv);
    if (cmd == "rules") return moat::cli::cmd_rules(argc, argv);
    if (cmd == "scan-event") return moat::cli::cmd_scan_event(argc, argv);
    if (cmd == "version" || cmd == "--version") {
      std::cout << "moat " << moat::version() << "\n";
      return 0;
    }
  } catch (const std::exception& e) {
    // Every known failure is reported where it happens; this is the last
    // line of defence, and it still says what went wrong.
    std::cerr << "moat: internal error: " << e.what() << "\n";
    return moat::cli::kExitError;
  }
  std::cerr << "moat: unknown command '" << cmd << "'\n" << kUsage;
  return moat::cli::kExitError;
}
