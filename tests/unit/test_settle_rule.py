"""The `settle: auto` decision (flows/settle.py) and the probe's parsing, without a browser."""

from __future__ import annotations

import asyncio

import pytest

from tracker_check.capture.activity import Activity, parse
from tracker_check.flows.settle import GRACE_MS, POLL_MS, AutoSettle, Settled, settle_auto

IDLE = Activity(idle_ms=10_000)


def rule(cap_s: float = 2.0) -> AutoSettle:
    return AutoSettle(since=100.0, cap_s=cap_s, begun=100.0)


def test_an_idle_page_settles_once_the_grace_has_passed_since_the_action() -> None:
    r = rule()
    early = r.judge(IDLE, now=100.01, last_push=0.0, pushes=0)
    assert early == pytest.approx((GRACE_MS - 10) / 1000)
    settled = r.judge(IDLE, now=100.0 + GRACE_MS / 1000 + 1e-6, last_push=0.0, pushes=0)
    assert isinstance(settled, Settled) and not settled.capped


def test_the_grace_counts_from_the_last_push_and_the_last_activity() -> None:
    r = rule()
    assert isinstance(r.judge(IDLE, now=101.0, last_push=100.99, pushes=1), float)
    recent = Activity(idle_ms=5)  # a timer ran 5 ms ago: its follow-up task may still push
    assert isinstance(r.judge(recent, now=101.0, last_push=0.0, pushes=0), float)
    assert isinstance(r.judge(IDLE, now=101.0, last_push=100.9, pushes=1), Settled)


@pytest.mark.parametrize(
    "busy",
    [
        Activity(timers=1),
        Activity(requests=1),
        Activity(frames=1),
        Activity(animations=1),
        Activity(media=1),
        Activity(loading=1),
        Activity(navigations=1),
        Activity(unanswered=1),
    ],
)
def test_anything_pending_keeps_waiting_then_the_cap_says_what(busy: Activity) -> None:
    r = rule()
    assert r.judge(busy, now=101.0, last_push=0.0, pushes=0) == pytest.approx(POLL_MS / 1000)
    capped = r.judge(busy, now=102.0, last_push=0.0, pushes=3)
    assert isinstance(capped, Settled) and capped.capped
    assert capped.reason() == busy.describe() != "nothing pending"
    assert capped.pushes == 3


def test_a_page_that_keeps_pushing_is_capped_with_that_reason() -> None:
    r = AutoSettle(since=100.0, cap_s=2.0, begun=100.0, pushes_before=2)
    capped = r.judge(IDLE, now=102.0, last_push=101.99, pushes=40)
    assert isinstance(capped, Settled) and capped.capped
    assert capped.reason() == "38 push(es) kept arriving"


def test_waits_never_pass_the_cap_and_the_horizon_shrinks() -> None:
    r = rule()
    assert r.judge(Activity(timers=1), now=101.995, last_push=0.0, pushes=0) == pytest.approx(0.005)
    assert r.horizon_ms(100.5) == pytest.approx(1500)
    assert r.horizon_ms(103.0) == 0


def test_describe_names_each_kind_with_counts() -> None:
    a = Activity(timers=2, requests=1) + Activity(frames=1, unanswered=1)
    assert a.describe() == (
        "2 timers due, 1 request in flight, 1 animation frame requested, 1 frame busy in a script"
    )
    assert (Activity(idle_ms=3) + Activity(idle_ms=7)).idle_ms == 3


def test_parse_reads_the_probe_and_ignores_what_a_page_broke() -> None:
    raw = {"timers": 1, "requests": 2, "frames": 0, "animations": 1, "media": 0}
    assert parse({**raw, "loading": True, "idle_ms": 12}) == Activity(
        timers=1, requests=2, animations=1, loading=1, idle_ms=12
    )
    for broken in (None, "x", [], {"timers": "many", "loading": "yes", "idle_ms": -1}):
        assert parse(broken) == Activity()


def test_settle_auto_drives_the_rule_with_a_fake_page() -> None:
    answers = [Activity(timers=1), Activity(requests=1), IDLE]
    asked: list[float] = []

    async def probe(horizon_ms: float) -> Activity:
        asked.append(horizon_ms)
        return answers.pop(0) if answers else IDLE

    async def main() -> Settled:
        return await settle_auto(
            probe, lambda: 0.0, asyncio.Event(), since=0.0, cap_s=5.0, pushes=lambda: 0
        )

    settled = asyncio.run(main())
    assert not settled.capped and len(asked) == 3
    assert asked == sorted(asked, reverse=True) and asked[0] <= 5000
