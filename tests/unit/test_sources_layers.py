"""Layer kinds, `match:` rules, and the ACDL / CEDDL / Matomo Tag Manager adapters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker_check.errors import UsageError
from tracker_check.eventsio import read_events
from tracker_check.models import EventKind
from tracker_check.plan.lint import lint_text
from tracker_check.sources import Layers, Normalizer, acdl, layers_for
from tracker_check.validate.events import validate_events

FN = {"__type": "function", "name": "f"}


def plan_of(text: str) -> Any:
    plan, errors = lint_text(text, "plan.yaml")
    assert errors == [], [str(e.message) for e in errors]
    return plan


def test_kinds_are_inferred_for_well_known_names_and_settable() -> None:
    plan = plan_of(
        "version: 1\nevents: {}\n"
        "data_layers: [dataLayer, _paq, _mtm, adobeDataLayer, digitalData, other,"
        " {name: appData, kind: acdl}]\n"
    )
    assert plan.data_layers == (
        "dataLayer",
        "_paq",
        "_mtm",
        "adobeDataLayer",
        "digitalData",
        "other",
        "appData",
    )
    assert [plan.layer_kind(n) for n in plan.data_layers] == [
        "gtm",
        "matomo",
        "matomo-tm",
        "acdl",
        "ceddl",
        "gtm",
        "acdl",
    ]
    event = Normalizer(layers_for(plan))({"event": "x"}, data_layer="appData")
    assert event.source == "acdl"


@pytest.mark.parametrize(
    ("push", "kind", "name", "params"),
    [
        ({"event": "cmp:click", "eventInfo": {"path": "c.1"}}, EventKind.EVENT, "cmp:click", None),
        ({"page": {"name": "x"}}, EventKind.DATA, None, {"page": {"name": "x"}}),
        ({"event": "", "page": 1}, EventKind.DATA, None, {"page": 1}),  # not an event item
        ({"on": "cmp:click", "handler": FN}, EventKind.COMMAND, "addEventListener", {}),
        ({"off": "cmp:click"}, EventKind.COMMAND, "removeEventListener", {}),
        ({"on": "cmp:click"}, EventKind.DATA, None, {"on": "cmp:click"}),  # no handler: data
        (FN, EventKind.FUNCTION, None, {}),
        (["a"], EventKind.INVALID, None, {}),
    ],
)
def test_acdl_item_types_follow_the_library(
    push: Any, kind: EventKind, name: str | None, params: Any
) -> None:
    event = Normalizer()(push, data_layer="adobeDataLayer")
    assert (event.kind, event.name, event.source) == (kind, name, "acdl")
    if params is not None:
        assert event.parameters == params


def test_acdl_merge_semantics() -> None:
    state: dict[str, Any] = {}
    state = acdl.merge(state, {"a": {"b": 1, "c": [1, 2, 3]}, "n": 0, "s": "x"})
    state = acdl.merge(state, {"a": {"c": [9], "d": None}})
    assert state == {"a": {"b": 1, "c": [9]}, "n": 0, "s": "x"}
    state = acdl.merge(state, {"a": {"b": {"__type": "undefined"}}, "list": [1, None, 2]})
    assert state == {"a": {"c": [9]}, "n": 0, "s": "x", "list": [1, 2]}
    # an object onto a falsy value removes the key; onto a truthy scalar leaves it
    assert acdl.merge(state, {"n": {"k": 1}, "s": {"k": 1}}) == {
        "a": {"c": [9]},
        "s": "x",
        "list": [1, 2],
    }


def test_acdl_scope_model_is_the_computed_state() -> None:
    plan = plan_of(
        "version: 1\ndata_layers: [adobeDataLayer]\nevents:\n"
        "  shown:\n    match: [{source: acdl, event: 'cmp:show'}]\n    scope: model\n"
        "    parameters:\n      cart: {type: object, properties: {items: {maxItems: 1}}}\n"
        "      page: {type: object, required: [name]}\n"
    )
    n = Normalizer(layers_for(plan))
    pushes = [
        {"cart": {"items": [1, 2]}, "page": {"name": "x"}},
        {"cart": {"items": [3]}},  # replaced, not merged by index as in GTM
        {"event": "cmp:show"},
        {"page": {"name": None}},
        {"event": "cmp:show"},
    ]
    events = [n(p, data_layer="adobeDataLayer", index=i) for i, p in enumerate(pushes)]
    found = validate_events(plan, events)
    assert [(f.code, f.event_index, f.pointer) for f in found] == [
        ("missing-parameter", 4, "/page/name")
    ]


def test_match_rules_name_events_and_compare_parameters() -> None:
    plan = plan_of(
        "version: 1\ndata_layers: [dataLayer, _paq, adobeDataLayer]\nevents:\n"
        "  video_start:\n    match:\n"
        "      - {source: matomo, command: trackEvent, category: Video, action: Play}\n"
        "      - {source: acdl, event: 'video:start'}\n"
        "      - {source: gtm, event: videoStart}\n"
        "    parameters: {}\n    additional_parameters: ignore\n"
    )
    n = Normalizer(layers_for(plan))
    got = [
        n(["trackEvent", "Video", "Play"], data_layer="_paq").name,
        n(["trackEvent", "Video", "Pause"], data_layer="_paq").name,
        n({"event": "video:start"}, data_layer="adobeDataLayer").name,
        n({"event": "videoStart"}, data_layer="dataLayer").name,
        n({"event": "video:start"}, data_layer="dataLayer").name,  # rule is for acdl only
        n(["setSiteId", 1], data_layer="_paq").name,  # commands are never renamed
    ]
    assert got == [
        "video_start",
        "Video/Pause",
        "video_start",
        "video_start",
        "video:start",
        "setSiteId",
    ]
    assert Layers().plan_name("matomo", "trackEvent", {}) is None


def test_ceddl_snapshots_emit_changed_page_data_and_new_event_entries() -> None:
    plan = plan_of(
        "version: 1\ndata_layers: [digitalData]\nevents:\n"
        "  page:\n    match: [{source: ceddl, event: digitalData}]\n"
        "    additional_parameters: ignore\n"
        "  added: {match: [{source: ceddl, event: Cart Item Added}],"
        " additional_parameters: ignore}\n"
    )
    n = Normalizer(layers_for(plan))
    entry = {"eventInfo": {"eventName": "Cart Item Added"}}
    snap1 = {"page": {"pageInfo": {"pageName": "a"}}, "event": []}
    snap2 = {"page": {"pageInfo": {"pageName": "a"}}, "event": [entry]}
    snap3 = {"page": {"pageInfo": {"pageName": "b"}}, "event": [entry, {"bad": 1}]}
    got = [
        [(e.name, e.kind) for e in n.events(s, data_layer="digitalData")]
        for s in (snap1, snap2, snap2, snap3)
    ]
    assert got == [
        [("page", EventKind.EVENT)],
        [("added", EventKind.EVENT)],
        [],
        [("page", EventKind.EVENT), (None, EventKind.INVALID)],
    ]
    unmatched = Normalizer().events(snap1, data_layer="digitalData")
    assert [(e.name, e.kind) for e in unmatched] == [(None, EventKind.DATA)]


def test_matomo_tag_manager_events_are_gtm_like_and_mtm_events_never_unplanned() -> None:
    plan = plan_of("version: 1\ndata_layers: [_mtm]\nevents: {}\n")
    n = Normalizer(layers_for(plan))
    events = [
        n({"event": "mtm.Start", "mtm.startTime": 1}, data_layer="_mtm"),
        n({"event": "signup"}, data_layer="_mtm", index=1),
    ]
    assert {e.source for e in events} == {"matomo-tm"}
    found = validate_events(plan, events)
    assert [(f.code, f.event) for f in found] == [("unplanned-event", "signup")]


def test_matomo_arguments_are_findings_planned_or_not() -> None:
    plan = plan_of(
        "version: 1\ndata_layers: [_paq]\nsettings: {unplanned_events: ignore}\nevents: {}\n"
    )
    n = Normalizer(layers_for(plan))
    events = [
        n(["trackEvent", "Video", "Play", "x", "5"], data_layer="_paq", index=0),
        n(["addEcommerceItem", "A", "n", "c", "1"], data_layer="_paq", index=1),
        n(["setSiteId", "1"], data_layer="_paq", index=2),
    ]
    found = validate_events(plan, events)
    assert [(f.code, f.event_index, f.pointer) for f in found] == [
        ("matomo-argument", 0, "/value"),
        ("matomo-argument", 1, "/price"),
    ]
    assert "trackEvent `value` must be a number" in found[0].message


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        (
            "data_layers: [dataLayer]\nevents:\n"
            "  v: {match: [{source: matomo, command: trackEvent}]}\n",
            "no data layer of that kind is captured",
            "add `_paq`",
        ),
        (
            "data_layers: [_paq]\nevents:\n  v: {match: [{source: matomo, command: trackEvnt}]}\n",
            "`trackEvnt` is not a tracking call",
            "trackEvent",
        ),
        (
            "data_layers: [_paq]\nevents:\n  v: {match: [{source: matomo, event: x}]}\n",
            "identified by `command`",
            "command: trackEvent",
        ),
        (
            "data_layers: [adobeDataLayer]\nevents:\n  v: {match: [{source: acdl, command: x}]}\n",
            "`command` identifies Matomo",
            "event: NAME",
        ),
        (
            "data_layers: [_paq, {name: _paq, kind: matomo}]\nevents: {}\n",
            "listed twice",
            "once",
        ),
        (
            "data_layers: [{name: x, kind: adobe}]\nevents: {}\n",
            "",
            "",
        ),
        (
            "data_layers: [_paq]\nevents:\n"
            "  v: {match: [{source: matomo, command: trackEvent, category: [a]}]}\n",
            "",
            "",
        ),
    ],
)
def test_lint_of_layers_and_match_rules(text: str, message: str, hint: str) -> None:
    plan, errors = lint_text("version: 1\n" + text, "plan.yaml")
    assert plan is None and len(errors) == 1
    error = errors[0]
    assert message in error.message and hint in (error.hint or "")
    assert error.location is not None and error.location.line > 1


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["", "a"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc"), inner),
    max_leaves=8,
)
PUSHES = st.lists(st.dictionaries(st.sampled_from("abc"), JSON, max_size=3), max_size=6)


def _no_nulls(value: Any) -> bool:
    if isinstance(value, dict):
        return all(v is not None and _no_nulls(v) for v in value.values())
    if isinstance(value, list):
        return all(v is not None and _no_nulls(v) for v in value)
    return True


@given(PUSHES)
def test_acdl_state_never_holds_null_and_arrays_replace(pushes: list[Any]) -> None:
    state: dict[str, Any] = {}
    for push in pushes:
        state = acdl.merge(state, push)
        assert _no_nulls(state)
        for key, value in push.items():
            if value is None:
                assert key not in state
            elif isinstance(value, list):  # arrays replace (nulls dropped)
                assert state[key] == acdl.merge({}, {key: value})[key]


def test_an_envelope_without_its_push_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text('{"$layer": "_paq"}\n', "utf-8")
    with pytest.raises(UsageError) as info:
        list(read_events(path))
    assert 'e.jsonl:1:1: invalid record: "$layer" must name a data layer' in info.value.one_line()
