#!/usr/bin/env python3
"""Measures the runtime injection rules (MOAT-INJ-004..020) on real payloads.

Attack payloads from ../shared/corpus/libinjection and
../shared/corpus/PayloadsAllTheThings are embedded into real Lambda event
shapes (aws-sam-cli `_rendered/` and aws-lambda-go `events/testdata`): an
S3 object key, an SQS body, an SNS message, an API Gateway body and query
parameter, a DynamoDB image attribute and Kinesis data. Every event goes
through `moat scan-event -` as one JSON line; a payload counts as detected
in a source when the technique's rule reports on that event.

False positives: every sample event of both corpora as shipped (any finding
of any event rule is a false positive), and the libinjection false-positive
list embedded in an API query parameter and an SQS body.

  scripts/detection.py --moat build/cli/moat --write docs/detection.md
  scripts/detection.py --sample 50 --min sqli=90 --min cmd=90 --max-fp 1   # the CTest

Exit codes: 0 ok, 1 a threshold missed, 77 the corpus is absent (skipped).
Python 3 standard library only.
"""
import argparse
import base64
import copy
import datetime
import glob
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Technique -> the rule that detects it.
RULES = {
    "sqli": "MOAT-INJ-017",
    "cmd": "MOAT-INJ-018",
    "nosql": "MOAT-INJ-012",
    "ssrf": "MOAT-INJ-011",
    "traversal": "MOAT-INJ-014",
    "template": "MOAT-INJ-019",
    "code": "MOAT-INJ-013",
}
TITLES = {
    "sqli": "SQL injection", "cmd": "OS command injection", "nosql": "NoSQL injection", "ssrf": "SSRF",
    "traversal": "Path traversal", "template": "Template injection", "code": "Code injection / deserialization",
}
SOURCES = ["s3.key", "sqs.body", "sns.message", "api.body", "api.query", "dynamodb.image", "kinesis.data"]


def read_lines(path, comments=False):
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.strip() or (comments and line.startswith("#")):
                continue
            out.append(line)
    return out


def code_blocks(path):
    """Lines inside ``` fences of a Markdown file."""
    lines, inside = [], False
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.strip().startswith("```"):
                inside = not inside
                continue
            if inside and line.strip():
                lines.append(line.rstrip("\r\n"))
    return lines


def unique(items):
    seen, out = set(), []
    for i in items:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out


def load_payloads(corpus):
    patt = os.path.join(corpus, "PayloadsAllTheThings")
    lib = os.path.join(corpus, "libinjection", "data")
    p = {}
    # SQLi: every libinjection attack list (URL-encoded as captured) and the
    # PayloadsAllTheThings SQL Intruder lists.
    sqli = []
    for f in sorted(glob.glob(os.path.join(lib, "sqli-*.txt"))):
        sqli += read_lines(f, comments=True)
    for f in sorted(glob.glob(os.path.join(patt, "SQL Injection", "Intruder", "*"))):
        sqli += read_lines(f)
    p["sqli"] = unique(sqli)
    # OS command: the Intruder lists; a line that is only separators and
    # quotes ("`", "||") is a fuzzing prefix, not a payload, and is left out.
    cmd = []
    for f in sorted(glob.glob(os.path.join(patt, "Command Injection", "Intruder", "*"))):
        cmd += [l for l in read_lines(f) if re.search(r"[A-Za-z0-9]", l)]
    p["cmd"] = unique(cmd)
    nosql = []
    for f in sorted(glob.glob(os.path.join(patt, "NoSQL Injection", "Intruder", "*"))):
        nosql += read_lines(f)
    p["nosql"] = unique(nosql)
    trav = []
    for f in sorted(glob.glob(os.path.join(patt, "Directory Traversal", "Intruder", "*"))):
        trav += read_lines(f)
    p["traversal"] = unique(trav)
    # SSRF: every URL written in a code block of the SSRF pages (the cloud
    # metadata endpoints and the bypass forms); documentation links are
    # outside code blocks.
    ssrf = []
    for f in sorted(glob.glob(os.path.join(patt, "Server Side Request Forgery", "*.md"))):
        for line in code_blocks(f):
            ssrf += re.findall(r"(?:https?|gopher|dict|file|ldap|ftp|tftp|jar|netdoc|sftp)://[^\s`'\"<>)]+", line)
    p["ssrf"] = unique(ssrf)
    tmpl = []
    for f in sorted(glob.glob(os.path.join(patt, "Server Side Template Injection", "Intruder", "*"))):
        tmpl += read_lines(f)
    p["template"] = unique(tmpl)
    # Code injection / deserialization: the one-line payloads of the
    # Node.js, Python, Java and PHP pages' code blocks that are sent as data
    # (a JSON or serialized value), not the exploit scripts around them.
    code = []
    for name in ["Node.md", "Python.md", "Java.md", "PHP.md", "Ruby.md"]:
        f = os.path.join(patt, "Insecure Deserialization", name)
        if os.path.exists(f):
            for line in code_blocks(f):
                s = line.strip()
                if s.startswith("{") or s.startswith("O:") or s.startswith("a:") or s.startswith("rO0") or "_$$ND_FUNC$$_" in s or s.startswith("!!python") or s.startswith("${"):
                    code.append(s)
    p["code"] = unique(code)
    return p


