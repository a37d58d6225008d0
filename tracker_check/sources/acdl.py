"""Adobe Client Data Layer (`adobeDataLayer`) pushes -> Events (source `acdl`). Pure.

Item types as the library (`src/item.js`, `src/itemConstraints.js`) decides them:
- event: an object whose `event` is a non-empty string -> EVENT named by it; parameters are
  the push without `event` (its `eventInfo` and any data keys);
- listener: `{on: type, handler: fn}` / `{off: type}` -> COMMAND `addEventListener` /
  `removeEventListener` (args: the type);
- a function -> FUNCTION (the library calls it with the data layer; we never do);
- any other plain object -> DATA (merged into the computed state);
- anything else (arrays, scalars) -> INVALID (the library logs it and ignores it).

`merge` is the library's computed-state update (`src/utils/customMerge.js`): the push's
data (every key but `event` and `eventInfo`) is deep-merged into the state; objects merge
key by key, arrays and scalars replace (an object merged onto a falsy value such as 0 or ""
deletes the key, as the library does); a `null` or `undefined` value deletes its key, and
`null`/`undefined` anywhere in the merged state is dropped (also from arrays).
"""

from __future__ import annotations

import copy
from typing import Any

from tracker_check.models import Event, EventKind

SOURCE = "acdl"
_EVENT_KEYS = ("event", "eventInfo")


def _is_function(value: Any) -> bool:
    return isinstance(value, dict) and value.get("__type") == "function"


def _is_plain(value: Any) -> bool:
    return isinstance(value, dict) and "__type" not in value


def _truthy_string(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def normalize(raw: Any, meta: dict[str, Any]) -> Event:
    if _is_function(raw):
        return Event(None, EventKind.FUNCTION, {}, source=SOURCE, **meta)
    if not _is_plain(raw):
        return Event(None, EventKind.INVALID, {}, source=SOURCE, **meta)
    name = raw.get("event")
    if _truthy_string(name):
        params = {k: v for k, v in raw.items() if k != "event"}
        return Event(name, EventKind.EVENT, params, source=SOURCE, **meta)
    handler = raw.get("handler")
    on = _truthy_string(raw.get("on")) and _is_function(handler)
    off = _truthy_string(raw.get("off")) and (handler is None or _is_function(handler))
    if on or off:
        key, command = ("on", "addEventListener") if on else ("off", "removeEventListener")
        params = {k: v for k, v in raw.items() if k in ("scope", "path")}
        return Event(command, EventKind.COMMAND, params, source=SOURCE, args=(raw[key],), **meta)
    return Event(None, EventKind.DATA, data_of(raw), source=SOURCE, **meta)


def data_of(push: dict[str, Any]) -> dict[str, Any]:
    """What a push merges into the state: every key but `event` and `eventInfo`."""
    return {k: v for k, v in push.items() if k not in _EVENT_KEYS}


def _deletes(value: Any) -> bool:
    return value is None or (isinstance(value, dict) and value.get("__type") == "undefined")


def merge(state: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The new computed state after merging `data` (state is updated in place and returned)."""
    _merge_into(state, data)
    merged: dict[str, Any] = _omit(state)
    return merged


def _merge_into(target: dict[str, Any], source: dict[str, Any]) -> None:
    """`mergeWith(state, data, customizer)` of src/utils/mergeWith.js, quirks included."""
    for key, value in source.items():
        if _deletes(value):
            target[key] = None
        elif isinstance(value, dict) and key in target:  # an object (not an array) onto a key
            old = target[key]
            if _js_falsy(old):
                target[key] = None  # mergeWith(falsy, ...) returns undefined: the key goes
            elif _is_plain(old) and _is_plain(value):
                _merge_into(old, value)
            # else: merging into a truthy scalar or array, or merging a Date/function (no
            # own keys), leaves the old value
        else:
            target[key] = copy.deepcopy(value)


def _js_falsy(value: Any) -> bool:
    if isinstance(value, dict):
        return value.get("__type") == "undefined" or (
            value.get("__type") == "number" and value.get("value") == "NaN"
        )
    return (
        value is None
        or value is False
        or value == ""
        or (isinstance(value, int | float) and value == 0)
    )


def _omit(value: Any) -> Any:
    if isinstance(value, list):
        return [_omit(v) for v in value if not _deletes(v)]
    if _is_plain(value):
        return {k: _omit(v) for k, v in value.items() if not _deletes(v)}
    return value
