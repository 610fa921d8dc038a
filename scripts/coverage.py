#!/usr/bin/env python3
"""Measure Moat's bundled rules against the fixtures of the peers that check the same condition.

For every rule whose `references` name an equivalent peer check (checkov:, cfn_nag:, guard:,
cfn-lint:; "related:" references are not measured), this script finds that peer's fixtures and
expected results in ../shared/corpus, runs `moat scan` once over all of them, and compares:
the rule must fire on what the peer expects to fail and stay quiet on what it expects to pass.

    scripts/coverage.py [--moat BIN] [--corpus DIR] [--write docs/coverage.md] [--check 90]

Python standard library only. YAML fixtures are read through `moat inspect --input-format yaml`.
A missing corpus prints a skip message and exits 0.
"""

import argparse
import datetime
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = ("checkov", "cfn_nag", "guard", "cfn-lint")
PEER_NAMES = {
    "checkov": "Checkov",
    "cfn_nag": "cfn_nag",
    "guard": "AWS Guard rules registry",
    "cfn-lint": "cfn-lint",
}

# Resource types a peer check judges, where the peer's expectations name only the failing
# resources (cfn_nag, cfn-lint): every other resource of these types in the template is expected
# to pass. Checkov names both passing and failing resources; guard judges whole templates.
PEER_TYPES = {
    "cfn_nag:W59": ["AWS::ApiGateway::Method"],
    "cfn_nag:W57": ["AWS::Cognito::IdentityPool"],
    "cfn_nag:F78": ["AWS::Cognito::UserPool"],
    "cfn_nag:F13": ["AWS::Lambda::Permission"],
    "cfn_nag:W24": ["AWS::Lambda::Permission"],
    "cfn_nag:W92": ["AWS::Lambda::Function"],
    "cfn_nag:W69": ["AWS::ApiGateway::Stage"],
    "cfn_nag:W46": ["AWS::ApiGatewayV2::Stage"],
    "cfn_nag:W84": ["AWS::Logs::LogGroup"],
    "cfn_nag:W86": ["AWS::Logs::LogGroup"],
    "cfn_nag:F19": ["AWS::KMS::Key"],
    "cfn-lint:W2531": ["AWS::Lambda::Function", "AWS::Serverless::Function"],
    "cfn-lint:E2533": ["AWS::Lambda::Function", "AWS::Serverless::Function"],
}

# cfn-lint reports a deprecated runtime in one of two phases (W2531: deprecated, still
# updatable; E2533: creation and update blocked): a function reported by the other phase is not
# a passing fixture of this one.
PEER_SIBLINGS = {
    "cfn-lint:W2531": ["E2533"],
    "cfn-lint:E2533": ["W2531"],
}

# Fixtures where Moat disagrees with the peer on purpose: (peer id, fixture label) -> reason.
# They stay in the denominator (they count as disagreements); the reason is printed next to them.
# Labels are the ones printed in the disagreement list.
_GUARD_V2 = "rules/aws/api_gateway_v2/tests/api_gwv2_access_logs_enabled_tests.yml"
_CKV_RT = "tests/cloudformation/checks/resource/aws/example_DeprecatedLambdaRuntime/"
_RUNTIME_WHY = (
    "Moat compares the runtime's AWS deprecation date (stdlib-policies/data/lambda_runtimes.json) "
    "with the evaluation date; Checkov's CKV_AWS_363 is a fixed list that lags (its source has "
    "the newer runtimes commented out until a date). %s was deprecated on %s, so on the "
    "evaluation date the function is on a deprecated runtime and Moat reports it.")
