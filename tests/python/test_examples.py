"""The examples run from the build: examples/python/audit.py and the C example (examples/c)."""

import csv
import os
import shutil
import subprocess
import sys

import pytest

from conftest import NOW, ROOT

AUDIT = ROOT / "examples" / "python" / "audit.py"


@pytest.fixture
def infra(tmp_path):
    """A small repository: three templates, a non-template, and a broken template."""
    for name in ["cloudformation/api_iam.json", "serverless/serverless.yml", "terraform/api_and_more.json"]:
        target = tmp_path / "infra" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "tests" / "fixtures" / name, target)
    (tmp_path / "infra" / "settings.json").write_text('{"color": "blue"}')
    return tmp_path / "infra"


def run_audit(*args):
    return subprocess.run([sys.executable, str(AUDIT), *args, "--now", NOW], capture_output=True, text=True,
                          timeout=300, env=dict(os.environ))


def test_audit_writes_csv(infra, tmp_path):
    out = tmp_path / "audit.csv"
    run = run_audit(str(infra), "--output", str(out))
    assert run.returncode == 1, run.stderr  # findings, no errors
    assert "3 templates" in run.stderr
    rows = list(csv.DictReader(out.open()))
    assert rows and set(rows[0]) >= {"severity", "rule_id", "file", "line", "message"}
    acme = [r for r in rows if r["rule_id"] == "ACME-001"]
    assert {r["subject"] for r in acme} >= {"Handler", "aws_lambda_function.handler"}
    assert any(r["rule_id"].startswith("MOAT-") for r in rows)


def test_audit_writes_markdown_and_reports_broken_files(infra, tmp_path):
    (infra / "broken.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: [unclosed\n")
    run = run_audit(str(infra), "--min-severity", "high")
    assert run.returncode == 2, run.stderr
    assert run.stdout.startswith("# Serverless security audit")
    assert "| critical |" in run.stdout and "broken.yaml" in run.stdout
    assert "ACME-001" not in run.stdout  # medium, below --min-severity high


def test_c_example():
    binary = os.environ.get("MOAT_C_EXAMPLE")
    if not binary or not os.path.exists(binary):
        pytest.skip("C example not built (set MOAT_C_EXAMPLE)")
    run = subprocess.run([binary, str(ROOT / "tests" / "python" / "policies"),
                          "tests/fixtures/cloudformation/lambda_api.yaml", "tests/fixtures/terraform/lambda_app.json"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    assert "tests/fixtures/cloudformation/lambda_api.yaml:50:7: ORG-1 [medium/exhaustion] function Worker has a timeout of 900s" in "\n".join(lines)
    assert any(line.startswith("tests/fixtures/terraform/lambda_app.json:") for line in lines)
