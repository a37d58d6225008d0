"""The GTM data model: google/data-layer-helper's merge semantics over captured Events. Pure.

What each record does to the model (one model per document — the caller keeps one per
`Event.document`):

- DATA / EVENT object pushes: every top-level key is expanded on dots (`{"a.b": 1}` is
  `{a: {b: 1}}`) and merged recursively, the `event` key included.
- Merge: plain objects merge key by key and arrays merge index by index (arrays are NOT
  replaced: `[9]` onto `[1, 2]` gives `[9, 2]`); anything else — scalars, null, markers such
  as `{"__type": "function"}` — overwrites, so `{ecommerce: null}` clears a key.
- `_clear: true` (GTM, not data-layer-helper) inside a value makes that value replace the old
  one instead of merging into it; on a whole push it applies to each of its keys. The `_clear`
  key itself never lands in the model.
- gtag `set` commands (`arguments` objects): `('set', key, value)` merges the expanded key,
  `('set', {...})` merges the object; any other shape is a no-op, as in data-layer-helper.
  Other gtag commands and gtag events do not touch the model.
- Command arrays (`['items.push', 4]`) call the array method on the value at that path
  (push, pop, shift, unshift, splice, reverse, sort, fill); a method we cannot run in
  Python (a comparator function, methods of Dates or custom objects) is skipped and noted in
  `skipped`, the way data-layer-helper swallows errors.
- FUNCTION pushes are recorded in `functions`, never executed.

Serialized JS values: `{"__type": "undefined"}` is a real value (it overwrites), while
`{"__type": "hole"}` — an empty slot of a sparse array — is skipped by array merges, as
`for...in` skips holes in JavaScript.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

from tracker_check.models import Event, EventKind
from tracker_check.paths import is_index

HOLE: dict[str, str] = {"__type": "hole"}
UNDEFINED: dict[str, str] = {"__type": "undefined"}


def is_plain_object(value: Any) -> bool:
    """A JSON object that is not a serialization marker."""
    return isinstance(value, dict) and "__type" not in value


def _is_hole(value: Any) -> bool:
    return isinstance(value, dict) and value.get("__type") == "hole"


def expand_key_value(key: str, value: Any) -> dict[str, Any]:
    """`('a.b.c', 1)` -> `{a: {b: {c: 1}}}`; an empty segment is the key `''`."""
    parts = key.split(".")
    result: dict[str, Any] = {}
    target = result
    for part in parts[:-1]:
        target[part] = {}
        target = target[part]
    target[parts[-1]] = value
    return result


def _fresh(value: Any) -> Any:
    """A container of the same kind to merge `value` into (clears stay cleared)."""
    return [] if isinstance(value, list) else {}


def merge(target: dict[str, Any] | list[Any], source: dict[str, Any] | list[Any]) -> None:
    """Merge `source` into `target` in place (data-layer-helper's `merge`, plus `_clear`).

    `source` is never modified; values copied in are deep copies.
    """
    if isinstance(source, list):
        items: list[tuple[Any, Any]] = list(enumerate(source))
    else:
        items = [(k, v) for k, v in source.items() if k != "_clear"]
    for key, value in items:
        if _is_hole(value):
            continue
        if isinstance(value, list) or is_plain_object(value):
            current = _get(target, key)
            replace = is_plain_object(value) and value.get("_clear") is True
            if replace or not _same_kind(current, value):
                current = _fresh(value)
                _put(target, key, current)
            merge(current, value)
        else:  # a scalar (immutable) or a marker such as {"__type": "date", ...}
            _put(target, key, copy.deepcopy(value) if isinstance(value, dict) else value)


def _same_kind(current: Any, value: Any) -> bool:
    if isinstance(value, list):
        return isinstance(current, list)
    return is_plain_object(current)


def _get(target: dict[str, Any] | list[Any], key: Any) -> Any:
    if isinstance(target, list):
        return target[key] if key < len(target) else None
    return target.get(key)


def _put(target: dict[str, Any] | list[Any], key: Any, value: Any) -> None:
    if isinstance(target, list):
        while len(target) <= key:
            target.append(UNDEFINED.copy())  # a JS array grown past its end has holes
        target[key] = value
    else:
        target[key] = value


class DataModel:
    """One document's GTM data model, fed Events in capture order."""

    def __init__(self) -> None:
        self._model: dict[str, Any] = {}
        self.functions: list[Any] = []  # raw FUNCTION records, in order
        self.skipped: list[str] = []  # commands that could not be applied, and why

    @property
    def state(self) -> dict[str, Any]:
        """A deep copy of the model: callers may keep or change it freely."""
        return copy.deepcopy(self._model)

    def view(self) -> dict[str, Any]:
        """The live model, not a copy: read it, never change or keep it (the next push may)."""
        return self._model

    def get(self, path: str) -> Any:
        """The value at a dotted path, or None (data-layer-helper's `get`), as a deep copy."""
        return copy.deepcopy(self.peek(path))

    def peek(self, path: str) -> Any:
        """The live value at a dotted path, or None: read it, never change or keep it."""
        target: Any = self._model
        for part in path.split("."):
            if isinstance(target, dict) and part in target:
                target = target[part]
            elif isinstance(target, list) and is_index(part) and int(part) < len(target):
                target = target[int(part)]
            else:
                return None
        return target

    def apply(self, event: Event) -> None:
        kind, raw = event.kind, event.raw
        if kind in (EventKind.DATA, EventKind.EVENT) and is_plain_object(raw):
            self.push_object(raw)
        elif kind is EventKind.COMMAND and event.source == "gtag":
            if event.name == "set":
                self.set(*event.args)
        elif kind is EventKind.COMMAND and event.name is not None:
            self.command(event.name, *event.args)
        elif kind is EventKind.FUNCTION:
            self.functions.append(raw)
        # GTAG_ARRAY and INVALID records do not change the model (GTM ignores them too)

    def push_object(self, update: dict[str, Any]) -> None:
        clear = update.get("_clear") is True
        for key, value in update.items():
            if key == "_clear":
                continue
            if clear and is_plain_object(value):
                value = {**value, "_clear": True}
            merge(self._model, expand_key_value(key, value))

    def set(self, *args: Any) -> None:
        """gtag / data-layer-helper `set`: (key, value) or ({...}); other shapes are no-ops."""
        if len(args) == 1 and is_plain_object(args[0]):
            self.push_object(args[0])
        elif len(args) == 2 and isinstance(args[0], str):
            self.push_object(expand_key_value(args[0], args[1]))

    def command(self, path: str, *args: Any) -> None:
        """A command array: call the method named by the last path segment on the value."""
        parts = path.split(".")
        method = parts.pop()
        target: Any = self._model
        for part in parts:
            target = _get_js(target, part)
            if target is None:
                self.skipped.append(f"{path}: nothing at {'.'.join(parts)}")
                return
        if not isinstance(target, list) or method not in _ARRAY_METHODS:
            self.skipped.append(f"{path}: cannot run {method!r} on this value")
            return
        try:
            _ARRAY_METHODS[method](target, [copy.deepcopy(a) for a in args])
        except _Unsupported as exc:
            self.skipped.append(f"{path}: {exc}")


def _get_js(target: Any, part: str) -> Any:
    if isinstance(target, dict) and "__type" not in target:
        return target.get(part)
    if isinstance(target, list) and is_index(part) and int(part) < len(target):
        return target[int(part)]
    return None


class _Unsupported(Exception):
    pass


def _int_arg(args: list[Any], i: int, default: int) -> int:
    if i >= len(args) or args[i] is None:
        return default
    value = args[i]
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float) and not math.isnan(value):
        return int(value) if math.isfinite(value) else (1 << 53 if value > 0 else -(1 << 53))
    raise _Unsupported(f"non-numeric argument {value!r}")


