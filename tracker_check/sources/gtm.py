"""GTM / gtag records -> Events (spec "Event model"). Pure.

Raw records are JSON values as the in-page hook serializes them. Non-JSON values arrive as
tagged markers `{"__type": ...}`; a gtag `arguments` object is
`{"__type": "arguments", "items": [...]}`. In files given to `tracker-check validate`, a
plain JSON array is taken as exported gtag arguments (`arrays_are_arguments=True`); in a
live capture a plain array is what the page really pushed.
"""

from __future__ import annotations

from typing import Any

from tracker_check.models import Event, EventKind, Location

GTAG_COMMANDS = frozenset({"event", "config", "set", "consent", "js", "get"})


def is_marker(value: Any, kind: str) -> bool:
    return isinstance(value, dict) and value.get("__type") == kind


def is_object(value: Any) -> bool:
    """A plain JSON object, not a marker such as `{"__type": "date", ...}`."""
    return isinstance(value, dict) and "__type" not in value


def normalize(
    raw: Any,
    *,
    data_layer: str = "dataLayer",
    index: int = 0,
    url: str | None = None,
    document: str = "0",
    frame_url: str | None = None,
    time: float = 0.0,
    arrays_are_arguments: bool = False,
    origin: Location | None = None,
) -> Event:
    meta: dict[str, Any] = {
        "origin": origin,
        "data_layer": data_layer,
        "index": index,
        "url": url,
        "document": document,
        "frame_url": frame_url,
        "time": time,
        "raw": raw,
    }
    if is_marker(raw, "arguments"):
        return _gtag(list(raw.get("items") or []), meta)
    if is_marker(raw, "function"):
        return Event(None, EventKind.FUNCTION, {}, source="gtm", **meta)
    if isinstance(raw, list):
        if arrays_are_arguments:
            return _gtag(raw, meta)
        return _plain_array(raw, meta)
    if isinstance(raw, dict) and "__type" not in raw:
        name = raw.get("event")
        params = {k: v for k, v in raw.items() if k != "event"}
        if isinstance(name, str) and name:
            return Event(name, EventKind.EVENT, params, source="gtm", **meta)
        return Event(None, EventKind.DATA, params, source="gtm", **meta)
    return Event(None, EventKind.INVALID, {}, source="gtm", **meta)


def _gtag(items: list[Any], meta: dict[str, Any]) -> Event:
    if not items or not isinstance(items[0], str):
        return Event(None, EventKind.INVALID, {}, source="gtag", **meta)
    command, args = items[0], tuple(items[1:])
    last = args[-1] if args and is_object(args[-1]) else {}
    if command == "event":
        name = args[0] if args and isinstance(args[0], str) else None
        params = dict(args[1]) if len(args) > 1 and is_object(args[1]) else {}
        if name:
            return Event(name, EventKind.EVENT, params, source="gtag", args=args, **meta)
        return Event(None, EventKind.INVALID, {}, source="gtag", args=args, **meta)
    return Event(command, EventKind.COMMAND, dict(last), source="gtag", args=args, **meta)


def _plain_array(items: list[Any], meta: dict[str, Any]) -> Event:
    head = items[0] if items else None
    if isinstance(head, str) and head in GTAG_COMMANDS:
        # what `(...a) => dataLayer.push(a)` produces; gtag.js never processes it
        name = (
            items[1] if head == "event" and len(items) > 1 and isinstance(items[1], str) else None
        )
        params = items[2] if head == "event" and len(items) > 2 and is_object(items[2]) else {}
        return Event(
            name, EventKind.GTAG_ARRAY, dict(params), source="gtm", args=tuple(items), **meta
        )
    if isinstance(head, str):
        # data-layer-helper command array, e.g. ['abc.push', 4]
        return Event(head, EventKind.COMMAND, {}, source="gtm", args=tuple(items[1:]), **meta)
    return Event(None, EventKind.INVALID, {}, source="gtm", **meta)
