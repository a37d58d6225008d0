"""Run one flow in its own browser context: steps, waits, attribution, per-step expectations.

Timing follows the spec with no fixed sleeps: after a step's action the runner awaits an
asyncio.Event the Recorder's `on_event` sets, until the step's expected events are in (or the
step timeout passes); expectations bounding a count are judged once the page has been quiet for
the settle period, measured from `Recorder.last_event_time`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker_check import sources
from tracker_check.capture.activity import Activity, NavigationWatch, probe
from tracker_check.flows.artifacts import FlowArtifacts, slug
from tracker_check.flows.consent_probe import ConsentWatch
from tracker_check.flows.settle import cap_finding, settle_auto, settle_fixed
from tracker_check.flows.steps import StepContext, StepFault, one_line, perform
from tracker_check.flows.variables import UnknownVariable, Variables
from tracker_check.models import Event, Finding, Severity, step_phrase
from tracker_check.plan.model import Flow, Plan, Step
from tracker_check.report.model import StepResult
from tracker_check.rules import rule
from tracker_check.validate.expect import arrived, judge_forbid, judge_sequence, judge_step, named

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page

    from tracker_check.capture.recorder import Recorder


class SiteUnreachable(Exception):
    """A flow's first navigation found nothing listening: the whole run stops (exit 3)."""


@dataclass(frozen=True, slots=True)
class FlowSettings:
    """What every flow of a run shares."""

    base_url: str | None
    step_timeout_ms: int | None  # None: step's own timeout or the plan's
    navigation_timeout_ms: int | None  # likewise, for `start` and `goto`
    settle_ms: int | None  # None: `auto` (flows/settle.py); else a fixed quiet period
    settle_cap_ms: int
    report_dir: Path | None
    artifacts: Callable[[], Path]  # report dir (or a temp dir), created on first use
    trace: str  # off | on | retain-on-failure
    environ: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class FlowOutcome:
    """A flow's own result, before the run-wide Validator adds its findings."""

    index: int
    name: str
    duration_ms: float
    failed_step: bool
    steps: tuple[StepResult, ...]
    events: tuple[Event, ...]
    findings: tuple[Finding, ...]
    secrets: frozenset[str]
    blocked_requests: tuple[str, ...]
    trace: str | None


@dataclass(frozen=True, slots=True)
class FlowContext:
    """A fresh browser context ready for one flow: capture hook and request blocking attached,
    tracing started if asked, one blank page open. Interchangeable between flows of a plan, so
    the runner opens the next one while the current flow runs."""

    context: BrowserContext
    page: Page
    recorder: Recorder
    navigations: NavigationWatch


async def open_flow_context(browser: Browser, plan: Plan, trace: str = "off") -> FlowContext:
    from tracker_check.capture.browser import new_context
    from tracker_check.capture.recorder import Recorder

    recorder = Recorder(
        plan.data_layers,
        block_requests=plan.settings.block_requests,
        layers=sources.layers_for(plan),
    )
    navigations = NavigationWatch()
    context = await new_context(browser)
    try:
        await recorder.attach(context)
        navigations.attach(context)
        if trace != "off":
            await context.tracing.start(screenshots=True, snapshots=True)
        page = await context.new_page()
    except BaseException:
        with contextlib.suppress(Exception):
            await context.close()
        raise
    return FlowContext(context, page, recorder, navigations)


def all_steps(flow: Flow) -> tuple[tuple[int, Step], ...]:
    """The flow's steps with their numbers as the user counts them: `start` (an implicit
    goto) is 0, the `steps:` are 1..n (see `models.step_name`)."""
    numbered = tuple(enumerate(flow.steps, 1))
    if flow.start is None:
        return numbered
    start = Step(
        "goto",
        {"url": flow.start},
        expect=flow.start_expect,
        timeout_ms=flow.start_timeout_ms,
        location=flow.location,
    )
    return ((0, start), *numbered)


def step_label(step: Step, number: int, flow: Flow) -> str:
    if number == 0 and flow.start is not None:
        return flow.start
    return step.label


