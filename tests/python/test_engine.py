"""moat.Engine, Program, Finding and Result: the API and its errors."""

import dataclasses
import json
import pydoc

import pytest

import moat
from conftest import NOW, POLICIES

SLOW = {"resources": {"slow": {"type": "aws.lambda.function", "id": "slow", "timeout": 900},
                      "fast": {"type": "aws.lambda.function", "id": "fast", "timeout": 10}}}


def test_evaluate_dict_gives_findings(engine):
    result = engine.evaluate(SLOW)
    assert isinstance(result, moat.Result)
    assert len(result) == 1
    f = result[0]
    assert isinstance(f, moat.Finding)
    assert (f.rule_id, f.severity, f.category, f.subject) == ("ORG-1", "medium", "exhaustion", "slow")
    assert f.message == "function slow has a timeout of 900s (max 300s)"
    assert f.location is None  # a dict has no file positions
    assert f.path == "/resources/slow/timeout"
    assert f.outcome == "fail"
    assert f.policy_location.startswith(str(POLICIES / "org.moat") + ":")
    assert [x.rule_id for x in result] == ["ORG-1"]


def test_finding_converts_to_dict_and_json(engine):
    result = engine.evaluate(json.dumps(SLOW, indent=1))  # JSON text works as well
    d = result[0].to_dict()
    assert d["rule_id"] == "ORG-1" and d["subject"] == "slow"
    assert d["location"] == {"file": "<text>", "line": 6, "column": 15}
    assert dataclasses.asdict(result[0])["rule_id"] == "ORG-1"
    assert result.to_dicts() == [d]
    assert json.loads(result.to_json())["findings"] == [d]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result[0].rule_id = "x"


def test_params_now_and_chaining():
    engine = moat.Engine(params={"max_timeout": 1000}, now="2030-01-01").add_policy(POLICIES)
    assert engine.evaluate(SLOW).findings == []
    doc = {"review_by": moat.parse_date("2029-06-01")}
    assert [f.rule_id for f in engine.evaluate(doc)] == ["ORG-3"]
    # Qualified parameter names and other date forms.
    import datetime
    early = moat.Engine(params={"org.max_timeout": 100}, now=datetime.date(2029, 1, 1)).add_policy(POLICIES)
    assert [f.subject for f in early.evaluate(SLOW)] == ["slow"]
    assert early.evaluate(doc).findings == []


def test_policy_text_and_file_forms(engine):
    text = (POLICIES / "org.moat").read_text()
    by_text = moat.Engine(now=NOW).add_policy(text, name="org.moat")
    by_str_path = moat.Engine(now=NOW).add_policy(str(POLICIES / "org.moat"))
    explicit = moat.Engine(now=NOW).add_policy_text(text, name="org.moat")
    for e in (by_text, by_str_path, explicit):
        assert [f.subject for f in e.evaluate(SLOW)] == ["slow"]
    assert by_text.evaluate(SLOW)[0].policy_location.startswith("org.moat:")
    assert engine.compile().rule_ids == ["ORG-1", "ORG-2", "ORG-3"]


def test_policy_error_carries_every_diagnostic():
    engine = moat.Engine()
    engine.add_policy_text('package a\nrule "A-1" {\n  title: "t"\n  severity: high\n  category: flow\n'
                           '  where nope > 1\n  report "x"\n}\n', name="a.moat")
    engine.add_policy_text('package b\nrule "B-1" {', name="b.moat")
    with pytest.raises(moat.PolicyError) as info:
        engine.compile()
    errors = info.value.errors
    assert {d.file for d in errors} == {"a.moat", "b.moat"}
    nope = [d for d in errors if "nope" in d.message][0]
    assert (nope.line, nope.column) == (6, 9)
    assert str(nope).startswith("a.moat:6:9: error:")
    assert "a.moat:6:9" in str(info.value) and "b.moat:" in str(info.value)
    assert isinstance(info.value, moat.Error)


def test_unknown_parameter_is_a_value_error():
    engine = moat.Engine(params={"max_timeot": 1}).add_policy(POLICIES)
    with pytest.raises(ValueError, match="did you mean 'max_timeout'"):
        engine.compile()


def test_missing_policy_file():
    with pytest.raises(FileNotFoundError):
        moat.Engine().add_policy_file("/nonexistent/x.moat")
    with pytest.raises(FileNotFoundError):
        moat.Engine().add_policy("polices/org.moat")


def test_budget_stops_evaluation_with_an_error(engine):
    tight = moat.Engine(max_instructions=1).add_policy(POLICIES)
    with pytest.raises(moat.EvaluationError) as info:
        tight.evaluate(SLOW)
    assert "instruction" in str(info.value)
    assert isinstance(info.value.result, moat.Result)


def test_report_unknown():
    doc = {"resources": {"f": {"type": "aws.lambda.function", "id": "f", "timeout": moat.Unknown("set at deploy")}}}
    quiet = moat.Engine(now=NOW).add_policy(POLICIES).evaluate(doc)
    assert quiet.findings == [] and quiet.unknown_count >= 1
    loud = moat.Engine(now=NOW, report_unknown=True).add_policy(POLICIES).evaluate(doc)
    assert len(loud) == quiet.unknown_count
    assert {(f.rule_id, f.outcome) for f in loud} == {("ORG-1", "unknown")}


def test_program_is_reusable_and_evaluates_many(engine):
    program = engine.compile()
    docs = [SLOW, {"resources": {}}, json.dumps(SLOW)]
    results = program.evaluate_many(docs)
    assert [len(r) for r in results] == [1, 0, 1]
    assert [len(program.evaluate(d)) for d in docs] == [1, 0, 1]


def test_engine_recompiles_after_new_policies(engine):
    assert len(engine.evaluate(SLOW)) == 1
    engine.add_policy_text('package extra\nrule "X-1" {\n  title: "t"\n  severity: info\n  category: flow\n'
                           '  select f: aws.lambda.function\n  report "seen ${f.id}"\n}\n', name="x.moat")
    assert sorted(f.rule_id for f in engine.evaluate(SLOW)) == ["ORG-1", "X-1", "X-1"]


def test_bundled_library(engine):
    engine.add_bundled()
    program = engine.compile()
    assert any(r.startswith("MOAT-") for r in program.rule_ids)
    result = program.evaluate(moat.load("tests/fixtures/cloudformation/lambda_api.yaml"))
    assert any(f.policy_location.startswith("stdlib:") for f in result)


def test_help_reads_well():
    text = pydoc.render_doc(moat.Engine, renderer=pydoc.plaintext)
    for word in ("add_policy", "add_bundled", "compile", "evaluate", "PolicyError", "max_instructions"):
        assert word in text
    for obj in (moat.Engine, moat.Program, moat.Finding, moat.Result, moat.load, moat.loads, moat.load_event,
                moat.Document, moat.PolicyError):
        assert obj.__doc__ and len(obj.__doc__) > 40, obj


def test_wrong_argument_types(engine):
    with pytest.raises(TypeError):
        engine.evaluate(42)
    with pytest.raises(TypeError):
        moat.Engine(now=1.5)
    with pytest.raises(ValueError):
        moat.Engine(now="yesterday")
