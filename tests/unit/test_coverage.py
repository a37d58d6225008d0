"""Weighted funnel coverage: states, score overall and per stage."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_samples import ev, flows_report, plan

from tracker_check.coverage import UNSTAGED, compute, percent
from tracker_check.models import Finding, Severity
from tracker_check.plan.model import EventSpec, Plan

E, W = Severity.ERROR, Severity.WARNING


def test_states_of_the_sample_run() -> None:
    report = flows_report()
    cov = compute(report.plan, report.all_events(), report.findings)
    states = {e.name: e.state for e in cov.events}
    assert states == {
        "page_view": "verified",
        "view_item": "verified",
        "newsletter_signup": "broken",  # expected, never fired: missing-event names it
        "add_to_cart": "broken",  # captured with an invalid parameter
        "begin_checkout": "verified",
        "purchase": "broken",  # duplicate-event
        "search": "verified",  # a flow-less stage goes to the unstaged bucket
    }
    assert "old_signup" not in states  # deprecated: excluded from the score
    assert (cov.verified_weight, cov.total_weight) == (7.0, 24.0)
    assert cov.score == pytest.approx(7 / 24)
    assert cov.counts() == {"verified": 4, "broken": 3, "not_covered": 0}


def test_stages_follow_funnel_order_then_unstaged() -> None:
    report = flows_report()
    cov = compute(report.plan, report.all_events(), report.findings)
    assert [s.name for s in cov.stages] == ["attention", "interest", "desire", "action", UNSTAGED]
    by = {s.name: s for s in cov.stages}
    assert by["interest"].events == ("view_item", "newsletter_signup")
    assert (by["interest"].verified_weight, by["interest"].total_weight) == (2.0, 4.0)
    assert by["desire"].score == pytest.approx(3 / 8)
    assert by["action"].score == 0.0
    assert by[UNSTAGED].score == 1.0


def test_warnings_do_not_break_an_event() -> None:
    p = plan()
    warn = Finding("unexpected-parameter", W, "extra", event="page_view", event_index=0)
    cov = compute(p, [ev("page_view", 0, None, None)], [warn])
    assert cov.event("page_view").state == "verified"  # type: ignore[union-attr]


def test_not_covered_when_never_seen() -> None:
    cov = compute(plan(), [], [])
    assert {e.state for e in cov.events} == {"not_covered"}
    assert cov.score == 0.0


def test_finding_by_index_only_names_its_event() -> None:
    finding = Finding("stale-model-data", E, "stale items", flow="f", event_index=4)
    cov = compute(plan(), [ev("add_to_cart", 4, "f", 0)], [finding])
    assert cov.event("add_to_cart").state == "broken"  # type: ignore[union-attr]
    other_flow = Finding("stale-model-data", E, "stale items", flow="g", event_index=4)
    cov = compute(plan(), [ev("add_to_cart", 4, "f", 0)], [other_flow])
    assert cov.event("add_to_cart").state == "verified"  # type: ignore[union-attr]


def test_no_weight_means_no_score() -> None:
    empty = Plan(events={}, funnel=("a",))
    cov = compute(empty, [], [])
    assert cov.score is None and cov.stages[0].score is None
    assert cov.to_json()["score"] is None
    assert percent(None) == "–"


def test_unknown_stage_goes_unstaged_and_no_duplicate_bucket() -> None:
    p = Plan(events={"x": EventSpec("x", stage="nope")}, funnel=("a", UNSTAGED))
    cov = compute(p, [ev("x", 0, None, None)], [])
    assert [s.name for s in cov.stages] == ["a", UNSTAGED]
    assert cov.stages[1].events == ("x",)


def test_percent_format() -> None:
    assert percent(1.0) == "100%"
    assert percent(0.375) == "37.5%"
    assert percent(7 / 24) == "29.2%"


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", None]),
            st.floats(0, 100, allow_nan=False),
            st.booleans(),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_score_is_verified_over_total(specs: list[tuple[str | None, float, bool, bool]]) -> None:
    events = {
        f"e{i}": EventSpec(f"e{i}", stage=stage, weight=w)
        for i, (stage, w, _, _) in enumerate(specs)
    }
    p = Plan(events=events, funnel=("a", "b"))
    fired = [ev(f"e{i}", i, None, None) for i, (_, _, seen, _) in enumerate(specs) if seen]
    broken = [
        Finding("invalid-parameter", E, "x", event=f"e{i}")
        for i, (*_, bad) in enumerate(specs)
        if bad
    ]
    cov = compute(p, fired, broken)
    verified = sum(w for (_, w, seen, bad) in specs if seen and not bad)
    total = sum(w for (_, w, _, _) in specs)
    assert cov.verified_weight == pytest.approx(verified)
    assert cov.total_weight == pytest.approx(total)
    assert sum(s.total_weight for s in cov.stages) == pytest.approx(total)
    assert sum(s.verified_weight for s in cov.stages) == pytest.approx(verified)
    if cov.score is not None:
        assert 0.0 <= cov.score <= 1.0


def test_to_json_shape() -> None:
    report = flows_report()
    doc = compute(report.plan, report.all_events(), report.findings).to_json()
    assert list(doc) == [
        "score", "verified_weight", "total_weight", "verified", "broken", "not_covered",
        "stages", "events",
    ]  # fmt: skip
    assert doc["score"] == 0.2917
    assert doc["events"][3] == {
        "name": "add_to_cart",
        "stage": "desire",
        "kind": "micro",
        "weight": 5.0,
        "state": "broken",
        "captured": 1,
        "errors": 1,
    }


def test_pure_module_imports_nothing_heavy() -> None:
    import tracker_check.coverage as mod

    source = Path(str(mod.__file__)).read_text("utf-8")
    for banned in ("playwright", "typer", "pytest", "open("):
        assert banned not in source
    assert dataclasses.is_dataclass(compute(plan(), [], []))
