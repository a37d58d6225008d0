"""The message hook.js sends to the Recorder, parsed and validated once.

The hook writes every message itself as JSON text (never through the page's JSON):

    {"v": 1, "doc": "<realm id>", "frame": false,
     "records": [{"dl": "dataLayer", "kind": "push", "href": "...", "t": 1700000000000,
                  "item": <the pushed value>}, ...],
     "checks":  [{"dl": "dataLayer", "href": "...", "t": ..., "missed": [{"index": 3,
                  "item": <value>}]}]}

`records` come in binding calls (one per microtask) and in the bypass check's answer;
`checks` only in the latter. `kind` is "push" for an item pushed to (or found in) a layer
array or given to a layer's `push`, "snapshot" for the whole object of a layer that is a
plain object (W3C CEDDL `digitalData`), sent when its serialization changed.
`item` is JSON with the hook's `{"__type": ...}` markers for values that are not JSON.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import TypeAlias

WIRE_VERSION = 1

JSONValue: TypeAlias = "bool | int | float | str | list[JSONValue] | dict[str, JSONValue] | None"


class RecordKind(enum.StrEnum):
    PUSH = "push"
    SNAPSHOT = "snapshot"


@dataclass(frozen=True, slots=True)
class Record:
    data_layer: str
    kind: RecordKind
    href: str | None  # location.href of the realm that pushed; None if unknown
    time: float  # the page's clock, ms since the epoch
    item: JSONValue


@dataclass(frozen=True, slots=True)
class Missed:
    index: int  # position in the array
    item: JSONValue


@dataclass(frozen=True, slots=True)
class Check:
    """Items of one layer array that no push delivered."""

    data_layer: str
    href: str | None
    time: float
    missed: tuple[Missed, ...]


@dataclass(frozen=True, slots=True)
class Message:
    version: int
    document: str  # random per JS realm (page load, frame)
    frame: bool  # sent from a frame, not a top-level page
    records: tuple[Record, ...]
    checks: tuple[Check, ...] = ()


_MISSING: JSONValue = {}  # a value no message holds: `obj.get(key, _MISSING)` tells absent apart


class WireError(ValueError):
    """A message the hook could not have sent: the reason, with the place in the message."""


def parse_message(payload: object) -> Message:
    """JSON text from the hook -> Message, or WireError saying what is wrong and where."""
    if not isinstance(payload, str):
        raise WireError(f"expected JSON text, got {type(payload).__name__}")
    try:
        data = json.loads(payload)
    except ValueError as exc:
        raise WireError(f"not JSON ({exc})") from None
    obj = _object(data, "message")
    version = obj.get("v", _MISSING)
    if version is _MISSING:
        raise WireError("v: missing (not a message of tracker-check's hook)")
    if version != WIRE_VERSION or isinstance(version, bool):
        raise WireError(f"v: version {version!r}, this tracker-check reads {WIRE_VERSION}")
    records = tuple(_record(r, f"records[{i}]") for i, r in enumerate(_list(obj, "records", "")))
    raw_checks = _list(obj, "checks", "") if "checks" in obj else []
    return Message(
        version=WIRE_VERSION,
        document=_str(obj, "doc", ""),
        frame=_bool(obj, "frame", ""),
        records=records,
        checks=tuple(_check(c, f"checks[{i}]") for i, c in enumerate(raw_checks)),
    )


def _record(value: object, where: str) -> Record:
    obj = _object(value, where)
    kind = _str(obj, "kind", where)
    try:
        record_kind = RecordKind(kind)
    except ValueError:
        raise WireError(f"{where}.kind: unknown kind {kind!r}") from None
    if "item" not in obj:
        raise WireError(f"{where}.item: missing")
    return Record(
        data_layer=_str(obj, "dl", where),
        kind=record_kind,
        href=_str(obj, "href", where) or None,
        time=_number(obj, "t", where),
        item=obj["item"],
    )


def _check(value: object, where: str) -> Check:
    obj = _object(value, where)
    missed = []
    for i, m in enumerate(_list(obj, "missed", where)):
        at = f"{where}.missed[{i}]"
        entry = _object(m, at)
        index = entry.get("index", _MISSING)
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise WireError(f"{at}.index: expected an array index, got {index!r}")
        if "item" not in entry:
            raise WireError(f"{at}.item: missing")
        missed.append(Missed(index, entry["item"]))
    return Check(
        data_layer=_str(obj, "dl", where),
        href=_str(obj, "href", where) or None,
        time=_number(obj, "t", where),
        missed=tuple(missed),
    )


def _place(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _object(value: object, where: str) -> dict[str, JSONValue]:
    if not isinstance(value, dict):
        raise WireError(f"{where}: expected an object, got {_kind(value)}")
    return value


def _list(obj: dict[str, JSONValue], key: str, where: str) -> list[JSONValue]:
    value = obj.get(key, _MISSING)
    if not isinstance(value, list):
        raise WireError(f"{_place(where, key)}: expected an array, got {_kind(value)}")
    return value


def _str(obj: dict[str, JSONValue], key: str, where: str) -> str:
    value = obj.get(key, _MISSING)
    if not isinstance(value, str):
        raise WireError(f"{_place(where, key)}: expected a string, got {_kind(value)}")
    return value


def _bool(obj: dict[str, JSONValue], key: str, where: str) -> bool:
    value = obj.get(key, _MISSING)
    if not isinstance(value, bool):
        raise WireError(f"{_place(where, key)}: expected true or false, got {_kind(value)}")
    return value


def _number(obj: dict[str, JSONValue], key: str, where: str) -> float:
    value = obj.get(key, _MISSING)
    if not isinstance(value, int | float) or isinstance(value, bool) or value != value:
        raise WireError(f"{_place(where, key)}: expected a number, got {_kind(value)}")
    return float(value)


def _kind(value: object) -> str:
    if value is _MISSING:
        return "nothing"
    if value is None:
        return "null"
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )
