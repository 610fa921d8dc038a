"""Evaluate a policy set over a Dask bag of documents on a ``distributed`` cluster.

    import dask.bag as db
    from distributed import Client, LocalCluster
    import moat, moat.dask

    engine = moat.Engine(now="2026-11-29").add_bundled().add_policy("org-policies/")
    with LocalCluster(n_workers=2, processes=True, dashboard_address=None) as cluster, Client(cluster):
        paths = db.from_sequence(template_paths, npartitions=8)
        findings = moat.dask.evaluate_bag(paths, engine).compute()

Compiled programs are C++ objects and cannot be pickled, so what travels to
the workers is the engine's recipe (``Engine.sources`` and ``Engine.options``:
policy text, policy paths, "bundled", parameters, date and budgets). Each
worker process compiles it once and keeps the program, keyed by a hash of
the recipe; the threads of a worker share it (evaluation releases the GIL).
Policy *paths* are read on the workers: they must see the same files (a
shared file system, or use ``add_policy_text``).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from typing import Any, Dict, Iterable, List, Mapping, Sequence, Tuple

from ._api import Document, Engine, Program, engine_from_sources, load

_programs: Dict[str, Program] = {}
_programs_lock = threading.Lock()


def recipe_of(engine: Engine) -> Tuple[List[list], Dict[str, Any]]:
    """The picklable description of ``engine``: (sources, options). Sources become lists:
    a tuple in a Dask graph could be mistaken for a task."""
    return [list(s) for s in engine.sources], engine.options


def _key(sources: Sequence[Sequence[Any]], options: Mapping[str, Any]) -> str:
    text = json.dumps([list(s) for s in sources] + [sorted(options.items())], sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def program_for(sources: Sequence[Sequence[Any]], options: Mapping[str, Any]) -> Program:
    """The compiled program for a recipe, compiled at most once per process."""
    key = _key(sources, options)
    with _programs_lock:
        program = _programs.get(key)
        if program is None:
            program = engine_from_sources(sources, options).compile()
            _programs[key] = program
        return program


def _document(item: Any) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, (str, os.PathLike)):
        return load(item)
    if isinstance(item, Mapping):
        return Document.from_python(item)
    raise TypeError(f"moat.dask: a bag item must be a path or a dict, not {type(item).__name__}")


def evaluate_partition(items: Iterable[Any], sources: Sequence[Sequence[Any]], options: Mapping[str, Any]) -> List[dict]:
    """Findings (as dicts with a "document" key) of every item of one partition.

    An item is a path (loaded with :func:`moat.load`, any input format) or a
    dict (the document itself). A document that fails to load or to evaluate
    raises: a failed document is never reported as a clean one.
    """
    program = program_for(sources, options)
    out: List[dict] = []
    for item in items:
        doc = _document(item)
        for finding in program.evaluate(doc):
            row = finding.to_dict()
            row["document"] = doc.name
            out.append(row)
    return out


def evaluate_bag(bag: Any, engine: Engine) -> Any:
    """A bag of finding dicts (each with "document") for a bag of paths or dicts.

    Nothing runs until you ``.compute()`` it. The result's order follows the
    bag's partitions; sort it if you compare runs.
    """
    sources, options = recipe_of(engine)
    return bag.map_partitions(evaluate_partition, sources, options)