class FlowRun:
    def __init__(
        self,
        plan: Plan,
        flow: Flow,
        index: int,
        fs: FlowSettings,
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        self.plan, self.flow, self.index, self.fs = plan, flow, index, fs
        # called whenever the flow starts waiting for the page (events, a quiet period): the
        # runner uses that idle time to open the next flow's context
        self.on_wait = on_wait
        self.vars = Variables(flow.vars, fs.environ)
        self.changed = asyncio.Event()
        self.step = 0
        self.steps: dict[int, Step] = {}  # the flow's steps by number (its start is 0)
        self.step_start = 0  # position in recorder.events where the current step began
        # where the current step's `expect` starts counting: its own start, or for a `wait`
        # step (which only watches) the first event of the last step that acted
        self.window_start = 0
        self.step_findings: dict[int, list[Finding]] = {}
        self._label = ""  # the current step's label
        self.recorder: Any = None
        self.opened: FlowContext | None = None
        self.results: list[StepResult] = []
        self.consent = ConsentWatch(plan, flow, list)  # replaced by the flow's own in act()
        self.failed = False
        self.crashed = False
        self.capped = False  # a settle of this flow hit the cap (reported once)
        self.t0 = self.acted = time.monotonic()
        # when the last step that acted on the page finished its action: the flow end's quiet
        # period is measured from here (or from a later push), like a step's settle
        self.last_action_end = time.monotonic()
        folder = f"{index + 1:04d}-{slug(flow.name)}"
        self.files = FlowArtifacts(fs.artifacts, fs.report_dir, folder)

    # -- events -------------------------------------------------------------------------------
    def _on_event(self, *_: Any) -> None:
        self.changed.set()

    def _events(self) -> list[Event]:
        events: list[Event] = self.recorder.events
        return events

    def _window(self) -> list[Event]:
        return self._events()[self.window_start :]

    def _look_back(self) -> int:
        """Where a `wait` step's window starts: the first event of the last step that acted on
        the page (the start included), so `wait` of any kind sees the push that step caused,
        wherever between the two it landed."""
        acted = self.step - 1
        while acted > 0 and (acted not in self.steps or self.steps[acted].action == "wait"):
            acted -= 1
        since = self.step_start
        events = self._events()
        while since > 0 and (events[since - 1].step or 0) >= acted:
            since -= 1
        return since

    async def _until(self, done: Callable[[], bool], deadline: float) -> bool:
        """Await new events until `done()` or the deadline; no polling."""
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self._waiting()
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                return done()
        return True

    def _waiting(self) -> None:
        if self.on_wait is not None:
            self.on_wait()

    async def _settle(self, since: float, limit_s: float) -> None:
        """Until the page has settled (see flows/settle.py): `auto` asks the page what it could
        still push, at most the cap; a fixed `settle` waits that long without a push, at most
        `limit_s`. The first time a flow is judged at the cap, a `settle-cap` warning says why."""
        self._waiting()
        if self.fs.settle_ms is not None:
            await settle_fixed(
                lambda: self.recorder.last_event_time,
                self.changed,
                since=since,
                quiet_s=self.fs.settle_ms / 1000,
                limit_s=max(limit_s, self.fs.settle_ms / 1000),
            )
            return
        settled = await settle_auto(
            self._probe,
            self.changed,
            cap_s=self.fs.settle_cap_ms / 1000,
            pushes=lambda: len(self._events()),
        )
        if settled.capped and not self.capped:
            self.capped = True
            self._add(
                cap_finding(
                    settled,
                    self.fs.settle_cap_ms,
                    flow=self.flow.name,
                    step=self.step,
                    step_label=self._label,
                )
            )

    async def _probe(self, horizon_ms: float) -> Activity:
        opened = self.opened
        if opened is None:
            return Activity()
        return await probe(
            opened.context.pages, horizon_ms, self.fs.settle_cap_ms, opened.navigations.pending
        )

    async def _wait_event(self, name: str, timeout_ms: float) -> None:
        # a wait also accepts the event fired since the last step that acted on the page (e.g.
        # `click`, `wait: {selector}`, `wait: {event}`: the click's push may land in any of them)
        since = self.window_start
        ok = await self._until(
            lambda: bool(named(self._events()[since:], name)),
            time.monotonic() + timeout_ms / 1000,
        )
        if not ok:
            self._add(
                Finding(
                    "missing-event",
                    rule("missing-event").severity,
                    f"waited {timeout_ms:g} ms for event {name}; it did not fire",
                    flow=self.flow.name,
                    step=self.step,
                    step_label=self._label,
                    event=name,
                    expected=name,
                    hint="check the element's selector and the code that pushes the event",
                )
            )

    def _add(self, finding: Finding) -> None:
        self.step_findings.setdefault(self.step, []).append(finding)

    def _on_page_error(self, error: Any) -> None:
        policy = self.plan.settings.page_errors
        if policy == "ignore":
            return
        name = getattr(error, "name", "") or "Error"
        message = one_line(str(getattr(error, "message", error)))
        self._add(
            Finding(
                "page-error",
                Severity.ERROR if policy == "error" else Severity.WARNING,
                f"uncaught {name}: {message}",
                flow=self.flow.name,
                step=self.step,
                step_label=self._label,
            )
        )

    # -- the flow -----------------------------------------------------------------------------
    async def run(self, browser: Browser) -> FlowOutcome:
        """Open a context, perform the steps, settle and close: the whole flow."""
        await self.act(await open_flow_context(browser, self.plan, self.fs.trace))
        return await self.finish()

    async def act(self, opened: FlowContext) -> None:
        """Perform the flow's steps in `opened` (which this run now owns and closes)."""
        self.opened = opened
        self.recorder = opened.recorder
        self.recorder.on_event = self._on_event
        self.recorder.started = time.time() * 1000  # event times count from the flow's start
        steps = all_steps(self.flow)
        self.steps = dict(steps)
        self.recorder.set_attribution(self.flow.name, steps[0][0] if steps else 0)
        self.t0 = self.last_action_end = time.monotonic()
        page = opened.page
        try:
            self.consent = await ConsentWatch.open(self, opened, self.fs.base_url)
            page.on("pageerror", self._on_page_error)
            page.on("crash", lambda _: setattr(self, "crashed", True))
            navigated = False
            for i, step in steps:
                if self.failed:
                    self.results.append(
                        StepResult(i, step_label(step, i, self.flow), step.action, "skipped")
                    )
                    continue
                result = await self._step(page, i, step, first_nav=not navigated)
                navigated = navigated or step.action == "goto"
                self.results.append(result)
                self.failed = result.error is not None  # a fault; failed expectations go on
        except BaseException:
            await self.close()
            raise
        self.acted = time.monotonic()

    async def close(self) -> None:
        """Give up a flow that acted but will not finish: close its context."""
        if self.opened is not None:
            with contextlib.suppress(Exception):
                await self.opened.context.close()

    async def finish(self) -> FlowOutcome:
        """After the last step: wait for late events, stop the trace, close the context, and
        judge the flow. Nothing acts on the page any more, so with several workers the runner
        overlaps this with the worker's next flow."""
        assert self.opened is not None, "act() first"
        begun = time.monotonic()
        context = self.opened.context
        trace: str | None = None
        try:
            if not self.failed:
                await self._flow_end()
            await self.consent.after_step(self.opened.page, self.step)
            trace = await self._stop_trace(context, self.failed)
        finally:
            await context.close()
        events = tuple(self._events())
        blocked = tuple(self.recorder.blocked_requests)
        self.recorder = self.opened = None  # drop every Playwright-facing object
        # a flow stopped by a fault never got to fire the rest of its sequence: no noise
        seq = () if self.failed else self.flow.sequence
        flow_level = judge_sequence(seq, events, flow=self.flow.name)
        flow_level += judge_forbid(self.flow.forbid, events, flow=self.flow.name)
        flow_level += self.consent.findings(events)
        by_step: dict[int, list[int]] = {}
        for e in events:
            if e.step is not None:
                by_step.setdefault(e.step, []).append(e.index)
        steps_out = tuple(
            dataclasses.replace(r, event_indexes=tuple(by_step.get(r.index, ())))
            for r in self.results
        )
        findings = [f for i in sorted(self.step_findings) for f in self.step_findings[i]]
        return FlowOutcome(
            index=self.index,
            name=self.flow.name,
            # its own time: its steps, then its end; not a wait (with several workers) for the
            # end of the flow before it
            duration_ms=((self.acted - self.t0) + (time.monotonic() - begun)) * 1000,
            failed_step=self.failed,
            steps=steps_out,
            events=events,
            findings=tuple(findings + flow_level),
            secrets=frozenset(self.vars.secrets),
            blocked_requests=blocked,
            trace=trace,
        )

    async def _step(self, page: Page, i: int, step: Step, *, first_nav: bool) -> StepResult:
        self.step, self._label = i, step_label(step, i, self.flow)
        self.step_start = len(self._events())
        self.window_start = self._look_back() if step.action == "wait" else self.step_start
        self.recorder.set_attribution(self.flow.name, i)
        t0 = time.monotonic()
        s = self.plan.settings
        timeout = step.timeout_ms or self.fs.step_timeout_ms or s.step_timeout_ms
        # a step's own `timeout` can lengthen its navigation, never cut it below the
        # navigation timeout (`start: {url, expect, timeout: 10s}` is about its events)
        navigation = max(
            step.timeout_ms or 0, self.fs.navigation_timeout_ms or s.navigation_timeout_ms
        )
        try:
            args: dict[str, Any] = self.vars.sub(step.args)
            expects = tuple(
                dataclasses.replace(x, where=self.vars.sub(x.where)) for x in step.expect
            )
        except UnknownVariable as exc:
            fault = StepFault(str(exc), hint=exc.hint)
            return await self._fail(None, i, step, t0, fault)
        ctx = StepContext(
            page,
            self.fs.base_url,
            timeout,
            self.files.screenshot_path,
            self._wait_event,
            navigation_timeout_ms=navigation,
        )
        # a safety net over Playwright's own timeouts (page.evaluate has none)
        extra = float(args.get("ms") or args.get("timeout_ms") or 0) if step.action == "wait" else 0
        limit = navigation if step.action == "goto" else timeout + extra
        try:
            shot = await asyncio.wait_for(perform(step.action, args, ctx), limit / 1000 + 2)
        except StepFault as fault:
            if fault.unreachable and first_nav and step.action == "goto":
                raise SiteUnreachable(fault.message) from None
            return await self._fail(page, i, step, t0, fault)
        except TimeoutError:
            late = StepFault(f"step timed out after {limit:g} ms")
            return await self._fail(page, i, step, t0, late)
        acted = time.monotonic()
        if step.action != "wait":  # a wait only watches the page; it causes no push
            self.last_action_end = acted
        deadline = acted + timeout / 1000
        await self._until(lambda: arrived(expects, self._window()), deadline)
        if any(x.bounds_count for x in expects):
            await self._settle(acted, deadline - time.monotonic())
        judged = judge_step(
            expects,
            self._window(),
            flow=self.flow.name,
            step=i,
            step_label=self._label,
            before=self._events()[: self.window_start],
        )
        for f in judged:
            self._add(f)
        await self._check_bypass(page)
        await self.consent.after_step(page, i)
        bad = any(f.severity is Severity.ERROR for f in judged)
        return StepResult(
            i,
            self._label,
            step.action,
            "failed" if bad else "passed",
            duration_ms=(time.monotonic() - t0) * 1000,
            screenshot=self.files.shown(shot) if shot else None,
        )

    async def _fail(
        self, page: Page | None, i: int, step: Step, t0: float, fault: StepFault
    ) -> StepResult:
        shot = None
        if page is not None and not self.crashed:
            shot = await self.files.failure_screenshot(page, i)
        # the crash event may only arrive while the screenshot is attempted
        message = f"page crashed ({fault.message})" if self.crashed else fault.message
        selector = f" ({fault.selector})" if fault.selector else ""
        self._add(
            Finding(
                "step-failed",
                rule("step-failed").severity,
                f"{step_phrase(i, self._label)} failed{selector}: {message}",
                flow=self.flow.name,
                step=i,
                step_label=self._label,
                hint=fault.hint,
                location=step.location,
                url=None if page is None or page.is_closed() else page.url,
                screenshot=shot,
                actual=fault.selector,
            )
        )
        return StepResult(
            i,
            self._label,
            step.action,
            "failed",
            duration_ms=(time.monotonic() - t0) * 1000,
            screenshot=shot,
            error=message,
        )

    async def _flow_end(self) -> None:
        """Late events: wait for sequence events still missing, then let the page settle, so a
        push fired after the last action (an XHR callback, a debounce) is captured, validated
        and judged by `forbid`; then check once more for items that bypassed `push`."""
        timeout = (self.fs.step_timeout_ms or self.plan.settings.step_timeout_ms) / 1000
        seq = self.flow.sequence
        if seq:
            await self._until(
                lambda: all(named(self._events(), n) for n in seq), time.monotonic() + timeout
            )
        # quiet since the last push or the end of the last action: a last step that already
        # settled (a count expectation) costs nothing more here
        await self._settle(self.last_action_end, timeout)
        # an item written into the array by index after the last step's check (a late
        # callback) is found before the context closes; it belongs to the last step
        if self.opened is not None:
            await self._check_bypass(self.opened.page)

    async def _check_bypass(self, page: Page) -> None:
        if not self.crashed and not page.is_closed():
            for f in await self.recorder.check_bypass(page):
                self._add(f)

    async def _stop_trace(self, context: BrowserContext, failed: bool) -> str | None:
        if self.fs.trace == "off":
            return None
        own_errors = any(
            f.severity is Severity.ERROR for fs in self.step_findings.values() for f in fs
        )
        keep = self.fs.trace == "on" or failed or own_errors
        return await self.files.stop_trace(context, keep)


async def run_flow(
    browser: Browser, plan: Plan, flow: Flow, index: int, settings: FlowSettings
) -> FlowOutcome:
    """Run `flow` (plan position `index`) in a fresh context of `browser`."""
    return await FlowRun(plan, flow, index, settings).run(browser)
