"""Read EVENTS files for `tracker-check validate`, streaming (edge: file I/O).

Accepted, detected from the content (UTF-8, a BOM and CRLF line ends are fine):

- JSON Lines: one raw data-layer push per line (blank lines skipped). A line that is a JSON
  array is exported gtag `arguments` (`["event", "purchase", {...}]`).
- A JSON array of raw pushes (the whole file), read incrementally: memory stays flat.
  Inner arrays are exported gtag `arguments` too. A file that is a single line holding one
  array whose first element is a string is one JSON Lines record, not a list of records.
- Normalized records as `tracker-check record` writes them: objects with `"$record": 1`
  plus `Event.to_json()` fields. They are normalized again from their `raw` (there a plain
  array is what the page really pushed, i.e. a gtag-array-command), keeping `url`, `flow`,
  `step`, `document`, `data_layer`, `frame_url` and `time`.

A raw record must be a data-layer push: an object, or a gtag arguments array whose first
item is the command name. Anything else (a number, a string, null) is a usage error at its
`FILE:LINE:COL`, as are invalid JSON, invalid UTF-8 and NUL bytes: never a traceback.

How records relate (`Records`): `page` — the file is one page's data layer (a dump), so
the GTM data model carries from push to push; `standalone` — each record stands alone (an
export of events from many sessions); `recorded` — `record` output, one data model per
recorded document. `auto` decides from the file (`EventsFile.mode`, `.why`).

Which data layer a record belongs to: `record` output says it (`data_layer`); a raw record
may say it with an envelope, `{"$layer": "_paq", "$push": ["trackEvent", "Video", "Play"]}`
(`$document` may go beside them); any other raw record belongs to the plan's first data
layer (`default_layer`). So a file of bare `_paq` arrays validates against a plan whose
`data_layers` starts with `_paq`.

Every record becomes Events through one `sources.Normalizer` (the adapter of its data
layer's kind, the plan's `match:` rules, what a tool keeps between pushes on a page), as in a
browser capture, so offline and live runs validate the same thing. `Event.index` is the
record's 0-based position in the file, `Event.origin` its file and 1-based line and column.
"""

from __future__ import annotations

import codecs
import dataclasses
import itertools
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Literal

import orjson

from tracker_check import sources
from tracker_check.errors import UsageError
from tracker_check.models import Event, EventKind, Location

RECORD_KEY = "$record"
DOCUMENT_KEY = "$document"  # optional per-record page id in exported JSON Lines
LAYER_KEY = "$layer"  # envelope: the data layer of `$push`
PUSH_KEY = "$push"
RECORD_VERSION = 1
_CHUNK = 1 << 16
_WS = " \t\r\n"
BOM = codecs.BOM_UTF8
SNIFF = 1000  # records `auto` looks at

Records = Literal["auto", "page", "standalone"]
Mode = Literal["page", "standalone", "recorded"]
Raw = tuple[Any, int, int]  # (value, 1-based line, 1-based column)

NOT_A_PUSH = "a record must be a data-layer push: an object, or a gtag arguments array"

# orjson reads an integer beyond 64 bits as a float (1e+20): a line with a run of 19 digits
# is read again by the json module, which keeps it exact
_DIGITS = bytes(48 if 48 <= b <= 57 else 120 for b in range(256))
_LONG_RUN = b"0" * 19


def has_long_number(line: bytes) -> bool:
    """A run of 19 or more digits: maybe an integer orjson would turn into a float."""
    return _LONG_RUN in line.translate(_DIGITS)


