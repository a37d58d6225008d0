"""Read EVENTS files for `tracker-check validate`, streaming (edge: file I/O).

Accepted, detected from the content:

- JSON Lines: one raw data-layer push per line (blank lines skipped). A line that is a JSON
  array is exported gtag `arguments` (`["event", "purchase", {...}]`).
- A JSON array of raw pushes (the whole file), read incrementally: memory stays flat.
  Inner arrays are exported gtag `arguments` too. A file that is a single line holding one
  array whose first element is a string is one JSON Lines record, not a list of records.
- Normalized records as `tracker-check record` writes them: objects with `"$record": 1`
  plus `Event.to_json()` fields. They are normalized again from their `raw` (there a plain
  array is what the page really pushed, i.e. a gtag-array-command), keeping `url`, `flow`,
  `step`, `document`, `data_layer`, `frame_url` and `time`.

Every record becomes an Event through `sources.normalize` (the adapter of its data layer), as
in a browser capture, so offline and live runs validate the same thing. `Event.index` is the
record's 0-based position in the file. Bad JSON raises UsageError with file:line:col and a
hint, never a traceback.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from tracker_check import sources
from tracker_check.errors import UsageError
from tracker_check.models import Event, Location

RECORD_KEY = "$record"
RECORD_VERSION = 1
_CHUNK = 1 << 16
_WS = " \t\r\n"


def read_events(path: str | Path) -> Iterator[Event]:
    """Every record of an EVENTS file as a normalized Event, in file order."""
    name = str(path)
    try:
        handle = open(path, encoding="utf-8-sig")  # noqa: SIM115 - closed by the generator
    except OSError as exc:
        raise UsageError(
            f"cannot read events file {name}: {exc.strerror}",
            hint="pass a JSON Lines file or a JSON array of data-layer pushes",
        ) from None
    with handle:
        try:
            raws = _raws(handle, name)
            for index, (raw, line) in enumerate(raws):
                yield _event(raw, index, name, line)
        except UnicodeDecodeError as exc:
            raise UsageError(f"{name} is not UTF-8 text ({exc.reason})") from None


def _raws(handle: IO[str], name: str) -> Iterator[tuple[Any, int]]:
    """(raw value, line number) pairs from either file shape."""
    first = handle.readline()
    lineno = 1
    while first and not first.strip():
        first = handle.readline()
        lineno += 1
    if not first:
        return
    if first.lstrip().startswith("[") and not _single_record(first):
        yield from _array(handle, first, lineno, name)
    else:
        yield from _lines(handle, first, lineno, name)


def _single_record(line: str) -> bool:
    """A first line holding a complete JSON array that is itself one record."""
    try:
        value = json.loads(line)
    except ValueError:
        return False  # a multi-line JSON array starts here
    return bool(value) and isinstance(value, list) and isinstance(value[0], str)


def _lines(handle: IO[str], first: str, lineno: int, name: str) -> Iterator[tuple[Any, int]]:
    line = first
    while line:
        if line.strip():
            try:
                # without its newline, an unfinished value is reported where the line ends
                yield json.loads(line.rstrip("\r\n")), lineno
            except json.JSONDecodeError as exc:
                raise _bad_json(name, lineno, exc.colno, exc.msg, lines=True) from None
            except (ValueError, RecursionError) as exc:  # a 5000-digit number, deep nesting
                raise _bad_json(name, lineno, 1, _too_big(exc), lines=True) from None
        line = handle.readline()
        lineno += 1


def _array(handle: IO[str], first: str, lineno: int, name: str) -> Iterator[tuple[Any, int]]:
    """Items of one top-level JSON array, decoded incrementally from a bounded buffer."""
    decoder = json.JSONDecoder()
    start = first.index("[") + 1
    buf = first[start:]
    line, col0 = lineno, start  # position of buf[0]: line number, 0-based column
    after_comma, count, eof = False, 0, False

    def where(pos: int) -> tuple[int, int]:
        head = buf[:pos]
        nl = head.count("\n")
        return (line + nl, pos - head.rfind("\n")) if nl else (line, col0 + pos + 1)

    def fail(pos: int, msg: str) -> UsageError:
        return _bad_json(name, *where(pos), msg, lines=False)

    while True:
        pos = 0
        while pos < len(buf) and buf[pos] in _WS:
            pos += 1
        if pos == len(buf):
            if eof:
                raise fail(pos, "the JSON array is not closed")
            more = handle.read(_CHUNK)
            eof, buf = not more, buf + more
            continue
        ch = buf[pos]
        if ch == "]" and not after_comma:
            rest = buf[pos + 1 :]
            while not rest.strip() and (more := handle.read(_CHUNK)):
                rest += more
            if rest.strip():
                buf = buf[: pos + 1] + rest
                raise fail(pos + 1 + len(rest) - len(rest.lstrip()), "extra data after the array")
            return
        if count and not after_comma:
            if ch != ",":
                raise fail(pos, "expected ',' or ']' after an array item")
            after_comma, end = True, pos + 1
        else:
            try:
                value, end = decoder.raw_decode(buf, pos)
                complete = end < len(buf) or eof or isinstance(value, dict | list | str)
            except json.JSONDecodeError as exc:
                if eof:
                    raise fail(exc.pos, exc.msg) from None
                complete = False
            except (ValueError, RecursionError) as exc:  # a 5000-digit number, deep nesting
                raise fail(pos, _too_big(exc)) from None
            if not complete:  # the item (or a number) may go on in the next chunk
                more = handle.read(_CHUNK)
                eof, buf = not more, buf + more
                continue
            yield value, where(pos)[0]
            after_comma, count = False, count + 1
        head = buf[:end]  # drop what was consumed, keeping the position of buf[0]
        nl = head.count("\n")
        line, col0 = (line + nl, end - head.rfind("\n") - 1) if nl else (line, col0 + end)
        buf = buf[end:]


def _bad_json(name: str, line: int, col: int, msg: str, *, lines: bool) -> UsageError:
    hint = (
        "each line must be one JSON value (a data-layer push); use a JSON array for "
        "multi-line files"
        if lines
        else "the file must be one JSON array of data-layer pushes, or JSON Lines"
    )
    return UsageError(f"invalid JSON: {msg}", hint=hint, location=Location(name, line, col))


def _too_big(exc: ValueError | RecursionError) -> str:
    if isinstance(exc, RecursionError):
        return "the value is nested too deeply"
    return "a number is too large (over 4300 digits)"


def _event(raw: Any, index: int, name: str, line: int) -> Event:
    if not (isinstance(raw, dict) and RECORD_KEY in raw):
        # an exported array is gtag `arguments`; in a recording's `raw` those carry a marker
        return sources.normalize(raw, index=index, arrays_are_arguments=True)
    if raw[RECORD_KEY] != RECORD_VERSION or "raw" not in raw:
        raise UsageError(
            f'unsupported record ("$record": {raw[RECORD_KEY]!r})',
            hint='records written by `tracker-check record` carry "$record": 1 and "raw"',
            location=Location(name, line, 1),
        )
    time, document = raw.get("time") or 0.0, raw.get("document", "0")
    if isinstance(time, bool) or not isinstance(time, int | float) or not isinstance(document, str):
        raise UsageError(
            "invalid record: `time` must be a number and `document` a string",
            hint="records are written by `tracker-check record`; do not edit these fields",
            location=Location(name, line, 1),
        )
    event = sources.normalize(
        raw["raw"],
        data_layer=str(raw.get("data_layer") or "dataLayer"),
        index=index,
        url=raw.get("url"),
        document=document,
        frame_url=raw.get("frame_url"),
        time=float(time),
    )
    step = raw.get("step")
    return dataclasses.replace(
        event, flow=raw.get("flow"), step=step if isinstance(step, int) else None
    )
