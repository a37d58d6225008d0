"""One flow in a context it is handed: steps, waits, attribution, per-step expectations.

Timing follows the spec with no fixed sleeps: after a step's action the flow awaits an
asyncio.Event the Recorder's `on_event` sets, until the step's expected events are in (or the
step timeout passes); expectations bounding a count, and the flow's end, are judged once the
page has settled (`FlowRun._settle`). The flow never opens or closes its context (the
`ContextOwner` does) and writes nothing: it emits `flows.events`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from tracker_check.capture.activity import Activity, probe
from tracker_check.flows import faults
from tracker_check.flows.artifacts import FlowArtifacts, slug
from tracker_check.flows.consent_probe import ConsentWatch
from tracker_check.flows.contexts import FlowContext
from tracker_check.flows.events import (
    Emit,
    EventCaptured,
    FindingRaised,
    FlowStarted,
    StepFinished,
    StepStarted,
)
from tracker_check.flows.model import (
    Clock,
    Current,
    FlowOutcome,
    FlowSettings,
    SiteUnreachable,
    all_steps,
    step_label,
)
from tracker_check.flows.settle import cap_finding, settle_auto, settle_fixed
from tracker_check.flows.stepping import perform_step
from tracker_check.flows.variables import Variables
from tracker_check.models import Event, Finding, Severity
from tracker_check.plan.model import Flow, Plan, Step
from tracker_check.plan.steps import Goto
from tracker_check.report.model import StepResult
from tracker_check.validate.expect import judge_forbid, judge_sequence, named

if TYPE_CHECKING:
    from playwright.async_api import Page

__all__ = [
    "FlowContext",
    "FlowOutcome",
    "FlowRun",
    "FlowSettings",
    "SiteUnreachable",
    "all_steps",
    "step_label",
]


class FlowRun:
    def __init__(
        self,
        plan: Plan,
        flow: Flow,
        index: int,
        fs: FlowSettings,
        emit: Emit,
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        self.plan, self.flow, self.index, self.fs = plan, flow, index, fs
        self.emit = emit
        # called whenever the flow starts waiting for the page (events, a quiet period): the
        # pool uses that idle time to open the next flow's context
        self.on_wait = on_wait
        self.vars = Variables(flow.vars, fs.environ)
        self.files = FlowArtifacts(
            fs.artifacts, fs.report_dir, f"{index + 1:04d}-{slug(flow.name)}"
        )
        self.steps = all_steps(flow)
        self.opened: FlowContext | None = None  # the context it was handed, until it ends
        self.changed = asyncio.Event()  # set by every captured event
        self.now = Current()
        self.clock = Clock()
        self.findings: dict[int, list[Finding]] = {}  # by step number
        self.results: list[StepResult] = []
        self.failed = False  # a step's action failed: the rest are skipped
        self.crashed = False
        self.capped = False  # a settle of this flow hit the cap (reported once)
        # consent: cookies, banner state and collector requests after each step (replaced by
        # the flow's own watch in act(), once the context is there)
        self.consent = ConsentWatch(plan, flow, list)
        self.trace: str | None = None

    @property
    def step(self) -> int:
        """The number of the step running now (the start is 0)."""
        return self.now.number

    # -- events -------------------------------------------------------------------------------
    @property
    def events(self) -> list[Event]:
        """Every event of the flow so far, in arrival order (the Recorder's list)."""
        return self.opened.recorder.events if self.opened is not None else []

    def window(self) -> list[Event]:
        """The events the current step's `expect` judges."""
        return self.events[self.now.since :]

    def _on_event(self, event: Event) -> None:
        self.changed.set()
        self.emit(EventCaptured(self.flow.name, event))

    def add(self, finding: Finding) -> None:
        self.findings.setdefault(self.now.number, []).append(finding)
        self.emit(FindingRaised(self.flow.name, finding))

    def _look_back(self) -> int:
        """Where a `wait` step's window starts: the first event of the last step that acted on
        the page (the start included), so `wait` of any kind sees the push that step caused,
        wherever between the two it landed."""
        acting = dict(self.steps)
        acted = self.now.number - 1
        while acted > 0 and (acted not in acting or not acting[acted].acts):
            acted -= 1
        since, events = self.now.begin, self.events
        while since > 0 and (events[since - 1].step or 0) >= acted:
            since -= 1
        return since

    async def until(self, done: Callable[[], bool], deadline: float) -> bool:
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
        """THE settle seam (count-bounded expectations and the flow end call it), see
        flows/settle.py: `auto` asks the page what it could still push, at most the cap; a
        fixed `settle` waits that long without a push since `since`, at most `limit_s`. The
        first time a flow is judged at the cap, a `settle-cap` warning says why."""
        assert self.opened is not None
        recorder = self.opened.recorder
        self._waiting()
        if self.fs.settle_ms is not None:
            await settle_fixed(
                lambda: recorder.last_event_time,
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
            pushes=lambda: len(recorder.events),
        )
        if settled.capped and not self.capped:
            self.capped = True
            n = self.now
            self.add(
                cap_finding(
                    settled,
                    self.fs.settle_cap_ms,
                    flow=self.flow.name,
                    step=n.number,
                    step_label=n.label,
                )
            )

    async def _probe(self, horizon_ms: float) -> Activity:
        opened = self.opened
        if opened is None:
            return Activity()
        return await probe(
            opened.context.pages, horizon_ms, self.fs.settle_cap_ms, opened.navigations.pending
        )

    async def wait_event(self, name: str, timeout_ms: float) -> None:
        """`wait: {event}`: it also accepts the event fired since the last step that acted on
        the page (a `click`'s push may land in any of the `wait` steps after it)."""
        since = self.now.since
        ok = await self.until(
            lambda: bool(named(self.events[since:], name)),
            time.monotonic() + timeout_ms / 1000,
        )
        if not ok:
            n = self.now
            self.add(faults.waited_in_vain(self.flow.name, n.number, n.label, name, timeout_ms))

    def _on_page_error(self, error: object) -> None:
        n = self.now
        finding = faults.page_error(
            self.flow.name,
            n.number,
            n.label,
            self.plan.settings.page_errors,
            str(getattr(error, "name", "") or ""),
            str(getattr(error, "message", error)),
        )
        if finding is not None:
            self.add(finding)

    def _on_crash(self, _: object) -> None:
        self.crashed = True

    # -- the flow -----------------------------------------------------------------------------
    async def act(self, opened: FlowContext) -> None:
        """Perform the flow's steps in `opened` (owned by the ContextOwner, not by the flow)."""
        self.opened = opened
        recorder = opened.recorder
        recorder.on_event = self._on_event
        recorder.started = time.time() * 1000  # event times count from the flow's start
        recorder.set_attribution(self.flow.name, self.steps[0][0] if self.steps else 0)
        self.emit(FlowStarted(self.index, self.flow.name))
        self.clock.started = self.clock.last_action_end = time.monotonic()
        page = opened.page
        page.on("pageerror", self._on_page_error)
        page.on("crash", self._on_crash)
        # stored consent applied, the starting cookies read, collector requests watched
        self.consent = await ConsentWatch.open(self, opened, self.fs.base_url)
        navigated = False
        for number, step in self.steps:
            label = step_label(step, number, self.flow)
            if self.failed:
                skipped = StepResult(number, label, step.action, "skipped")
                self.results.append(skipped)
                self.emit(StepFinished(self.flow.name, skipped))
                continue
            self._begin(number, label, step)
            result = await perform_step(self, page, number, step, first_nav=not navigated)
            if result.error is None and not self.crashed:
                await self.consent.after_step(page, number)
            navigated = navigated or isinstance(step, Goto)
            self.results.append(result)
            self.emit(StepFinished(self.flow.name, result))
            self.failed = result.error is not None  # a fault; failed expectations go on
        self.clock.acted = time.monotonic()

    def _begin(self, number: int, label: str, step: Step) -> None:
        begin = len(self.events)
        self.now = Current(number, label, begin, begin)
        if not step.acts:
            self.now.since = self._look_back()
        assert self.opened is not None
        self.opened.recorder.set_attribution(self.flow.name, number)
        self.emit(StepStarted(self.flow.name, number, label, step.action))

    async def end(self) -> None:
        """After the last step: wait for late events, check once more for items that bypassed
        `push`, stop the trace. Nothing acts on the page any more, so with several workers the
        pool overlaps this with the worker's next flow; it closes the context afterwards."""
        assert self.opened is not None, "act() first"
        self.clock.end_began = time.monotonic()
        if not self.failed:
            await self._flow_end()
        if not self.crashed:
            await self.consent.after_step(self.opened.page, self.now.number)
        if self.fs.trace != "off":
            own_errors = any(
                f.severity is Severity.ERROR for fs in self.findings.values() for f in fs
            )
            keep = self.fs.trace == "on" or self.failed or own_errors
            self.trace = await self.files.stop_trace(self.opened.context, keep)

    def outcome(self) -> FlowOutcome:
        """The flow judged on its own (sequence, forbid); call once its context is closed.
        Drops every Playwright-facing object."""
        assert self.opened is not None, "act() first"
        events = tuple(self.events)
        blocked = tuple(self.opened.recorder.blocked_requests)
        self.opened = None
        # a flow stopped by a fault never got to fire the rest of its sequence: no noise
        seq = () if self.failed else self.flow.sequence
        flow_level = judge_sequence(seq, events, flow=self.flow.name)
        flow_level += judge_forbid(self.flow.forbid, events, flow=self.flow.name)
        flow_level += self.consent.findings(events)
        for f in flow_level:
            self.emit(FindingRaised(self.flow.name, f))
        by_step: dict[int, list[int]] = {}
        for e in events:
            if e.step is not None:
                by_step.setdefault(e.step, []).append(e.index)
        steps = tuple(
            replace(r, event_indexes=tuple(by_step.get(r.index, ()))) for r in self.results
        )
        own = [f for n in sorted(self.findings) for f in self.findings[n]]
        return FlowOutcome(
            index=self.index,
            name=self.flow.name,
            duration_ms=self._duration_ms(),
            failed_step=self.failed,
            steps=steps,
            events=events,
            findings=tuple(own + flow_level),
            secrets=frozenset(self.vars.secrets),
            blocked_requests=blocked,
            trace=self.trace,
        )

    def _duration_ms(self) -> float:
        """Its own time: its steps, then its end and close; not a wait (with several workers)
        for the end of the flow before it."""
        c = self.clock
        end = time.monotonic() - c.end_began if c.end_began else 0.0
        return ((c.acted - c.started) + end) * 1000

    async def _flow_end(self) -> None:
        """Late events: wait for sequence events still missing, then let the page settle, so a
        push fired after the last action (an XHR callback, a debounce) is captured, validated
        and judged by `forbid`; then check once more for items that bypassed `push`."""
        timeout = (self.fs.step_timeout_ms or self.plan.settings.step_timeout_ms) / 1000
        seq = self.flow.sequence
        if seq:
            await self.until(
                lambda: all(named(self.events, n) for n in seq), time.monotonic() + timeout
            )
        # quiet since the last push or the end of the last action: a last step that already
        # settled (a count expectation) costs nothing more here
        await self._settle(self.clock.last_action_end, timeout)
        # an item written into the array by index after the last step's check (a late
        # callback) is found before the context closes; it belongs to the last step
        if self.opened is not None:
            await self.check_bypass(self.opened.page)

    async def check_bypass(self, page: Page) -> None:
        if self.opened is not None and not self.crashed and not page.is_closed():
            for f in await self.opened.recorder.check_bypass(page):
                self.add(f)