class EventsFile:
    """One EVENTS file: its shape, how its records relate, and its records in order.

    Opening reads as far as `auto` needs to decide (at most SNIFF records); `raws()` then
    yields every record once, from the start.
    """

    def __init__(
        self,
        path: str | Path,
        records: Records = "auto",
        *,
        layers: sources.Layers | None = None,
        default_layer: str = "dataLayer",
    ) -> None:
        self.path = Path(path)
        self.name = str(path)
        self.layers = layers or sources.Layers()
        self.default_layer = default_layer
        self.normalizer = sources.Normalizer(self.layers)
        # raw records are GTM pushes with no renaming: offline's fast paths may read them
        self.plain_gtm = self.layers.kind(default_layer) == "gtm" and not self.layers.rules
        try:
            self._handle: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by close()
        except OSError as exc:
            raise UsageError(
                f"cannot read events file {self.name}: {exc.strerror}",
                hint="pass a JSON Lines file or a JSON array of data-layer pushes",
            ) from None
        self._at = [1]  # JSON Lines: the number of the next line not yet read
        self._consumed = 0  # records handed out by head()
        try:
            self.shape, first = self._shape()
            self._raws = self._read(first)
            self._head = list(itertools.islice(self._raws, SNIFF))
        except BaseException:
            self.close()
            raise
        self.mode, self.why = self._decide(records)

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> EventsFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def empty(self) -> bool:
        """No record at all (known on opening: `auto` reads the first records)."""
        return not self._head and self._consumed == 0

    def raws(self) -> Iterator[Raw]:
        """Every record as (raw value, line, column), in file order (once)."""
        yield from self.head()
        yield from self._raws

    def head(self) -> list[Raw]:
        """The records read while opening (once); `raws()` or `tail_lines()` go on after."""
        head, self._head = self._head, []
        self._consumed += len(head)
        return head

    def tail_lines(self) -> tuple[int, IO[bytes]] | None:
        """For JSON Lines, after `head()`: the next line's number and the file at that line,
        for a caller that parses lines itself (offline validation's hot loop). None for
        other shapes (use `raws()`)."""
        if self.shape != "lines" or self._head:
            return None
        return self._at[0], self._handle

    def event(self, raw: Any, index: int, line: int, col: int) -> Event:
        """One record as a normalized Event (a CEDDL snapshot's first; see `events`)."""
        found = self.events(raw, index, line, col)
        if found:
            return found[0]
        origin = Location(self.name, line, col)
        return Event(None, EventKind.DATA, {}, source="ceddl", index=index, raw=raw, origin=origin)

    def events(self, raw: Any, index: int, line: int, col: int) -> list[Event]:
        """Every Event of one record, in order (all with the record's index and place)."""
        origin = Location(self.name, line, col)
        # standalone records share no page: no cart or CEDDL entries carried between them
        fresh = self.mode == "standalone"
        normalize = (sources.Normalizer(self.layers) if fresh else self.normalizer).events
        if not isinstance(raw, dict):
            # an exported array is gtag `arguments`; in a recording's `raw` those carry a marker
            return normalize(
                raw,
                data_layer=self.default_layer,
                index=index,
                arrays_are_arguments=True,
                origin=origin,
            )
        if RECORD_KEY in raw:
            return _recorded(raw, index, origin, normalize)
        document = "0"
        if DOCUMENT_KEY in raw:  # the exporter says which page (document) the push was on
            document = str(raw[DOCUMENT_KEY])
            raw = {k: v for k, v in raw.items() if k != DOCUMENT_KEY}
        layer = self.default_layer
        if LAYER_KEY in raw:
            layer, raw = _envelope(raw, origin)
        return normalize(
            raw,
            data_layer=layer,
            index=index,
            document=document,
            arrays_are_arguments=True,
            origin=origin,
        )

    # --- shape and mode -----------------------------------------------------------------

    def _shape(self) -> tuple[Literal["lines", "array", "empty"], tuple[bytes, int]]:
        handle, lineno = self._handle, 1
        first = handle.readline()
        if first.startswith(BOM):
            first = first[len(BOM) :]
        while first and not first.strip():
            first = handle.readline()
            lineno += 1
        if not first:
            return "empty", (b"", lineno)
        if first.lstrip().startswith(b"[") and not _single_record(first):
            return "array", (first, lineno)
        return "lines", (first, lineno)

    def _read(self, first: tuple[bytes, int]) -> Iterator[Raw]:
        if self.shape == "array":
            text = _Text(self._handle, self.name, first[1])
            return _array(text, text.decode(first[0]), first[1], self.name)
        if self.shape == "lines":
            return _lines(self._handle, first[0], first[1], self.name, self._at)
        return iter(())

    def _decide(self, records: Records) -> tuple[Mode, str]:
        recorded = bool(self._head) and _is_recorded(self._head[0][0])
        if records != "auto":
            return records, f"--records {records}"
        if recorded:
            return "recorded", "`tracker-check record` output: one data model per document"
        if self.shape == "array":
            return "page", "a JSON array: one page's data layer"
        for raw, line, _ in self._head:
            if _only_on_a_page(raw):
                return "page", f"line {line} is a push only a page's data layer has"
        return "standalone", (
            f"none of the first {len(self._head):,} records is a data or command push "
            "(pass --records page if the file is one page's data layer)"
        )


