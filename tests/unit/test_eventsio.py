"""Reading EVENTS files (tracker_check.eventsio)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tracker_check import eventsio
from tracker_check.errors import UsageError
from tracker_check.eventsio import read_events
from tracker_check.models import EventKind


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def summary(path: Path) -> list[tuple[Any, ...]]:
    return [(e.name, e.kind, e.index, e.source) for e in read_events(path)]


def test_json_lines_with_objects_arrays_and_blank_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "e.jsonl",
        '{"event": "a", "x": 1}\n\n["event", "b", {"y": 2}]\n{"page": "home"}\n["config", "G-1"]\n',
    )
    assert summary(path) == [
        ("a", EventKind.EVENT, 0, "gtm"),
        ("b", EventKind.EVENT, 1, "gtag"),
        (None, EventKind.DATA, 2, "gtm"),
        ("config", EventKind.COMMAND, 3, "gtag"),
    ]


def test_a_single_line_gtag_array_is_one_record(tmp_path: Path) -> None:
    path = write(tmp_path, "one.jsonl", '["event", "purchase", {"value": 1}]\n')
    assert summary(path) == [("purchase", EventKind.EVENT, 0, "gtag")]


def test_json_array_file(tmp_path: Path) -> None:
    data = [{"event": "a"}, ["event", "b", {"v": 1.5}], {"event": "c", "s": "]},[{"}]
    path = write(tmp_path, "e.json", json.dumps(data, indent=2))
    assert [(e.name, e.index) for e in read_events(path)] == [("a", 0), ("b", 1), ("c", 2)]
    assert list(read_events(write(tmp_path, "empty.json", " [ ] \n"))) == []
    assert summary(write(tmp_path, "one_line.json", json.dumps(data))) == summary(path)


def test_json_array_items_crossing_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(eventsio, "_CHUNK", 7)
    data = [{"event": f"e{i}", "n": 12345.678 + i, "s": "x" * i} for i in range(30)]
    path = write(tmp_path, "e.json", "[\n" + ",\n".join(json.dumps(d) for d in data) + "\n]")
    events = list(read_events(path))
    assert [e.parameters for e in events] == [
        {k: v for k, v in d.items() if k != "event"} for d in data
    ]
    text = "[" + ", ".join(f'{{"n": {10**i}}}' for i in range(12)) + "]"
    numbers = write(tmp_path, "n.json", text)  # numbers cut by a chunk end are read whole
    assert [e.raw for e in read_events(numbers)] == [{"n": 10**i} for i in range(12)]


def test_record_lines_are_renormalized_from_raw(tmp_path: Path) -> None:
    record = {
        "$record": 1,
        "name": "stale-name",
        "kind": "event",
        "parameters": {"old": True},
        "raw": ["event", "purchase", {"value": 1}],
        "url": "http://127.0.0.1:8765/p",
        "flow": "checkout",
        "step": 3,
        "document": "7",
        "data_layer": "customLayer",
        "index": 99,
        "time": 12.5,
    }
    path = write(tmp_path, "r.jsonl", json.dumps(record) + "\n")
    [event] = list(read_events(path))
    # a plain array in a recording is what the page pushed: gtag.js ignores it
    assert event.kind is EventKind.GTAG_ARRAY
    assert (event.name, event.parameters) == ("purchase", {"value": 1})
    assert (event.url, event.flow, event.step, event.document, event.data_layer) == (
        "http://127.0.0.1:8765/p",
        "checkout",
        3,
        "7",
        "customLayer",
    )
    assert (event.index, event.time) == (0, 12.5)


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("bad.jsonl", '{"event": "a"}\n{"event": }\n', "bad.jsonl:2:11"),
        ("cut.jsonl", '{"event": "a"}\n{"event":"x"\n{"event": "b"}\n', "cut.jsonl:2:13"),
        ("bad.json", '[\n  {"event": "a"},\n  {"event": x}\n]', "bad.json:3:13"),
        ("open.json", '[{"event": "a"},', "open.json:1:17"),
        ("comma.json", '[{"event": "a"} {"event": "b"}]', "comma.json:1:17"),
        ("trailing.json", "[{},]", "trailing.json:1:5"),
        ("extra.json", "[{}]\n x", "extra.json:2:2"),
    ],
)
def test_bad_json_is_a_usage_error_with_a_place(
    tmp_path: Path, name: str, text: str, where: str
) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(UsageError) as info:
        list(read_events(path))
    line = info.value.one_line()
    assert line.startswith(
        f"{tmp_path / where.split(':')[0]}:{where.split(':', 1)[1]}: invalid JSON"
    )
    assert "(hint: " in line


def test_missing_file_and_bad_record(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read events file"):
        list(read_events(tmp_path / "nope.jsonl"))
    path = write(tmp_path, "r.jsonl", '{"$record": 2, "raw": {}}\n')
    with pytest.raises(UsageError, match="unsupported record") as info:
        list(read_events(path))
    assert str(info.value.location).endswith("r.jsonl:1:1")


def test_reading_is_lazy(tmp_path: Path) -> None:
    """A generator that reads ahead only the records `auto` looks at: the first events
    arrive before a bad line further down is read."""
    good = '{"event": "a"}\n' * (eventsio.SNIFF + 1)
    path = write(tmp_path, "lazy.jsonl", good + "{bad\n")
    events = read_events(path)
    assert next(events).name == "a"
    for _ in range(eventsio.SNIFF):
        next(events)
    with pytest.raises(UsageError) as info:
        next(events)
    assert ":1002:2: invalid JSON" in info.value.one_line()


def test_records_go_through_the_adapter_of_their_data_layer(tmp_path: Path) -> None:
    """Offline reading normalizes each record with its data layer's adapter: a bare array is
    exported gtag arguments on `dataLayer`, a recorded `_paq` array a Matomo command, an
    envelope names its layer."""
    record = {"$record": 1, "raw": ["trackEvent", "x"], "data_layer": "_paq", "document": "1"}
    envelope = {"$layer": "_paq", "$push": ["trackGoal", 3]}
    path = write(
        tmp_path,
        "e.jsonl",
        '["event", "b", {"y": 2}]\n' + json.dumps(record) + "\n" + json.dumps(envelope) + "\n",
    )
    events = list(read_events(path))
    assert [(e.name, e.kind, e.data_layer, e.source) for e in events] == [
        ("b", EventKind.EVENT, "dataLayer", "gtag"),  # exported gtag arguments
        ("trackEvent", EventKind.EVENT, "_paq", "matomo"),  # no action: keeps the command
        ("trackGoal", EventKind.EVENT, "_paq", "matomo"),
    ]
    assert events[2].parameters == {"idGoal": 3}
