"""Run a plan's flows in one browser: selection, shards, the run-wide Validator, the report.

The engine emits `flows.events` and writes nothing: `run_plan_async` hands them to the
handlers it is given (the CLI's progress line) and to a `ReportCollector`, whose `RunReport`
it returns. Scheduling (workers over contexts of ONE browser, the next context opened while a
flow waits, ends overlapping with several workers) is `flows.pool`; every context is opened
and closed by `flows.contexts.ContextOwner`. Each flow's Playwright objects are dropped when
it ends, and finished flows go through the Validator in plan order as soon as every earlier
flow is done — so findings (including `unique` across flows) are identical whatever the
number of workers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import fnmatch
import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tracker_check.errors import BrowserError, UsageError
from tracker_check.flows.collect import ReportCollector
from tracker_check.flows.contexts import FlowContext, browser_contexts
from tracker_check.flows.events import (
    Emit,
    FindingRaised,
    FlowEnded,
    FlowFinished,
    RunFinished,
    RunStarted,
    fan_out,
)
from tracker_check.flows.flow import FlowOutcome, FlowRun, FlowSettings, SiteUnreachable
from tracker_check.flows.pool import InOrder, Pool
from tracker_check.models import Severity
from tracker_check.plan.model import Flow, Plan
from tracker_check.report.model import FlowResult, RunReport

if TYPE_CHECKING:
    from playwright.async_api import Browser

    from tracker_check.validate.events import Validator

Trace = Literal["off", "on", "retain-on-failure"]


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How to run a plan. None means "the plan's value" (base_url, timeouts)."""

    base_url: str | None = None
    workers: int = 1
    flows: tuple[str, ...] = ()  # fnmatch globs on flow names; empty = all
    shard: tuple[int, int] | None = None  # (i, n), 1-based: flows whose position % n == i - 1
    step_timeout_ms: int | None = None
    navigation_timeout_ms: int | None = None
    # "plan": the plan's settings.settle; "auto": settle on page activity; ms: a fixed period
    settle: Literal["plan", "auto"] | int = "plan"
    report_dir: Path | None = None  # screenshots and traces; a temp dir when None
    trace: Trace = "off"
    browser_path: str | None = None
    connect: str | None = None  # ws:// endpoint of `playwright run-server`
    headless: bool = True
    environ: Mapping[str, str] | None = field(default=None, repr=False)  # None: os.environ


def select_flows(
    plan: Plan, patterns: tuple[str, ...] = (), shard: tuple[int, int] | None = None
) -> list[tuple[int, Flow]]:
    """(plan index, flow) pairs to run, in plan order.

    `patterns` keep flows whose name matches any glob. `shard=(i, n)` then keeps the flows at
    positions p (0-based, among those selected) with p % n == i - 1: deterministic, balanced,
    and the n shards together are exactly the selection.
    """
    chosen = list(enumerate(plan.flows))
    if patterns:
        unmatched = [p for p in patterns if not any(_match(f.name, p) for f in plan.flows)]
        if unmatched:
            names = ", ".join(f.name for f in plan.flows) or "none"
            raise UsageError(
                f"--flow {unmatched[0]} matches no flow", hint=f"flows in the plan: {names}"
            )
        chosen = [(i, f) for i, f in chosen if any(_match(f.name, p) for p in patterns)]
    if shard is not None:
        i, n = shard
        if not (n >= 1 and 1 <= i <= n):
            raise UsageError(f"bad shard {i}/{n}", hint="use --shard i/n with 1 <= i <= n")
        chosen = [pair for pos, pair in enumerate(chosen) if pos % n == i - 1]
    return chosen