def read_events(
    path: str | Path,
    records: Records = "auto",
    *,
    layers: sources.Layers | None = None,
    default_layer: str = "dataLayer",
) -> Iterator[Event]:
    """Every record of an EVENTS file as normalized Events, in file order."""
    with EventsFile(path, records, layers=layers, default_layer=default_layer) as events:
        for index, (raw, line, col) in enumerate(events.raws()):
            yield from events.events(raw, index, line, col)


def check_push(raw: Any, name: str, line: int, col: int) -> None:
    """A raw record (not inside `record` output) must be an object or gtag arguments."""
    if isinstance(raw, dict) or (isinstance(raw, list) and raw and isinstance(raw[0], str)):
        return
    got = "an empty array" if raw == [] else f"{_json_type(raw)} ({_short(raw)})"
    raise UsageError(
        f"{NOT_A_PUSH}, got {got}",
        hint='each record is one push: {"event": ..., ...} or ["event", name, {...}]',
        location=Location(name, line, col),
    )


def _is_recorded(raw: Any) -> bool:
    return isinstance(raw, dict) and RECORD_KEY in raw


def _only_on_a_page(raw: Any) -> bool:
    """A push an export of events would not hold: data, commands, GTM's own events."""
    if isinstance(raw, dict):
        name = raw.get("event")
        if DOCUMENT_KEY in raw or "gtm.start" in raw:
            return True
        return not (isinstance(name, str) and name) or name.startswith(("gtm.", "mtm."))
    return isinstance(raw, list) and bool(raw) and raw[0] != "event"


def _single_record(line: bytes) -> bool:
    """A first line holding a complete JSON array that is itself one record."""
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        try:  # what orjson refuses but the json module reads (1e400, a lone surrogate)
            value = json.loads(line, parse_constant=_no_constant)
        except ValueError:
            return False  # a multi-line JSON array starts here (or bad JSON, reported later)
    return bool(value) and isinstance(value, list) and isinstance(value[0], str)


# --- JSON Lines ---------------------------------------------------------------------------


def _lines(handle: IO[bytes], first: bytes, lineno: int, name: str, at: list[int]) -> Iterator[Raw]:
    """Records of JSON Lines; `at[0]` is kept at the number of the next unread line."""
    loads = orjson.loads
    for line in itertools.chain((first,), handle):
        at[0] = lineno + 1
        if line.strip():
            try:
                value = parse_line(line, lineno, name) if has_long_number(line) else loads(line)
            except orjson.JSONDecodeError:
                value = parse_line(line, lineno, name)
            if type(value) is not dict:
                check_push(value, name, lineno, 1)
            yield value, lineno, 1
        lineno += 1