EXPLAINED = {
    ("checkov:CKV_AWS_363", _CKV_RT + "example.yaml AWS::Lambda::Function.Pass"):
        _RUNTIME_WHY % ("nodejs18.x", "2025-09-01"),
    ("checkov:CKV_AWS_363", _CKV_RT + "exampleSAM.yaml AWS::Serverless::Function.Pass2"):
        _RUNTIME_WHY % ("python3.11", "2026-06-30"),
}
for _i, _why in (
        (6, "the stage sets AccessLogSettings.DestinationArn but no Format. Moat's condition, "
            "like Checkov's CKV_AWS_95 and cfn_nag's W46, is that access logs have a "
            "destination; the guard rule additionally demands a Format."),
        (8, "Format is the number 123. CloudFormation passes a scalar to a String property as "
            "the string \"123\": type-checking template values is schema validation "
            "(cfn-lint's E3012), not the logging condition Moat checks."),
        (9, "DestinationArn is the number 123: a malformed ARN that the deployment rejects. "
            "Type-checking values is schema validation (cfn-lint's E3012); the stage does name "
            "a destination, which is the condition Moat checks.")):
    _case = "Scenario %s) API Gateway V2 Stage Method %s" % (
        "c" if _i == 6 else "d",
        "is missing AccessLogSettings.DestinationArn or AccessLogSettings.Format, FAIL" if _i == 6 else
        "has AccessLogSettings.DestinationArn or AccessLogSettings.Format set to a value other "
        "than a string or struct, FAIL")
    EXPLAINED[("guard:api_gwv2_access_logs_enabled", '%s #%d "%s"' % (_GUARD_V2, _i, _case))] = _why

EXPLAINED[("guard:cognito_user_pool_mfa_configuration_rule",
           'rules/aws/aws_cognito/tests/cognito_user_pool_mfa_configuration_rule_tests.yml #4 '
           '"MFA Conf does not exist"')] = (
    "the user pool has no MfaConfiguration. CloudFormation's default is OFF, so the pool has "
    "no MFA; Moat reports it, as cfn_nag's F78 does on its fixtures. The guard rule passes a "
    "pool that omits the property.")

# Resources left out of a peer id's fixtures on purpose (PEER_SIBLINGS): (peer id, path) -> ids.
EXCLUDED = {}

HEADER = """# Coverage against peer fixtures

Generated by `{command}` on {date} at commit `{commit}` (`moat` {version}).
Do not edit by hand: change the script's template or the rules, and regenerate.
The false-positive review on real applications (serverless-patterns) is in [corpus-review.md](corpus-review.md).

## Method

Each rule in `stdlib-policies/` lists in its `references` the peer checks that test **the same
condition** (`checkov:CKV_AWS_59`, `cfn_nag:W59`, `guard:<rule>`, `cfn-lint:<id>`); a looser
relation is written `related:…` and is not measured. For every equivalent peer id the script
takes that peer's own fixtures and expected results from `../shared/corpus` (snapshots of the
peers' test suites, never copied into this repository):

| peer | fixtures | expected results | granularity |
|---|---|---|---|
| Checkov | `tests/cloudformation/checks/resource/aws/example_<Name>/` | `_expected/checkov_cfn_serverless_expected.json`: passing and failing `Type.LogicalId` per check; where the test only counts, the `-PASSED`/`-FAILED` in the file name | resource (template where only counts are known) |
| cfn_nag | `spec/test_templates/**` | `_expected/cfn_nag_expected.json`: the exact offending logical ids per spec case; the other resources of the rule's type are expected to pass | resource |
| AWS Guard rules registry | the inline `input:` templates of `rules/**/tests/*_tests.yml` | `PASS`/`FAIL` per case (`SKIP` cases are left out) | template |
| cfn-lint | `test/fixtures/templates/**` that have a snapshot | `test/fixtures/results/**.json` (the rule ids the snapshot reports, per resource path) | resource |

All fixtures are scanned by a single `moat scan --format json` run over the rules being
measured (guard inputs are first written as JSON templates to a scratch directory). A fixture
*agrees* when the rule fires on a fail-expected resource (or template) and stays quiet on a
pass-expected one. The overall figure is agreements over every fixture of every equivalent peer
id. A finding on a resource the peer does not judge (another resource type) is listed apart and
not counted. Peer expectations are the peer's opinion, not ground truth: where Moat disagrees
on purpose the reason is given next to the fixture; a peer whose condition differs
fundamentally is listed as `related:` in the rule and explained under "Re-classified".
"""


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def find_moat(arg):
    for cand in (arg, os.environ.get("MOAT_BIN"), os.path.join(ROOT, "build", "cli", "moat"),
                 shutil.which("moat")):
        if cand and os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    sys.exit("coverage: no moat binary (pass --moat or set MOAT_BIN)")


