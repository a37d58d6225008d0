"""What tracker-check costs on top of the browser work, and what --workers buys.

1. Overhead: the demo shop's flows (fixtures/shop/plan.yaml) run by tracker-check versus a
   bare Playwright script doing the same steps, in one process, rounds alternating.

   Both sides: one `async_playwright()`, the same Chromium via `capture.browser.launch`, flows
   in plan order one after the other, per flow a fresh context (`new_context`: service workers
   blocked) and one page, every step (the implicit `start` goto first) performed by the same
   `flows.steps.perform` with the same timeout: same gotos (waiting for `load`), clicks, fills,
   scrolls, selector waits, screenshots, with Playwright's auto-waiting; context closed after
   the flow, browser closed at the end. Both timings include start-up and shutdown.

   tracker-check adds what the tool is: the capture hook and binding in every page, request
   blocking (`context.route` with the plan's `block_requests`), attribution, the bypass check
   after every step, the waits the spec prescribes (a step's `expect` waits until its listed
   events arrive; a count expectation waits until the page has been quiet for `settle`; a flow
   settles once more at its end, overlapping the next flow; `sequence` events still missing
   are awaited), validation of every event and the report. It also opens the next flow's
   context while a flow waits (the bare script opens each when the flow before has closed).

   The bare script does not capture, so it waits for no event: `wait: {event}` steps are
   skipped and it moves on right after each action. Printed: the median ratio with the plan's
   settle (target <= 1.10) and with `settle: 0` (capture, waits for arrivals, validation, but
   no quiet periods), and the lowest ratio the plan's count expectations allow at all: their
   quiet periods (the spec's `settle` after each) cannot overlap anything with one flow at a
   time.
2. Workers: 8 flows against a local server adding 200 ms to every request, --workers 4 versus
   --workers 1. Prints the time ratio (target <= 0.6).

Usage: python benchmarks/run_overhead.py [--rounds N] [--plan PLAN --site DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

from tracker_check.capture.browser import launch, new_context
from tracker_check.flows.flow import all_steps
from tracker_check.flows.runner import RunOptions, run_plan_async
from tracker_check.flows.steps import StepContext, perform
from tracker_check.flows.variables import Variables
from tracker_check.plan.load import load_plan
from tracker_check.plan.model import Plan
from tracker_check.serve import serve

REPO = Path(__file__).resolve().parent.parent
FLOW_SITE = REPO / "fixtures" / "flows" / "site"


async def bare(plan: Plan, base_url: str, shots: Path) -> tuple[float, float]:
    """The plan's steps with plain Playwright: one browser, a context per flow, no capture.
    Returns the wall time and the part of it spent performing steps."""
    from playwright.async_api import async_playwright

    async def no_wait(name: str, timeout_ms: float) -> None:
        return None

    t0 = time.monotonic()
    performing = 0.0
    async with async_playwright() as pw:
        browser = await launch(pw)
        for flow in plan.flows:
            context = await new_context(browser)
            page = await context.new_page()
            variables = Variables(flow.vars, os.environ)
            for _, step in all_steps(flow):
                ctx = StepContext(
                    page,
                    base_url,
                    step.timeout_ms or plan.settings.step_timeout_ms,
                    lambda name: shots / f"{name}.png",
                    no_wait,
                )
                t_step = time.monotonic()
                await perform(variables.step(step), ctx)
                performing += time.monotonic() - t_step
            await context.close()
        await browser.close()
    return time.monotonic() - t0, performing


async def tracked(
    plan: Plan, base_url: str, workers: int = 1, settle_ms: int | None = None
) -> float:
    t0 = time.monotonic()
    options = RunOptions(base_url=base_url, workers=workers, settle_ms=settle_ms)
    report = await run_plan_async(plan, options)
    if report.error:
        raise SystemExit(f"run failed: {report.error}")
    return time.monotonic() - t0


def overhead(plan_path: Path, site: Path, rounds: int) -> float:
    """Median ratios tracker-check/bare: as the plan says, and with `settle` 0 (the cost of
    capture, attribution and validation alone, without the quiet periods counts need)."""
    plan = load_plan(plan_path)
    ratios: list[float] = []
    bare_ratios: list[float] = []
    bare_times: list[float] = []
    step_times: list[float] = []
    with serve(site) as url, tempfile.TemporaryDirectory() as tmp:
        asyncio.run(tracked(plan, url))  # warm-up: disk cache, first launch
        for r in range(rounds):
            t_bare, t_steps = asyncio.run(bare(plan, url, Path(tmp)))
            t_tc = asyncio.run(tracked(plan, url))
            t_tc0 = asyncio.run(tracked(plan, url, settle_ms=0))
            ratios.append(t_tc / t_bare)
            bare_ratios.append(t_tc0 / t_bare)
            bare_times.append(t_bare)
            step_times.append(t_steps)
            print(
                f"  round {r + 1}: bare {t_bare:.2f} s, tracker-check {t_tc:.2f} s "
                f"(settle {plan.settings.settle_ms} ms), {t_tc0:.2f} s (settle 0)"
            )
    ratio = statistics.median(ratios)
    # quiet periods inside flows: a count expectation is judged only after the page was quiet
    # for `settle`, and the next step may not start before (its events would be the next
    # step's). Running flows one after another, steps and these quiet periods all follow one
    # another, so their sum bounds any such runner from below. Start-up, contexts and closing
    # can hide in quiet time. Each flow's end also waits for quiet (late pushes), before the
    # next flow with one worker: up to one more period per flow whose last step did not settle.
    counted = sum(any(x.bounds_count for x in s.expect) for f in plan.flows for s in f.steps)
    ends = sum(not any(x.bounds_count for x in all_steps(f)[-1][1].expect) for f in plan.flows)
    settle_s = plan.settings.settle_ms / 1000
    quiet_s = counted * settle_s
    t_bare, t_steps = statistics.median(bare_times), statistics.median(step_times)
    print(
        f"the plan's count expectations need {counted} quiet periods of "
        f"{plan.settings.settle_ms} ms = {quiet_s:.1f} s; the bare run ({t_bare:.2f} s) spends "
        f"{t_steps:.2f} s performing steps; so no runner going one flow at a time can beat "
        f"({t_steps:.2f} + {quiet_s:.1f}) / {t_bare:.2f} = {(t_steps + quiet_s) / t_bare:.2f}; "
        f"with the ends of {ends} flows settling too, up to "
        f"{(t_steps + quiet_s + ends * settle_s) / t_bare:.2f}"
    )
    print(f"overhead: {len(plan.flows)} flows, median ratio tracker-check/bare = {ratio:.2f}")
    print(f"overhead without settle periods: median ratio = {statistics.median(bare_ratios):.2f}")
    return ratio


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


def timed_run(plan: Plan, url: str, workers: int) -> tuple[float, float | None]:
    """Wall time and machine CPU-seconds of one run."""
    before = machine_busy()
    wall = asyncio.run(tracked(plan, url, workers=workers))
    after = machine_busy()
    return wall, None if before is None or after is None else after - before


def workers(rounds: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.yaml"
        path.write_text(latency_plan(8), "utf-8")
        plan = load_plan(path)
    ratios, cpus = [], []
    cores = os.cpu_count() or 1
    with serve(FLOW_SITE, latency_ms=200) as url:
        for r in range(rounds):
            one, cpu_one = timed_run(plan, url, 1)
            four, cpu_four = timed_run(plan, url, 4)
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
        # the CPU the run needs, spread perfectly over every core, against --workers 1
        floor = statistics.median(cpu / cores / one for cpu, one in cpus)
        print(f"  CPU bound: with every core busy, --workers 4 could at best reach {floor:.2f}")
    return ratio


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--plan", type=Path, default=REPO / "fixtures" / "shop" / "plan.yaml")
    ap.add_argument("--site", type=Path, default=REPO / "fixtures" / "shop")
    ap.add_argument("--skip-overhead", action="store_true")
    args = ap.parse_args()
    if not args.skip_overhead:
        overhead(args.plan, args.site, args.rounds)
    workers(args.rounds)
    print(f"load average: {os.getloadavg()[0]:.1f} (timings are only meaningful when low)")


if __name__ == "__main__":
    main()
