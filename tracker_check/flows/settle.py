"""When a page has settled: nothing it scheduled can still push, and nothing pushed meanwhile.

`settle: auto` (the default) asks the page (`capture.activity.probe`) what is pending — timers due
within what is left of the cap, fetch/XHR in flight, animation frames, running animations,
playing media, documents loading, navigations. Each frame answers after it rendered two frames
and ran one more task (so observer, transitionend and message pushes have reached Python). The
page has settled when an answer finds nothing pending, nothing that ran meanwhile (a counted
timer, a request's end) and no push arrived while it was asked — no clock decides that. A page
that never gets there is judged at the cap, and the result says what kept it busy.
`settle: 500ms` keeps the fixed rule: that long without a push.

The loop is written against callables so it is tested without a browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tracker_check.capture.activity import Activity
from tracker_check.models import Finding
from tracker_check.rules import rule

POLL_MS = 20  # how long to wait before asking a busy page again (a push wakes the loop)
NAVIGATION_S = 30.0  # the most loading time the cap is extended by (the navigation timeout)


@dataclass(frozen=True, slots=True)
class Settled:
    """How a settle ended: quiet, or at the cap with what kept the page busy."""

    waited_ms: float
    capped: bool = False
    busy: Activity | None = None  # at the cap: what was still pending
    pushes: int = 0  # pushes that arrived while waiting

    def reason(self) -> str:
        parts = []
        if self.busy is not None and self.busy.busy:
            parts.append(self.busy.describe())
        if self.pushes:
            parts.append(f"{self.pushes} push(es) kept arriving")
        if not parts and self.busy is not None and self.busy.active:
            parts.append("timers and requests kept running")
        return "; ".join(parts) or "nothing pending"


def cap_finding(
    settled: Settled, cap_ms: int, *, flow: str | None, step: int, step_label: str
) -> Finding:
    """The `settle-cap` warning: judged at the cap, and what kept the page busy."""
    return Finding(
        "settle-cap",
        rule("settle-cap").severity,
        f"the page did not settle within {cap_ms:g} ms ({settled.reason()}); "
        "counts and the flow's end were judged at the cap",
        flow=flow,
        step=step,
        step_label=step_label,
        hint="a push due later than the cap is not waited for: raise settings.settle_cap, "
        "or set settings.settle to a fixed period (e.g. 500ms) for a page that is never idle",
    )


Probe = Callable[[float], Awaitable[Activity]]  # horizon ms -> what is pending


@dataclass(slots=True)
class AutoSettle:
    """The `auto` rule as a decision, shared by the async runner and the sync pytest plugin:
    after each probe, `judge` says how long to wait before asking again, or how it ended."""

    cap_s: float
    pushes_before: int = 0
    begun: float = field(default_factory=time.monotonic)
    # time a document spent loading (or a navigation in flight) does not count against the
    # cap, which bounds waiting for timers and requests; navigation has its own timeout
    loading_s: float = 0.0
    last: float | None = None

    @property
    def cap_at(self) -> float:
        return self.begun + self.cap_s + min(self.loading_s, NAVIGATION_S)

    def horizon_ms(self, now: float) -> float:
        """Timers due later than the cap cannot matter: ask only about what is due before it."""
        return max(0.0, (self.cap_at - now) * 1000)

    def judge(self, activity: Activity, now: float, pushed: bool, pushes: int) -> float | Settled:
        """`activity`: the probe's answer; `pushed`: a push arrived while it was asked."""
        waited = (now - self.begun) * 1000
        if activity.loading or activity.navigations:
            self.loading_s += now - (self.begun if self.last is None else self.last)
        self.last = now
        if not (activity.busy or activity.active or pushed):
            # quiet, even if this answer took us past the cap (a loaded machine answers late)
            return Settled(waited, pushes=pushes - self.pushes_before)
        if now >= self.cap_at:
            return Settled(waited, True, activity, pushes - self.pushes_before)
        # something happened: ask again at once; something pending: in a moment
        wait = POLL_MS / 1000 if activity.busy else 0.0
        return min(wait, self.cap_at - now)


async def settle_auto(
    probe: Probe, changed: asyncio.Event, *, cap_s: float, pushes: Callable[[], int]
) -> Settled:
    """Wait until the page is quiet, at most `cap_s` from now (monotonic clock)."""
    rule = AutoSettle(cap_s, pushes())
    while True:
        before = pushes()
        activity = await probe(rule.horizon_ms(time.monotonic()))
        count = pushes()
        verdict = rule.judge(activity, time.monotonic(), count != before, count)
        if isinstance(verdict, Settled):
            return verdict
        if verdict > 0:
            changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), verdict)


async def settle_fixed(
    last_push: Callable[[], float],
    changed: asyncio.Event,
    *,
    since: float,
    quiet_s: float,
    limit_s: float,
) -> Settled:
    """`settle: <duration>`: return once no push arrived for `quiet_s` (at most `limit_s`)."""
    begun = time.monotonic()
    deadline = begun + limit_s
    while True:
        now = time.monotonic()
        quiet = now - max(since, last_push())
        if quiet >= quiet_s:
            return Settled((now - begun) * 1000)
        if now >= deadline:
            return Settled((now - begun) * 1000, capped=True)
        changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), min(quiet_s - quiet, deadline - now))