def inspect_yaml(moat, paths, fmt="yaml"):
    """Documents as Python values: raw (fmt yaml: YAML or JSON read by moat's YAML reader) or
    normalized by the template loaders (fmt auto)."""
    out = {}
    paths = list(paths)
    for i in range(0, len(paths), 200):
        chunk = paths[i:i + 200]
        r = run([moat, "inspect", "--input-format", fmt] + chunk)
        docs = None
        if r.returncode == 0:
            try:
                docs = json.loads(r.stdout)
                if len(chunk) == 1:
                    docs = [docs]
                if not isinstance(docs, list) or len(docs) != len(chunk):
                    docs = None
            except ValueError:
                docs = None
        if docs is None:  # one of them failed: read them one by one
            docs = []
            for p in chunk:
                r1 = run([moat, "inspect", "--input-format", fmt, p])
                try:
                    docs.append(json.loads(r1.stdout) if r1.returncode == 0 else None)
                except ValueError:
                    docs.append(None)
        for p, d in zip(chunk, docs):
            out[p] = d
    return out


def long_form(v):
    """{"!Ref": x} (moat's rendering of a YAML short-form tag) -> {"Ref": x}, recursively."""
    if isinstance(v, list):
        return [long_form(x) for x in v]
    if not isinstance(v, dict):
        return v
    if len(v) == 1:
        (k, x), = v.items()
        if k.startswith("!"):
            tag = k[1:]
            x = long_form(x)
            if tag == "Ref" or tag == "Condition":
                return {tag: x}
            if tag == "GetAtt" and isinstance(x, str):
                x = x.split(".", 1)
            return {"Fn::" + tag: x}
    return {k: long_form(x) for k, x in v.items()}


def derived_roots(moat, paths):
    """For templates with SAM resources: generated resource id -> the SAM resource it came from
    (a finding on ServerlessRestApiProdStage is a finding on the AWS::Serverless::Api)."""
    out = {}
    for p, doc in inspect_yaml(moat, paths, "auto").items():
        res = (doc or {}).get("resources") if isinstance(doc, dict) else None
        if not isinstance(res, dict):
            continue
        parent = {k: v.get("derived_from") for k, v in res.items() if isinstance(v, dict)}
        roots = {}
        for k in parent:
            r, hops = k, 0
            while parent.get(r) and hops < 10:
                r, hops = parent[r], hops + 1
            if r != k:
                roots[k] = r
        out[p] = roots
    return out


def resources_of(doc):
    res = doc.get("Resources") if isinstance(doc, dict) else None
    if not isinstance(res, dict):
        return {}
    return {k: (v.get("Type") if isinstance(v, dict) else None) for k, v in res.items()}


class Unit:
    """One fixture: a template, or one resource in a template, with the peer's verdict."""

    def __init__(self, rule, peer_id, path, subject, expect, label):
        self.rule, self.peer_id, self.path = rule, peer_id, path
        self.subject, self.expect, self.label = subject, expect, label  # expect: fail|pass
        self.fired = None


# ---------------------------------------------------------------------------- peers

def checkov_units(corpus, rule, pid, cid, moat):
    data = json.load(open(os.path.join(corpus, "checkov/_expected/checkov_cfn_serverless_expected.json")))
    units = []
    for t in data["tests"]:
        if cid not in [c["id"] for c in t["checks"]]:
            continue
        base = os.path.join(corpus, "checkov", os.path.dirname(t["test_file"]))
        for ex in t["example_dirs"] or []:
            d = os.path.join(base, ex)
            if not os.path.isdir(d):
                continue
            files = sorted(p for p in glob.glob(os.path.join(d, "**", "*"), recursive=True)
                           if os.path.isfile(p) and re.search(r"\.(ya?ml|json|template)$", p))
            rel = lambda p: os.path.relpath(p, os.path.join(corpus, "checkov"))
            if t.get("passing_resources") is not None or t.get("failing_resources") is not None:
                passing = set(t.get("passing_resources") or [])
                failing = set(t.get("failing_resources") or [])
                docs = inspect_yaml(moat, files)
                for p in files:
                    for lid, typ in resources_of(docs.get(p)).items():
                        key = "%s.%s" % (typ, lid)
                        if key in failing or key in passing:
                            units.append(Unit(rule, pid, p, lid, "fail" if key in failing else "pass",
                                              "%s %s" % (rel(p), key)))
            else:
                for p in files:
                    name = os.path.basename(p).upper()
                    if ("FAILED" in name) == ("PASSED" in name):
                        continue
                    units.append(Unit(rule, pid, p, None, "fail" if "FAILED" in name else "pass", rel(p)))
    return units


