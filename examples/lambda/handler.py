"""A Lambda handler protected by @moat.guard (see README.md for the layer).

The guard is created when the module is imported, during the container's init
phase: the bundled event rules compile once per container, and every invocation
only loads and evaluates its event (tens of microseconds to a few hundred).
"""
import json
import os

import moat

# Block in production, only report elsewhere (MOAT_GUARD_MODE=report) while tuning
# the allow-list. The "comment" member of the JSON body is free text that is stored
# with a parameterized query: SQL-looking comments are known-good there.
GUARD = moat.guard(
    mode=os.environ.get("MOAT_GUARD_MODE", "block"),
    allow={"MOAT-INJ-017": ["/body#/comment"]},
    on_error="pass",       # an evaluation error is logged, and the request goes through
    max_wall_ms=50,        # per event: the guard never holds a request longer than this
)


@GUARD
def handler(event, context):
    body = json.loads(event.get("body") or "{}")
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"received": sorted(body)}),
    }


@moat.guard  # an SQS consumer with ReportBatchItemFailures: flagged messages are failed, the rest processed
def consume(event, context):
    failures = []
    for record in event["Records"]:
        try:
            json.loads(record["body"])
        except ValueError:
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
