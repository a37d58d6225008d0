"""Offline validation of an EVENTS file: the library call behind `tracker-check validate`.

Data flow as everywhere: eventsio reads records, `sources.normalize` makes Events, the
`Validator` judges them, a `RunReport` carries the findings to the reporters. What is
particular here is scale — exports of millions of events — so:

- Events are not kept: the report holds the findings (each naming its record's file and
  line), the number of records and how often each event fired (for coverage). With
  `keep_events=True` (`--include-events`) every event is kept and embedded in reports.
- Standalone records (`--records standalone`, or `auto` on an export) take a hot path: a
  planned event that needs only its schema is checked with one `is_valid` call on the
  parsed record; only an invalid one becomes an Event and goes through `Validator.check`
  for its findings. Same findings as the slow path (a test holds them equal).
- With `jobs > 1`, a large standalone JSON Lines file is cut at line ends into chunks that
  forked workers validate; `unique` values are judged afterwards in file order, so the
  findings are identical to one process, in the same order.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from tracker_check import sources
from tracker_check.errors import UsageError
from tracker_check.eventsio import (
    BOM,
    DOCUMENT_KEY,
    LAYER_KEY,
    RECORD_KEY,
    EventsFile,
    Raw,
    Records,
    check_push,
    has_long_number,
    parse_line,
)
from tracker_check.models import Event, EventKind, Finding, Location
from tracker_check.plan.model import Plan
from tracker_check.report.model import RunReport
from tracker_check.validate.events import UniqueValue, Validator

CHUNK_BYTES = 4 << 20  # a worker's share of a file at a time
MIN_PARALLEL_BYTES = 16 << 20  # below this, forking costs more than it saves


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def validate_file(
    plan: Plan,
    path: str | Path,
    *,
    records: Records = "auto",
    jobs: int = 1,
    keep_events: bool = False,
    note: Callable[[str], None] | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> RunReport:
    """Validate one EVENTS file against a loaded plan. `note` hears how records were read
    (the `auto` decision), for a line on stderr."""
    started = time.perf_counter()
    layers = sources.layers_for(plan)
    with EventsFile(path, records, layers=layers, default_layer=plan.data_layers[0]) as events:
        if events.empty:
            raise _no_events(events.name)
        if note is not None and records == "auto" and events.mode == "standalone":
            note(f"each record of {events.name} is judged on its own: {events.why}")
        parallel = (
            jobs > 1
            and not keep_events
            and events.mode == "standalone"
            and events.shape == "lines"
            and events.plain_gtm
            and Path(path).stat().st_size >= max(MIN_PARALLEL_BYTES, 2 * chunk_bytes)
            and "fork" in multiprocessing.get_all_start_methods()
        )
        if parallel:
            result = _parallel(plan, events, jobs, chunk_bytes)
        else:
            result = _Chunk(
                plan,
                events.mode == "standalone",
                keep_events,
                events.events,
                events.name,
                fast=events.plain_gtm,
            )
            with _no_gc():
                result.run(events.head())
                tail = events.tail_lines()
                if tail is None:
                    result.run(events.raws())
                else:
                    result.run_lines(tail[1], tail[0])
    if result.records == 0:
        raise _no_events(events.name)
    return RunReport(
        plan,
        findings=tuple(result.findings),
        events=tuple(result.events),
        duration_ms=(time.perf_counter() - started) * 1000,
        event_count=result.records,
        captured=result.captured,
        extras={"records": {"mode": events.mode, "why": events.why}},
    )


def _no_events(name: str) -> UsageError:
    return UsageError(
        f"no events in {name}",
        hint="pass a JSON Lines file (one push per line) or a JSON array of pushes",
    )


@dataclass
class _Chunk:
    """Validates a run of records; what it found, counted and kept."""

    plan: Plan
    standalone: bool
    keep_events: bool
    to_events: Callable[[Any, int, int, int], list[Event]]
    name: str = ""  # the events file, for findings' origins
    fast: bool = True  # raw records are plain GTM pushes: the hot paths may read them
    validator: Validator = field(init=False)
    findings: list[Finding] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    captured: dict[str, int] = field(default_factory=dict)
    records: int = 0  # records seen so far: the next record's index
    _hot: dict[str, Any] = field(default_factory=dict)  # event name -> fast_check(), or None

    def __post_init__(self) -> None:
        self.validator = Validator(self.plan, standalone=self.standalone)

    def run(self, raws: Iterable[Raw]) -> None:
        """Records already parsed (a JSON array, the records `auto` looked at, `record`
        output), as (raw, line, col)."""
        for raw, line, col in raws:
            if not self._fast(raw, line, col):
                self._slow(raw, line, col)

    def run_lines(self, lines: Iterable[bytes], line: int) -> None:
        """JSON Lines from line number `line` on, parsed here: the hot loop of an export.

        `_fast` is inlined for the commonest record, a planned event whose schema passes."""
        loads, decode_error = orjson.loads, orjson.JSONDecodeError
        hot, captured, name = self._hot, self.captured, self.name
        fast = self.standalone and not self.keep_events and self.fast
        raw: Any
        for text in lines:
            try:
                raw = loads(text)
            except decode_error:
                if not text.strip():  # a blank line
                    line += 1
                    continue
                raw = parse_line(text, line, name)
            if type(raw) is not dict:
                check_push(raw, name, line, 1)
            elif fast:  # the common record: planned, needs only its schema, passes it
                event: Any = raw.get("event")
                entry = hot.get(event, _UNSEEN) if type(event) is str else None
                if entry is _UNSEEN:
                    entry = hot[event] = self.validator.fast_check(event)
                if entry is not None and not entry[1] and _PLAIN.isdisjoint(raw):
                    params = raw.copy()
                    del params["event"]
                    if entry[0](params):
                        captured[event] = captured.get(event, 0) + 1
                        self.records += 1
                        line += 1
                        continue
            if has_long_number(text):  # off the hot path: keep integers beyond 64 bits exact
                raw = parse_line(text, line, name)
            if not self._fast(raw, line, 1):
                self._slow(raw, line, 1)
            line += 1

    def _fast(self, raw: Any, line: int, col: int) -> bool:
        """Done with a standalone record that needs only its (passing) schema check, and
        perhaps its `unique` values noted."""
        if type(raw) is not dict or self.keep_events or not self.standalone or not self.fast:
            return False
        name = raw.get("event")
        if type(name) is not str or not _PLAIN.isdisjoint(raw):
            return False
        entry = self._hot.get(name, _UNSEEN)
        if entry is _UNSEEN:
            entry = self._hot[name] = self.validator.fast_check(name)
        if entry is None:
            return False
        params = raw.copy()
        del params["event"]
        if not entry[0](params):
            return False
        if entry[1]:  # `unique` values to note: the event as `check` would see it
            event = Event(
                name,
                EventKind.EVENT,
                params,
                index=self.records,
                origin=Location(self.name, line, col),
            )
            self.findings.extend(self.validator.note_unique(event))
        self.captured[name] = self.captured.get(name, 0) + 1
        self.records += 1
        return True

    def _slow(self, raw: Any, line: int, col: int) -> None:
        for event in self.to_events(raw, self.records, line, col):
            if event.kind is EventKind.EVENT and event.name is not None:
                self.captured[event.name] = self.captured.get(event.name, 0) + 1
            self.findings.extend(self.validator.check(event))
            if self.keep_events:
                self.events.append(event)
        self.records += 1


# keys that take a record off the hot path: `record` output, a document id, a marker
_PLAIN = frozenset({RECORD_KEY, DOCUMENT_KEY, LAYER_KEY, "__type"})
_UNSEEN: Any = object()


# --- parallel -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Part:
    """What a worker sends back for one chunk (numbered as in the whole file)."""

    records: int
    findings: list[Finding]
    captured: dict[str, int]
    unique: list[tuple[Event, list[UniqueValue]]]
    error: UsageError | None = None


_WORKER: dict[str, Any] = {}  # set in the parent before forking: the workers inherit it


def _parallel(plan: Plan, events: EventsFile, jobs: int, chunk_bytes: int) -> _Chunk:
    """Two rounds over the chunks: count each chunk's lines and records (cheap), then
    validate each knowing where it starts, so workers number findings as the file does.
    The parent only judges `unique` values in file order and collects."""
    ranges = list(_ranges(events.path, chunk_bytes))
    total = _Chunk(plan, True, False, events.events, events.name)
    _WORKER.update(plan=plan, path=str(events.path), name=events.name, to_events=events.events)
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(jobs) as pool, _no_gc():
            counts = pool.map(_count, ranges)
            tasks, line0, index0 = [], 1, 0
            for (start, end), (lines, records) in zip(ranges, counts, strict=True):
                tasks.append((start, end, line0, index0))
                line0, index0 = line0 + lines, index0 + records
            for part in pool.imap(_work, tasks):
                if part.error is not None:
                    raise part.error
                total.findings.extend(_merge(part, total.validator))
                for key, n in part.captured.items():
                    total.captured[key] = total.captured.get(key, 0) + n
                total.records += part.records
    finally:
        _WORKER.clear()
    return total


def _ranges(path: Path, chunk_bytes: int) -> Iterator[tuple[int, int]]:
    """(start, end) byte ranges of about `chunk_bytes`, each ending after a newline."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        start = 0
        while start < size:
            handle.seek(min(start + chunk_bytes, size))
            handle.readline()
            end = min(handle.tell(), size)
            yield start, end
            start = end