def cfn_nag_units(corpus, rule, pid, cid, moat):
    data = json.load(open(os.path.join(corpus, "cfn_nag/_expected/cfn_nag_expected.json")))
    types = PEER_TYPES.get(pid)
    cases = [c for c in data["cases"] if c.get("rule_id") == cid]
    if types is None:  # infer from the offending resources
        types = set()
    paths = []
    for c in cases:
        for tp in c["templates"]:
            p = os.path.join(corpus, "cfn_nag", tp)
            if os.path.isfile(p):
                paths.append(p)
    docs = inspect_yaml(moat, sorted(set(paths)))
    if not PEER_TYPES.get(pid):
        for c in cases:
            for tp in c["templates"]:
                res = resources_of(docs.get(os.path.join(corpus, "cfn_nag", tp)))
                types |= {res.get(i) for i in c["expected_offending_logical_ids"] or [] if res.get(i)}
    units, seen = [], set()
    for c in cases:
        if c["expected_offending_logical_ids"] is None:
            continue
        for tp in c["templates"]:
            p = os.path.join(corpus, "cfn_nag", tp)
            if not os.path.isfile(p) or p in seen:
                continue
            seen.add(p)
            offending = set(c["expected_offending_logical_ids"])
            for lid, typ in resources_of(docs.get(p)).items():
                if lid in offending or typ in types:
                    units.append(Unit(rule, pid, p, lid, "fail" if lid in offending else "pass",
                                      "%s %s" % (tp, lid)))
    return units


def guard_units(corpus, rule, pid, gid, moat, scratch):
    idx = json.load(open(os.path.join(corpus, "aws-guard-rules-registry/_expected/guard_rule_index.json")))
    units = []
    for r in idx["rules"]:
        if (r.get("rule_id") or "").upper() != gid.upper() or not r.get("test_file"):
            continue
        tf = os.path.join(corpus, "aws-guard-rules-registry", r["test_file"])
        cases = inspect_yaml(moat, [tf]).get(tf) or []
        for i, case in enumerate(cases):
            verdict = ((case.get("expectations") or {}).get("rules") or {}).get(r["rule_id"])
            if verdict not in ("PASS", "FAIL") or not isinstance(case.get("input"), dict):
                continue
            out = os.path.join(scratch, "guard", r["rule_id"].lower(), "case%02d.json" % i)
            os.makedirs(os.path.dirname(out), exist_ok=True)
            doc = long_form(case["input"])
            doc.setdefault("AWSTemplateFormatVersion", "2010-09-09")
            with open(out, "w") as f:
                json.dump(doc, f, indent=1)
            units.append(Unit(rule, pid, out, None, verdict.lower(),
                              "%s #%d \"%s\"" % (r["test_file"], i, case.get("name", ""))))
    return units


def cfn_lint_units(corpus, rule, pid, lid_rule, moat):
    root = os.path.join(corpus, "cfn-lint")
    types = set(PEER_TYPES.get(pid) or [])
    units = []
    snaps = sorted(glob.glob(os.path.join(root, "test/fixtures/results/**/*.json"), recursive=True))
    flagged_by_file, sibling_by_file = {}, {}
    siblings = PEER_SIBLINGS.get(pid, [])
    for s in snaps:
        try:
            matches = json.load(open(s))
        except ValueError:
            continue
        files = {m.get("Filename") for m in matches if m.get("Filename")}
        for fn in files:
            flagged_by_file.setdefault(fn, set())
        for m in matches:
            path = (m.get("Location") or {}).get("Path") or []
            if len(path) > 1 and path[0] == "Resources":
                if m["Rule"]["Id"] == lid_rule:
                    flagged_by_file.setdefault(m.get("Filename"), set()).add(path[1])
                elif m["Rule"]["Id"] in siblings:
                    sibling_by_file.setdefault(m.get("Filename"), set()).add(path[1])
    paths = {fn: os.path.join(root, fn) for fn in flagged_by_file if os.path.isfile(os.path.join(root, fn))}
    docs = inspect_yaml(moat, sorted(paths.values()))
    for fn, p in sorted(paths.items()):
        for lid, typ in resources_of(docs.get(p)).items():
            if lid in sibling_by_file.get(fn, ()) and lid not in flagged_by_file[fn]:
                EXCLUDED.setdefault((pid, p), set()).add(lid)
                continue
            if lid in flagged_by_file[fn] or typ in types:
                units.append(Unit(rule, pid, p, lid, "fail" if lid in flagged_by_file[fn] else "pass",
                                  "%s %s" % (fn, lid)))
    return units


