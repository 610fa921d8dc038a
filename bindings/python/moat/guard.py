"""``@moat.guard``: runtime injection detection around a Lambda handler.

    import moat

    @moat.guard(mode="block", allow={"MOAT-INJ-017": ["/body#/comment"]})
    def handler(event, context):
        ...

Each invocation turns the event into an event document (:func:`moat.load_event`),
evaluates the bundled library's event rules (category ``injection``) plus the
organisation's extra policies, and then, by ``mode``:

- ``"block"``: an HTTP event (API Gateway REST/HTTP, function URL, ALB) gets a 400 JSON
  response; an SQS/Kinesis/DynamoDB batch gets ``{"batchItemFailures": [...]}`` for
  the records with detections while the clean records go to the handler (in a copy
  of the event without the blocked ones); any other source raises :class:`EventBlocked`.
- ``"report"``: the handler always runs; detections are only logged.

Every detection emits one JSON audit line on stdout (or goes to ``audit=callable``),
with secrets in the excerpt masked. The compiled program is cached per container,
keyed by the guard's configuration; each evaluation runs under budgets, and an
evaluation error passes (``on_error="pass"``, default, logged) or blocks
(``on_error="block"``).
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import functools
import json
import math
import os
import re
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _moat
from ._api import Engine, Program, _result, load_event
from ._findings import Error, Finding

__all__ = ["guard", "Guard", "EventBlocked", "Detection", "Verdict", "mask_secrets"]

MODES = ("block", "report")
ON_ERROR = ("pass", "block")
HTTP_SOURCES = ("apigateway.rest", "apigateway.http", "lambda.url", "alb")
#: Batch sources with partial batch responses, and where each record's itemIdentifier is.
BATCH_IDENTIFIERS: Dict[str, Tuple[str, ...]] = {
    "sqs": ("messageId",),
    "kinesis": ("kinesis", "sequenceNumber"),
    "dynamodb": ("dynamodb", "SequenceNumber"),
}
#: Budgets per evaluation: a guard must never hang a function.
DEFAULT_MAX_WALL_MS = 100
DEFAULT_MAX_INSTRUCTIONS = 20_000_000
DEFAULT_MAX_MEMORY_BYTES = 64 << 20
EXCERPT_CHARS = 120


class EventBlocked(Error):
    """Raised by a blocking guard for an event with detections when no response shape
    fits its source (S3, SNS, EventBridge, ...), or always with ``raise_on_block=True``.
    ``detections`` holds what was found; ``source`` is the event source."""

    def __init__(self, detections: Sequence["Detection"], source: str) -> None:
        self.detections = list(detections)
        self.source = source
        rules = ", ".join(sorted({d.rule_id for d in self.detections})) or "evaluation error"
        super().__init__(f"event blocked ({source}): {rules}")


@dataclass(frozen=True)
class Detection:
    """One finding of the guard's policies on one event field."""

    rule_id: str
    severity: str
    technique: str
    pointer: str
    confidence: Optional[str]
    excerpt: str  # masked and truncated
    record: int   # batch record index, -1 for a whole-event field
    allowed: bool  # matched the allow-list: logged, never blocks


@dataclass
class Verdict:
    """What the guard decided for one event."""

    source: str
    detections: List[Detection] = field(default_factory=list)
    error: Optional[str] = None

    @property
    def blocking(self) -> List[Detection]:
        return [d for d in self.detections if not d.allowed]


# ---------------------------------------------------------------------------
# Masking secrets in audit excerpts

# Case-insensitive: rule excerpts show the normalized (lower-cased) value.
_AWS_KEY = re.compile(r"(?i)\b((?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|AIPA|ABIA|ACCA)[A-Z0-9]{16})\b")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_KEY_VALUE = re.compile(
    r"(?i)\b([a-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|"
    r"credential|session|auth|authorization|signature)[a-z0-9_.-]*)(\s*[=:]\s*[\"']?(?:bearer\s+|basic\s+)?)"
    r"([^\s&\"',;}]+)")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+([A-Za-z0-9._~+/=-]{8,})")
_LONG_TOKEN = re.compile(r"[A-Za-z0-9+/=_-]{20,}")


def _keep4(value: str) -> str:
    return value if value.endswith("****") else value[:4] + "****"


def _entropy(s: str) -> float:
    counts: Dict[str, int] = {}
    for ch in s:
        counts[ch] = counts.get(ch, 0) + 1
    return -sum(c / len(s) * math.log2(c / len(s)) for c in counts.values())


