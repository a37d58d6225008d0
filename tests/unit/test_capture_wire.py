"""wire.parse_message: the hook's message -> typed values, or WireError naming the place."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tracker_check.capture.wire import (
    Check,
    Message,
    Missed,
    Record,
    RecordKind,
    WireError,
    parse_message,
)


def message(**kw: Any) -> dict[str, Any]:
    return {"v": 1, "doc": "abc", "frame": False, "records": [], **kw}


RECORD = {"dl": "_paq", "kind": "push", "href": "http://127.0.0.1/", "t": 17.5, "item": ["a"]}


def test_a_batch() -> None:
    snap = {**RECORD, "dl": "digitalData", "kind": "snapshot", "href": "", "item": {"a": 1}}
    got = parse_message(json.dumps(message(frame=True, records=[RECORD, snap])))
    assert got == Message(
        1,
        "abc",
        True,
        (
            Record("_paq", RecordKind.PUSH, "http://127.0.0.1/", 17.5, ["a"]),
            Record("digitalData", RecordKind.SNAPSHOT, None, 17.5, {"a": 1}),
        ),
    )


def test_a_check_answer() -> None:
    check = {"dl": "dataLayer", "href": "h", "t": 1, "missed": [{"index": 0, "item": None}]}
    got = parse_message(json.dumps(message(checks=[check])))
    assert got.checks == (Check("dataLayer", "h", 1.0, (Missed(0, None),)),)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (message(v=2), "v: version 2, this tracker-check reads 1"),
        (message(v=True), "v: version True"),
        (message(v="1"), "v: version '1'"),
        ({"doc": "a", "frame": False, "records": []}, "v: missing"),
        (message(doc=3), "doc: expected a string, got int"),
        (message(frame="no"), "frame: expected true or false, got a string"),
        (message(records={}), "records: expected an array, got an object"),
        (message(records=[1]), "records[0]: expected an object, got int"),
        (message(records=[{**RECORD, "kind": "pop"}]), "records[0].kind: unknown kind 'pop'"),
        (
            message(records=[{k: v for k, v in RECORD.items() if k != "item"}]),
            "records[0].item: missing",
        ),
        (message(records=[{**RECORD, "dl": None}]), "records[0].dl: expected a string, got null"),
        (
            message(records=[{**RECORD, "t": True}]),
            "records[0].t: expected a number, got a boolean",
        ),
        (
            message(records=[RECORD, {k: v for k, v in RECORD.items() if k != "href"}]),
            "records[1].href: expected a string, got nothing",
        ),
        (
            message(checks=[{"dl": "d", "href": "", "t": 0, "missed": [{"index": -1, "item": 1}]}]),
            "checks[0].missed[0].index: expected an array index, got -1",
        ),
        (message(checks=[{"dl": "d", "href": "", "t": 0}]), "checks[0].missed: expected an array"),
    ],
)
def test_malformed_messages_name_the_place(data: object, reason: str) -> None:
    with pytest.raises(WireError) as info:
        parse_message(json.dumps(data))
    assert str(info.value).startswith(reason)


@pytest.mark.parametrize("payload", ["", "{", "[1,", b'{"v": 1}', None, {"v": 1}])
def test_not_json_text(payload: object) -> None:
    with pytest.raises(WireError):
        parse_message(payload)
