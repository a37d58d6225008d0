"""Regression tests for review findings: hostile inputs give one clear finding, not a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tracker_check import compile
from tracker_check.datamodel import DataModel
from tracker_check.errors import UsageError
from tracker_check.eventsio import read_events
from tracker_check.models import Finding, Location
from tracker_check.paths import is_index
from tracker_check.plan import lint
from tracker_check.plan.lint import lint_text
from tracker_check.plan.model import EventSpec, Plan, Settings
from tracker_check.plan.parse import parse_duration
from tracker_check.plan.yamlpos import MAX_NODES
from tracker_check.sources.gtm import normalize
from tracker_check.validate.events import validate_events
from tracker_check.validate.expect import _MISSING, lookup


def _plan_errors(text: str) -> list[Finding]:
    plan, found = lint_text(text, "p.yaml")
    assert plan is None
    assert found
    assert all(f.code == "plan-error" for f in found)
    return found


def test_nested_merge_keys_are_capped() -> None:
    # each level merges the previous one twice: 2**30 pairs if nothing stops it
    lines = ["version: 1", "definitions:", "  a0: &a0 {x: 1}"]
    lines += [f"  a{i}: &a{i} {{<<: [*a{i - 1}, *a{i - 1}]}}" for i in range(1, 31)]
    lines.append("events: {}")
    (f,) = _plan_errors("\n".join(lines) + "\n")
    assert f"over {MAX_NODES} nodes" in f.message
    assert f.location is not None and f.location.line > 3


# --- "²".isdigit() is True but int("²") fails: every index test is ASCII-only -----------


def test_is_index_is_ascii_digits_only() -> None:
    assert is_index("0") and is_index("12")
    assert not is_index("²") and not is_index("٣") and not is_index("") and not is_index("-1")


def test_push_command_with_superscript_segment_does_not_crash() -> None:
    p = Plan(events={"page": EventSpec("page", scope="model")})
    pushes = [{"ecommerce": {"items": [[1]]}}, ["ecommerce.items.².push", 5], {"event": "page"}]
    events = [normalize(r, index=i) for i, r in enumerate(pushes)]
    assert validate_events(p, events) == []
    model = DataModel()
    for event in events:
        model.apply(event)
    assert model.get("ecommerce.items.²") is None
    assert model.state["ecommerce"] == {"items": [[1]]}


def test_unique_path_with_superscript_segment() -> None:
    p = Plan(events={"a": EventSpec("a", unique=("x.²",), parameters={"x": {}})})
    raws = [{"event": "a", "x": {"²": 1}}, {"event": "a", "x": {"²": 1}}]
    found = validate_events(p, [normalize(r, index=i) for i, r in enumerate(raws)])
    assert [(f.code, f.event_index) for f in found] == [("duplicate-event", 1)]


def test_lint_variable_in_step_keyed_superscript() -> None:
    text = "version: 1\nevents: {a: {}}\nflows:\n  - name: f\n    steps:\n"
    found = _plan_errors(text + "      - {click: x, '²': '${foo}'}\n")
    assert any("${foo}" in f.message for f in found)


def test_expect_lookup_with_superscript_segment() -> None:
    assert lookup({"l": [1, 2]}, "l.²") is _MISSING
    assert lookup({"l": [1, 2]}, "l.-1") == 2


def test_scope_model_event_ignores_other_keys_of_the_model() -> None:
    p = Plan(
        events={
            "page_view": EventSpec("page_view", parameters={"page": {"type": "string"}}),
            "checkout": EventSpec(
                "checkout", parameters={"step": {"type": "integer"}}, scope="model"
            ),
        },
        settings=Settings(additional_parameters="error"),
    )
    raws = [
        {"event": "page_view", "page": "/cart"},
        {"ecommerce": None},
        {"event": "checkout", "step": 1},
        {"event": "checkout", "step": "x"},
    ]
    found = validate_events(p, [normalize(r, index=i) for i, r in enumerate(raws)])
    assert [(f.code, f.event_index, f.pointer) for f in found] == [
        ("invalid-parameter", 3, "/step")
    ]


# --- huge numbers, deep nesting and odd record fields: one clear line, not a traceback ----


def test_huge_integer_in_plan_is_a_plan_error_at_the_node() -> None:
    found = _plan_errors("version: 1\nevents:\n  a:\n    weight: " + "9" * 5000 + "\n")
    assert [(f.message, f.location) for f in found if "too large" in f.message] == [
        ("number too large", Location("p.yaml", 4, 13))
    ]


def test_huge_duration_is_a_plan_error() -> None:
    with pytest.raises(ValueError, match="duration too large"):
        parse_duration("9" * 400 + "s")
    (f,) = _plan_errors(f"version: 1\nsettings: {{timeout: '{'9' * 400}s'}}\nevents: {{}}\n")
    assert f.message == "duration too large"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("e.jsonl", '{"x": 1}\n{"n": ' + "9" * 5000 + "}\n", "2:1: invalid JSON: a number"),
        ("e.jsonl", '{"x": 1}\n' + "[" * 100_000 + "\n", "2:1: invalid JSON: the value is"),
        ("e.json", '[{"x": 1},\n {"n": ' + "9" * 5000 + "}]\n", "2:2: invalid JSON: a number"),
        ("e.json", "[{},\n" + "[" * 100_000 + "]\n", "2:1: invalid JSON: the value is"),
    ],
)
def test_huge_or_deep_events_are_usage_errors(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as info:
        list(read_events(path))
    assert info.value.one_line().startswith(f"{path}:{message}")


@pytest.mark.parametrize(
    "record",
    [
        {"$record": 1, "raw": {"event": "a"}, "time": "soon"},
        {"$record": 1, "raw": {"event": "a"}, "time": True},
        {"$record": 1, "raw": {"event": "a"}, "document": ["0"]},
        {"$record": 1, "raw": {"event": "a"}, "document": 7},
    ],
)
def test_record_with_bad_time_or_document(tmp_path: Path, record: dict[str, Any]) -> None:
    path = tmp_path / "r.jsonl"
    ok = {"$record": 1, "raw": {"event": "a"}, "time": 1.5, "document": "1"}
    path.write_text(json.dumps(ok) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match="invalid record") as info:
        list(read_events(path))
    assert str(info.value.location) == f"{path}:2:1"


def test_definition_names_starting_ga4_are_reserved() -> None:
    text = (
        "version: 1\ndefinitions:\n  ga4.item: {type: string}\n  item: {type: string}\n"
        "events:\n  a:\n    parameters:\n"
        "      x: {$ref: '#/definitions/ga4.item'}\n"
        "      y: {$ref: 'ga4#/definitions/item'}\n"
    )
    (f,) = _plan_errors(text)
    assert f.message == "definition name `ga4.item` starts with `ga4.`, which is reserved"
    assert f.hint is not None and "ga4#/definitions/item" in f.hint
    assert f.location == Location("p.yaml", 3, 3)


def test_one_ga4_loader_for_lint_and_compile() -> None:
    assert lint.ga4_definitions is compile.ga4_definitions
    assert "item" in compile.ga4_definitions()


def test_unique_treats_integral_floats_as_ints() -> None:
    p = Plan(events={"a": EventSpec("a", unique=("id", "o"), parameters={"id": {}, "o": {}})})
    raws = [
        {"event": "a", "id": 1, "o": {"n": [2.0]}},
        {"event": "a", "id": 1.0, "o": {"n": [2]}},
        {"event": "a", "id": 1.5, "o": {"n": [True]}},
        {"event": "a", "id": 2, "o": {"n": [1]}},
    ]
    found = validate_events(p, [normalize(r, index=i) for i, r in enumerate(raws)])
    assert [(f.code, f.event_index, f.pointer) for f in found] == [
        ("duplicate-event", 1, "/id"),
        ("duplicate-event", 1, "/o"),
    ]
