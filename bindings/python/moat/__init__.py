"""Moat: policy-as-code for serverless security, from Python.

    import moat

    engine = moat.Engine(params={"max_timeout": 600}, now="2026-11-29")
    engine.add_policy("policies/")                  # files, directories or text
    for finding in engine.evaluate(moat.load("template.yaml")):
        print(finding.location, finding.rule_id, finding.message)

Documents come from moat.load() (CloudFormation/SAM, serverless.yml, Terraform
plan JSON, Lambda events, JSON, YAML), moat.loads(), moat.load_event() or a
plain dict. moat.scan() is `moat scan` (the bundled library over every template
under a folder, reported as text, JSON, SARIF or JUnit). A compiled Program is thread-safe and evaluates without the GIL;
moat.dask spreads evaluation over a Dask cluster. @moat.guard protects a Lambda handler
with the event injection rules (moat/guard.py). See docs/embedding.md.
"""

from ._api import (
    INPUT_FORMATS,
    Document,
    DocumentLike,
    Engine,
    Program,
    Unknown,
    engine_from_sources,
    load,
    load_event,
    loads,
)
from ._findings import (
    Diagnostic,
    DocumentError,
    Error,
    EvaluationError,
    Finding,
    Location,
    PolicyError,
    Result,
)
from ._moat import parse_date
from ._scan import ScanFinding, ScanNotice, ScanReport, ScannedFile, Suppression, scan
from .guard import Detection, EventBlocked, Guard, Verdict, guard

__all__ = [
    "Diagnostic", "Document", "DocumentError", "DocumentLike", "Engine", "Error", "EvaluationError", "Finding",
    "INPUT_FORMATS", "Location", "PolicyError", "Program", "Result", "Unknown", "engine_from_sources", "load",
    "load_event", "loads", "parse_date", "scan", "ScanFinding", "ScanNotice", "ScanReport", "ScannedFile",
    "Suppression", "guard", "Guard", "EventBlocked", "Detection", "Verdict",
]
