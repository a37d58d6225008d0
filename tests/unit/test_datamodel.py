"""The GTM data model against data-layer-helper's semantics (cases in fixtures/datamodel/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tracker_check import sources
from tracker_check.datamodel import DataModel, expand_key_value, merge
from tracker_check.models import Event, EventKind

CASES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "datamodel"


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            params.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return params


def _run(pushes: list[Any]) -> DataModel:
    model = DataModel()
    for i, raw in enumerate(pushes):
        model.apply(sources.normalize(raw, index=i))
    return model


def test_there_are_enough_cases() -> None:
    assert len(_cases()) >= 60


@pytest.mark.parametrize("case", _cases())
def test_case(case: dict[str, Any]) -> None:
    pushes = json.loads(json.dumps(case["pushes"]))
    model = _run(pushes)
    assert model.state == case["expected"]
    assert len(model.skipped) == case.get("skipped", 0), model.skipped
    assert len(model.functions) == case.get("functions", 0)
    assert pushes == case["pushes"], "pushed records must never be modified"


def test_state_is_a_copy() -> None:
    model = _run([{"a": {"b": [1]}}])
    state = model.state
    state["a"]["b"].append(2)
    assert model.state == {"a": {"b": [1]}}


def test_merge_is_exposed_and_leaves_source_alone() -> None:
    target: dict[str, Any] = {"a": [5, 6, 7], "k": {"x": 1}}
    source = {"a": [9], "k": {"y": [1]}}
    merge(target, source)
    assert target == {"a": [9, 6, 7], "k": {"x": 1, "y": [1]}}
    source["k"]["y"].append(2)
    assert target["k"]["y"] == [1]


def test_merge_top_level_arrays() -> None:
    target: list[Any] = [2, 3, 4]
    merge(target, [1, 2])
    assert target == [1, 2, 4]


def test_expand_key_value() -> None:
    assert expand_key_value("a.b.c", 1) == {"a": {"b": {"c": 1}}}
    assert expand_key_value("", 1) == {"": 1}


def test_get_dotted_path() -> None:
    model = _run([{"a": {"b": [{"c": 3}]}}])
    assert model.get("a.b.0.c") == 3
    assert model.get("a.x") is None


def test_apply_uses_event_kind_not_only_raw() -> None:
    # an EVENT built by hand (e.g. from a file) merges its raw object
    model = DataModel()
    model.apply(Event("x", EventKind.EVENT, {"p": 1}, raw={"event": "x", "p": 1}))
    model.apply(Event(None, EventKind.INVALID, {}, raw={"q": 1}))
    assert model.state == {"event": "x", "p": 1}


def test_gtag_set_through_event_args() -> None:
    model = DataModel()
    model.apply(Event("set", EventKind.COMMAND, {}, source="gtag", args=("user.id", "u1")))
    assert model.state == {"user": {"id": "u1"}}
