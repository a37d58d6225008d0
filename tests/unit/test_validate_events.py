"""Event-level rules over a stream (tracker_check.validate.events.Validator)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tracker_check.errors import PlanError
from tracker_check.models import Event, Severity
from tracker_check.plan.model import EventSpec, Plan, Settings
from tracker_check.sources.gtm import normalize
from tracker_check.validate.events import Validator, validate_events


def stream(*raws: Any, document: str = "0", arrays: bool = False) -> list[Event]:
    return [
        normalize(r, index=i, document=document, arrays_are_arguments=arrays)
        for i, r in enumerate(raws)
    ]


def codes(findings: list[Any]) -> list[tuple[str, int | None, str | None]]:
    return [(f.code, f.event_index, f.pointer) for f in findings]


def plan(*events: EventSpec, **settings: Any) -> Plan:
    return Plan(events={e.name: e for e in events}, settings=Settings(**settings))


def test_findings_carry_event_flow_step_and_url() -> None:
    p = plan(EventSpec("signup", parameters={"method": {"type": "string"}}))
    event = Event(
        "signup",
        normalize({"event": "signup"}).kind,
        {"method": 1},
        index=7,
        flow="sign up",
        step=2,
        url="http://127.0.0.1/x",
    )
    [f] = Validator(p).check(event)
    assert (f.code, f.event, f.event_index, f.flow, f.step, f.url) == (
        "invalid-parameter",
        "signup",
        7,
        "sign up",
        2,
        "http://127.0.0.1/x",
    )
    assert f.message == "signup: method must be a string, got the number 1"


@pytest.mark.parametrize(
    ("setting", "severity"), [("error", Severity.ERROR), ("warn", Severity.WARNING)]
)
def test_unplanned_events_follow_the_setting(setting: Any, severity: Severity) -> None:
    p = plan(EventSpec("add_to_cart"), unplanned_events=setting)
    found = validate_events(p, stream({"event": "add_to_card"}, {"event": "gtm.dom"}))
    [f] = found
    assert (f.code, f.severity, f.event) == ("unplanned-event", severity, "add_to_card")
    assert f.hint == "did you mean 'add_to_cart'?"


def test_unplanned_ignore_and_gtm_internal_events_report_nothing() -> None:
    p = plan(EventSpec("a"), unplanned_events="ignore")
    assert validate_events(p, stream({"event": "zzz"})) == []
    strict = plan(EventSpec("a"), unplanned_events="error")
    gtm = stream({"event": "gtm.js", "gtm.start": 1}, {"event": "gtm.load"}, {"event": "gtm.click"})
    assert validate_events(strict, gtm) == []


def test_data_commands_and_functions_are_not_events() -> None:
    p = plan(EventSpec("a"), unplanned_events="error")
    records = stream(
        {"page_type": "home"},
        ["abc.push", 1],
        {"__type": "function", "source": "function(){}"},
        {"__type": "arguments", "items": ["config", "G-1"]},
        5,
    )
    assert validate_events(p, records) == []


@pytest.mark.parametrize(
    ("policy", "severity"), [("error", Severity.ERROR), ("warn", Severity.WARNING)]
)
def test_unexpected_parameter_severity_follows_the_policy(policy: Any, severity: Severity) -> None:
    p = plan(EventSpec("a", parameters={"x": {}}), additional_parameters=policy)
    [f] = validate_events(p, stream({"event": "a", "x": 1, "debug": 2, "gtm.uniqueEventId": 3}))
    assert (f.code, f.severity, f.pointer, f.actual) == (
        "unexpected-parameter",
        severity,
        "/debug",
        2,
    )


def test_deprecated_event_message_has_the_note_and_params_are_still_checked() -> None:
    p = plan(EventSpec("old_signup", parameters={"m": {}}, deprecated="use sign_up"))
    found = validate_events(p, stream({"event": "old_signup"}))
    assert codes(found) == [("deprecated-event", 0, ""), ("missing-parameter", 0, "/m")]
    assert found[0].message == "old_signup is deprecated: use sign_up"
    assert found[0].severity is Severity.WARNING


def test_duplicates_by_unique_path_across_the_stream() -> None:
    p = plan(
        EventSpec(
            "purchase",
            parameters={"ecommerce": {}, "lines": {}},
            unique=("ecommerce.transaction_id", "lines.1.sku"),
        )
    )
    records = stream(
        {"event": "purchase", "ecommerce": {"transaction_id": "T1"}, "lines": [{}, {"sku": 1}]},
        {"event": "purchase", "ecommerce": {"transaction_id": "T2"}, "lines": [{"sku": 1}]},
        {"event": "purchase", "ecommerce": {"transaction_id": "T1"}, "lines": [{}, {"sku": 2}]},
        {"event": "purchase", "ecommerce": {"transaction_id": None}, "lines": [{}, {"sku": 1}]},
    )
    found = [f for f in validate_events(p, records) if f.code == "duplicate-event"]
    assert codes(found) == [
        ("duplicate-event", 2, "/ecommerce/transaction_id"),
        ("duplicate-event", 3, "/lines/1/sku"),
    ]
    assert (
        found[0].message == 'purchase: ecommerce.transaction_id "T1" was already sent by event #0'
    )
    assert found[0].actual == "T1"


def test_same_value_under_two_events_is_not_a_duplicate() -> None:
    p = plan(EventSpec("a", unique=("id",)), EventSpec("b", unique=("id",)))
    p = Plan(events=p.events, settings=Settings(additional_parameters="ignore"))
    assert validate_events(p, stream({"event": "a", "id": 1}, {"event": "b", "id": 1})) == []


def test_gtag_array_command() -> None:
    p = plan(EventSpec("generate_lead"))
    found = validate_events(p, stream(["event", "generate_lead", {}], ["config", "G-1"]))
    assert codes(found) == [("gtag-array-command", 0, ""), ("gtag-array-command", 1, "")]
    assert found[0].event == "generate_lead"
    assert "function gtag(){dataLayer.push(arguments);}" in (found[0].hint or "")


def test_arguments_arrays_from_files_are_events() -> None:
    p = plan(EventSpec("generate_lead", parameters={"value": {"type": "number"}}))
    found = validate_events(p, stream(["event", "generate_lead", {"value": "5"}], arrays=True))
    assert codes(found) == [("invalid-parameter", 0, "/value")]


def consent_default(index: int, document: str) -> Event:
    raw = {"__type": "arguments", "items": ["consent", "default", {"ad_storage": "denied"}]}
    return normalize(raw, index=index, document=document)


def test_consent_required_per_document() -> None:
    p = plan(EventSpec("a"), consent="required", unplanned_events="ignore")
    v = Validator(p)
    events = [
        normalize({"event": "a"}, index=0, document="1"),
        consent_default(1, "1"),
        normalize({"event": "a"}, index=2, document="1"),
        normalize({"event": "b"}, index=3, document="2"),  # unplanned: not a consent finding
        normalize({"event": "a"}, index=4, document="2"),
        normalize(
            {"__type": "arguments", "items": ["consent", "update", {}]}, index=5, document="3"
        ),
        normalize({"event": "a"}, index=6, document="3"),
    ]
    assert codes(v.check_all(events)) == [
        ("consent", 0, ""),
        ("consent", 4, ""),
        ("consent", 6, ""),
    ]


def test_consent_off_reports_nothing() -> None:
    p = plan(EventSpec("a"))
    assert validate_events(p, [normalize({"event": "a"}, document="1")]) == []


def test_scope_model_validates_the_merged_model() -> None:
    spec = EventSpec(
        "checkout",
        parameters={"user": {"type": "object", "required": ["id"]}, "step": {"type": "integer"}},
        scope="model",
    )
    p = plan(spec, additional_parameters="error")
    records = stream(
        {"user": {"id": "u1"}},
        {"event": "checkout", "step": 1},
        {"user": None},
        {"event": "checkout", "step": 2},
    )
    found = validate_events(p, records)
    # `event` and GTM's own `gtm` keys are not parameters of the model
    assert codes(found) == [("invalid-parameter", 3, "/user")]


def test_scope_push_does_not_see_the_model() -> None:
    spec = EventSpec("checkout", parameters={"user": {"type": "object"}})
    found = validate_events(plan(spec), stream({"user": {"id": "u1"}}, {"event": "checkout"}))
    assert codes(found) == [("missing-parameter", 1, "/user")]


def item(i: str) -> dict[str, str]:
    return {"item_id": i}


def test_stale_model_data_when_items_leak() -> None:
    p = plan(EventSpec("view_item_list"), EventSpec("view_item"), additional_parameters="ignore")
    records = stream(
        {"event": "view_item_list", "ecommerce": {"items": [item("A"), item("B")]}},
        {"event": "view_item", "ecommerce": {"items": [item("C")]}},
    )
    [f] = validate_events(p, records)
    assert (f.code, f.event_index, f.pointer) == ("stale-model-data", 1, "/ecommerce/items")
    assert f.expected == [item("C")]
    assert f.actual == [item("C"), item("B")]
    assert "{ecommerce: null}" in (f.hint or "")


@pytest.mark.parametrize(
    "clear",
    [
        {"ecommerce": None},
        {"event": "x", "ecommerce": None},
        {"ecommerce": 0},
    ],
)
def test_no_stale_data_after_a_clear(clear: dict[str, Any]) -> None:
    p = plan(EventSpec("a"), EventSpec("b"), EventSpec("x"), additional_parameters="ignore")
    records = stream(
        {"event": "a", "ecommerce": {"items": [item("A"), item("B")]}},
        clear,
        {"event": "b", "ecommerce": {"items": [item("C")]}},
    )
    assert validate_events(p, records) == []


def test_clear_flag_and_other_documents_do_not_leak() -> None:
    p = plan(EventSpec("a"), EventSpec("b"), additional_parameters="ignore")
    first = normalize({"event": "a", "ecommerce": {"items": [item("A"), item("B")]}}, document="1")
    other_doc = normalize({"event": "b", "ecommerce": {"items": [item("C")]}}, document="2")
    cleared = normalize(
        {"event": "b", "ecommerce": {"_clear": True, "items": [item("C")]}}, document="1"
    )
    assert validate_events(p, [first, other_doc, cleared]) == []


def test_stale_data_from_a_data_push_and_missing_items() -> None:
    p = plan(EventSpec("purchase"), additional_parameters="ignore")
    records = stream(
        {"ecommerce": {"items": [item("A")]}},  # a data push leaves items in the model
        {"event": "purchase", "ecommerce": {"transaction_id": "T"}},
    )
    [f] = validate_events(p, records)
    assert (f.code, f.expected, f.actual) == ("stale-model-data", None, [item("A")])


def test_equal_items_are_not_stale() -> None:
    p = plan(EventSpec("a"), additional_parameters="ignore")
    push = {"event": "a", "ecommerce": {"items": [item("A")]}}
    assert validate_events(p, stream(push, push, push)) == []


def test_gtag_events_never_touch_the_model() -> None:
    p = plan(EventSpec("a"), additional_parameters="ignore")
    records = stream(
        ["event", "a", {"ecommerce": {"items": [item("A"), item("B")]}}],
        ["event", "a", {"ecommerce": {"items": [item("C")]}}],
        arrays=True,
    )
    assert validate_events(p, records) == []


def test_dotted_keys_and_command_arrays_write_the_model() -> None:
    p = plan(EventSpec("a"), additional_parameters="ignore")
    records = stream(
        {"ecommerce.items": [item("A")]},
        ["ecommerce.items.push", item("B")],
        {"event": "a", "ecommerce": {"items": [item("C")]}},
    )
    [f] = validate_events(p, records)
    assert f.actual == [item("C"), item("B")]


def test_a_pattern_that_is_not_ecma_is_a_plan_error() -> None:
    p = plan(EventSpec("a", parameters={"x": {"type": "string", "pattern": r"\Aabc"}}))
    with pytest.raises(PlanError) as info:
        Validator(p)
    assert info.value.findings[0].code == "plan-error"
    assert "\\A" in info.value.findings[0].message


def test_validator_is_stateful_but_instances_are_independent() -> None:
    p = plan(EventSpec("a", unique=("id",), parameters={"id": {}}))
    events = stream({"event": "a", "id": 1}, {"event": "a", "id": 1})
    assert len(validate_events(p, events)) == 1
    assert len(validate_events(p, events)) == 1


def test_check_all_equals_check_per_event_on_every_fixture() -> None:
    from tracker_check.eventsio import read_events
    from tracker_check.plan.load import load_plan

    root = Path(__file__).resolve().parents[2] / "fixtures" / "plans"
    cases = [c for c in sorted(root.iterdir()) if (c / "expected.json").is_file()]
    assert cases
    for case in cases:
        plan_ = load_plan(case / "plan.yaml")
        path = case / "events.jsonl"
        events = list(read_events(path if path.exists() else case / "events.json"))
        one_by_one: list[Any] = []
        v = Validator(plan_)
        for e in events:
            one_by_one.extend(v.check(e))
        assert Validator(plan_).check_all(events) == one_by_one, case.name


def test_a_clear_flag_push_on_a_clean_model_still_fills_it() -> None:
    p = plan(EventSpec("a"), EventSpec("b"), additional_parameters="ignore")
    records = stream(
        {"event": "a", "ecommerce": {"_clear": True, "items": [item("A"), item("B")]}},
        {"event": "b", "ecommerce": {"items": [item("C")]}},
    )
    v = Validator(p)
    one_by_one = [f for e in records for f in v.check(e)]
    assert codes(one_by_one) == [("stale-model-data", 1, "/ecommerce/items")]
    assert codes(Validator(p).check_all(records)) == codes(one_by_one)


def test_a_problem_caught_by_two_allof_branches_is_reported_once() -> None:
    # the demo shop's wishlist: GA4's own shape and the shop's `priced` both type `value`
    priced = {
        "type": "object",
        "properties": {"value": {"type": "number"}, "items": {"type": "array"}},
    }
    ecommerce = {
        "allOf": [
            {"$ref": "ga4#/definitions/add_to_wishlist_ecommerce"},
            {"$ref": "#/definitions/priced"},
        ]
    }
    p = Plan(
        events={"wish": EventSpec("wish", parameters={"ecommerce": ecommerce})},
        definitions={"priced": priced},
    )
    [event] = stream({"event": "wish", "ecommerce": {"currency": "EUR", "value": "9", "items": {}}})
    expected = [
        ("invalid-parameter", "/ecommerce/items"),
        ("invalid-parameter", "/ecommerce/value"),
    ]
    assert [(f.code, f.pointer) for f in Validator(p).check(event)] == expected
    assert [(f.code, f.pointer) for f in validate_events(p, [event])] == expected  # check_all


def test_repeats_are_dropped_after_consent_and_deprecation_too() -> None:
    both = {"allOf": [{"type": "integer"}, {"type": "integer"}]}
    spec = EventSpec("a", parameters={"n": both}, deprecated="use b")
    found = validate_events(plan(spec, consent="required"), stream({"event": "a", "n": "x"}))
    assert [f.code for f in found] == ["consent", "deprecated-event", "invalid-parameter"]