def _high_entropy(token: str) -> bool:
    # Paths and slugs ("uploads/2026/holiday-photos-final") are short segments between
    # separators; keys and tokens have a long random run.
    if max(len(part) for part in re.split(r"[/_.+=-]", token)) < 16:
        return False
    classes = sum(bool(re.search(p, token)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]"))
    return classes >= 2 and _entropy(token) >= 3.5


def mask_secrets(text: str) -> str:
    """``text`` with secret-looking values masked (first 4 characters then ``****``):
    AWS access key ids, JWTs, bearer/basic credentials, values of password/token/secret/key
    ``key=value`` (or ``key: value``) pairs, and long high-entropy strings."""
    text = _AWS_KEY.sub(lambda m: _keep4(m.group(1)), text)
    text = _JWT.sub(lambda m: _keep4(m.group(0)), text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {_keep4(m.group(2))}", text)
    text = _KEY_VALUE.sub(lambda m: f"{m.group(1)}{m.group(2)}{_keep4(m.group(3))}", text)
    return _LONG_TOKEN.sub(lambda m: _keep4(m.group(0)) if _high_entropy(m.group(0)) else m.group(0), text)


def _truncate(text: str, limit: int = EXCERPT_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


# ---------------------------------------------------------------------------
# Programs: compiled once per container and configuration

_PROGRAMS: Dict[tuple, Program] = {}
_PROGRAMS_LOCK = threading.Lock()


def _compile(key: tuple) -> Program:
    with _PROGRAMS_LOCK:
        program = _PROGRAMS.get(key)
        if program is None:
            bundled, policies, params, max_wall_ms, max_instructions, max_memory_bytes = key
            engine = Engine(params=dict(params), max_wall_ms=max_wall_ms, max_instructions=max_instructions,
                            max_memory_bytes=max_memory_bytes)
            if bundled:
                engine.add_bundled()
            for kind, source in policies:
                if kind == "path":
                    engine.add_policy_file(source)
                else:
                    engine.add_policy_text(source, name="<guard policy>")
            program = engine.compile()
            _PROGRAMS[key] = program
        return program


def clear_cache() -> None:
    """Forget the compiled programs (tests; a container never needs it)."""
    with _PROGRAMS_LOCK:
        _PROGRAMS.clear()


# ---------------------------------------------------------------------------
# Event sources, records, responses

def _source_of(event: Any) -> str:
    """The event's source, named as the event loader names it (the HTTP and batch
    sources the guard answers differently; anything else is reported as seen)."""
    if not isinstance(event, Mapping):
        return "unknown"
    context = event.get("requestContext")
    if isinstance(context, Mapping):
        if "elb" in context:
            return "alb"
        if "http" in context:
            domain = str(context.get("domainName", ""))
            return "lambda.url" if ".lambda-url." in domain else "apigateway.http"
        if "connectionId" in context:
            return "apigateway.websocket"
        if "httpMethod" in event or "httpMethod" in context:
            return "apigateway.rest"
    records = event.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], Mapping):
        first = records[0]
        source = first.get("eventSource") or first.get("EventSource") or ""
        name = {"aws:sqs": "sqs", "aws:kinesis": "kinesis", "aws:dynamodb": "dynamodb", "aws:s3": "s3",
                "aws:sns": "sns", "aws:ses": "ses"}.get(source)
        if name:
            return name
        if "s3" in first:
            return "s3"
    if "detail-type" in event:
        return "eventbridge"
    return "unknown"


_RECORD = re.compile(r"^/Records/(\d+)(?:/|#|$)")


def _record_of(pointer: str) -> int:
    m = _RECORD.match(pointer)
    return int(m.group(1)) if m else -1


def _item_identifier(record: Any, path: Tuple[str, ...]) -> Optional[str]:
    for part in path:
        if not isinstance(record, Mapping):
            return None
        record = record.get(part)
    return record if isinstance(record, str) else None


def _http_response(source: str, verdict: Verdict, context: Any) -> dict:
    body = {"message": "Bad request", "requestId": getattr(context, "aws_request_id", None)}
    response = {"statusCode": 400, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}
    if source == "alb":
        response.update(statusDescription="400 Bad Request", isBase64Encoded=False)
    return response


_TECHNIQUE_SUFFIX = re.compile(r"\s+in (?:an?|the)\b[\w -]*\bevent field$")


def _technique(finding: Finding) -> str:
    title = _TECHNIQUE_SUFFIX.sub("", finding.title or "")
    return title or finding.category


_CONFIDENCE = re.compile(r"\bconfidence (high|medium|low)\b")


def _excerpt(message: str) -> str:
    # Event rule messages end with "...]: <excerpt of the decoded value>".
    i = message.find("]: ")
    return message[i + 3:] if i >= 0 else message


# ---------------------------------------------------------------------------
# The guard

AllowList = Mapping[str, Iterable[str]]


def _allowed(patterns: Sequence[str], pointer: str) -> bool:
    for p in patterns:
        if any(c in p for c in "*?["):
            if fnmatch.fnmatchcase(pointer, p):
                return True
        elif pointer == p or pointer.startswith(p.rstrip("/#") + "/") or pointer.startswith(p.rstrip("/#") + "#"):
            return True
    return False


class Guard:
    """The configuration of :func:`guard`; call it on a handler to wrap it, or use
    :meth:`inspect` to evaluate an event without a handler."""

    def __init__(self, *, mode: str = "block", policies: Union[str, os.PathLike, Sequence[Union[str, os.PathLike]]] = (),
                 bundled: bool = True, allow: Optional[AllowList] = None, on_error: str = "pass",
                 response: Union[None, Mapping[str, Any], Callable[..., Any]] = None, raise_on_block: bool = False,
                 partial_batch: bool = True, audit: Optional[Callable[[dict], Any]] = None,
                 params: Optional[Mapping[str, Any]] = None, max_wall_ms: int = DEFAULT_MAX_WALL_MS,
                 max_instructions: int = DEFAULT_MAX_INSTRUCTIONS,
                 max_memory_bytes: int = DEFAULT_MAX_MEMORY_BYTES) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if on_error not in ON_ERROR:
            raise ValueError(f"on_error must be one of {', '.join(ON_ERROR)}, not {on_error!r}")
        if isinstance(policies, (str, os.PathLike)):
            policies = [policies]
        sources = []
        for p in policies:
            if isinstance(p, os.PathLike) or ("\n" not in p and os.path.exists(p)):
                sources.append(("path", os.path.abspath(os.fspath(p))))
            elif "\n" not in p and p.endswith(".moat"):
                raise FileNotFoundError(f"{p}: no such policy file")
            else:
                sources.append(("text", p))
        if not bundled and not sources:
            raise ValueError("bundled=False needs policies (nothing to evaluate)")
        self.mode = mode
        self.on_error = on_error
        self.response = response
        self.raise_on_block = raise_on_block
        self.partial_batch = partial_batch
        self.audit = audit
        self.allow = {rule: [allow_rule] if isinstance(allow_rule, str) else list(allow_rule)
                      for rule, allow_rule in (allow or {}).items()}
        self._key = (bundled, tuple(sources), tuple(sorted((params or {}).items())), max_wall_ms, max_instructions,
                     max_memory_bytes)
        self._bundled = bundled
        # In Lambda, decoration happens during the init phase: compile there, once.
        self.program = _compile(self._key)

    # -- evaluation ---------------------------------------------------------

    def _keep(self, finding: Finding) -> bool:
        if finding.outcome != "fail":
            return False
        if finding.policy_location.startswith("stdlib:"):
            return finding.category == "injection"  # the bundled library's event rules
        return True  # the organisation's own policies

    def _native_result(self, event: Any) -> Optional[tuple]:
        """A dict event evaluated by the engine directly: the raw (findings, unknown
        count, errors, instructions), with no Python object built per finding; None
        for anything else (or a dict that does not convert), which inspect() loads."""
        if type(event) is not dict:
            return None
        try:
            return self.program._program.evaluate(_moat.event_from_python(event, "<event>"))
        except Exception:  # noqa: BLE001 - inspect() loads it again and reports the failure
            return None

    def inspect(self, event: Any, _raw: Optional[tuple] = None) -> Verdict:
        """Evaluate ``event``: the detections (allow-list applied), or the error."""
        verdict = Verdict(_source_of(event))
        try:
            if _raw is not None:  # handle() already evaluated it
                result = _result(_raw, "<event>")
            else:
                if isinstance(event, (Mapping, str, bytes)):
                    document = load_event(event)
                else:
                    document = load_event(json.dumps(event))
                result = self.program.evaluate(document)
        except Exception as e:  # noqa: BLE001 - a guard reports, by on_error, any failure to evaluate
            verdict.error = f"{type(e).__name__}: {e}"
            return verdict
        for f in result:
            if not self._keep(f):
                continue
            pointer = f.subject or f.path
            m = _CONFIDENCE.search(f.message)
            allowed = (_allowed(self.allow.get(f.rule_id, ()), pointer) or _allowed(self.allow.get("*", ()), pointer))
            verdict.detections.append(Detection(
                rule_id=f.rule_id, severity=f.severity, technique=_technique(f), pointer=pointer,
                confidence=m.group(1) if m else None, excerpt=_truncate(mask_secrets(_excerpt(f.message))),
                record=_record_of(pointer), allowed=allowed))
        return verdict

    # -- audit --------------------------------------------------------------

    def _emit(self, line: dict) -> None:
        if self.audit is not None:
            try:
                self.audit(line)
                return
            except Exception as e:  # noqa: BLE001 - never lose an audit line to a failing hook
                line = dict(line, audit_hook_error=f"{type(e).__name__}: {e}")
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    def _audit(self, verdict: Verdict, context: Any, decisions: Mapping[int, str]) -> None:
        base = {
            "timestamp": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "logger": "moat.guard",
            "function": getattr(context, "function_name", None) or os.environ.get("AWS_LAMBDA_FUNCTION_NAME"),
            "request_id": getattr(context, "aws_request_id", None),
            "source": verdict.source,
            "mode": self.mode,
        }
        if verdict.error is not None:
            self._emit(dict(base, decision="blocked" if self.on_error == "block" else "error-passed",
                            error=_truncate(mask_secrets(verdict.error), 300)))
            return
        for i, d in enumerate(verdict.detections):
            line = dict(base, rule_id=d.rule_id, severity=d.severity, technique=d.technique, pointer=d.pointer,
                        decision=decisions[i])
            if d.confidence is not None:
                line["confidence"] = d.confidence
            if d.record >= 0:
                line["record"] = d.record
            line["excerpt"] = d.excerpt
            self._emit(line)

    # -- the wrapper --------------------------------------------------------

    def _blocked_response(self, verdict: Verdict, event: Any, context: Any) -> Any:
        if self.raise_on_block or verdict.source not in HTTP_SOURCES:
            raise EventBlocked(verdict.blocking, verdict.source)
        if callable(self.response):
            return self.response(verdict, event, context)
        if self.response is not None:
            return json.loads(json.dumps(self.response))  # a fresh copy each time
        return _http_response(verdict.source, verdict, context)

    def handle(self, handler: Callable[[Any, Any], Any], event: Any, context: Any) -> Any:
        """One invocation: evaluate, log, and call ``handler`` or block."""
        raw = self._native_result(event)
        if raw is not None and not raw[0] and not raw[2]:
            return handler(event, context)  # the common case: nothing to log or decide
        verdict = self.inspect(event, raw)
        if not verdict.detections and verdict.error is None:
            return handler(event, context)
        blocking = verdict.blocking
        decisions = {i: ("allowed-by-list" if d.allowed else "blocked" if self.mode == "block" else "reported")
                     for i, d in enumerate(verdict.detections)}
        if verdict.error is not None:
            self._audit(verdict, context, decisions)
            if self.on_error == "block" and self.mode == "block":
                return self._blocked_response(verdict, event, context)
            return handler(event, context)
        if self.mode == "report" or not blocking:
            self._audit(verdict, context, decisions)
            return handler(event, context)

        identifiers = BATCH_IDENTIFIERS.get(verdict.source)
        records = event.get("Records") if isinstance(event, Mapping) else None
        if (identifiers and self.partial_batch and not self.raise_on_block and isinstance(records, list)
                and all(d.record >= 0 for d in blocking)):
            bad = sorted({d.record for d in blocking})
            ids = [_item_identifier(records[i], identifiers) for i in bad if i < len(records)]
            if all(ids):
                self._audit(verdict, context, decisions)
                failures = [{"itemIdentifier": i} for i in ids]
                clean = [r for i, r in enumerate(records) if i not in set(bad)]
                if not clean:
                    return {"batchItemFailures": failures}
                result = handler(dict(event, Records=clean), context)
                if isinstance(result, Mapping) and isinstance(result.get("batchItemFailures"), list):
                    return dict(result, batchItemFailures=list(result["batchItemFailures"]) + failures)
                return {"batchItemFailures": failures}
        self._audit(verdict, context, decisions)
        return self._blocked_response(verdict, event, context)

    def __call__(self, handler: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        @functools.wraps(handler)
        def guarded(event: Any, context: Any = None) -> Any:
            return self.handle(handler, event, context)

        guarded.moat_guard = self  # type: ignore[attr-defined]
        return guarded


def guard(handler: Optional[Callable[[Any, Any], Any]] = None, **options: Any) -> Any:
    """Protect a Lambda handler: ``@moat.guard`` or ``@moat.guard(mode=..., ...)``.

    Options: ``mode`` ("block" or "report"); ``policies`` (extra policy paths or text,
    all their findings count); ``bundled`` (the bundled event rules, default True);
    ``allow`` ({rule id or "*": [pointer prefix or glob, ...]}); ``on_error`` ("pass" or
    "block"); ``response`` (the HTTP block response: a dict, or a callable(verdict,
    event, context)); ``raise_on_block`` (raise :class:`EventBlocked` for every source);
    ``partial_batch`` (SQS/Kinesis/DynamoDB batchItemFailures, default True); ``audit``
    (a callable receiving each audit record instead of stdout); ``params``; budgets
    per evaluation ``max_wall_ms``, ``max_instructions``, ``max_memory_bytes``.
    """
    g = Guard(**options)
    return g(handler) if handler is not None else g