# ---------------------------------------------------------------------------- main

def sam_template(path):
    try:
        with open(path, errors="replace") as f:
            return "AWS::Serverless" in f.read()
    except OSError:
        return False


def git_commit():
    r = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    return r.stdout.strip() if r.returncode == 0 else "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--moat", help="moat binary (default: $MOAT_BIN, build/cli/moat, PATH)")
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus"))
    ap.add_argument("--bundled", action="store_true",
                    help="measure the library compiled into the binary, not stdlib-policies/ on disk")
    ap.add_argument("--policies", default=os.path.join(ROOT, "stdlib-policies"),
                    help="rule library to measure (default: stdlib-policies/)")
    ap.add_argument("--now", default=None, help="evaluation date (default: today)")
    ap.add_argument("--write", metavar="FILE", help="write the Markdown document to FILE")
    ap.add_argument("--check", type=float, metavar="PCT", help="exit 1 when overall agreement < PCT")
    ap.add_argument("--quiet", action="store_true", help="print only the summary line")
    args = ap.parse_args()

    corpus = os.path.abspath(args.corpus)
    if not os.path.isdir(corpus):
        print("coverage: SKIPPED: no peer corpus at %s" % corpus)
        return 0
    t0 = time.time()
    moat = find_moat(args.moat)
    lib = [] if args.bundled else ["--no-bundled", "--policy", os.path.abspath(args.policies)]
    r = run([moat, "rules", "--format", "json"] + lib)
    if r.returncode != 0:
        sys.exit("coverage: moat rules failed: " + r.stderr)
    rules = json.loads(r.stdout)
    now = args.now or datetime.date.today().isoformat()

    scratch = tempfile.mkdtemp(prefix="moat-coverage-")
    try:
        units, related, unmeasured = [], [], []
        for rule in sorted(rules, key=lambda x: x["id"]):
            for ref in rule.get("references") or []:
                if ref.startswith("related:"):
                    if ref.split(":")[1] in PEERS:
                        related.append((rule["id"], ref[len("related:"):]))
                    continue
                peer, _, cid = ref.partition(":")
                if peer not in PEERS:
                    continue
                if peer == "checkov":
                    u = checkov_units(corpus, rule["id"], ref, cid, moat)
                elif peer == "cfn_nag":
                    u = cfn_nag_units(corpus, rule["id"], ref, cid, moat)
                elif peer == "guard":
                    u = guard_units(corpus, rule["id"], ref, cid, moat, scratch)
                else:
                    u = cfn_lint_units(corpus, rule["id"], ref, cid, moat)
                if not u:
                    unmeasured.append((rule["id"], ref))
                units.extend(u)

        ids = sorted({u.rule for u in units})
        paths = sorted({u.path for u in units})
        findings, errors = {}, {}
        if paths:
            cmd = [moat, "scan"] + paths + lib + ["--select", ",".join(ids), "--format", "json",
                                                  "--fail-on", "none", "--errors-ok", "--now", now]
            r = run(cmd)
            if r.returncode not in (0, 1):
                sys.exit("coverage: moat scan failed (%d): %s" % (r.returncode, r.stderr[-2000:]))
            rep = json.loads(r.stdout)
            for f in rep.get("files", []):
                if f.get("error"):
                    errors[os.path.abspath(f["path"])] = f["error"]
            for f in rep.get("findings", []):
                findings.setdefault((f["rule_id"], os.path.abspath(f["file"])), []).append(f)
            version = rep.get("tool", {}).get("version", "?")
        else:
            version = "?"

        # Findings on resources that SAM generated count for the SAM resource they came from.
        sam = [p for p in paths if any(u.subject is not None for u in units if u.path == p)]
        sam = [p for p in sam if sam_template(p)]
        roots = derived_roots(moat, sam) if sam else {}
        for (rule, path), fs in findings.items():
            for f in fs:
                f["judged_subject"] = roots.get(path, {}).get(f.get("subject"), f.get("subject"))

        # Compare.
        judged = {}
        for u in units:
            judged.setdefault((u.rule, u.peer_id, u.path), set()).add(u.subject)
        for u in units:
            fs = findings.get((u.rule, u.path), [])
            if u.subject is None:
                u.fired = bool(fs)
            else:
                u.fired = any(f["judged_subject"] == u.subject for f in fs)
        outside = []
        for (rule, pid, path), subjects in sorted(judged.items()):
            if None in subjects:
                continue
            for f in findings.get((rule, path), []):
                if f["judged_subject"] not in subjects | EXCLUDED.get((pid, path), set()):
                    outside.append((rule, pid, path, f.get("subject"), f.get("message", "")))

        elapsed = time.time() - t0
        doc = render(units, related, unmeasured, outside, errors, corpus, now, version, elapsed)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    total = len(units)
    agree = sum(1 for u in units if u.fired == (u.expect == "fail"))
    pct = 100.0 * agree / total if total else 100.0
    if args.write:
        with open(args.write, "w") as f:
            f.write(doc)
    if not args.quiet:
        print(doc)
    print("coverage: %d/%d fixtures agree (%.1f%%) over %d (rule, peer id) pairs, %.1fs"
          % (agree, total, pct, len({(u.rule, u.peer_id) for u in units}), elapsed))
    if args.check is not None and pct < args.check:
        print("coverage: FAILED: %.1f%% is under %.1f%%" % (pct, args.check))
        return 1
    return 0


