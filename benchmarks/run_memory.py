"""Peak RSS of the Python process over a 1,000-flow run (target: under 300 MB).

Generates a plan of N flows over one tiny local page (each flow: open the page, click a
button, expect the event it pushes), runs it with 2 workers against a server on 127.0.0.1,
and prints the peak resident set size of this process (the browser's own processes are not
counted: they are Chromium's, not ours). Usage: python benchmarks/run_memory.py [N]
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from tracker_check.flows.runner import RunOptions, run_plan
from tracker_check.plan.load import load_plan

PAGE = """<!doctype html><title>tiny</title>
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({event: "page_view"});</script>
<button id="b" onclick="dataLayer.push({event: 'tap', n: 1})">tap</button>
"""


def plan_text(n: int) -> str:
    lines = [
        "version: 1",
        "name: memory benchmark",
        "settings: {settle: 50ms}",
        "events:",
        "  page_view: {}",
        "  tap:",
        "    parameters:",
        "      n: {type: integer}",
        "flows:",
    ]
    for i in range(n):
        lines += [
            f"  - name: flow {i:04d}",
            "    start: /index.html",
            "    steps:",
            '      - click: "#b"',
            "        expect: [{event: tap, count: 1}]",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        (site / "index.html").write_text(PAGE, "utf-8")
        plan_file = Path(tmp) / "plan.yaml"
        plan_file.write_text(plan_text(n), "utf-8")
        plan = load_plan(plan_file)
        t0 = time.monotonic()
        report = run_plan(plan, RunOptions(workers=2), serve_dir=site)
        elapsed = time.monotonic() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    summary = report.summary()
    print(
        f"flows: {summary['flows']} ({summary['flows_passed']} passed), events: {summary['events']}"
    )
    print(f"status: {report.status}, error: {report.error}")
    print(f"wall time: {elapsed:.1f} s ({elapsed / max(n, 1) * 1000:.0f} ms per flow, 2 workers)")
    print(f"peak RSS of the Python process: {peak_mb:.1f} MB (target < 300 MB)")
    print(f"load average: {os.getloadavg()[0]:.1f} (timings are only meaningful when low)")


if __name__ == "__main__":
    main()
