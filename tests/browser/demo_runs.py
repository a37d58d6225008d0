"""The demo plan run ONCE against the good and the broken shop, shared by the demo tests.

Test modules import the `demo` fixture (`from .demo_runs import demo_fixture`). The two runs
go in two threads at once: each `run_plan` has its own event loop, server and browser, and a
run spends most of its time waiting on pages, so together they take about as long as one.
They run once per test process; under pytest-xdist the first worker that needs them runs
them and pickles the result into the session's shared temp folder, the others wait on a
file lock and load it, so `-n 2` does not double the cost.
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tracker_check.flows.runner import RunOptions, run_plan
from tracker_check.models import Finding, step_name
from tracker_check.plan.load import load_plan
from tracker_check.report.model import RunReport

REPO = Path(__file__).resolve().parents[2]
PLAN = REPO / "fixtures" / "shop" / "plan.yaml"
GOOD_SITE = REPO / "fixtures" / "shop"
BROKEN_SITE = REPO / "fixtures" / "shop-broken"
EXPECTED = BROKEN_SITE / "expected.json"
WORKERS = 2


@dataclass(frozen=True)
class DemoRuns:
    good: RunReport
    broken: RunReport
    broken_dir: Path  # the broken run's report dir: its screenshots, for the HTML report


def expected_codes() -> dict[str, set[str]]:
    """Flow name -> the exact set of finding codes the broken shop must report in it."""
    data = json.loads(EXPECTED.read_text("utf-8"))
    return {name: set(codes) for name, codes in data["flows"].items()}


def describe(findings: Iterable[Finding]) -> str:
    """Findings one per line, for assertion messages."""
    lines = [
        f"  [{f.flow or '(run)'}"
        + (f" › {step_name(f.step)}" if f.step is not None else "")
        + f"] {f.severity.value} {f.code}: {f.message}"
        + (f" (pointer {f.pointer})" if f.pointer else "")
        for f in findings
    ]
    return "\n".join(lines) or "  (no findings)"


def run_demo(site: Path, report_dir: Path) -> RunReport:
    plan = load_plan(PLAN)
    options = RunOptions(workers=WORKERS, report_dir=report_dir)
    return run_plan(plan, options, serve_dir=site)


def run_both(root: Path) -> DemoRuns:
    # Threads also keep asyncio.run away from any sync Playwright alive in the test thread.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="demo-run") as pool:
        good = pool.submit(run_demo, GOOD_SITE, root / "good")
        broken = pool.submit(run_demo, BROKEN_SITE, root / "broken")
        return DemoRuns(good.result(), broken.result(), root / "broken")


def _shared_runs(shared: Path) -> DemoRuns:
    import fcntl

    shared.mkdir(exist_ok=True)
    cached = shared / "runs.pickle"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if cached.exists():
            runs: DemoRuns = pickle.loads(cached.read_bytes())
            return runs
        runs = run_both(shared)
        cached.write_bytes(pickle.dumps(runs))
        return runs


_memo: list[DemoRuns] = []  # one per process: see demo_fixture


@pytest.fixture(scope="session", name="demo")
def demo_fixture(tmp_path_factory: pytest.TempPathFactory) -> DemoRuns:
    # Each module importing this fixture gets its own fixture definition, so "session" alone
    # would run the demo once per module; the memo makes it once per process.
    if not _memo:
        if os.environ.get("PYTEST_XDIST_WORKER") and os.name == "posix":
            # the parent of a worker's basetemp is shared by all workers of this session only
            shared = tmp_path_factory.getbasetemp().parent / "tracker-check-demo-runs"
            _memo.append(_shared_runs(shared))
        else:
            _memo.append(run_both(tmp_path_factory.mktemp("demo-runs")))
    return _memo[0]
