"""moat.scan: the ``moat scan`` command as a function."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Union

from . import _moat
from ._api import DateLike, _param_text, _unix_seconds
from ._findings import Finding, Location, PolicyError

PathOrPaths = Union[str, "os.PathLike[str]", Iterable[Union[str, "os.PathLike[str]"]]]


def _location(raw: Optional[tuple]) -> Optional[Location]:
    return None if raw is None else Location(*raw)


@dataclass(frozen=True)
class Suppression:
    """Why a finding is not counted: kind "inline" (a ``# moat:ignore`` comment),
    "metadata" (CloudFormation Metadata) or "baseline"."""

    kind: str
    reason: str
    where: Optional[Location]


@dataclass(frozen=True)
class ScanFinding:
    """A finding of a scan, with the source line it points at, a fingerprint that
    survives edits moving lines, and its suppression, if any."""

    finding: Finding
    snippet: str
    fingerprint: str
    suppression: Optional[Suppression]

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None

    def to_dict(self) -> dict:
        """The finding's dict plus snippet, fingerprint and suppression."""
        d = self.finding.to_dict()
        d.update(snippet=self.snippet, fingerprint=self.fingerprint,
                 suppression=None if self.suppression is None else {
                     "kind": self.suppression.kind, "reason": self.suppression.reason,
                     "where": None if self.suppression.where is None else str(self.suppression.where)})
        return d


@dataclass(frozen=True)
class ScannedFile:
    """One template: its findings (sorted by severity, rule, line), or ``error`` when it
    could not be scanned (never a clean file)."""

    path: str
    format: str
    findings: List[ScanFinding]
    unknown_count: int
    error: str
    millis: float


@dataclass(frozen=True)
class ScanNotice:
    level: str  # "error" or "warning"
    message: str
    location: Optional[Location]


class ScanReport:
    """What :func:`scan` found. ``files``, ``skipped`` (files that are not templates),
    ``notices``, ``rules`` (dicts of rule metadata) and ``now``; ``findings()`` lists
    unsuppressed findings; ``format()`` renders text, json, sarif or junit exactly as
    ``moat scan``; ``exit_code()`` is the CLI's exit code."""

    def __init__(self, native: Any) -> None:
        self._native = native
        data = native.data()
        self.files: List[ScannedFile] = [
            ScannedFile(path, fmt, [ScanFinding(Finding._from_raw(f[:11]), f[11], f[12],
                                                None if f[13] is None else Suppression(f[13][0], f[13][1],
                                                                                       _location(f[13][2])))
                                    for f in findings], unknown, error, millis)
            for path, fmt, findings, unknown, error, millis in data["files"]]
        self.skipped: List[str] = data["skipped"]
        self.notices: List[ScanNotice] = [ScanNotice(l, m, _location(w)) for l, m, w in data["notices"]]
        self.rules: List[dict] = data["rules"]
        self.now: int = data["now"]
        self.tool_version: str = data["tool_version"]

    def findings(self, include_suppressed: bool = False) -> List[ScanFinding]:
        """Every finding of every file, in file order."""
        return [f for file in self.files for f in file.findings if include_suppressed or not f.suppressed]

    @property
    def errors(self) -> List[ScannedFile]:
        """The files that could not be scanned."""
        return [f for f in self.files if f.error]

    def format(self, format: str = "text", *, color: bool = False) -> str:
        """The report as ``moat scan --format`` writes it: text, json, sarif or junit."""
        return self._native.format(format, color)

    def baseline(self) -> str:
        """A baseline (JSON) suppressing every current unsuppressed finding (``moat scan --write-baseline``)."""
        return self._native.baseline()

    def exit_code(self, fail_on: str = "low", errors_ok: bool = False) -> int:
        """0 clean, 1 a finding at or above ``fail_on`` (critical..info, or none), 2 a file failed."""
        return self._native.exit_code(fail_on, errors_ok)

    def __repr__(self) -> str:
        return (f"<moat.ScanReport: {len(self.files)} files, {len(self.findings())} findings, "
                f"{len(self.errors)} errors>")


def _paths(value: PathOrPaths) -> List[str]:
    if isinstance(value, (str, os.PathLike)):
        return [os.fspath(value)]
    return [os.fspath(v) for v in value]


def scan(paths: PathOrPaths, *, policies: PathOrPaths = (), bundled: bool = True, select: Sequence[str] = (),
         skip: Sequence[str] = (), baseline: Optional[Union[str, "os.PathLike[str]"]] = None,
         input_format: str = "auto", file_time_limit_ms: int = _moat.DEFAULT_SCAN_FILE_TIME_LIMIT_MS,
         max_file_bytes: int = _moat.DEFAULT_SCAN_MAX_FILE_BYTES, params: Optional[Mapping[str, Any]] = None,
         now: Optional[DateLike] = None, max_instructions: int = _moat.DEFAULT_MAX_INSTRUCTIONS,
         max_memory_bytes: int = _moat.DEFAULT_MAX_MEMORY_BYTES,
         max_call_depth: int = _moat.DEFAULT_MAX_CALL_DEPTH, max_wall_ms: int = 0,
         show_unknown: bool = False) -> ScanReport:
    """Find every template under ``paths`` and evaluate the bundled library on each, as
    ``moat scan PATHS`` does.

    ``policies`` adds policy files or folders (``bundled=False``: only those);
    ``select``/``skip`` filter rules by id, id prefix (``MOAT-PRIV-*``), category or
    tag; ``baseline`` names a file written from :meth:`ScanReport.baseline`;
    ``params``, ``now`` and the budgets are as for :class:`moat.Engine`;
    ``show_unknown`` lists rules that could not decide. Unreadable files are
    errors in the report, never clean files. Raises :class:`PolicyError` when the
    policies do not compile and ValueError for invalid options.
    """
    policy_paths = _paths(policies)
    if not bundled and not policy_paths:
        raise ValueError("bundled=False needs policies=... (nothing to evaluate)")
    try:
        native = _moat.scan(_paths(paths), policy_paths, bundled, list(select), list(skip),
                            "" if baseline is None else os.fspath(baseline), input_format, file_time_limit_ms,
                            max_file_bytes, [(k, _param_text(v)) for k, v in (params or {}).items()],
                            _unix_seconds(now), max_instructions, max_memory_bytes, max_call_depth, max_wall_ms,
                            show_unknown)
    except ValueError as e:
        if str(e).startswith("the policies do not compile"):
            raise PolicyError([], message=str(e)) from None
        raise
    return ScanReport(native)
