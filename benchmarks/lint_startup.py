"""Wall time of `tracker-check lint` on the demo plan, end to end (interpreter start included).

    .venv/bin/python benchmarks/lint_startup.py [PLAN] [--runs N] [--venv DIR ...]

Runs each venv's installed console script N times (default 15) and prints min / median / max
wall seconds and the CPU seconds of the fastest run, with that venv's typer version. By
default it measures `.venv` (the locked versions, `make setup`) and `.venv-latest` (the
newest versions the metadata allows, `make test-latest`) when it exists. Byte-code caching is
on, as for a user (this machine's environment sets PYTHONDONTWRITEBYTECODE; it is unset for
the runs, and one warm-up run fills the cache). The target is ≤ 0.35 s median. Also prints
`tracker-check --version` (which goes through typer) for comparison. Numbers only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEMO_PLAN = REPO / "fixtures" / "shop" / "plan.yaml"


def measure(script: Path, args: list[str], runs: int) -> tuple[list[float], float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cmd = [str(script), *args]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)  # warm
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(runs):
        before = os.times()
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        walls.append(time.perf_counter() - start)
        after = os.times()
        cpus.append(
            (after.children_user - before.children_user)
            + (after.children_system - before.children_system)
        )
    return walls, cpus[walls.index(min(walls))]


def report(label: str, walls: list[float], cpu: float) -> None:
    print(
        f"  {label:<26} wall min {min(walls):.3f}s  median {statistics.median(walls):.3f}s  "
        f"max {max(walls):.3f}s  cpu(fastest) {cpu:.3f}s"
    )


def version(venv: Path, package: str) -> str:
    out = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            f"import importlib.metadata as m; print(m.version({package!r}))",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() or "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", nargs="?", default=str(DEMO_PLAN))
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--venv", type=Path, action="append")
    ns = parser.parse_args()
    venvs = ns.venv or [p for p in (REPO / ".venv", REPO / ".venv-latest") if p.is_dir()]
    print(f"plan: {ns.plan}")
    for venv in venvs:
        script = venv / "bin" / "tracker-check"
        versions = ", ".join(f"{p} {version(venv, p)}" for p in ("typer", "pydantic", "jsonschema"))
        print(f"{venv.name}: {versions}")
        report("tracker-check lint PLAN", *measure(script, ["lint", ns.plan], ns.runs))
        report("tracker-check --version", *measure(script, ["--version"], ns.runs))
    print(f"load average: {os.getloadavg()[0]:.1f} (wall times are only meaningful when low)")


if __name__ == "__main__":
    main()