def sample(items, n):
    if not n or n >= len(items):
        return items
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def shapes(corpus):
    sam = os.path.join(corpus, "aws-sam-cli", "_rendered")
    go = os.path.join(corpus, "aws-lambda-go", "events", "testdata")
    return {
        "s3": load_json(os.path.join(sam, "s3", "put.json")),
        "sqs": load_json(os.path.join(sam, "sqs", "receive-message.json")),
        "sns": load_json(os.path.join(go, "sns-event.json")),
        "api": load_json(os.path.join(sam, "apigateway", "aws-proxy.json")),
        "dynamodb": load_json(os.path.join(go, "dynamodb-event.json")),
        "kinesis": load_json(os.path.join(go, "kinesis-event.json")),
    }


def embed(shape, source, payload):
    """The event carrying payload in the given field, as the service would send it."""
    if source == "s3.key":
        e = copy.deepcopy(shape["s3"])
        e["Records"] = e["Records"][:1]
        e["Records"][0]["s3"]["object"]["key"] = urllib.parse.quote_plus(payload, safe="/")  # S3 URL-encodes keys
    elif source == "sqs.body":
        e = copy.deepcopy(shape["sqs"])
        e["Records"] = e["Records"][:1]
        e["Records"][0]["body"] = payload
    elif source == "sns.message":
        e = copy.deepcopy(shape["sns"])
        e["Records"] = e["Records"][:1]
        e["Records"][0]["Sns"]["Message"] = payload
    elif source == "api.body":
        e = copy.deepcopy(shape["api"])
        e["body"] = json.dumps({"comment": payload})
        e["isBase64Encoded"] = False
    elif source == "api.query":
        e = copy.deepcopy(shape["api"])
        e["queryStringParameters"] = {"q": payload}  # API Gateway delivers query values decoded
        e["multiValueQueryStringParameters"] = {"q": [payload]}
    elif source == "dynamodb.image":
        e = copy.deepcopy(shape["dynamodb"])
        e["Records"] = e["Records"][:1]
        img = e["Records"][0]["dynamodb"].setdefault("NewImage", {})
        img["comment"] = {"S": payload}
    elif source == "kinesis.data":
        e = copy.deepcopy(shape["kinesis"])
        e["Records"] = e["Records"][:1]
        e["Records"][0]["kinesis"]["data"] = base64.b64encode(payload.encode("utf-8", "replace")).decode()
    else:
        raise ValueError(source)
    return e


