"""Engine, Program and Document: the Pythonic layer over the _moat extension."""

from __future__ import annotations

import datetime as _dt
import json
import os
import time
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Union

from . import _moat
from ._findings import Diagnostic, DocumentError, EvaluationError, Finding, PolicyError, Result

Unknown = _moat.Unknown

PathLike = Union[str, "os.PathLike[str]"]
#: What evaluate() accepts: a loaded Document, a dict (the document itself), or JSON/YAML text.
DocumentLike = Union["Document", Mapping[str, Any], str, bytes]
#: An evaluation date: Unix seconds, "YYYY-MM-DD[THH:MM:SSZ]", a date or an aware/UTC datetime.
DateLike = Union[int, str, _dt.date, _dt.datetime]

INPUT_FORMATS = ("auto", "json", "yaml", "cloudformation", "serverless", "terraform-plan", "event")


class Document:
    """A loaded input: immutable, cheap to share between threads and evaluations.

    Get one from :func:`load` (a file of any supported format), :func:`loads`
    (text), :func:`load_event` (a Lambda event payload) or
    :meth:`Document.from_python` (plain Python data, converted directly).
    """

    __slots__ = ("_doc",)

    def __init__(self, native: Any) -> None:
        self._doc = native

    @classmethod
    def from_python(cls, data: Mapping[str, Any], name: str = "<dict>") -> Document:
        """The document made of ``data`` as it is: dicts, lists, str, int, float, bool, None
        and :class:`Unknown`. No template normalization happens (for that, load the
        template's text or file); findings have no file location."""
        try:
            return cls(_moat.from_python(data, name))
        except (TypeError, ValueError) as e:
            raise DocumentError(f"{name}: {e}") from None

    @property
    def name(self) -> str:
        """The file name or the name given when loading."""
        return self._doc.name

    @property
    def format(self) -> str:
        """What it was loaded as: json, yaml, cloudformation, sam, serverless,
        terraform-plan, event, or python (from_python)."""
        return self._doc.format

    @property
    def warnings(self) -> List[str]:
        """Loader warnings ("file:line:col: message"): parts skipped or not understood."""
        return self._doc.warnings

    def to_python(self) -> Any:
        """The (normalized) document as plain Python data; deploy-time unknowns are
        :class:`Unknown` objects, so ``Document.from_python(doc.to_python())`` evaluates the same."""
        return self._doc.to_python()

    def __repr__(self) -> str:
        return f"<moat.Document {self.name!r} ({self.format})>"


def _check_format(format: str) -> None:
    if format not in INPUT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(INPUT_FORMATS)}, not {format!r}")


def load(path: PathLike, format: str = "auto") -> Document:
    """Load a file of any supported input format, as ``moat eval --input`` does.

    ``format="auto"`` detects CloudFormation/SAM templates, serverless.yml,
    Terraform plan JSON (``terraform show -json``) and Lambda event payloads,
    and otherwise reads JSON or YAML as plain data. Raises FileNotFoundError or
    :class:`DocumentError` (message with file:line:col).
    """
    _check_format(format)
    try:
        return Document(_moat.load_file(os.fspath(path), format))
    except FileNotFoundError:
        raise
    except ValueError as e:
        raise DocumentError(str(e)) from None


def loads(text: Union[str, bytes], *, name: str = "<text>", format: str = "auto") -> Document:
    """Like :func:`load`, from text; ``name`` names it in finding locations."""
    _check_format(format)
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    try:
        return Document(_moat.load_text(text, name, format))
    except ValueError as e:
        raise DocumentError(str(e)) from None


def load_event(event: Union[Mapping[str, Any], str, bytes, "os.PathLike[str]"], *, name: str = "<event>") -> Document:
    """A Lambda event payload as an event document (its attacker-controlled fields decoded
    and listed; see docs/documents.md). ``event`` is the payload as a dict, its JSON text,
    or a path to it."""
    if isinstance(event, os.PathLike):
        return load(event, "event")
    if isinstance(event, Mapping):
        try:
            return Document(_moat.event_from_python(event, name))
        except TypeError:
            # Something JSON would still write (a key that is not a str, as
            # json.dumps turns 1 into "1"): keep the JSON text's reading.
            event = json.dumps(event)
        except ValueError as e:
            raise DocumentError(f"{name}: {e}") from None
    return loads(event, name=name, format="event")


