#!/usr/bin/env python3
"""Audit a directory of infrastructure templates: Moat's bundled rule library plus
one organisation rule, written to a CSV or Markdown report.

    PYTHONPATH=build/python python3 examples/python/audit.py infra/ --output audit.md
    python3 examples/python/audit.py infra/ --format csv --output audit.csv --min-severity high

Every CloudFormation/SAM template, serverless.yml and Terraform plan (JSON) under
the directory is evaluated; other files are skipped, and a file that cannot be
loaded is listed as an error, never as clean. Exit status: 0 no findings at or
above --min-severity, 1 findings, 2 a file could not be audited.
"""

import argparse
import concurrent.futures
import csv
import datetime
import os
import sys

import moat

# The organisation's own rule, next to the bundled library: functions must run
# on a runtime the platform team supports.
ORG_POLICY = r'''
package acme

param approved_runtimes: list = ["python3.12", "python3.13", "nodejs20.x", "nodejs22.x"] "Runtimes the platform team supports"

rule "ACME-001" {
  title: "Function runtime not approved by the platform team"
  severity: medium
  category: obsolete
  select f: "aws.lambda.function"
  where is_string(f.runtime) and not (f.runtime in approved_runtimes)
  report "function ${f.id} runs ${f.runtime}, not an approved runtime" at f.runtime
}
'''

TEMPLATE_FORMATS = {"cloudformation", "sam", "serverless", "terraform-plan"}
TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")
SEVERITIES = ["info", "low", "medium", "high", "critical"]


def find_templates(root):
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(TEMPLATE_SUFFIXES):
                yield os.path.join(folder, name)


def audit_file(program, path):
    """(rows, error) for one file; rows is None when the file is not a template."""
    try:
        doc = moat.load(path)
    except (moat.DocumentError, OSError) as e:
        return [], str(e)
    if doc.format not in TEMPLATE_FORMATS:
        return None, None
    try:
        result = program.evaluate(doc)  # releases the GIL: files are evaluated in parallel
    except moat.EvaluationError as e:
        return [], f"{path}: {e}"
    return [dict(f.to_dict(), format=doc.format) for f in result], None


def write_csv(rows, out):
    columns = ["severity", "rule_id", "title", "file", "line", "subject", "message", "format"]
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        loc = r["location"] or {}
        writer.writerow(dict(r, file=loc.get("file", ""), line=loc.get("line", "")))


def write_markdown(rows, errors, audited, out, now):
    out.write(f"# Serverless security audit ({now})\n\n")
    out.write(f"{audited} templates audited, {len(rows)} findings, {len(errors)} files with errors.\n\n")
    counts = {s: sum(1 for r in rows if r["severity"] == s) for s in reversed(SEVERITIES)}
    out.write("| severity | findings |\n|---|---|\n")
    for s, n in counts.items():
        out.write(f"| {s} | {n} |\n")
    out.write("\n## Findings\n\n| severity | rule | location | subject | message |\n|---|---|---|---|---|\n")
    for r in rows:
        loc = r["location"]
        where = f"{loc['file']}:{loc['line']}" if loc else ""
        message = r["message"].replace("|", "\\|")
        out.write(f"| {r['severity']} | {r['rule_id']} | `{where}` | {r['subject']} | {message} |\n")
    if errors:
        out.write("\n## Files that could not be audited\n\n")
        for e in errors:
            out.write(f"- {e}\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--format", choices=["markdown", "csv"], default=None,
                        help="default: from the --output suffix (.csv or .md), else markdown")
    parser.add_argument("--output", "-o", help="report file (default: standard output)")
    parser.add_argument("--min-severity", choices=SEVERITIES, default="low")
    parser.add_argument("--now", default=datetime.date.today().isoformat(), help="evaluation date, YYYY-MM-DD")
    parser.add_argument("--jobs", type=int, default=4)
    args = parser.parse_args(argv)
    fmt = args.format or ("csv" if (args.output or "").endswith(".csv") else "markdown")

    engine = moat.Engine(now=args.now).add_bundled().add_policy_text(ORG_POLICY, name="acme.moat")
    try:
        program = engine.compile()
    except moat.PolicyError as e:
        print(e, file=sys.stderr)
        return 2

    paths = list(find_templates(args.directory))
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        outcomes = list(pool.map(lambda p: audit_file(program, p), paths))

    threshold = SEVERITIES.index(args.min_severity)
    rows, errors, audited = [], [], 0
    for file_rows, error in outcomes:
        if error:
            errors.append(error)
        elif file_rows is not None:
            audited += 1
            rows += [r for r in file_rows if r["outcome"] == "fail" and SEVERITIES.index(r["severity"]) >= threshold]
    rows.sort(key=lambda r: (-SEVERITIES.index(r["severity"]), r["rule_id"], (r["location"] or {}).get("file", "")))

    out = open(args.output, "w", newline="", encoding="utf-8") if args.output else sys.stdout
    try:
        if fmt == "csv":
            write_csv(rows, out)
        else:
            write_markdown(rows, errors, audited, out, args.now)
    finally:
        if args.output:
            out.close()
    print(f"audit: {audited} templates, {len(rows)} findings, {len(errors)} errors", file=sys.stderr)
    return 2 if errors else (1 if rows else 0)


if __name__ == "__main__":
    sys.exit(main())
