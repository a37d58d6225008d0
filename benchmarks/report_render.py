"""Render time of each report format for a large synthetic run. Prints numbers; asserts nothing.

.venv/bin/python benchmarks/report_render.py [flows] [events_per_flow]
"""

from __future__ import annotations

import os
import sys
import time

from tracker_check.models import Event, EventKind, Finding, Severity
from tracker_check.plan.model import EventSpec, Plan
from tracker_check.report.model import FlowResult, RunReport, StepResult
from tracker_check.report.registry import FORMATS, RenderOptions, render


def build(flows: int, per_flow: int) -> RunReport:
    names = [f"event_{i}" for i in range(40)]
    plan = Plan(
        events={
            n: EventSpec(n, stage=("a", "b", "c")[i % 3], weight=i % 5 + 1)
            for i, n in enumerate(names)
        },
        funnel=("a", "b", "c"),
        name="bench",
    )
    results, findings = [], []
    for fi in range(flows):
        flow = f"flow {fi}"
        events = tuple(
            Event(
                names[i % len(names)],
                EventKind.EVENT,
                {"ecommerce": {"items": [{"item_id": f"SKU-{i}", "price": i * 1.5}] * 3}, "i": i},
                index=i,
                flow=flow,
                step=i // 10,
            )
            for i in range(per_flow)
        )
        mine = tuple(
            Finding(
                "invalid-parameter",
                Severity.ERROR if i % 2 else Severity.WARNING,
                "bad price",
                flow=flow,
                step=i // 10,
                event=names[i % len(names)],
                event_index=i,
                pointer="/ecommerce/items/0/price",
                actual=i,
            )
            for i in range(0, per_flow, 7)
        )
        steps = tuple(
            StepResult(
                s,
                f"click #b{s}",
                "click",
                "passed",
                10.0,
                tuple(range(s * 10, min(s * 10 + 10, per_flow))),
            )
            for s in range((per_flow + 9) // 10)
        )
        results.append(FlowResult(flow, "failed", 1000.0, steps, events, mine))
        findings += mine
    return RunReport(
        plan, tuple(results), tuple(findings), duration_ms=1.0, extras={"secrets": ["s3cr3t"]}
    )


def main() -> None:
    flows = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    per_flow = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    report = build(flows, per_flow)
    print(f"{flows} flows x {per_flow} events, {len(report.findings)} findings")
    for fmt in FORMATS:
        start = time.perf_counter()
        out = render(fmt, report, RenderOptions(verbose=True))
        took = time.perf_counter() - start
        print(f"{fmt:7} {took * 1000:8.1f} ms  {len(out) / 1e6:6.2f} MB")
    print(f"load average: {os.getloadavg()[0]:.1f} (timings are only meaningful when low)")


if __name__ == "__main__":
    main()
