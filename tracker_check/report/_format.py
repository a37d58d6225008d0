"""Pieces the reporters share: finding order and grouping, summary line, value formatting.

Pure. Reporters never decide verdicts; this only arranges what the RunReport says.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import orjson

from tracker_check.models import Finding, Severity, step_name
from tracker_check.report.model import FlowResult, RunReport

RUN_SECTION = "(run)"  # findings of a flow run that belong to no flow (e.g. duplicate-event)
NO_EVENT = "(no event)"  # findings naming no event (step-failed, page-error, ...)


@dataclass(frozen=True, slots=True)
class EventGroup:
    event: str | None
    findings: tuple[Finding, ...]  # best match first


@dataclass(frozen=True, slots=True)
class Section:
    """A flow (or the run-level remainder) with its findings grouped by event."""

    name: str
    flow: FlowResult | None
    groups: tuple[EventGroup, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for g in self.groups for f in g.findings)


def finding_key(f: Finding) -> tuple[int, float]:
    """Best match first: errors before warnings, then capture order (unindexed last)."""
    index = math.inf if f.event_index is None else float(f.event_index)
    return (0 if f.severity is Severity.ERROR else 1, index)


def group_by_event(findings: Iterable[Finding]) -> tuple[EventGroup, ...]:
    groups: dict[str | None, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.event, []).append(f)
    # sorted() is stable: equal keys keep the order the validator produced them in.
    ordered = [sorted(fs, key=finding_key) for fs in groups.values()]
    ordered.sort(key=lambda fs: finding_key(fs[0]))
    return tuple(EventGroup(fs[0].event, tuple(fs)) for fs in ordered)


def sections(report: RunReport) -> tuple[Section, ...]:
    """One section per flow (plan order), then run-level findings; offline: one section."""
    if not report.flows:
        return (Section(RUN_SECTION, None, group_by_event(report.findings)),)
    names = {fl.name for fl in report.flows}
    out = [
        Section(fl.name, fl, group_by_event(f for f in report.findings if f.flow == fl.name))
        for fl in report.flows
    ]
    rest = [f for f in report.findings if f.flow not in names]
    if rest:
        out.append(Section(RUN_SECTION, None, group_by_event(rest)))
    return tuple(out)


# C0/C1 control characters but newline and tab: a pushed "\x1b[2J" must not reach a terminal.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with control characters shown as backslash-x escapes; newline and tab kept."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_output(text: str) -> str:
    """Lone UTF-16 surrogates (JSON from a page may hold them; UTF-8 cannot) -> U+FFFD."""
    try:
        text.encode("utf-8")  # fails exactly when there is one; much quicker than the regex
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text)
    return text


# a CI log line starting with `::` (or the legacy `##[`) is a workflow command to GitHub's
# runner; text printed from page data must never become one
_WORKFLOW_COMMAND = re.compile(r"^([ \t]*)(::|##\[)", re.MULTILINE)


def no_workflow_commands(text: str) -> str:
    """`text` with every line that would start a CI workflow command defused (U+200B after
    its first character), so a hostile push cannot add masks, set outputs or fake annotations."""
    return _WORKFLOW_COMMAND.sub(lambda m: f"{m[1]}{m[2][0]}\u200b{m[2][1:]}", text)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def duration(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def summary_line(report: RunReport) -> str:
    """`FAILED: 3 errors, 1 warning in 2 of 9 flows (1.2 s)`."""
    s = report.summary()
    took = duration(report.duration_ms)
    if report.status == "error":
        return f"ERROR: {report.error} ({took})"
    counts = f"{plural(s['errors'], 'error')}, {plural(s['warnings'], 'warning')}"
    if report.flows:
        scope = (
            f"{s['flows_failed']} of {plural(s['flows'], 'flow')}"
            if s["flows_failed"]
            else plural(s["flows"], "flow")
        )
    else:
        scope = plural(s["events"], "event")
    return f"{report.status.upper()}: {counts} in {scope} ({took})"


def where(f: Finding) -> str:
    """`flow › step N label` (N 1-based), plus the event (its events-file line offline, else
    its number) and plan location when known."""
    parts = []
    if f.flow:
        place = f.flow
        if f.step is not None:
            place += f" › {step_name(f.step)}"
            if f.step_label:
                place += f" {f.step_label}"
        parts.append(place)
    if f.origin is not None:  # offline: the record's place in the events file
        parts.append(f.origin.record)
    elif f.event_index is not None:
        parts.append(f"event #{f.event_index}")
    if f.location:
        parts.append(str(f.location))
    return " · ".join(parts)


def short(value: Any, limit: int = 200) -> str:
    """A value as compact JSON for one line of a report, cut at `limit` characters."""
    text = json.dumps(jsonable(value), ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def dump_json(value: Any, indent: int | None = None) -> str:
    """Strict JSON text (UTF-8) of `value`, whatever a captured page pushed into it.

    Non-finite numbers become `null`, as JavaScript's JSON.stringify writes them. Fast path:
    orjson (indent 2 or none), with `default=` for odd leaves; the json module only for what
    orjson refuses (integers beyond 64 bits, lone surrogates, non-string keys), then with the
    whole value copied through `jsonable`.
    """
    if indent in (None, 2):
        option = orjson.OPT_INDENT_2 if indent else 0
        try:
            return orjson.dumps(value, default=_leaf, option=option).decode("utf-8")
        except (TypeError, orjson.JSONEncodeError):
            pass
    options: dict[str, Any] = {"indent": indent, "ensure_ascii": False, "allow_nan": False}
    if indent is None:
        options["separators"] = (",", ":")
    return json.dumps(jsonable(value), **options)


def _leaf(value: Any) -> Any:
    plain = jsonable(value)
    if plain is value:  # jsonable could not improve it: avoid json's circular-reference error
        return repr(value)
    return plain


def jsonable(value: Any) -> Any:
    """`value` made safe for strict JSON: non-finite floats (null), sets, bytes, paths, enums,
    dataclasses and non-string keys become plain JSON values (a captured page can push anything)."""
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None  # as JSON.stringify writes them
    if isinstance(value, dict):
        return {_key(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(v) for v in value), key=repr)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return value.as_posix()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    return repr(value)


def _key(key: Any) -> str:
    plain = jsonable(key)
    return plain if isinstance(plain, str) else json.dumps(plain)
