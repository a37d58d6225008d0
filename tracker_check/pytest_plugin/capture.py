"""The `datalayer` fixture's object: the capture hook on pytest-playwright's `context`.

The sync Playwright API hands binding callbacks to Python only while a Playwright call runs, so
waiting for an event means pumping: short `page.wait_for_timeout` calls until it arrived.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tracker_check.capture.recorder import Recorder
    from tracker_check.flows.settle import Settled
    from tracker_check.models import Event
    from tracker_check.plan.model import Plan

_PUMP_MS = 25  # one pump: short enough to return promptly once the event is there


class DataLayer:
    """Every data-layer push of the test's browser context, as normalized `Event`s."""

    def __init__(self, context: BrowserContext, plan: Plan | None, test_name: str) -> None:
        self.context = context
        self.plan = plan
        self.test_name = test_name
        self.recorder: Recorder = _new_recorder(plan)
        self.recorder.attach_sync(context)
        self.recorder.set_attribution(test_name, 1)  # the first assert_tracking call's step

    # --- reading -------------------------------------------------------------------------
    @property
    def events(self) -> list[Event]:
        """Everything captured so far (events, data pushes, commands), in push order."""
        return list(self.recorder.events)

    def named(self, name: str) -> list[Event]:
        """The EVENT records called `name`."""
        from tracker_check.validate.expect import named

        return named(self.events, name)

    def names(self) -> list[str]:
        """Names of the events pushed so far, in order (gtm.* included, commands not)."""
        from tracker_check.models import EventKind

        return [e.name for e in self.events if e.kind is EventKind.EVENT and e.name]

    # --- waiting -------------------------------------------------------------------------
    def pump(self, ms: float = _PUMP_MS) -> None:
        """Let the browser deliver pending pushes to Python (one short Playwright call)."""
        self.page().wait_for_timeout(ms)

    def wait_for(
        self,
        name: str,
        *,
        timeout: float = 5000,
        where: Mapping[str, Any] | None = None,
        count: int = 1,
    ) -> Event:
        """Wait up to `timeout` ms until `count` events `name` (matching `where`) arrived;
        returns the last of them. Fails the test, listing what did fire, on timeout."""
        from tracker_check.validate.expect import matches

        want = dict(where or {})

        def hits() -> list[Event]:
            return [e for e in self.named(name) if matches(e, want)]

        if not self.pump_until(lambda: len(hits()) >= count, timeout):
            cond = f" where {want}" if want else ""
            seen = ", ".join(self.names()) or "nothing"
            pytest.fail(
                f"datalayer: waited {timeout:g} ms for {count} × {name}{cond}, "
                f"got {len(hits())}; events pushed: {seen}",
                pytrace=False,
            )
        return hits()[-1]

    def pump_until(self, done: Any, timeout: float) -> bool:
        """Pump until `done()` is true or `timeout` ms passed; returns `done()`."""
        deadline = time.monotonic() + timeout / 1000
        while not done():
            if time.monotonic() >= deadline:
                return bool(done())
            self.pump()
        return True

    def settle(self, settle_ms: int | None, cap_ms: float, timeout: float) -> Settled:
        """Pump until the page settled: `settle_ms` None is `auto` (an answer from every frame
        with nothing pending and nothing pushed meanwhile; at most `cap_ms`), else no push for
        `settle_ms` (at most `timeout` ms)."""
        from tracker_check.capture.activity import probe_sync
        from tracker_check.flows.settle import AutoSettle, Settled

        if settle_ms is not None:
            return self._settle_fixed(settle_ms, max(timeout, settle_ms))
        rule = AutoSettle(cap_ms / 1000, len(self.recorder.events))
        while True:
            before = len(self.recorder.events)
            # pushes arrive only during a Playwright call: the probe's evaluate is one
            activity = probe_sync(self.open_pages(), rule.horizon_ms(time.monotonic()), cap_ms)
            count = len(self.recorder.events)
            verdict = rule.judge(activity, time.monotonic(), count != before, count)
            if isinstance(verdict, Settled):
                return verdict
            if verdict > 0:
                self.pump(verdict * 1000)

    def _settle_fixed(self, quiet_ms: float, timeout: float) -> Settled:
        from tracker_check.flows.settle import Settled

        begun = time.monotonic()
        deadline = begun + timeout / 1000
        seen, quiet_since = len(self.recorder.events), time.monotonic()
        while time.monotonic() < deadline:
            self.pump()
            now, count = time.monotonic(), len(self.recorder.events)
            if count != seen:
                seen, quiet_since = count, now
            elif (now - quiet_since) * 1000 >= quiet_ms:
                return Settled((now - begun) * 1000)
        return Settled((time.monotonic() - begun) * 1000, capped=True)

    # --- plumbing ------------------------------------------------------------------------
    def page(self) -> Page:
        """The page to pump through: the most recently opened one still open."""
        pages = [p for p in self.context.pages if not p.is_closed()]
        if not pages:
            pytest.fail(
                "datalayer: the browser context has no open page (use the `page` fixture)",
                pytrace=False,
            )
        return pages[-1]

    def open_pages(self) -> Iterable[Page]:
        return [p for p in self.context.pages if not p.is_closed()]

    def __repr__(self) -> str:
        return f"<DataLayer {len(self.recorder.events)} records: {self.names()}>"


def _new_recorder(plan: Plan | None) -> Recorder:
    from tracker_check.capture.recorder import Recorder

    if plan is None:
        return Recorder()
    from tracker_check import sources

    return Recorder(
        data_layers=plan.data_layers,
        block_requests=plan.settings.block_requests,
        layers=sources.layers_for(plan),
    )
