"""Run a plan's flows in one browser: workers, shards, the run-wide Validator, the RunReport.

Flows run concurrently (`workers`) in separate contexts of ONE browser; each worker opens its
next flow's context while a flow waits for the page, and (with more than one worker) lets a
flow's end (late pushes, trace, close) overlap its next flow, so at most `workers` flows act at
once. Results are streamed:
each flow's Playwright objects are closed and dropped when it ends, and finished flows go
through the Validator in plan order as soon as every earlier flow is done — so findings
(including `unique` across flows) are identical whatever the number of workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import fnmatch
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tracker_check.errors import BrowserError, UsageError
from tracker_check.flows.flow import (
    FlowContext,
    FlowOutcome,
    FlowRun,
    FlowSettings,
    SiteUnreachable,
    open_flow_context,
)
from tracker_check.flows.progress import Progress
from tracker_check.models import Finding, Severity
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
    progress: bool = False  # draw the progress line on stderr
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
) -> RunReport:
    """Run `plan` synchronously. With `serve_dir`, serve that folder on 127.0.0.1 for the run
    and use it as the base URL (overriding the plan's and `options.base_url`)."""
    options = options or RunOptions()
    if serve_dir is None:
        return asyncio.run(run_plan_async(plan, options))
    from tracker_check.serve import serve

    with serve(serve_dir, latency_ms=serve_latency_ms) as url:
        return asyncio.run(run_plan_async(plan, dataclasses.replace(options, base_url=url)))


async def run_plan_async(plan: Plan, options: RunOptions | None = None) -> RunReport:
    """Run the selected flows of `plan`; browser and site failures end in `RunReport.error`."""
    options = options or RunOptions()
    jobs = select_flows(plan, options.flows, options.shard)
    t0 = time.monotonic()
    run = _Run(plan, options, len(jobs))
    try:
        await run.execute(jobs)
    except BrowserError as exc:
        run.error = exc.one_line()
    finally:
        run.progress.close()
    return run.report((time.monotonic() - t0) * 1000)


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


class _Run:
    def __init__(self, plan: Plan, options: RunOptions, total: int) -> None:
        from tracker_check.validate.events import Validator

        self.plan, self.options = plan, options
        self.validator = Validator(plan)
        self.pending: dict[int, FlowOutcome] = {}  # finished, waiting for earlier flows
        self.order: list[int] = []  # plan indexes in run order
        self.next = 0  # position in `order` the validator waits for
        self.results: list[FlowResult] = []
        self.findings: list[Finding] = []
        self.secrets: set[str] = set()
        self.blocked: set[str] = set()
        self.traces: dict[str, str] = {}
        self.error: str | None = None
        self._tmp: Path | None = None
        stream = sys.stderr if options.progress else None
        self.progress = Progress(stream, total)

    def artifacts(self) -> Path:
        if self.options.report_dir is not None:
            self.options.report_dir.mkdir(parents=True, exist_ok=True)
            return self.options.report_dir
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="tracker-check-"))
        return self._tmp

    def settings(self) -> FlowSettings:
        o, s = self.options, self.plan.settings
        return FlowSettings(
            base_url=o.base_url or self.plan.base_url,
            step_timeout_ms=o.step_timeout_ms,
            navigation_timeout_ms=o.navigation_timeout_ms,
            settle_ms=s.settle_ms
            if o.settle == "plan"
            else (None if o.settle == "auto" else o.settle),
            settle_cap_ms=s.settle_cap_ms,
            report_dir=o.report_dir,
            artifacts=self.artifacts,
            trace=o.trace,
            environ=o.environ if o.environ is not None else os.environ,
        )

    async def execute(self, jobs: list[tuple[int, Flow]]) -> None:
        if not jobs:
            return
        from playwright.async_api import async_playwright

        from tracker_check.capture.browser import launch

        self.order = [i for i, _ in jobs]
        o = self.options
        async with async_playwright() as pw:
            browser = await launch(
                pw, browser_path=o.browser_path, connect=o.connect, headless=o.headless
            )
            try:
                await self._pool(browser, jobs)
            finally:
                await browser.close()

    async def _pool(self, browser: Browser, jobs: list[tuple[int, Flow]]) -> None:
        queue: asyncio.Queue[tuple[int, Flow]] = asyncio.Queue()
        for job in jobs:
            queue.put_nowait(job)
        settings = self.settings()
        tasks: set[asyncio.Task[Any]] = set()  # tasks of this run still going, for cleanup

        def spawn(coro: Any) -> asyncio.Task[Any]:
            task = asyncio.create_task(coro)
            tasks.add(task)
            # a finished task holds its result (a context and its events): let it go
            task.add_done_callback(_forget(tasks))
            return task

        def prepare() -> asyncio.Task[FlowContext]:
            return spawn(open_flow_context(browser, self.plan, settings.trace))

        async def drain(run: FlowRun) -> None:
            outcome = await run.finish()
            self.progress.finished(run.flow.name)
            self._finished(outcome)

        # With one worker, flows run strictly one after another, each to its very end (no
        # page of an earlier flow is alive while the next acts: flows may share an account).
        # With more, a flow's end (its last quiet period, trace, close) overlaps the worker's
        # next flow, since flows run concurrently anyway.
        overlap_ends = self.options.workers > 1

        async def worker() -> None:
            # The next flow's context (a blank page) is opened while this flow waits for the
            # page — an expected event, a quiet period — so idle time is used.
            ahead: asyncio.Task[FlowContext] | None = None
            ending: asyncio.Task[None] | None = None

            def open_ahead() -> None:
                nonlocal ahead
                if ahead is None and not queue.empty():
                    ahead = prepare()

            try:
                while not queue.empty():
                    index, flow = queue.get_nowait()
                    ready, ahead = ahead or prepare(), None
                    run = FlowRun(self.plan, flow, index, settings, on_wait=open_ahead)
                    try:
                        opened = await ready
                        self.progress.started(flow.name)
                        await run.act(opened)
                    except Exception:
                        if ending is not None:  # the flow before still gets its result
                            with contextlib.suppress(Exception):
                                await ending
                        raise
                    previous, ending = ending, None
                    try:
                        if previous is not None:
                            await previous  # one flow ending per worker at a time
                    except BaseException:
                        await run.close()  # acted, but will never finish
                        raise
                    if overlap_ends:
                        run.on_wait = None  # the next flow acts during this end: not idle
                        ending = spawn(drain(run))
                    else:
                        await drain(run)
                if ending is not None:
                    await ending
            finally:
                if ahead is not None:
                    await _discard(ahead)

        workers = [spawn(worker()) for _ in range(max(1, self.options.workers))]
        try:
            await asyncio.gather(*workers)
        except SiteUnreachable as exc:
            self.error = _unreachable(str(exc), settings.base_url)
        except Exception as exc:
            from playwright.async_api import Error as PlaywrightError

            if not isinstance(exc, PlaywrightError):
                raise
            # the browser itself went away (killed, remote server gone): a capture failure
            self.error = f"browser failure: {exc.message.splitlines()[0]}"
        finally:
            going = list(tasks)
            for task in going:
                task.cancel()
            await asyncio.gather(*going, return_exceptions=True)

    def _finished(self, outcome: FlowOutcome) -> None:
        """Validate finished flows in plan order (reorder buffer)."""
        self.pending[outcome.index] = outcome
        while self.next < len(self.order) and self.order[self.next] in self.pending:
            self._validate(self.pending.pop(self.order[self.next]))
            self.next += 1

    def _validate(self, outcome: FlowOutcome) -> None:
        result = flow_result(outcome, self.validator)
        self.results.append(result)
        self.findings.extend(result.findings)
        self.secrets |= outcome.secrets
        self.blocked.update(outcome.blocked_requests)
        if outcome.trace:
            self.traces[outcome.name] = outcome.trace
        self.progress.judged(result.status == "passed")

    def report(self, duration_ms: float) -> RunReport:
        extras: dict[str, Any] = {
            "secrets": sorted(self.secrets),
            "blocked_requests": sorted(self.blocked),
            "base_url": self.options.base_url or self.plan.base_url,
            "workers": self.options.workers,
        }
        if self.options.shard:
            extras["shard"] = "{}/{}".format(*self.options.shard)
        if self.traces:
            extras["traces"] = self.traces
        if self._tmp is not None:
            extras["artifacts_dir"] = str(self._tmp)
        return RunReport(
            plan=self.plan,
            flows=tuple(self.results),
            findings=tuple(self.findings),
            duration_ms=duration_ms,
            error=self.error,
            extras=extras,
        )


def _forget(tasks: set[asyncio.Task[Any]]) -> Callable[[asyncio.Task[Any]], None]:
    """A done-callback: drop a finished task from `tasks`, and mark its exception as seen
    (whoever awaits the task still gets it; nobody gets an asyncio warning on stderr)."""

    def done(task: asyncio.Task[Any]) -> None:
        tasks.discard(task)
        if not task.cancelled():
            task.exception()

    return done


async def _discard(ahead: asyncio.Task[FlowContext]) -> None:
    """Close a context opened ahead that no flow took (or stop its opening)."""
    if not ahead.done():
        ahead.cancel()
    try:
        opened = await ahead
    except (Exception, asyncio.CancelledError):  # stopped, or the browser is gone
        return
    with contextlib.suppress(Exception):
        await opened.context.close()


def _unreachable(message: str, base_url: str | None) -> str:
    return (
        f"site unreachable: {message} "
        f"(hint: is the server at {base_url or 'the flow URL'} running? check --base-url)"
    )
