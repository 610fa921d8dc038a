"""One compiled program evaluated from several threads: the same findings as one thread."""

import random
import time

import moat
from conftest import run_threads

N_DOCS = 10_000
N_THREADS = 4


def make_docs(n):
    rng = random.Random(7)
    docs = []
    for i in range(n):
        resources = {
            f"fn{j}": {"type": "aws.lambda.function", "id": f"fn{j}", "timeout": rng.choice([3, 30, 301, 900])}
            for j in range(rng.randint(0, 4))
        }
        doc = {"resources": resources}
        if i % 7 == 0:
            doc["review_by"] = moat.parse_date("2026-01-01")
        if i % 11 == 0:
            doc["fields"] = [{"name": "http.query", "value": "1 OR 1=1"}]
        docs.append(moat.Document.from_python(doc, name=f"doc{i}"))
    return docs


def key(result):
    return [(f.rule_id, f.subject, f.path, f.message) for f in result]


def test_four_threads_match_one_thread(engine):
    program = engine.compile()
    docs = make_docs(N_DOCS)

    started = time.perf_counter()
    single = [key(program.evaluate(d)) for d in docs]
    single_s = time.perf_counter() - started
    assert sum(len(s) for s in single) > N_DOCS // 2  # the run finds things

    threaded = [None] * N_DOCS

    def worker(t):
        def run():
            # Interleaved slices: every thread meets every kind of document.
            for i in range(t, N_DOCS, N_THREADS):
                threaded[i] = key(program.evaluate(docs[i]))
        return run

    started = time.perf_counter()
    run_threads([worker(t) for t in range(N_THREADS)], timeout=300)
    threaded_s = time.perf_counter() - started
    assert threaded == single
    print(f"\n{N_DOCS} documents: one thread {single_s:.2f}s, {N_THREADS} threads {threaded_s:.2f}s")


def test_threads_evaluate_many_and_share_documents(engine):
    program = engine.compile()
    docs = make_docs(200)
    expected = [key(r) for r in program.evaluate_many(docs)]
    out = {}

    def worker(t):
        def run():
            for _ in range(5):
                out[t] = [key(r) for r in program.evaluate_many(docs)]
        return run

    run_threads([worker(t) for t in range(N_THREADS)], timeout=120)
    assert all(out[t] == expected for t in range(N_THREADS))
