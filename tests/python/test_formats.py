"""Every input format through moat.load: detected as the CLI detects it, the same findings as
`moat eval`, and the same findings again after a round trip through Python data."""

import json
import subprocess

import pytest

import moat
from conftest import FIXTURES, NOW, POLICIES, ROOT

IDS = [p.rsplit("/", 1)[1] for p, _ in FIXTURES]


@pytest.fixture(scope="module")
def program():
    # The bundled library's sources as files, so the CLI can be given the very same ones.
    return moat.Engine(now=NOW).add_policy(POLICIES).add_policy(str(ROOT / "stdlib-policies")).compile()


def key(finding: dict):
    loc = finding.get("location")
    return (finding["rule_id"], finding["subject"], finding["path"], finding["message"],
            None if loc is None else (loc["file"], loc["line"], loc["column"]))


@pytest.mark.parametrize("path, formats", FIXTURES, ids=IDS)
def test_load_detects_the_format(path, formats):
    assert moat.load(path).format in formats


@pytest.mark.parametrize("path, formats", FIXTURES, ids=IDS)
def test_same_findings_as_the_cli(path, formats, program, moat_binary):
    ours = sorted(key(f.to_dict()) for f in program.evaluate(moat.load(path)))
    run = subprocess.run([moat_binary, "eval", "--policy", str(POLICIES), "--policy", str(ROOT / "stdlib-policies"),
                          "--input", path, "--format", "json", "--now", NOW],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode in (0, 1), run.stderr
    theirs = sorted(key(f) for f in json.loads(run.stdout)["findings"])
    assert ours == theirs


@pytest.mark.parametrize("path, formats", FIXTURES, ids=IDS)
def test_text_and_python_round_trips(path, formats, program):
    loaded = moat.load(path)
    with open(path, encoding="utf-8") as fh:
        from_text = moat.loads(fh.read(), name=path)
    assert from_text.format == loaded.format
    first = [key(f.to_dict()) for f in program.evaluate(loaded)]
    assert [key(f.to_dict()) for f in program.evaluate(from_text)] == first
    # Python data carries no positions: compare everything else.
    again = program.evaluate(moat.Document.from_python(loaded.to_python()))
    assert [k[:4] for k in first] == [key(f.to_dict())[:4] for f in again]


def test_fixtures_cover_every_format():
    seen = {moat.load(p).format for p, _ in FIXTURES}
    assert {"cloudformation", "serverless", "terraform-plan", "event"} <= seen
    assert moat.load("tests/python/policies/../fixtures/apigw_event.json", format="json").format == "json"