def parse_line(line: bytes, lineno: int, name: str) -> Any:
    """One JSON Lines record read by Python's json module: a line orjson refused (a lone
    surrogate, or a real error, whose place it names) or one with an integer beyond 64 bits,
    which the json module keeps exact."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        col = len(line[: exc.start].decode("utf-8", "replace")) + 1
        raise _not_utf8(name, lineno, col, line[exc.start : exc.start + 1]) from None
    try:
        # without its newline, an unfinished value is reported where the line ends
        value = json.loads(text.rstrip("\r\n"), parse_constant=_no_constant)
        return well_formed(value) if _SURROGATE_ESCAPE.search(text) else value
    except _NotJSON as exc:
        raise _bad_json(name, lineno, 1, str(exc), lines=True) from None
    except json.JSONDecodeError as exc:
        raise _bad_json(name, lineno, exc.colno, _why(exc.msg, text), lines=True) from None
    except (ValueError, RecursionError) as exc:  # a 5000-digit number, deep nesting
        raise _bad_json(name, lineno, 1, _too_big(exc), lines=True) from None


# --- one JSON array -----------------------------------------------------------------------


class _Text:
    """UTF-8 text of a binary file in chunks; invalid UTF-8 is an error at its line:col."""

    def __init__(self, handle: IO[bytes], name: str, lineno: int) -> None:
        self._handle, self._name = handle, name
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._line = lineno  # line of the next byte to decode
        self._col = 0  # characters decoded on that line so far

    def decode(self, data: bytes, final: bool = False) -> str:
        try:
            text = self._decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            head = data[: exc.start]
            nl = head.count(b"\n")
            line = self._line + nl
            tail = head[head.rfind(b"\n") + 1 :] if nl else head
            col = (0 if nl else self._col) + len(tail.decode("utf-8", "replace")) + 1
            raise _not_utf8(self._name, line, col, data[exc.start : exc.start + 1]) from None
        nl = text.count("\n")
        self._line += nl
        self._col = len(text) - text.rfind("\n") - 1 if nl else self._col + len(text)
        return text

    def read(self, size: int) -> str:
        data = self._handle.read(size)
        return self.decode(data, final=not data)


def _array(handle: _Text, first: str, lineno: int, name: str) -> Iterator[Raw]:
    """Items of one top-level JSON array, decoded incrementally from a bounded buffer.

    An item longer than the buffer doubles the next read, so a 40 MB record costs a few
    parses of its prefix, not one per 64 KiB."""
    decoder = json.JSONDecoder(parse_constant=_no_constant)
    start = first.index("[") + 1
    buf = first[start:]
    line, col0 = lineno, start  # position of buf[0]: line number, 0-based column
    after_comma, count, eof = False, 0, False
    want = _CHUNK

    def where(pos: int) -> tuple[int, int]:
        head = buf[:pos]
        nl = head.count("\n")
        return (line + nl, pos - head.rfind("\n")) if nl else (line, col0 + pos + 1)

    def fail(pos: int, msg: str) -> UsageError:
        return _bad_json(name, *where(pos), msg, lines=False)

    def more() -> None:
        nonlocal buf, eof, want
        chunk = handle.read(want)
        eof, buf = not chunk, buf + chunk
        want = min(want * 2, 1 << 26)

    while True:
        pos = 0
        while pos < len(buf) and buf[pos] in _WS:
            pos += 1
        if pos == len(buf):
            if eof:
                raise fail(pos, "the JSON array is not closed")
            more()
            continue
        ch = buf[pos]
        if ch == "]" and not after_comma:
            rest = buf[pos + 1 :]
            while not rest.strip() and (chunk := handle.read(_CHUNK)):
                rest += chunk
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
                    raise fail(exc.pos, _why(exc.msg, buf[exc.pos : exc.pos + 1])) from None
                complete = False
            except _NotJSON as exc:
                raise fail(pos, str(exc)) from None
            except (ValueError, RecursionError) as exc:  # a 5000-digit number, deep nesting
                raise fail(pos, _too_big(exc)) from None
            if not complete:  # the item (or a number) may go on in the next chunk
                more()
                continue
            item_line, item_col = where(pos)
            check_push(value, name, item_line, item_col)
            if _SURROGATE_ESCAPE.search(buf, pos, end):
                value = well_formed(value)
            yield value, item_line, item_col
            after_comma, count, want = False, count + 1, _CHUNK
        head = buf[:end]  # drop what was consumed, keeping the position of buf[0]
        nl = head.count("\n")
        line, col0 = (line + nl, end - head.rfind("\n") - 1) if nl else (line, col0 + end)
        buf = buf[end:]


# --- errors -------------------------------------------------------------------------------


def _bad_json(name: str, line: int, col: int, msg: str, *, lines: bool) -> UsageError:
    hint = (
        "each line must be one JSON value (a data-layer push); use a JSON array for "
        "multi-line files"
        if lines
        else "the file must be one JSON array of data-layer pushes, or JSON Lines"
    )
    return UsageError(f"invalid JSON: {msg}", hint=hint, location=Location(name, line, col))


def _not_utf8(name: str, line: int, col: int, byte: bytes) -> UsageError:
    return UsageError(
        f"not UTF-8 text (byte 0x{byte.hex() or '??'})",
        hint="export the events as UTF-8",
        location=Location(name, line, col),
    )


# `\ud800`..`\udfff` written as an escape: JSON allows a lone one, UTF-8 (and the Rust
# validator) cannot hold it
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def well_formed(value: Any) -> Any:
    """`value` with every lone UTF-16 surrogate in its strings (keys too) made U+FFFD, as a
    browser's TextEncoder does; a proper pair stays the character it encodes."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [well_formed(v) for v in value]
    if isinstance(value, dict):
        return {well_formed(k): well_formed(v) for k, v in value.items()}
    return value


