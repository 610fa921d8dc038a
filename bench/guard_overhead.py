#!/usr/bin/python3
"""The time @moat.guard adds to a Lambda invocation, from Python (docs/performance.md,
"Runtime event evaluation").

usage: PYTHONPATH=<build>/python bench/guard_overhead.py [N] [--json]

For each event (an API Gateway REST request, an S3 put, one SQS message, an SQS
batch of 10, all benign and real-shaped, from tests/fixtures/events), a no-op
handler is called N times (default 2,000) bare and guarded, after a warm-up; the
guard's overhead is the difference of the medians (and of the means) of
time.perf_counter per invocation: the event dict's conversion plus the evaluation
of the bundled event rules. The guard compiles its program once (at decoration), as
in a Lambda container. With --json, the last line of output is a JSON object of
event name -> median overhead in µs (bench/run.py reads it).
"""
import copy
import json
import pathlib
import statistics
import sys
import time

import moat

ROOT = pathlib.Path(__file__).resolve().parents[1]
EVENTS = ROOT / "tests" / "fixtures" / "events"


def load(name):
    return json.loads((EVENTS / f"{name}.json").read_text())


def sqs_batch(n):
    template = load("sqs")["Records"][0]
    records = []
    for i in range(n):
        r = copy.deepcopy(template)
        r["messageId"] = f"msg-{i}"
        r["body"] = json.dumps({"order": 1000 + i, "status": "shipped", "note": f"parcel {i} left the depot"})
        records.append(r)
    return {"Records": records}


def noop(event, context):
    return None


class Context:
    function_name = "bench"
    aws_request_id = "00000000-0000-0000-0000-000000000000"


def per_call(fn, event, n):
    times = []
    ctx = Context()
    for _ in range(n):
        t = time.perf_counter()
        fn(event, ctx)
        times.append(time.perf_counter() - t)
    return times


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--json"]
    as_json = "--json" in sys.argv[1:]
    n = int(args[0]) if args else 2000
    started = time.perf_counter()
    guarded = moat.guard(noop, audit=lambda line: None)
    compile_ms = (time.perf_counter() - started) * 1e3
    events = {"API Gateway REST request": load("apigw_rest"), "S3 put": load("s3_put"),
              "SQS message": sqs_batch(1), "SQS batch of 10": sqs_batch(10)}
    overhead = {}
    print(f"guard created (bundled library compiled) in {compile_ms:.1f} ms; {n} invocations per event")
    print(f"{'event':28} {'bytes':>6} {'bare µs':>8} {'guarded µs (median)':>20} {'overhead median':>16} "
          f"{'overhead mean':>14}")
    for name, event in events.items():
        for fn in (noop, guarded):
            per_call(fn, event, 200)  # warm-up
        bare = per_call(noop, event, n)
        guard = per_call(guarded, event, n)
        b_med, g_med = statistics.median(bare) * 1e6, statistics.median(guard) * 1e6
        b_mean, g_mean = statistics.fmean(bare) * 1e6, statistics.fmean(guard) * 1e6
        print(f"{name:28} {len(json.dumps(event)):>6} {b_med:>8.2f} {g_med:>20.1f} {g_med - b_med:>16.1f} "
              f"{g_mean - b_mean:>14.1f}")
        overhead[name] = round(g_med - b_med, 2)
    if as_json:
        print(json.dumps(overhead))
    return 0


if __name__ == "__main__":
    sys.exit(main())
