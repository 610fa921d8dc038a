"""What evaluations and compilations give back: findings, results, diagnostics, errors."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator, List, Optional, Sequence, Tuple, overload


@dataclass(frozen=True)
class Location:
    """A position in an input file (1-based line and column)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Finding:
    """One rule that failed (or, with ``report_unknown``, could not decide) on one subject.

    ``rule_id``, ``severity`` (critical/high/medium/low/info), ``category``,
    ``message`` and ``subject`` (the resource id, "" for document rules)
    describe it; ``location`` is where it sits in the input file (None when
    the document has no positions, e.g. one built from a dict); ``path`` is
    the JSON pointer inside the document; ``outcome`` is "fail", "unknown" or
    "error"; ``policy_location`` is the policy code that decided it.
    """

    rule_id: str
    severity: str
    category: str
    message: str
    subject: str
    location: Optional[Location]
    title: str = ""
    path: str = ""
    outcome: str = "fail"
    missing_path: str = ""
    policy_location: str = ""

    @classmethod
    def _from_raw(cls, raw: Tuple[Any, ...]) -> "Finding":
        loc = raw[5]
        return cls(raw[0], raw[1], raw[2], raw[3], raw[4], Location(*loc) if loc is not None else None,
                   raw[6], raw[7], raw[8], raw[9], raw[10])

    def to_dict(self) -> dict:
        """The finding as plain data (``location`` as a dict or None), ready for JSON or CSV."""
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "category": self.category,
            "message": self.message,
            "subject": self.subject,
            "location": None if self.location is None else {
                "file": self.location.file, "line": self.location.line, "column": self.location.column},
            "title": self.title,
            "path": self.path,
            "outcome": self.outcome,
            "missing_path": self.missing_path,
            "policy_location": self.policy_location,
        }


class Result(Sequence[Finding]):
    """The findings of one evaluation, sorted by rule id, subject and path.

    Iterate over it, index it, or take ``len()``; ``to_dicts()`` and
    ``to_json()`` give plain data. ``unknown_count`` counts UNKNOWN outcomes
    (reported as findings only with ``report_unknown=True``); ``document`` is
    the name of the document evaluated.
    """

    __slots__ = ("findings", "unknown_count", "instructions", "document")

    def __init__(self, findings: List[Finding], unknown_count: int, instructions: int, document: str) -> None:
        self.findings = findings
        self.unknown_count = unknown_count
        self.instructions = instructions
        self.document = document

    @overload
    def __getitem__(self, index: int) -> Finding: ...
    @overload
    def __getitem__(self, index: slice) -> List[Finding]: ...
    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self.findings[index]

    def __len__(self) -> int:
        return len(self.findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __repr__(self) -> str:
        return f"<moat.Result {self.document!r}: {len(self.findings)} findings, {self.unknown_count} unknown>"

    def to_dicts(self) -> List[dict]:
        """Every finding as a dict (see Finding.to_dict)."""
        return [f.to_dict() for f in self.findings]

    def to_json(self) -> str:
        """The same shape as ``moat eval --format json``: findings, unknown_count, errors."""
        return json.dumps({"findings": self.to_dicts(), "unknown_count": self.unknown_count, "errors": []})


@dataclass(frozen=True)
class Diagnostic:
    """A problem the compiler found in a policy: severity "error", "warning" or "note"."""

    severity: str
    file: str
    line: int
    column: int
    message: str
    formatted: str = field(repr=False, default="")  # with the source line and a caret

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"


class Error(Exception):
    """Base class of Moat's exceptions."""


class PolicyError(Error):
    """The policies did not compile. ``diagnostics`` holds every problem found
    (errors and warnings, each with file:line:col); ``str()`` shows them all.
    (From :func:`moat.scan`, the diagnostics are only in the message.)"""

    def __init__(self, diagnostics: Sequence[Diagnostic], message: Optional[str] = None) -> None:
        self.diagnostics: List[Diagnostic] = list(diagnostics)
        if message is None:
            errors = self.errors
            message = (f"{len(errors)} policy error{'s' if len(errors) != 1 else ''}:\n"
                       + "".join(d.formatted or str(d) + "\n" for d in self.diagnostics))
        super().__init__(message)

    @property
    def errors(self) -> List[Diagnostic]:
        """The diagnostics of severity "error"."""
        return [d for d in self.diagnostics if d.severity == "error"]


class DocumentError(Error, ValueError):
    """An input could not be loaded: malformed (the message starts with file:line:col), too
    large, of an unknown format, or a Python object that is not plain data."""


class EvaluationError(Error):
    """The evaluation stopped before the end (a budget ran out): ``errors`` says why,
    ``result`` holds the findings made until then. Never a clean result."""

    def __init__(self, errors: Sequence[str], result: Result) -> None:
        self.errors: List[str] = list(errors)
        self.result = result
        super().__init__("; ".join(self.errors))
