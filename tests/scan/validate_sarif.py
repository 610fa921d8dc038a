#!/usr/bin/python3
"""Validates a SARIF file against the SARIF 2.1.0 JSON schema.

usage: validate_sarif.py FILE.sarif SCHEMA.json
Exits 0 when valid, 1 with the first errors when not; skips (exit 0, with a
message) when the schema file is absent (a machine without ../shared).
"""
import json
import os
import sys


def main() -> int:
    sarif_path, schema_path = sys.argv[1], sys.argv[2]
    if not os.path.exists(schema_path):
        print(f"skipped: no SARIF schema at {schema_path}")
        return 0
    import jsonschema  # Debian: python3-jsonschema

    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(sarif_path, encoding="utf-8") as f:
        sarif = json.load(f)
    validator = jsonschema.Draft4Validator(schema)  # the schema is draft-04
    errors = sorted(validator.iter_errors(sarif), key=lambda e: list(e.path))
    for e in errors[:10]:
        print(f"{sarif_path}: /{'/'.join(str(p) for p in e.path)}: {e.message}")
    if errors:
        return 1
    results = sum(len(run.get("results", [])) for run in sarif.get("runs", []))
    print(f"{sarif_path}: valid SARIF 2.1.0 ({results} results)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