class _NotJSON(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _NotJSON(f"{name} is not a JSON value (JSON has no NaN or Infinity)")


def _why(msg: str, text: str) -> str:
    if "\x00" in text:
        return f"{msg} (the file holds NUL bytes: is it binary, or UTF-16?)"
    return msg


def _too_big(exc: ValueError | RecursionError) -> str:
    if isinstance(exc, RecursionError):
        return "the value is nested too deeply"
    return "a number is too large (over 4300 digits)"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array whose first item is not a command name"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


# --- `record` output ----------------------------------------------------------------------


def _envelope(raw: dict[str, Any], origin: Location) -> tuple[str, Any]:
    layer = raw[LAYER_KEY]
    if not isinstance(layer, str) or not layer or PUSH_KEY not in raw:
        raise UsageError(
            f'invalid record: "{LAYER_KEY}" must name a data layer and "{PUSH_KEY}" hold the push',
            hint='write {"$layer": "_paq", "$push": ["trackEvent", "Video", "Play"]}',
            location=origin,
        )
    return layer, raw[PUSH_KEY]


def _recorded(
    raw: dict[str, Any], index: int, origin: Location, normalize: Callable[..., list[Event]]
) -> list[Event]:
    if raw[RECORD_KEY] != RECORD_VERSION or "raw" not in raw:
        raise UsageError(
            f'unsupported record ("$record": {raw[RECORD_KEY]!r})',
            hint='records written by `tracker-check record` carry "$record": 1 and "raw"',
            location=origin,
        )
    time, document = raw.get("time") or 0.0, raw.get("document", "0")
    if isinstance(time, bool) or not isinstance(time, int | float) or not isinstance(document, str):
        raise UsageError(
            "invalid record: `time` must be a number and `document` a string",
            hint="records are written by `tracker-check record`; do not edit these fields",
            location=origin,
        )
    events = normalize(
        raw["raw"],
        data_layer=str(raw.get("data_layer") or "dataLayer"),
        index=index,
        url=raw.get("url"),
        document=document,
        frame_url=raw.get("frame_url"),
        time=float(time),
        origin=origin,
    )
    step = raw.get("step")
    flow, step = raw.get("flow"), step if isinstance(step, int) else None
    return [dataclasses.replace(event, flow=flow, step=step) for event in events]