def run_moat(moat, events):
    """Rule ids reported per event (list of sets), and the elapsed seconds."""
    text = "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in events)
    started = time.monotonic()
    proc = subprocess.run([moat, "scan-event", "-", "--format", "json", "--fail-on", "none", "--now", "2026-11-29"],
                          input=text.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.monotonic() - started
    if proc.returncode not in (0, 1):
        sys.exit("moat scan-event failed (%d): %s" % (proc.returncode, proc.stderr.decode()[-2000:]))
    out = json.loads(proc.stdout)
    hits = [set() for _ in events]
    # Events are named <stdin>:LINE; line N is events[N-1].
    for f in out["findings"]:
        line = int(f["file"].rsplit(":", 1)[1])
        hits[line - 1].add(f["rule_id"])
    errors = [f for f in out["files"] if f.get("error")]
    return hits, elapsed, errors


def sample_events(corpus):
    files = sorted(glob.glob(os.path.join(corpus, "aws-sam-cli", "_rendered", "**", "*.json"), recursive=True))
    files += sorted(glob.glob(os.path.join(corpus, "aws-lambda-go", "events", "testdata", "*.json")))
    out = []
    for f in files:
        try:
            out.append((os.path.relpath(f, corpus), load_json(f)))
        except (ValueError, UnicodeDecodeError):
            pass  # a malformed sample (the Go tests keep a few on purpose)
    return out


def git_commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, check=True).stdout.decode().strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moat", default=os.path.join(ROOT, "build", "cli", "moat"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus"))
    ap.add_argument("--sample", type=int, default=0, help="payloads per technique (0: all)")
    ap.add_argument("--write", help="write the Markdown report here (docs/detection.md)")
    ap.add_argument("--min", action="append", default=[], help="TECHNIQUE=PERCENT minimum detection (all sources)")
    ap.add_argument("--max-fp", type=float, help="maximum false-positive percent (benign inputs)")
    args = ap.parse_args()

    if not os.path.isdir(os.path.join(args.corpus, "libinjection")) or not os.path.isdir(os.path.join(args.corpus, "PayloadsAllTheThings")):
        print("detection: corpus not found at %s; skipped" % args.corpus)
        return 77

    payloads = {k: sample(v, args.sample) for k, v in load_payloads(args.corpus).items()}
    shape = shapes(args.corpus)

    # Attacks.
    events, index = [], []
    for tech, items in payloads.items():
        for p in items:
            for src in SOURCES:
                events.append(embed(shape, src, p))
                index.append((tech, src, p))
    hits, attack_seconds, errors = run_moat(args.moat, events)
    table = {}
    missed = {}
    for (tech, src, p), rules in zip(index, hits):
        row = table.setdefault(tech, {}).setdefault(src, [0, 0])
        row[1] += 1
        if RULES[tech] in rules:
            row[0] += 1
        else:
            missed.setdefault(tech, []).append(p)

    # Benign: the sample events as shipped, then the libinjection false
    # positives in an API query parameter and an SQS body.
    samples = sample_events(args.corpus)
    s_hits, s_seconds, s_errors = run_moat(args.moat, [e for _, e in samples])
    sample_fp = [(name, sorted(r)) for (name, _), r in zip(samples, s_hits) if r]
    fp_lines = read_lines(os.path.join(args.corpus, "libinjection", "data", "false_positives.txt"), comments=True)
    fp_events = [embed(shape, src, l) for l in fp_lines for src in ("api.query", "sqs.body")]
    f_hits, f_seconds, _ = run_moat(args.moat, fp_events)
    list_fp = [(fp_lines[i // 2], sorted(r)) for i, r in enumerate(f_hits) if r]
    list_fp_sqli = sum(1 for r in f_hits if RULES["sqli"] in r)
    benign_total = len(samples) + len(fp_events)
    benign_fp = len(sample_fp) + len(list_fp)

    def pct(a, b):
        return 100.0 * a / b if b else 0.0

    overall = {t: (sum(v[0] for v in table[t].values()), sum(v[1] for v in table[t].values())) for t in table}
    for t, (d, n) in overall.items():
        print("%-10s %5d/%-5d %6.2f%%  (%s)" % (t, d, n, pct(d, n), RULES[t]))
    print("benign     %5d/%-5d %6.2f%% false positives (%d sample events, %d libinjection false-positive inputs x 2 fields; SQLi rule on that list: %d)"
          % (benign_fp, benign_total, pct(benign_fp, benign_total), len(samples), len(fp_lines), list_fp_sqli))
    print("time       %.1f us per attack event (%d events)" % (1e6 * attack_seconds / max(len(events), 1), len(events)))
    for name, rules in sample_fp[:20]:
        print("  sample FP: %s %s" % (name, ",".join(rules)))
    for line, rules in list_fp[:20]:
        print("  list FP: %r %s" % (line, ",".join(rules)))

    if args.write:
        w = []
        w.append("# Runtime injection detection: measured\n")
        w.append("Generated by `scripts/detection.py` (commit %s, %s) from `../shared/corpus`; do not edit by hand.\n"
                 % (git_commit(), datetime.date.today().isoformat()))
        w.append("Each attack payload is embedded in a real event shape (aws-sam-cli `_rendered/`, aws-lambda-go "
                 "`events/testdata`) in each field below, and the event goes through `moat scan-event -`. A payload is "
                 "detected in a source when the technique's rule reports on that event. Payloads: libinjection "
                 "`data/sqli-*.txt` and PayloadsAllTheThings `SQL Injection/Intruder` (SQLi), `Command Injection/Intruder` "
                 "(lines that are only separators left out), `NoSQL Injection/Intruder`, `Directory Traversal/Intruder`, "
                 "URLs in the code blocks of `Server Side Request Forgery/*.md`, `Server Side Template Injection/Intruder`, "
                 "and the one-line data payloads of `Insecure Deserialization/*.md`.\n")
        w.append("| technique (rule) | " + " | ".join(SOURCES) + " | all |")
        w.append("|---|" + "---|" * (len(SOURCES) + 1))
        for t in RULES:
            if t not in table:
                continue
            cells = []
            for s in SOURCES:
                d, n = table[t].get(s, [0, 0])
                cells.append("%d/%d (%.1f%%)" % (d, n, pct(d, n)))
            d, n = overall[t]
            w.append("| %s (%s) | %s | **%d/%d (%.1f%%)** |" % (TITLES[t], RULES[t], " | ".join(cells), d, n, pct(d, n)))
        w.append("")
        w.append("## False positives\n")
        w.append("| benign input | false positives / total |")
        w.append("|---|---|")
        w.append("| every sample event as shipped (aws-sam-cli `_rendered/`, aws-lambda-go `events/testdata`), any event rule | %d/%d (%.2f%%) |"
                 % (len(sample_fp), len(samples), pct(len(sample_fp), len(samples))))
        w.append("| libinjection `false_positives.txt` in an API query parameter and an SQS body, any event rule | %d/%d (%.2f%%) |"
                 % (len(list_fp), len(fp_events), pct(len(list_fp), len(fp_events))))
        w.append("| the same, SQL injection rule only | %d/%d (%.2f%%) |" % (list_fp_sqli, len(fp_events), pct(list_fp_sqli, len(fp_events))))
        w.append("| **all benign inputs** | **%d/%d (%.2f%%)** |\n" % (benign_fp, benign_total, pct(benign_fp, benign_total)))
        if sample_fp or list_fp:
            w.append("Benign inputs that fired (first 30):\n")
            for name, rules in sample_fp[:15]:
                w.append("- `%s`: %s" % (name, ", ".join(rules)))
            for line, rules in list_fp[:15]:
                w.append("- `%s`: %s" % (line.replace("`", "'"), ", ".join(rules)))
            w.append("")
        w.append("## Missed payloads (first 10 per technique)\n")
        for t in RULES:
            if missed.get(t):
                w.append("- %s: %s" % (TITLES[t], "; ".join("`%s`" % m.replace("`", "'")[:80] for m in unique(missed[t])[:10])))
        w.append("")
        w.append("Time: %.1f µs per attack event over %d events (loading, decoding and evaluating, one `moat scan-event -` run)."
                 % (1e6 * attack_seconds / max(len(events), 1), len(events)))
        with open(args.write, "w", encoding="utf-8") as f:
            f.write("\n".join(w) + "\n")

    status = 0
    for spec in args.min:
        t, _, v = spec.partition("=")
        d, n = overall.get(t, (0, 0))
        if pct(d, n) < float(v):
            print("FAIL: %s detection %.2f%% < %s%%" % (t, pct(d, n), v))
            status = 1
    if args.max_fp is not None and pct(benign_fp, benign_total) > args.max_fp:
        print("FAIL: false positives %.2f%% > %s%%" % (pct(benign_fp, benign_total), args.max_fp))
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