def _as_document(doc: DocumentLike) -> Document:
    if isinstance(doc, Document):
        return doc
    if isinstance(doc, Mapping):
        return Document.from_python(doc)
    if isinstance(doc, (str, bytes)):
        return loads(doc)
    if isinstance(doc, os.PathLike):
        return load(doc)
    raise TypeError(f"expected a moat.Document, a dict or JSON text, not {type(doc).__name__}")


def _unix_seconds(now: Optional[DateLike]) -> int:
    if now is None:
        return int(time.time())  # as the CLI: pass `now` for reproducible runs
    if isinstance(now, bool):
        raise TypeError("now must be Unix seconds, a date string, a date or a datetime")
    if isinstance(now, int):
        return now
    if isinstance(now, str):
        return _moat.parse_date(now)
    if isinstance(now, _dt.datetime):
        if now.tzinfo is None:
            now = now.replace(tzinfo=_dt.timezone.utc)
        return int(now.timestamp())
    if isinstance(now, _dt.date):
        return int(_dt.datetime(now.year, now.month, now.day, tzinfo=_dt.timezone.utc).timestamp())
    raise TypeError("now must be Unix seconds, a date string, a date or a datetime")


def _param_text(value: Any) -> str:
    # The engine takes parameter values as JSON text (plus bare words).
    return json.dumps(value)


class Program:
    """A compiled policy set: immutable and thread-safe.

    Any number of threads may call :meth:`evaluate` at once; evaluation
    releases the GIL, so they run in parallel.
    """

    __slots__ = ("_program", "diagnostics")

    def __init__(self, native: Any, diagnostics: List[Diagnostic]) -> None:
        self._program = native
        #: Warnings (and notes) from the compilation.
        self.diagnostics = diagnostics

    @property
    def rule_ids(self) -> List[str]:
        """The ids of the compiled rules."""
        return self._program.rule_ids

    def evaluate(self, doc: DocumentLike) -> Result:
        """Evaluate every rule over ``doc`` (a Document, a dict, or JSON/YAML text).

        Raises :class:`EvaluationError` when a budget stops the evaluation.
        """
        document = _as_document(doc)
        return _result(self._program.evaluate(document._doc), document.name)

    def evaluate_many(self, docs: Iterable[DocumentLike]) -> List[Result]:
        """Evaluate several documents with a single GIL release (faster for many small ones)."""
        documents = [_as_document(d) for d in docs]
        raws = self._program.evaluate_many([d._doc for d in documents])
        return [_result(raw, d.name) for raw, d in zip(raws, documents)]

    def __repr__(self) -> str:
        return f"<moat.Program: {len(self.rule_ids)} rules>"


def _result(raw: Any, document: str) -> Result:
    findings, unknown_count, errors, instructions = raw
    result = Result([Finding._from_raw(f) for f in findings], unknown_count, instructions, document)
    if errors:
        raise EvaluationError(errors, result)
    return result