def _chunk_lines(start: int, end: int) -> list[bytes]:
    with open(_WORKER["path"], "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    if start == 0 and data.startswith(BOM):
        data = data[len(BOM) :]
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def _count(span: tuple[int, int]) -> tuple[int, int]:
    """In a worker: (lines, records) of one byte range; blank lines are no records."""
    start, end = span
    with open(_WORKER["path"], "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    if start == 0 and data.startswith(BOM):
        data = data[len(BOM) :]
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    if not any(mark in data for mark in _MAYBE_BLANK) and not data[:1].isspace():
        return lines, lines  # the common case, found at memchr speed
    return lines, sum(1 for line in _chunk_lines(start, end) if line.strip())


# a blank (or whitespace-only) line starts after a newline with one of these
_MAYBE_BLANK = (b"\n\n", b"\n\r", b"\n ", b"\n\t", b"\n\x0b", b"\n\x0c")


def _work(task: tuple[int, int, int, int]) -> _Part:
    """In a worker: validate the records of one byte range, numbered as in the file."""
    start, end, line0, index0 = task
    chunk = _Chunk(_WORKER["plan"], True, False, _WORKER["to_events"], _WORKER["name"])
    chunk.records = index0
    deferred: list[tuple[Event, list[UniqueValue]]] = []
    chunk.validator.deferred_unique = deferred
    try:
        with _no_gc():
            chunk.run_lines(_chunk_lines(start, end), line0)
    except UsageError as exc:
        return _Part(chunk.records - index0, [], {}, [], error=exc)
    return _Part(chunk.records - index0, chunk.findings, chunk.captured, deferred)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """No cyclic garbage collection while validating: parsed JSON holds no cycles, and with
    100k findings alive each full collection would walk them all again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _merge(part: _Part, validator: Validator) -> list[Finding]:
    """A chunk's findings with its `unique` values judged, in file order: an event's
    duplicate-event findings come after its other findings (as `Validator.check` does)."""
    if not part.unique:
        return part.findings
    out: list[Finding] = []
    unique = iter(part.unique)
    pending = next(unique, None)
    for f in part.findings:
        index = f.event_index
        while pending is not None and index is not None and pending[0].index < index:
            out.extend(validator.judge_unique(*pending))
            pending = next(unique, None)
        out.append(f)
    while pending is not None:
        out.extend(validator.judge_unique(*pending))
        pending = next(unique, None)
    return out