def _match(name: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(name, pattern)


def run_plan(
    plan: Plan,
    options: RunOptions | None = None,
    *,
    serve_dir: str | Path | None = None,
    serve_latency_ms: float = 0.0,
    handlers: Sequence[Emit] = (),
) -> RunReport:
    """Run `plan` synchronously. With `serve_dir`, serve that folder on 127.0.0.1 for the run
    and use it as the base URL (overriding the plan's and `options.base_url`)."""
    options = options or RunOptions()
    if serve_dir is None:
        return asyncio.run(run_plan_async(plan, options, handlers))
    from tracker_check.serve import serve

    with serve(serve_dir, latency_ms=serve_latency_ms) as url:
        served = dataclasses.replace(options, base_url=url)
        return asyncio.run(run_plan_async(plan, served, handlers))


async def run_plan_async(
    plan: Plan, options: RunOptions | None = None, handlers: Sequence[Emit] = ()
) -> RunReport:
    """Run the selected flows of `plan`, telling `handlers` as it goes; browser and site
    failures end in `RunReport.error`."""
    options = options or RunOptions()
    jobs = select_flows(plan, options.flows, options.shard)
    artifacts = _Artifacts(options.report_dir)
    extras: dict[str, Any] = {
        "base_url": options.base_url or plan.base_url,
        "workers": options.workers,
    }
    if options.shard:
        extras["shard"] = "{}/{}".format(*options.shard)
    collector = ReportCollector(plan, extras)
    emit = fan_out(collector, *handlers)
    t0 = time.monotonic()
    emit(RunStarted(tuple(f.name for _, f in jobs)))
    error: str | None = None
    try:
        if jobs:
            error = await _launch_and_run(
                plan, options, jobs, _settings(plan, options, artifacts), emit
            )
    except BrowserError as exc:
        error = exc.one_line()
    emit(RunFinished((time.monotonic() - t0) * 1000, error))
    return collector.report(artifacts.made)


async def _launch_and_run(
    plan: Plan, options: RunOptions, jobs: list[tuple[int, Flow]], fs: FlowSettings, emit: Emit
) -> str | None:
    from playwright.async_api import async_playwright

    from tracker_check.capture.browser import launch

    o = options
    async with async_playwright() as pw:
        browser = await launch(
            pw, browser_path=o.browser_path, connect=o.connect, headless=o.headless
        )
        try:
            return await run_flows(browser, plan, jobs, fs, emit, workers=o.workers, trace=o.trace)
        finally:
            await browser.close()


async def run_flows(
    browser: Browser,
    plan: Plan,
    jobs: Sequence[tuple[int, Flow]],
    fs: FlowSettings,
    emit: Emit,
    *,
    workers: int = 1,
    trace: str = "off",
) -> str | None:
    """Run `jobs` ((plan index, flow) pairs) in `browser` and judge them in order, emitting
    events; returns the error that stopped the run (site unreachable, browser gone), if any.
    The CLI's run and the pytest plugin's flow items both come through here."""
    from tracker_check.validate.events import Validator

    validator = Validator(plan)

    def judged(outcome: FlowOutcome) -> None:
        result = flow_result(outcome, validator)
        for f in result.findings[len(outcome.findings) :]:
            emit(FindingRaised(outcome.name, f))
        emit(
            FlowFinished(
                outcome.index, result, outcome.secrets, outcome.blocked_requests, outcome.trace
            )
        )

    in_order: InOrder[FlowOutcome] = InOrder(judged)

    def done(position: int, outcome: FlowOutcome) -> None:
        emit(FlowEnded(outcome.index, outcome.name))
        in_order.add(position, outcome)

    def make(job: tuple[int, Flow], on_wait: Callable[[], None]) -> FlowRun:
        return FlowRun(plan, job[1], job[0], fs, emit, on_wait=on_wait)

    pool: Pool[tuple[int, Flow], FlowContext, FlowOutcome] = Pool(
        workers, browser_contexts(browser, plan, trace), make, done
    )
    try:
        await pool.run(jobs)
    except SiteUnreachable as exc:
        return _unreachable(str(exc), fs.base_url)
    except Exception as exc:
        from playwright.async_api import Error as PlaywrightError

        if not isinstance(exc, PlaywrightError):
            raise
        # the browser itself went away (killed, remote server gone): a capture failure
        return f"browser failure: {exc.message.splitlines()[0]}"
    return None


def flow_result(outcome: FlowOutcome, validator: Validator) -> FlowResult:
    """A finished flow: its own findings, then the validator's for its events in capture order
    (labelled with their step), and its status."""
    labels = {s.index: s.label for s in outcome.steps}
    checked = [
        dataclasses.replace(f, step_label=labels[f.step])
        if f.step_label is None and f.step in labels
        else f
        for event in sorted(outcome.events, key=lambda e: e.index)
        for f in validator.check(event)
    ]
    findings = outcome.findings + tuple(checked)
    failed = outcome.failed_step or any(f.severity is Severity.ERROR for f in findings)
    return FlowResult(
        name=outcome.name,
        status="failed" if failed else "passed",
        duration_ms=outcome.duration_ms,
        steps=outcome.steps,
        events=outcome.events,
        findings=findings,
    )


class _Artifacts:
    """The report dir, or a temp dir made on first use (screenshots, traces)."""

    def __init__(self, report_dir: Path | None) -> None:
        self.report_dir = report_dir
        self._tmp: Path | None = None

    def __call__(self) -> Path:
        if self.report_dir is not None:
            self.report_dir.mkdir(parents=True, exist_ok=True)
            return self.report_dir
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="tracker-check-"))
        return self._tmp

    @property
    def made(self) -> str | None:
        return None if self._tmp is None else str(self._tmp)


def _settings(plan: Plan, o: RunOptions, artifacts: Callable[[], Path]) -> FlowSettings:
    s = plan.settings
    return FlowSettings(
        base_url=o.base_url or plan.base_url,
        step_timeout_ms=o.step_timeout_ms,
        navigation_timeout_ms=o.navigation_timeout_ms,
        settle_ms=s.settle_ms if o.settle == "plan" else (None if o.settle == "auto" else o.settle),
        settle_cap_ms=s.settle_cap_ms,
        report_dir=o.report_dir,
        artifacts=artifacts,
        trace=o.trace,
        environ=o.environ if o.environ is not None else os.environ,
    )


def _unreachable(message: str, base_url: str | None) -> str:
    return (
        f"site unreachable: {message} "
        f"(hint: is the server at {base_url or 'the flow URL'} running? check --base-url)"
    )
