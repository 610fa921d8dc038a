"""Shared fixtures: the repository root, the test policies, the CLI binary, and a
thread runner whose joins time out (pytest-timeout may not be installed)."""

import os
import pathlib
import threading

import pytest

import moat

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = pathlib.Path(__file__).resolve().parent
POLICIES = HERE / "policies"
NOW = "2026-11-29"

# Every input format, with what auto-detection must call it (fixtures that
# other work has not landed yet are left out rather than failing).
FIXTURES = [fixture for fixture in [
    ("tests/fixtures/cloudformation/lambda_api.yaml", {"cloudformation"}),
    ("tests/fixtures/cloudformation/api_iam.json", {"cloudformation"}),
    ("tests/fixtures/cloudformation/services.yaml", {"cloudformation"}),
    ("tests/fixtures/sam/globals.yaml", {"sam", "cloudformation"}),
    ("tests/fixtures/serverless/serverless.yml", {"serverless"}),
    ("tests/fixtures/terraform/lambda_app.json", {"terraform-plan"}),
    ("tests/fixtures/terraform/api_and_more.json", {"terraform-plan"}),
    ("tests/python/fixtures/apigw_event.json", {"event"}),
] if (ROOT / fixture[0]).exists()]


@pytest.fixture(autouse=True)
def _run_from_root(monkeypatch):
    # File names in findings are the paths as given: relative to the root.
    monkeypatch.chdir(ROOT)


@pytest.fixture
def engine():
    e = moat.Engine(now=NOW)
    e.add_policy(POLICIES)
    return e


@pytest.fixture(scope="session")
def moat_binary():
    path = os.environ.get("MOAT_BINARY") or str(ROOT / "build" / "cli" / "moat")
    if not os.path.exists(path):
        pytest.skip("moat CLI not built (set MOAT_BINARY)")
    return path


def run_threads(targets, timeout=120.0):
    """Start one thread per callable, join each with a timeout, and re-raise the
    first exception a thread hit. Fails (instead of hanging) when one is stuck."""
    errors = []

    def wrap(fn):
        def run():
            try:
                fn()
            except BaseException as e:  # noqa: BLE001 - reported to the test
                errors.append(e)
        return run

    threads = [threading.Thread(target=wrap(t), daemon=True) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), f"thread still running after {timeout}s"
    if errors:
        raise errors[0]
