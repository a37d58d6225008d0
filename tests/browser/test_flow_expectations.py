"""Expectations mean what users write: `wait` steps of every kind only watch (their `expect`
counts the events since the last step that acted, the start included); `start` has a long
form with its own `expect` and `timeout`; an expected event that fired earlier in the flow is
said to have fired there, with a hint where to expect it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_check.flows.runner import RunOptions, run_plan
from tracker_check.plan.load import load_plan
from tracker_check.report.model import FlowResult, RunReport

pytestmark = pytest.mark.browser

FLOWS = Path(__file__).resolve().parents[2] / "fixtures" / "flows"


@pytest.fixture(scope="module")
def report() -> RunReport:
    plan = load_plan(FLOWS / "expect_lookback.yaml")
    return run_plan(plan, RunOptions(workers=2), serve_dir=FLOWS / "site")


def flow(report: RunReport, name: str) -> FlowResult:
    return next(f for f in report.flows if f.name == name)


@pytest.mark.parametrize(
    "name",
    [
        "wait selector looks back to the start",
        "wait ms looks back to the click",
        "wait event then selector, both look back",
        "start long form",
    ],
)
def test_flow_passes_without_false_alarms(report: RunReport, name: str) -> None:
    result = flow(report, name)
    assert [(f.code, f.message) for f in result.findings] == []
    assert result.status == "passed"


def test_the_start_carries_its_own_expectations(report: RunReport) -> None:
    result = flow(report, "start long form")
    start = result.steps[0]
    assert (start.index, start.label, start.status) == (0, "/list.html", "passed")
    names = {e.index: e.name for e in result.events}
    assert [names[i] for i in start.event_indexes] == ["page_view", "view_item_list"]


def test_an_event_that_fired_earlier_is_explained(report: RunReport) -> None:
    result = flow(report, "expected where it did not fire")
    [missing] = result.findings
    assert missing.code == "missing-event" and missing.step == 1
    assert missing.message == (
        "expected event page_view did not fire during step 1 (click #cta); "
        "it fired during the start, before this step"
    )
    assert missing.hint is not None and "start: {url: ..., expect: [page_view]}" in missing.hint
    fired = next(e for e in result.events if e.name == "page_view")
    assert missing.event_index == fired.index
