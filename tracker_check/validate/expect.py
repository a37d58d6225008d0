"""Flow expectations judged from captured events (spec: step `expect`, flow `sequence`/`forbid`).

Pure: the runner decides *when* to judge (after waiting for events and for the page to settle)
and substitutes `${vars.X}`/`${env.X}` in `where` values before calling in here.

Only EVENT records count: gtag commands, data pushes and plain arrays gtag.js ignores are not
events a flow can expect.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from tracker_check.models import Event, EventKind, Finding, step_name, step_phrase
from tracker_check.paths import is_index
from tracker_check.plan.model import Expectation
from tracker_check.rules import rule

_MISSING = object()


def lookup(parameters: Any, path: str) -> Any:
    """The value at a dotted path; numeric segments index arrays. `_MISSING` when absent."""
    value = parameters
    for segment in path.split("."):
        if isinstance(value, dict):
            if segment not in value:
                return _MISSING
            value = value[segment]
        elif isinstance(value, list) and is_index(segment.removeprefix("-")):
            i = int(segment)
            if not -len(value) <= i < len(value):
                return _MISSING
            value = value[i]
        else:
            return _MISSING
    return value


def _equal(expected: Any, actual: Any) -> bool:
    # JSON equality: 1 == 1.0, but true is not 1
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    return bool(expected == actual)


def _pointer(path: str) -> str:
    return "/" + "/".join(s.replace("~", "~0").replace("/", "~1") for s in path.split("."))


def matches(event: Event, where: dict[str, Any]) -> bool:
    return all(_equal(v, lookup(event.parameters, p)) for p, v in where.items())


def _score(event: Event, where: dict[str, Any]) -> int:
    return sum(1 for p, v in where.items() if _equal(v, lookup(event.parameters, p)))


def named(events: Iterable[Event], name: str) -> list[Event]:
    return [e for e in events if e.kind is EventKind.EVENT and e.name == name]


def _lower_bound(exp: Expectation) -> int:
    if exp.count is not None:
        return exp.count
    if exp.min is not None:
        return exp.min
    return 0 if exp.max is not None else 1


def arrived(expectations: Sequence[Expectation], events: Sequence[Event]) -> bool:
    """True once every listed event has arrived as often as its lower bound (what a step waits
    for). `where` values are not waited for: they are judged on what has arrived by then."""
    return all(len(named(events, x.event)) >= _lower_bound(x) for x in expectations)


def judge_step(
    expectations: Sequence[Expectation],
    events: Sequence[Event],
    *,
    flow: str,
    step: int,
    step_label: str,
    before: Sequence[Event] = (),
) -> list[Finding]:
    """Findings for one step's `expect` over the events attributed to that step. `before` are
    the flow's earlier events: an expected event found only there is said to have fired
    early, with a hint where to expect it."""
    out: list[Finding] = []
    for x in expectations:
        where = f" where {_fmt_where(x.where)}" if x.where else ""

        def finding(code: str, message: str, **kw: Any) -> Finding:
            return Finding(
                code,
                rule(code).severity,
                message,
                flow=flow,
                step=step,
                step_label=step_label,
                event=x.event,  # noqa: B023 - used immediately
                location=x.location,  # noqa: B023
                **kw,
            )

        candidates = named(events, x.event)
        hits = [e for e in candidates if matches(e, x.where)]
        low = _lower_bound(x)
        if not candidates and low > 0:
            message = (
                f"expected event {x.event} did not fire during {step_phrase(step, step_label)}"
            )
            hint = "check the element's selector and the code that pushes the event"
            early = named(before, x.event)
            if early:
                fired = early[-1]
                at = "the start" if fired.step == 0 else step_name(fired.step or 0)
                message += f"; it fired during {at}, before this step"
                hint = (
                    f"expect {x.event} where it fires: under `start: {{url: ..., expect: "
                    f"[{x.event}]}}`"
                    if fired.step == 0
                    else f"expect {x.event} where it fires: under the `expect` of {at}"
                )
            out.append(
                finding(
                    "missing-event",
                    message,
                    expected=x.event,
                    event_index=early[-1].index if early else None,
                    hint=hint,
                )
            )
            continue
        if x.where and not hits and low > 0:
            closest = max(candidates, key=lambda e: _score(e, x.where))  # first of the best
            path, want = next(
                (p, v) for p, v in x.where.items() if not _equal(v, lookup(closest.parameters, p))
            )
            got = lookup(closest.parameters, path)
            shown = "<absent>" if got is _MISSING else _json(got)
            out.append(
                finding(
                    "value-mismatch",
                    f"{x.event}.{path}: expected {_json(want)}, got {shown}",
                    event_index=closest.index,
                    pointer=_pointer(path),
                    expected=want,
                    actual=None if got is _MISSING else got,
                )
            )
            continue
        n = len(hits)
        bad = (
            (x.count is not None and n != x.count)
            or (x.min is not None and n < x.min)
            or (x.max is not None and n > x.max)
        )
        if bad:
            limit = x.count if x.count is not None else x.max
            surplus = hits[limit] if limit is not None and n > limit else None
            out.append(
                finding(
                    "count-mismatch",
                    f"expected {_fmt_bounds(x)} {x.event}{where}, got {n}",
                    event_index=surplus.index if surplus else None,
                    expected=_bounds(x),
                    actual=n,
                )
            )
    return out


def judge_sequence(sequence: Sequence[str], events: Sequence[Event], *, flow: str) -> list[Finding]:
    """At most one `sequence` finding: the first pair out of order, or the first missing event."""
    stream = [e for e in events if e.kind is EventKind.EVENT]
    pos = 0
    prev: Event | None = None
    for name in sequence:
        found = next((i for i in range(pos, len(stream)) if stream[i].name == name), None)
        if found is not None:
            prev, pos = stream[found], found + 1
            continue
        earlier = next((e for e in stream[:pos] if e.name == name), None)
        if earlier is not None and prev is not None:
            message = f"{name} fired before {prev.name}; the flow expects {prev.name} first"
            culprit = earlier
        else:
            message = f"{name} never fired; the flow expects the sequence {' → '.join(sequence)}"
            culprit = None
        return [
            Finding(
                "sequence",
                rule("sequence").severity,
                message,
                flow=flow,
                step=culprit.step if culprit else None,
                event=name,
                event_index=culprit.index if culprit else None,
                expected=list(sequence),
                actual=[e.name for e in stream if e.name in set(sequence)],
            )
        ]
    return []


def judge_forbid(forbid: Sequence[str], events: Sequence[Event], *, flow: str) -> list[Finding]:
    """One `forbidden-event` finding per forbidden event that fired."""
    banned = set(forbid)
    return [
        Finding(
            "forbidden-event",
            rule("forbidden-event").severity,
            f"forbidden event {e.name} fired",
            flow=flow,
            step=e.step,
            event=e.name,
            event_index=e.index,
            url=e.url,
        )
        for e in events
        if e.kind is EventKind.EVENT and e.name in banned
    ]


def _bounds(x: Expectation) -> dict[str, int]:
    return {k: v for k, v in (("count", x.count), ("min", x.min), ("max", x.max)) if v is not None}


def _fmt_bounds(x: Expectation) -> str:
    if x.count is not None:
        return f"exactly {x.count}"
    parts = []
    if x.min is not None:
        parts.append(f"at least {x.min}")
    if x.max is not None:
        parts.append(f"at most {x.max}")
    return " and ".join(parts)


def _fmt_where(where: dict[str, Any]) -> str:
    return ", ".join(f"{p}={_json(v)}" for p, v in where.items())


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
