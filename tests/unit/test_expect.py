"""Flow expectations judged from events (tracker_check.validate.expect): pure, no browser."""

from __future__ import annotations

from typing import Any

import pytest

from tracker_check.models import Event, EventKind, Severity
from tracker_check.plan.model import Expectation
from tracker_check.validate.expect import (
    arrived,
    judge_forbid,
    judge_sequence,
    judge_step,
    lookup,
    matches,
)


def ev(name: str, index: int = 0, step: int = 0, **params: Any) -> Event:
    return Event(name, EventKind.EVENT, params, index=index, step=step, flow="f")


def judge(exps: list[Expectation], events: list[Event]) -> list[tuple[str, str]]:
    found = judge_step(exps, events, flow="f", step=1, step_label="click #b")
    return [(f.code, f.message) for f in found]


def test_lookup_dotted_paths_index_arrays() -> None:
    params = {"ecommerce": {"items": [{"item_id": "A"}, {"item_id": "B"}]}, "n": 0}
    assert lookup(params, "ecommerce.items.1.item_id") == "B"
    assert lookup(params, "ecommerce.items.-1.item_id") == "B"
    assert lookup(params, "n") == 0
    missing = lookup(params, "ecommerce.items.2.item_id")
    assert missing is lookup(params, "nope") and missing is lookup(params, "n.x")


def test_where_uses_json_equality() -> None:
    e = ev("x", value=1, flag=True)
    assert matches(e, {"value": 1.0})
    assert not matches(e, {"flag": 1})
    assert not matches(e, {"value": "1"})


def test_name_only_expectation_passes_and_misses() -> None:
    x = Expectation("add_to_cart")
    assert judge([x], [ev("add_to_cart")]) == []
    [(code, message)] = judge([x], [ev("view_item")])
    assert code == "missing-event"
    assert "add_to_cart" in message and "during step 1 (click #b)" in message


def test_gtag_commands_and_data_pushes_are_not_events() -> None:
    command = Event("add_to_cart", EventKind.COMMAND, {}, index=0)
    data = Event(None, EventKind.DATA, {"event_x": 1}, index=1)
    assert [c for c, _ in judge([Expectation("add_to_cart")], [command, data])] == ["missing-event"]


@pytest.mark.parametrize(
    ("exp", "n", "ok"),
    [
        (Expectation("e", count=1), 1, True),
        (Expectation("e", count=1), 2, False),
        (Expectation("e", count=0), 0, True),
        (Expectation("e", count=0), 1, False),
        (Expectation("e", min=2), 1, False),
        (Expectation("e", min=2), 3, True),
        (Expectation("e", max=1), 0, True),
        (Expectation("e", max=1), 2, False),
        (Expectation("e", min=1, max=2), 2, True),
    ],
)
def test_count_bounds(exp: Expectation, n: int, ok: bool) -> None:
    events = [ev("e", index=i) for i in range(n)]
    codes = [c for c, _ in judge([exp], events)]
    if ok:
        assert codes == []
    else:
        assert codes in (["count-mismatch"], ["missing-event"])


def test_count_mismatch_names_bounds_and_the_surplus_event() -> None:
    [f] = judge_step(
        [Expectation("e", count=1)],
        [ev("e", index=3), ev("e", index=5)],
        flow="f",
        step=2,
        step_label="s",
    )
    assert f.code == "count-mismatch" and f.severity is Severity.ERROR
    assert f.message == "expected exactly 1 e, got 2"
    assert (f.expected, f.actual, f.event_index) == ({"count": 1}, 2, 5)


def test_value_mismatch_shows_closest_event() -> None:
    exp = Expectation("add", where={"ecommerce.items.0.item_id": "SKU-1", "currency": "EUR"})
    far = ev("add", index=0, currency="USD", ecommerce={"items": [{"item_id": "X"}]})
    near = ev("add", index=1, currency="EUR", ecommerce={"items": [{"item_id": "SKU-2"}]})
    [f] = judge_step([exp], [far, near], flow="f", step=0, step_label="s")
    assert f.code == "value-mismatch"
    assert f.message == 'add.ecommerce.items.0.item_id: expected "SKU-1", got "SKU-2"'
    assert (f.event_index, f.pointer, f.expected, f.actual) == (
        1,
        "/ecommerce/items/0/item_id",
        "SKU-1",
        "SKU-2",
    )


def test_value_mismatch_absent_path() -> None:
    [(code, message)] = judge([Expectation("a", where={"x.y": 1})], [ev("a")])
    assert (code, message) == ("value-mismatch", "a.x.y: expected 1, got <absent>")


def test_where_with_count_counts_only_matching_events() -> None:
    exp = Expectation("s", count=1, where={"form_location": "footer"})
    events = [ev("s", 0, form_location="footer"), ev("s", 1, form_location="popup")]
    assert judge([exp], events) == []
    events.append(ev("s", 2, form_location="footer"))
    assert [c for c, _ in judge([exp], events)] == ["count-mismatch"]


def test_arrived_waits_for_lower_bounds_only() -> None:
    assert arrived([], [])
    assert not arrived([Expectation("a")], [ev("b")])
    assert arrived([Expectation("a"), Expectation("b", count=0)], [ev("a")])
    assert not arrived([Expectation("a", min=2)], [ev("a")])
    assert arrived([Expectation("a", max=3)], [])
    assert arrived([Expectation("a", where={"k": 1})], [ev("a", k=2)])  # values: judged later


def test_sequence_in_order_with_events_between() -> None:
    events = [ev("view", 0), ev("other", 1), ev("add", 2), ev("buy", 3)]
    assert judge_sequence(["view", "add", "buy"], events, flow="f") == []


def test_sequence_names_first_pair_out_of_order() -> None:
    events = [ev("add", 0, step=1), ev("view", 1, step=2), ev("buy", 2)]
    [f] = judge_sequence(["view", "add", "buy"], events, flow="f")
    assert f.code == "sequence"
    assert f.message == "add fired before view; the flow expects view first"
    assert (f.event, f.event_index, f.step) == ("add", 0, 1)


def test_sequence_missing_event() -> None:
    [f] = judge_sequence(["view", "add"], [ev("view", 0)], flow="f")
    assert f.message.startswith("add never fired")
    assert f.event_index is None


def test_forbid_one_finding_per_occurrence() -> None:
    events = [ev("purchase", 0, step=1), ev("view", 1), ev("purchase", 2, step=3)]
    found = judge_forbid(["purchase"], events, flow="f")
    assert [(f.code, f.event_index, f.step) for f in found] == [
        ("forbidden-event", 0, 1),
        ("forbidden-event", 2, 3),
    ]
    assert judge_forbid(["purchase"], [ev("view")], flow="f") == []