def _rel(index: int, length: int) -> int:
    return max(length + index, 0) if index < 0 else min(index, length)


def _splice(arr: list[Any], args: list[Any]) -> None:
    if not args:
        return
    start = _rel(_int_arg(args, 0, 0), len(arr))
    count = len(arr) - start if len(args) < 2 else max(0, _int_arg(args, 1, 0))
    arr[start : start + count] = args[2:]


def _fill(arr: list[Any], args: list[Any]) -> None:
    value = args[0] if args else UNDEFINED.copy()
    start = _rel(_int_arg(args, 1, 0), len(arr))
    end = _rel(_int_arg(args, 2, len(arr)), len(arr))
    for i in range(start, end):
        arr[i] = copy.deepcopy(value)


def _js_string(value: Any) -> str:
    """Array.prototype.sort's default key: String(value)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | str):
        return str(value)
    raise _Unsupported("default sort of non-primitive values")


def _sort(arr: list[Any], args: list[Any]) -> None:
    if args and args[0] is not None and not (isinstance(args[0], dict) and args[0] == UNDEFINED):
        raise _Unsupported("sort with a comparator function")
    undefined = [v for v in arr if v == UNDEFINED]
    rest = sorted((v for v in arr if v != UNDEFINED), key=_js_string)
    arr[:] = rest + undefined  # JS sorts undefined to the end


def _push(arr: list[Any], args: list[Any]) -> None:
    arr.extend(args)


def _pop(arr: list[Any], args: list[Any]) -> None:
    if arr:
        arr.pop()


def _shift(arr: list[Any], args: list[Any]) -> None:
    if arr:
        arr.pop(0)


def _unshift(arr: list[Any], args: list[Any]) -> None:
    arr[:0] = args


def _reverse(arr: list[Any], args: list[Any]) -> None:
    arr.reverse()


_ARRAY_METHODS: dict[str, Callable[[list[Any], list[Any]], None]] = {
    "push": _push,
    "pop": _pop,
    "shift": _shift,
    "unshift": _unshift,
    "splice": _splice,
    "reverse": _reverse,
    "sort": _sort,
    "fill": _fill,
}
