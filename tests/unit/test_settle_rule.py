"""The `settle: auto` decision (flows/settle.py) and the probe's parsing, without a browser."""

from __future__ import annotations

import asyncio

import pytest

from tracker_check.capture.activity import Activity, parse
from tracker_check.flows.settle import POLL_MS, AutoSettle, Settled, settle_auto

IDLE = Activity()


def rule(cap_s: float = 2.0, pushes_before: int = 0) -> AutoSettle:
    return AutoSettle(cap_s=cap_s, pushes_before=pushes_before, begun=100.0)


def test_an_answer_with_nothing_pending_and_nothing_meanwhile_settles() -> None:
    settled = rule().judge(IDLE, now=100.04, pushed=False, pushes=0)
    assert isinstance(settled, Settled) and not settled.capped
    assert settled.waited_ms == pytest.approx(40)


def test_a_push_or_activity_during_the_probe_asks_again_at_once() -> None:
    r = rule()
    assert r.judge(IDLE, now=100.1, pushed=True, pushes=1) == 0
    assert r.judge(Activity(active=True), now=100.1, pushed=False, pushes=1) == 0


@pytest.mark.parametrize(
    "busy",
    [
        Activity(timers=1),
        Activity(requests=1),
        Activity(frames=1),
        Activity(animations=1),
        Activity(media=1),
        Activity(unanswered=1),
    ],
)
def test_anything_pending_keeps_waiting_then_the_cap_says_what(busy: Activity) -> None:
    r = rule()
    assert r.judge(busy, now=101.0, pushed=False, pushes=0) == pytest.approx(POLL_MS / 1000)
    capped = r.judge(busy, now=102.0, pushed=False, pushes=3)
    assert isinstance(capped, Settled) and capped.capped
    assert capped.reason() == f"{busy.describe()}; 3 push(es) kept arriving"
    assert capped.pushes == 3


def test_a_page_that_keeps_pushing_is_capped_with_that_reason() -> None:
    capped = rule(pushes_before=2).judge(IDLE, now=102.0, pushed=True, pushes=40)
    assert isinstance(capped, Settled) and capped.capped
    assert capped.reason() == "38 push(es) kept arriving"


def test_waits_never_pass_the_cap_and_the_horizon_shrinks() -> None:
    r = rule()
    wait = r.judge(Activity(timers=1), now=101.995, pushed=False, pushes=0)
    assert wait == pytest.approx(0.005)
    assert r.horizon_ms(100.5) == pytest.approx(1500)
    assert r.horizon_ms(103.0) == 0


def test_describe_names_each_kind_with_counts() -> None:
    a = Activity(timers=2, requests=1) + Activity(frames=1, unanswered=1)
    assert a.describe() == (
        "2 timers due, 1 request in flight, 1 animation frame requested, 1 frame busy in a script"
    )
    assert (Activity(active=True) + Activity()).active
    assert Activity(active=True).describe() == "nothing pending" and not Activity(active=True).busy


def test_parse_reads_the_probe_and_ignores_what_a_page_broke() -> None:
    raw = {"timers": 1, "requests": 2, "frames": 0, "animations": 1, "media": 0}
    assert parse({**raw, "loading": True, "active": True}) == Activity(
        timers=1, requests=2, animations=1, loading=1, active=True
    )
    for broken in (None, "x", [], {"timers": "many", "loading": "yes", "active": 1}):
        assert parse(broken) == Activity()


def test_settle_auto_asks_until_an_answer_is_quiet() -> None:
    answers = [Activity(timers=1), Activity(requests=1), Activity(active=True), IDLE]
    asked: list[float] = []
    pushed = [0]

    async def probe(horizon_ms: float) -> Activity:
        asked.append(horizon_ms)
        if len(asked) == 4:
            pushed[0] += 1  # a push while the fourth answer was on its way: once more
        return answers.pop(0) if answers else IDLE

    async def main() -> Settled:
        return await settle_auto(probe, asyncio.Event(), cap_s=5.0, pushes=lambda: pushed[0])

    settled = asyncio.run(main())
    assert not settled.capped and len(asked) == 5 and settled.pushes == 1
    assert asked == sorted(asked, reverse=True) and asked[0] <= 5000


def test_a_quiet_answer_that_arrives_after_the_cap_is_still_quiet() -> None:
    settled = rule().judge(IDLE, now=102.5, pushed=False, pushes=0)
    assert isinstance(settled, Settled) and not settled.capped
    capped = rule().judge(Activity(active=True), now=102.5, pushed=False, pushes=0)
    assert isinstance(capped, Settled) and capped.capped
    assert capped.reason() == "timers and requests kept running"


def test_time_spent_loading_a_page_does_not_count_against_the_cap() -> None:
    r = rule()
    loading = Activity(loading=1)
    assert isinstance(r.judge(loading, now=101.5, pushed=True, pushes=5), float)
    assert isinstance(r.judge(loading, now=102.5, pushed=True, pushes=9), float)  # 2.5 s loading
    assert r.cap_at == pytest.approx(104.5)
    assert isinstance(r.judge(Activity(timers=1), now=104.0, pushed=False, pushes=9), float)
    capped = r.judge(Activity(timers=1), now=104.6, pushed=False, pushes=9)
    assert isinstance(capped, Settled) and capped.capped
    forever = rule()
    forever.judge(loading, now=200.0, pushed=True, pushes=1)  # a load that never ends
    assert forever.cap_at == pytest.approx(132.0)  # cap + the navigation timeout, no more