class Engine:
    """Collects policies and options, and compiles them into a :class:`Program`.

    >>> engine = moat.Engine(params={"acme.max_timeout": 600}, now="2026-11-29")
    >>> engine.add_policy("policies/")           # a file, a directory, or policy text
    >>> engine.add_bundled()                     # Moat's rule library
    >>> for finding in engine.evaluate(moat.load("template.yaml")):
    ...     print(finding.rule_id, finding.location, finding.message)

    Keyword arguments: ``params`` overrides policy parameters (any JSON-able
    values; names plain or ``package.name``); ``now`` is the evaluation date
    (default: the current time, as the CLI); budgets per document:
    ``max_instructions``, ``max_memory_bytes``, ``max_call_depth``,
    ``max_wall_ms`` (0 = no limit); ``report_unknown`` also reports UNKNOWN
    outcomes as findings.

    An Engine is not thread-safe; the Program it compiles is.
    """

    def __init__(self, *, params: Optional[Mapping[str, Any]] = None, now: Optional[DateLike] = None,
                 max_instructions: int = _moat.DEFAULT_MAX_INSTRUCTIONS,
                 max_memory_bytes: int = _moat.DEFAULT_MAX_MEMORY_BYTES,
                 max_call_depth: int = _moat.DEFAULT_MAX_CALL_DEPTH, max_wall_ms: int = 0,
                 report_unknown: bool = False) -> None:
        self._options = dict(params=dict(params or {}), now=_unix_seconds(now), max_instructions=max_instructions,
                             max_memory_bytes=max_memory_bytes, max_call_depth=max_call_depth,
                             max_wall_ms=max_wall_ms, report_unknown=report_unknown)
        self._engine = _moat.Engine([(k, _param_text(v)) for k, v in self._options["params"].items()],
                                    self._options["now"], max_instructions, max_memory_bytes, max_call_depth,
                                    max_wall_ms, report_unknown)
        self._program: Optional[Program] = None
        #: Where each added source came from, in order (used by moat.dask to rebuild the engine).
        self.sources: List[tuple] = []

    @property
    def options(self) -> dict:
        """The keyword arguments the engine was created with (``now`` as Unix seconds)."""
        return dict(self._options)

    def add_policy(self, source: Union[str, "os.PathLike[str]"], *, name: Optional[str] = None) -> Engine:
        """Add policies: a path (a ``.moat`` file, or a directory of them) or policy text.

        A ``str`` is a path when it names an existing file or directory and
        holds no newline (a missing ``*.moat`` name is FileNotFoundError); anything
        else is policy text (named ``name``, default "<policy>"). Use :meth:`add_policy_text` / :meth:`add_policy_file` to be explicit.
        Returns the engine, so calls chain.
        """
        if isinstance(source, os.PathLike) or ("\n" not in source and os.path.exists(source)):
            return self.add_policy_file(source)
        if "\n" not in source and source.endswith(".moat"):
            # A mistyped file name, not a one-line policy.
            raise FileNotFoundError(f"{source}: no such policy file")
        return self.add_policy_text(source, name=name or "<policy>")

    def add_policy_text(self, text: str, *, name: str = "<policy>") -> Engine:
        """Add policy text; ``name`` appears in diagnostics and policy locations."""
        self._engine.add_source(name, text)
        self.sources.append(("text", name, text))
        self._program = None
        return self

    def add_policy_file(self, path: PathLike) -> Engine:
        """Add a ``.moat`` file, or every ``*.moat`` under a directory with its data files
        (``data/NAME.json``), sorted. Read now."""
        path = os.fspath(path)
        self._engine.add_path(path)
        self.sources.append(("path", path))
        self._program = None
        return self

    def add_bundled(self) -> Engine:
        """Add Moat's bundled rule library (compiled into the module; files named
        "stdlib:<category>/<file>.moat" in diagnostics)."""
        self._engine.add_bundled()
        self.sources.append(("bundled",))
        self._program = None
        return self

    def compile(self) -> Program:
        """Compile every policy added so far.

        Raises :class:`PolicyError` carrying every diagnostic when a policy is
        wrong, and ValueError when a ``params`` entry names no parameter or has
        the wrong type. Warnings are in ``Program.diagnostics``.
        """
        native, raw = self._engine.compile()
        diagnostics = [Diagnostic(*d) for d in raw]
        if native is None:
            raise PolicyError(diagnostics)
        self._program = Program(native, diagnostics)
        return self._program

    def evaluate(self, doc: DocumentLike) -> Result:
        """Compile (once, until policies are added) and evaluate ``doc``; see :meth:`Program.evaluate`."""
        program = self._program or self.compile()
        return program.evaluate(doc)

    def __repr__(self) -> str:
        return f"<moat.Engine: {len(self.sources)} sources>"


def engine_from_sources(sources: Sequence[tuple], options: Mapping[str, Any]) -> Engine:
    """An Engine rebuilt from ``Engine.sources`` and ``Engine.options`` (plain, picklable data)."""
    engine = Engine(**options)
    for source in sources:
        if source[0] == "text":
            engine.add_policy_text(source[2], name=source[1])
        elif source[0] == "path":
            engine.add_policy_file(source[1])
        elif source[0] == "bundled":
            engine.add_bundled()
        else:
            raise ValueError(f"unknown policy source kind {source[0]!r}")
    return engine