def render(units, related, unmeasured, outside, errors, corpus, now, version, elapsed):
    cmd = "python3 scripts/coverage.py " + " ".join(a for a in sys.argv[1:])
    lines = [HEADER.format(command=cmd.strip(), date=now, commit=git_commit(), version=version)]
    total = len(units)
    agree = sum(1 for u in units if u.fired == (u.expect == "fail"))
    pct = 100.0 * agree / total if total else 100.0
    lines.append("## Result\n")
    lines.append("**Overall agreement: %d of %d fixtures (%.1f%%)** over %d (rule, peer id) pairs; "
                 "the measurement takes about %.0f s.\n"
                 % (agree, total, pct, len({(u.rule, u.peer_id) for u in units}), max(elapsed, 1)))
    # Per peer.
    lines.append("| peer | peer ids | fixtures | agree | % |")
    lines.append("|---|---:|---:|---:|---:|")
    for peer in PEERS:
        us = [u for u in units if u.peer_id.split(":")[0] == peer]
        if not us:
            continue
        a = sum(1 for u in us if u.fired == (u.expect == "fail"))
        lines.append("| %s | %d | %d | %d | %.1f |" % (PEER_NAMES[peer], len({u.peer_id for u in us}),
                                                        len(us), a, 100.0 * a / len(us)))
    lines.append("")
    lines.append("## Per rule and peer id\n")
    lines.append("| rule | peer id | fixtures | fail-expected fired | pass-expected quiet | agreement |")
    lines.append("|---|---|---:|---:|---:|---:|")
    groups = {}
    for u in units:
        groups.setdefault((u.rule, u.peer_id), []).append(u)
    for (rule, pid), us in sorted(groups.items()):
        fe = [u for u in us if u.expect == "fail"]
        pe = [u for u in us if u.expect == "pass"]
        a = sum(1 for u in us if u.fired == (u.expect == "fail"))
        lines.append("| %s | `%s` | %d | %d/%d | %d/%d | %.0f%% |" % (
            rule, pid, len(us), sum(1 for u in fe if u.fired), len(fe),
            sum(1 for u in pe if not u.fired), len(pe), 100.0 * a / len(us)))
    if unmeasured:
        lines.append("\nEquivalent peer ids without fixtures in the corpus (not in the denominator): "
                     + ", ".join("%s `%s`" % x for x in unmeasured) + ".")
    lines.append("\n## Disagreements\n")
    dis = [u for u in units if u.fired != (u.expect == "fail")]
    if not dis:
        lines.append("None.")
    for u in sorted(dis, key=lambda x: (x.rule, x.peer_id, x.label)):
        what = "peer expects FAIL, Moat is quiet" if u.expect == "fail" else "peer expects PASS, Moat fires"
        why = EXPLAINED.get((u.peer_id, u.label))
        err = errors.get(u.path)
        lines.append("- %s `%s` — %s — %s%s%s" % (u.rule, u.peer_id, u.label, what,
                                                  (" (file error: %s)" % err) if err else "",
                                                  ("\n  - on purpose: " + why) if why else ""))
    lines.append("\n## Findings on resources the peer does not judge (not counted)\n")
    if not outside:
        lines.append("None.")
    for rule, pid, path, subject, msg in outside:
        lines.append("- %s `%s` — %s: `%s` — %s" % (rule, pid, os.path.relpath(path, corpus), subject,
                                                    msg.replace("\n", " ")[:160]))
    lines.append(RECLASSIFIED)
    lines.append("\n## Related peer checks (not measured)\n")
    lines.append(", ".join("%s `%s`" % x for x in related) + ".")
    return "\n".join(lines) + "\n"


