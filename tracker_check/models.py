"""The value types every layer shares: places, findings and normalized events.

Pure: no I/O, no third-party imports.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from typing import Any


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a user's file (1-based line and column)."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"

    @property
    def record(self) -> str:
        """An events-file record's place: `FILE:LINE`, with `:COL` when the record does not
        start its line (several records on one line of a JSON array)."""
        return f"{self.file}:{self.line}" + (f":{self.col}" if self.col > 1 else "")

    def __reduce__(self) -> tuple[type[Location], tuple[str, int, int]]:
        return (Location, (self.file, self.line, self.col))  # pickles ~10x faster


def step_name(step: int) -> str:
    """How every report names a flow step: its number as the user counts the `steps:` in the
    YAML (1..n), or `start` for the flow's `start:` (number 0)."""
    return "start" if step == 0 else f"step {step}"


def step_phrase(step: int, label: str | None) -> str:
    """`step 2 (click text=Buy)`, or `the start (/shop.html)`, for sentences."""
    name = "the start" if step == 0 else f"step {step}"
    return f"{name} ({label})" if label else name


def _place(origin: Location | None) -> dict[str, Any] | None:
    """A record's place in an events file, as the JSON report writes it."""
    if origin is None:
        return None
    return {"file": origin.file, "line": origin.line, "col": origin.col}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found: in a plan, in a captured event, or in a flow run.

    Every layer produces these and every reporter only reads them.
    `step` is the flow step's number as the user counts it: 1..n for the `steps:` in the YAML,
    0 for the flow's `start:` (`step_name` says it: "step 2", "start"); `step_label` its human
    name (the action, or the start URL).
    `event_index` is the event's `index` (capture order within its flow / input file).
    `pointer` is a JSON pointer into the event's parameters (RFC 6901), "" for the whole event.
    `location` is a place in the plan; `origin` the events file and 1-based line of the record
    the finding is about (offline `validate`).
    """

    code: str
    severity: Severity
    message: str
    flow: str | None = None
    step: int | None = None
    step_label: str | None = None
    event: str | None = None
    event_index: int | None = None
    pointer: str | None = None
    expected: Any = None
    actual: Any = None
    hint: str | None = None
    location: Location | None = None
    url: str | None = None
    screenshot: str | None = None
    origin: Location | None = None

    def __reduce__(self) -> tuple[type[Finding], tuple[Any, ...]]:
        """Pickled as its fields: parallel offline validation sends 100k findings between
        processes, and the dataclass default for frozen slots goes field by field in Python."""
        return (Finding, tuple(getattr(self, name) for name in _FINDING_FIELDS))

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "flow": self.flow,
            "step": self.step,
            "step_label": self.step_label,
            "event": self.event,
            "event_index": self.event_index,
            "pointer": self.pointer,
            "expected": self.expected,
            "actual": self.actual,
            "hint": self.hint,
            "location": str(self.location) if self.location else None,
            "url": self.url,
            "screenshot": self.screenshot,
            "source": _place(self.origin),
        }


_FINDING_FIELDS = tuple(f.name for f in fields(Finding))


class EventKind(enum.StrEnum):
    """What a single data-layer record is, after normalization."""

    EVENT = "event"  # GTM {event: x} push or gtag('event', x, {...})
    DATA = "data"  # object push with no `event` key: merged into the model only
    COMMAND = "command"  # gtag config/set/consent/js, GTM command arrays ['a.push', 1]
    FUNCTION = "function"  # a function pushed to the data layer (recorded, not executed)
    GTAG_ARRAY = "gtag-array"  # ['event', 'x', {...}] pushed as a plain array: gtag.js ignores it
    INVALID = "invalid"  # anything else (plain arrays that are not commands, scalars)


@dataclass(frozen=True, slots=True)
class Event:
    """One normalized capture, whatever data layer it came from.

    `name` is the event name for EVENT records, the command name for COMMAND records
    (e.g. "consent", "config", "set", "js", "abc.push"), else None.
    `document` identifies the JS realm (page load / frame) that pushed it: the GTM data
    model is per document. `time` is milliseconds since capture started.
    `raw` is the record exactly as serialized by the hook (or as read from a file).
    `origin` is where an offline record was read: the events file, its 1-based line and column.
    """

    name: str | None
    kind: EventKind
    parameters: dict[str, Any]
    source: str = "gtm"  # adapter: gtm | gtag | matomo | matomo-tm | acdl | ceddl
    data_layer: str = "dataLayer"
    index: int = 0
    url: str | None = None
    document: str = "0"
    frame_url: str | None = None
    time: float = 0.0
    flow: str | None = None
    step: int | None = None
    raw: Any = None
    args: tuple[Any, ...] = field(default=())  # command arguments after the command name
    origin: Location | None = None

    @property
    def is_gtm_internal(self) -> bool:
        """A tag manager's own event: `gtm.*`, or `mtm.*` on a Matomo Tag Manager layer."""
        if self.name is None:
            return False
        return self.name.startswith("gtm.") or (
            self.source == "matomo-tm" and self.name.startswith("mtm.")
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind.value,
            "parameters": self.parameters,
            "source": self.source,
            "data_layer": self.data_layer,
            "index": self.index,
            "url": self.url,
            "document": self.document,
            "frame_url": self.frame_url,
            "time": self.time,
            "flow": self.flow,
            "step": self.step,
            "args": list(self.args),
            "raw": self.raw,
            "origin": _place(self.origin),
        }
