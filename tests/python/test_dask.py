"""moat.dask on a LocalCluster of two worker processes: the same findings as a local run."""

import glob

import pytest

import moat
from conftest import FIXTURES, NOW, POLICIES

distributed = pytest.importorskip("distributed")
db = pytest.importorskip("dask.bag")
import moat.dask  # noqa: E402  (after the importorskip)

TIMEOUT = 180


def rows_key(rows):
    return sorted((r["document"], r["rule_id"], r["subject"], r["path"], r["message"]) for r in rows)


def test_dask_bag_matches_local_run():
    engine = moat.Engine(now=NOW, params={"org.max_timeout": 60}).add_policy(POLICIES).add_bundled()
    paths = [p for p, _ in FIXTURES] + sorted(glob.glob("tests/fixtures/terraform/*.json"))
    dicts = [{"resources": {"big": {"type": "aws.lambda.function", "id": "big", "timeout": 900}}}]

    program = engine.compile()
    local = []
    for item in paths + dicts:
        doc = moat.load(item) if isinstance(item, str) else moat.Document.from_python(item)
        local += [dict(f.to_dict(), document=doc.name) for f in program.evaluate(doc)]
    assert len(local) > 20

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=2, processes=True,
                                       dashboard_address=None, silence_logs=40)
    try:
        with distributed.Client(cluster, timeout=TIMEOUT) as client:
            bag = db.from_sequence(paths + dicts, npartitions=4)
            future = client.compute(moat.dask.evaluate_bag(bag, engine))
            remote = future.result(timeout=TIMEOUT)
            # Each worker compiled the recipe once and kept it.
            cached = client.run(lambda: len(moat.dask._programs))
            assert len(cached) == 2 and all(n <= 1 for n in cached.values())
    finally:
        cluster.close(timeout=TIMEOUT)
    assert rows_key(remote) == rows_key(local)


def test_recipe_rebuilds_the_same_program():
    engine = moat.Engine(now=NOW, params={"max_timeout": 10}).add_policy(POLICIES)
    engine.add_policy_text('package t\nrule "T-1" {\n  title: "t"\n  severity: info\n  category: flow\n'
                           '  select f: aws.lambda.function\n  report "fn ${f.id}"\n}\n', name="t.moat")
    sources, options = moat.dask.recipe_of(engine)
    program = moat.dask.program_for(sources, options)
    assert program is moat.dask.program_for(sources, options)  # cached
    doc = {"resources": {"f": {"type": "aws.lambda.function", "id": "f", "timeout": 20}}}
    assert [f.rule_id for f in program.evaluate(doc)] == [f.rule_id for f in engine.evaluate(doc)]
