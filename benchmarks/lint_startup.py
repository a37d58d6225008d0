"""Wall time of `tracker-check lint` on a plan, end to end (interpreter start included).

    .venv/bin/python benchmarks/lint_startup.py [PLAN] [--runs N]

Runs the installed console script N times (default 10) on the spec's example plan and prints
min / median / max wall seconds and the CPU seconds of the fastest run. The target is
≤ 0.35 s wall on an idle machine; on a loaded one, compare CPU seconds. Also prints the same
for `tracker-check --version` (the CLI's own floor) so the plan layer's share is visible.
Numbers only: no assertion.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "fixtures" / "plans" / "_example" / "plan.yaml"


def measure(args: list[str], runs: int) -> tuple[list[float], float]:
    script = Path(sys.executable).parent / "tracker-check"
    cmd = (
        [str(script), *args] if script.exists() else [sys.executable, "-m", "tracker_check", *args]
    )
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(runs):
        before = os.times()
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - start)
        after = os.times()
        cpus.append(
            (after.children_user - before.children_user)
            + (after.children_system - before.children_system)
        )
    return walls, cpus[walls.index(min(walls))]


def report(label: str, walls: list[float], cpu: float) -> None:
    print(
        f"{label:<28} wall min {min(walls):.3f}s  median {statistics.median(walls):.3f}s  "
        f"max {max(walls):.3f}s  cpu(fastest) {cpu:.3f}s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", nargs="?", default=str(EXAMPLE))
    parser.add_argument("--runs", type=int, default=10)
    ns = parser.parse_args()
    report("tracker-check --version", *measure(["--version"], ns.runs))
    report("tracker-check lint PLAN", *measure(["lint", ns.plan], ns.runs))
    print(f"load average: {os.getloadavg()[0]:.1f} (wall times are only meaningful when low)")


if __name__ == "__main__":
    main()