RECLASSIFIED = """
## Re-classified and explained

Peer ids added or promoted to "same condition" (measured above):

- MOAT-OBS-001 `cfn-lint:W2531` and `cfn-lint:E2533` (was `related:cfn-lint:W2531`). cfn-lint
  splits "the runtime is past its deprecation date" into two phases: W2531 while updates are
  still allowed, E2533 once creation and update are blocked. Together they are Moat's
  condition, so each is measured with the functions reported by the other phase left out of
  its passing fixtures.
- MOAT-AUTH-007 `guard:cognito_allow_unauthenticated_identities_rule` and MOAT-AUTH-008
  `guard:cognito_user_pool_mfa_configuration_rule`: the guard registry's ports of cfn_nag W57
  and F78, already measured as equivalent.
- MOAT-SEC-006 `guard:secretsmanager_rotation_enabled_check` and MOAT-SEC-007
  `guard:secretsmanager_using_cmk`: guard versions of the AWS Config rules the rules already
  list (`secretsmanager-rotation-enabled-check`, and Prowler's `secretsmanager_using_cmk`).
- MOAT-MON-010 `guard:api_gw_execution_logging_enabled` (was related): execution logging on
  every method of a REST stage, the same condition as the rule's.

No peer id was moved to `related:`. Guard rules measured while looking for missing
equivalents and left `related:` because the condition differs (they would add disagreements
that are differences of scope, not errors):

- `guard:sns_topicpolicy_no_wildcard_principal`, `guard:sqs_queuepolicy_no_wildcard_principal`
  (MOAT-FLOW-005/004): flag `Principal: *` whatever the actions (their failing fixtures have no
  Action at all); Moat's rules are about who may publish/subscribe or send.
- `guard:api_gw_cache_enabled_and_encrypted` (MOAT-DOS-014): demands cache and cache encryption
  on every stage; Moat asks for a cache only in front of public GET methods.
- `guard:cloudtrail_s3_dataevents_enabled` (MOAT-MON-003): any S3 data events; Moat asks that
  the buckets that trigger functions are covered.
- `guard:lambda_dlq_check` (MOAT-MON-014): every function; Moat only asynchronously invoked
  ones. `guard:lambda_inside_vpc` (MOAT-PRIV-015): every function; Moat only functions that
  reach private data stores. `guard:cw_loggroup_retention_period_check` (MOAT-MON-012): a
  minimum number of days; Moat asks for a declared retention.
- `guard:cloud_trail_cloud_watch_logs_enabled` (MOAT-MON-006): same core condition, but its
  failing fixture names the bucket with a `Ref` to an undeclared parameter, and MOAT-MON-006
  then cannot decide (reported as unknown) although the missing CloudWatchLogsLogGroupArn is
  decidable (the rule reads the bucket before the log-group check, and `is_unknown` on the
  bucket did not stop that: a rule fix for the lead). Measure it once that is fixed.
"""

if __name__ == "__main__":
    sys.exit(main())
