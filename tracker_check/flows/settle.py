"""When a page has settled: nothing it scheduled can still push, and no push came for a grace.

`settle: auto` (the default) asks the page (`capture.activity.probe`) what is pending — timers due
within what is left of the cap, fetch/XHR in flight, animation frames, running animations,
playing media, documents loading, navigations — and returns once nothing is and no push (nor any
timer run or request end) happened for `GRACE_MS`. A page that never gets there is judged at the
cap, and the result says what kept it busy. `settle: 500ms` keeps the fixed rule: that long
without a push.

The loop is written against three callables so it is tested without a browser.
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

# After the last push / timer run / request end: catches what runs a task or a frame later —
# MutationObserver (a microtask), postMessage (a task), IntersectionObserver and transitionend
# (the next rendering update, ~16 ms) — measured in tests/browser/test_settle.py.
GRACE_MS = 50
POLL_MS = 20  # how often a busy page is asked again (a push wakes the loop earlier)


@dataclass(frozen=True, slots=True)
class Settled:
    """How a settle ended: quiet, or at the cap with what kept the page busy."""

    waited_ms: float
    capped: bool = False
    busy: Activity | None = None  # at the cap: what was still pending
    pushes: int = 0  # pushes that arrived while waiting

    def reason(self) -> str:
        if self.busy is not None and self.busy.busy:
            return self.busy.describe()
        return f"{self.pushes} push(es) kept arriving"


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
    """The `auto` rule as a clock-driven decision, shared by the async runner and the sync
    pytest plugin: after each probe, `judge` says how long to wait before asking again, or how
    the settle ended."""

    since: float  # monotonic: the end of the action whose consequences are awaited
    cap_s: float
    pushes_before: int = 0
    begun: float = field(default_factory=time.monotonic)
    last: Activity | None = None

    @property
    def cap_at(self) -> float:
        return self.begun + self.cap_s

    def horizon_ms(self, now: float) -> float:
        """Timers due later than the cap cannot matter: ask only about what is due before it."""
        return max(0.0, (self.cap_at - now) * 1000)

    def judge(
        self, activity: Activity, now: float, last_push: float, pushes: int
    ) -> float | Settled:
        self.last = activity
        waited = (now - self.begun) * 1000
        if now >= self.cap_at:
            return Settled(waited, True, activity, pushes - self.pushes_before)
        quiet = min(now - max(self.since, last_push), activity.idle_ms / 1000)
        grace = GRACE_MS / 1000
        if not activity.busy and quiet >= grace:
            return Settled(waited, pushes=pushes - self.pushes_before)
        wait = POLL_MS / 1000 if activity.busy else grace - quiet
        return max(0.001, min(wait, self.cap_at - now))


async def settle_auto(
    probe: Probe,
    last_push: Callable[[], float],
    changed: asyncio.Event,
    *,
    since: float,
    cap_s: float,
    pushes: Callable[[], int] = lambda: 0,
) -> Settled:
    """Wait until the page is quiet, at most `cap_s` from now (monotonic clock)."""
    rule = AutoSettle(since, cap_s, pushes())
    while True:
        activity = await probe(rule.horizon_ms(time.monotonic()))
        verdict = rule.judge(activity, time.monotonic(), last_push(), pushes())
        if isinstance(verdict, Settled):
            return verdict
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
