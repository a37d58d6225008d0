"""What tracker-check costs on top of the browser work, and what --workers buys — measured as
the user runs it: the whole `tracker-check run` command against a bare Playwright script.

1. Overhead: a plan's flows by `tracker-check run PLAN --workers 1` (a subprocess: interpreter,
   imports, Playwright driver, browser launch, every flow, the JSON report) versus
   `benchmarks/bare_flows.py PLAN` (a subprocess too: plain Playwright doing the same steps and
   waiting for the same expected events in the page's data layer; no capture, no settling, no
   validation, no report), rounds alternating. Three cases:
   - the demo shop (fixtures/shop/plan.yaml), as served locally;
   - the demo shop served with 40 ms added to every request (a real shop over a network);
   - an idle page: 10 flows that open a page and click a button that pushes nothing, with a
     count expectation (the settle has to conclude there is nothing to wait for) — per flow,
     tracker-check's time minus the bare script's.
   Target (issue 12): the demo's median ratio <= 1.10; the idle page's flow within ~100 ms.
2. Workers: 8 flows against a local server adding 200 ms to every request,
   `tracker-check run --workers 4` versus `--workers 1` (target <= 0.6).

Usage: python benchmarks/run_overhead.py [--rounds N] [--skip-overhead] [--skip-workers]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tracker_check.serve import serve

REPO = Path(__file__).resolve().parent.parent
FLOW_SITE = REPO / "fixtures" / "flows" / "site"
SHOP = REPO / "fixtures" / "shop"
BARE = Path(__file__).resolve().parent / "bare_flows.py"


def tracker_check(plan: Path, url: str, workers: int, out: Path) -> tuple[float, dict[str, Any]]:
    """Wall time of the whole `tracker-check run` command, and its JSON report."""
    cmd = [sys.executable, "-m", "tracker_check", "run", str(plan), "--base-url", url]
    cmd += ["--workers", str(workers), "--format", "json", "-o", str(out), "-q"]
    t0 = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.monotonic() - t0
    if done.returncode not in (0, 1):
        raise SystemExit(f"tracker-check run exited {done.returncode}: {done.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return wall, report


def bare(plan: Path, url: str) -> tuple[float, dict[str, Any]]:
    t0 = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(BARE), str(plan), url], capture_output=True, text=True, check=False
    )
    wall = time.monotonic() - t0
    if done.returncode != 0:
        raise SystemExit(f"bare script failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    if result["missed"]:
        raise SystemExit(f"the bare script waited in vain for: {result['missed']}")
    return wall, result


def idle_plan(n: int) -> str:
    flows = "".join(
        f"""  - name: idle {i}
    start: /index.html
    steps:
      - click: "#silent"
        expect: [{{event: dup, count: 0}}]
"""
        for i in range(n)
    )
    return (
        "version: 1\nname: idle page\nsettings: {unplanned_events: ignore}\n"
        "events:\n  dup: {}\nflows:\n" + flows
    )


def overhead(name: str, plan: Path, site: Path, rounds: int, latency_ms: float = 0) -> None:
    ratios: list[float] = []
    per_flow: list[float] = []
    with serve(site, latency_ms=latency_ms) as url, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        bare(plan, url)  # warm-up: disk cache, first launch
        tracker_check(plan, url, 1, out)
        for r in range(rounds):
            t_bare, b = bare(plan, url)
            t_tc, report = tracker_check(plan, url, 1, out)
            ratios.append(t_tc / t_bare)
            flows = report["flows"]
            diffs = [
                f["duration_ms"] / 1000 - g["s"] for f, g in zip(flows, b["flows"], strict=True)
            ]
            per_flow.append(statistics.median(diffs))
            print(
                f"  {name} round {r + 1}: bare {t_bare:.2f} s, tracker-check {t_tc:.2f} s "
                f"(status {report['status']}), ratio {t_tc / t_bare:.2f}, "
                f"per flow +{statistics.median(diffs) * 1000:.0f} ms (median)"
            )
    print(
        f"{name}: {len(b['flows'])} flows, median ratio tracker-check/bare = "
        f"{statistics.median(ratios):.2f}; "
        f"a flow takes {statistics.median(per_flow) * 1000:+.0f} ms (median)"
    )


def latency_plan(n: int) -> str:
    flows = "".join(
        f"""  - name: latency {i}
    start: /index.html
    steps:
      - click: "#next"
        expect: [page_view]
      - goto: /index.html
        expect: [page_view]
"""
        for i in range(n)
    )
    return (
        "version: 1\nname: workers benchmark\nsettings: {unplanned_events: ignore}\n"
        "events:\n  page_view: {}\nflows:\n" + flows
    )


def machine_busy() -> float | None:
    """CPU-seconds the whole machine has been busy (Linux /proc/stat), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def timed_run(plan: Path, url: str, workers: int, out: Path) -> tuple[float, float | None]:
    """Wall time and machine CPU-seconds of one whole `tracker-check run`."""
    before = machine_busy()
    wall, _ = tracker_check(plan, url, workers, out)
    after = machine_busy()
    return wall, None if before is None or after is None else after - before


def workers(rounds: int) -> float:
    ratios, cpus = [], []
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp, serve(FLOW_SITE, latency_ms=200) as url:
        plan = Path(tmp) / "plan.yaml"
        plan.write_text(latency_plan(8), "utf-8")
        out = Path(tmp) / "report.json"
        for r in range(rounds):
            one, cpu_one = timed_run(plan, url, 1, out)
            four, cpu_four = timed_run(plan, url, 4, out)
            ratios.append(four / one)
            line = f"  round {r + 1}: --workers 1 {one:.2f} s, --workers 4 {four:.2f} s"
            if cpu_one is not None and cpu_four is not None:
                cpus.append((cpu_four, one))
                line += (
                    f" (machine busy {cpu_one:.1f} / {cpu_four:.1f} CPU-s: "
                    f"{cpu_one / one / cores:.0%} / {cpu_four / four / cores:.0%} of {cores} cores)"
                )
            print(line)
    ratio = statistics.median(ratios)
    print(f"workers: 8 flows, 200 ms latency, median ratio workers4/workers1 = {ratio:.2f}")
    if cpus:
        floor = statistics.median(cpu / cores / one for cpu, one in cpus)
        print(f"  CPU bound: with every core busy, --workers 4 could at best reach {floor:.2f}")
    return ratio


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--skip-overhead", action="store_true")
    ap.add_argument("--skip-workers", action="store_true")
    args = ap.parse_args()
    if not args.skip_overhead:
        overhead("demo", SHOP / "plan.yaml", SHOP, args.rounds)
        overhead("demo, 40 ms per request", SHOP / "plan.yaml", SHOP, args.rounds, 40)
        with tempfile.TemporaryDirectory() as tmp:
            plan = Path(tmp) / "idle.yaml"
            plan.write_text(idle_plan(10), "utf-8")
            overhead("idle page", plan, FLOW_SITE, args.rounds)
    if not args.skip_workers:
        workers(args.rounds)
    print(f"load average: {os.getloadavg()[0]:.1f} (timings are only meaningful when low)")


if __name__ == "__main__":
    main()
