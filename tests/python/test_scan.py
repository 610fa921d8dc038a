"""moat.scan mirrors `moat scan`: the same report, the same exit code."""

import json
import subprocess

import pytest

import moat
from conftest import NOW, POLICIES, ROOT

SCAN_DIR = "tests/fixtures"


def cli_scan(moat_binary, *args):
    run = subprocess.run([moat_binary, "scan", SCAN_DIR, "--now", NOW, "--no-progress", *args],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    return run.returncode, run.stdout


def test_same_report_and_exit_code_as_the_cli(moat_binary):
    report = moat.scan(SCAN_DIR, now=NOW, policies=[POLICIES])
    code, out = cli_scan(moat_binary, "--format", "json", "--policy", str(POLICIES))
    ours, theirs = json.loads(report.format("json")), json.loads(out)
    assert ours["findings"] == theirs["findings"]
    assert ours["skipped"] == theirs["skipped"]
    assert report.exit_code() == code
    assert len(report.findings()) == len(theirs["findings"]) > 0
    assert any(f.finding.rule_id == "ORG-1" for f in report.findings())
    assert {r["id"] for r in report.rules} >= {"ORG-1", "ORG-2"}


def test_select_skip_and_formats():
    only = moat.scan(SCAN_DIR, now=NOW, policies=POLICIES, bundled=False)
    assert {f.finding.rule_id for f in only.findings()} <= {"ORG-1", "ORG-2", "ORG-3"}
    exhaustion = moat.scan(SCAN_DIR, now=NOW, select=["exhaustion"])
    assert exhaustion.findings() and all(f.finding.category == "exhaustion" for f in exhaustion.findings())
    assert json.loads(exhaustion.format("sarif"))["version"] == "2.1.0"
    assert exhaustion.format("junit").startswith("<?xml")
    assert exhaustion.exit_code(fail_on="none", errors_ok=True) == 0
    with pytest.raises(ValueError):
        exhaustion.format("excel")
    with pytest.raises(ValueError):
        exhaustion.exit_code(fail_on="severe")


def test_baseline_round_trip(tmp_path):
    first = moat.scan(SCAN_DIR, now=NOW)
    baseline = tmp_path / "baseline.json"
    baseline.write_text(first.baseline())
    again = moat.scan(SCAN_DIR, now=NOW, baseline=baseline)
    # Only findings of outcome "fail" are baselined; an evaluation error stays visible.
    assert [f for f in again.findings() if f.finding.outcome == "fail"] == []
    assert len(again.findings(include_suppressed=True)) >= len(first.findings())


def test_scan_errors(tmp_path):
    bad = tmp_path / "bad.moat"
    bad.write_text('package bad\nrule "B-1" {\n')
    with pytest.raises(moat.PolicyError, match="bad.moat:3"):
        moat.scan(SCAN_DIR, policies=[bad], bundled=False)
    with pytest.raises(ValueError):
        moat.scan(SCAN_DIR, bundled=False)
    report = moat.scan("/nonexistent/dir", now=NOW)
    assert report.exit_code() == 2 or report.notices
