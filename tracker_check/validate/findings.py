"""How each event-level rule reads: one `Finding` per broken rule, for one Event. Pure.

`events.Validator` decides which rules an event breaks; the functions here word the finding
(message, pointer, expected/actual, hint) and copy the event's place (flow, step, index,
url). `distinct` drops repeats within one event's findings.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from typing import Any

from tracker_check.models import Event, Finding, Severity
from tracker_check.rules import rule
from tracker_check.sources import matomo_rules
from tracker_check.validate.engine import MISSING, UNEXPECTED, Violation
from tracker_check.validate.messages import pointer as json_pointer
from tracker_check.validate.model_state import Stale


def event_finding(
    event: Event,
    code: str,
    message: str,
    *,
    severity: Severity | None = None,
    pointer: str | None = "",
    expected: Any = None,
    actual: Any = None,
    hint: str | None = None,
) -> Finding:
    return Finding(
        code,
        severity or rule(code).severity,
        message,
        flow=event.flow,
        step=event.step,
        event=event.name,
        event_index=event.index,
        pointer=pointer,
        expected=expected,
        actual=actual,
        hint=hint,
        url=event.url,
        origin=event.origin,
    )


def violation(event: Event, v: Violation, severity: Severity) -> Finding:
    hint = None
    if v.code == UNEXPECTED:
        hint = "add it to the plan, or remove it from the push (it may be debug data or PII)"
    elif v.code == MISSING and not v.path[:-1]:
        hint = "listed parameters are required unless marked `optional: true`"
    return event_finding(
        event,
        v.code,
        f"{event.name}: {v.message}",
        severity=severity,
        pointer=v.pointer,
        expected=v.expected,
        actual=v.actual,
        hint=hint,
    )


def unplanned(event: Event, planned: Iterable[str], severity: Severity) -> Finding:
    name = event.name or ""
    close = difflib.get_close_matches(name, list(planned), n=1)
    hint = f"did you mean {close[0]!r}?" if close else "add it to `events:` in the plan"
    message = f"{name} is not in the tracking plan"
    return event_finding(event, "unplanned-event", message, severity=severity, hint=hint)


def consent(event: Event) -> Finding:
    message = f"{event.name or ''} fired before any consent default on its page"
    hint = "push gtag('consent', 'default', {...}) before any tracking on every page"
    return event_finding(event, "consent", message, hint=hint)


def deprecated(event: Event, note: str) -> Finding:
    name = event.name or ""
    message = f"{name} is deprecated: {note}" if note else f"{name} is deprecated"
    return event_finding(event, "deprecated-event", message)


def duplicate(
    event: Event, dotted: str, parts: tuple[str | int, ...], value: Any, first: Event
) -> Finding:
    """`first` is the earlier event that sent the value (its name, index and origin suffice)."""
    where = f"at {first.origin.record}" if first.origin else f"by event #{first.index}"
    message = (
        f"{event.name or ''}: {dotted} {json.dumps(value, default=str)} was already sent {where}"
    )
    return event_finding(
        event,
        "duplicate-event",
        message,
        pointer=json_pointer(parts),
        actual=value,
        hint="send each unique value once (e.g. guard the purchase push against page reloads)",
    )


def stale_model_data(event: Event, stale: Stale) -> Finding:
    def count(items: Any) -> str:
        return f"{len(items)} item(s)" if isinstance(items, list) else "no items"

    message = (
        f"{event.name}: the GTM data model's ecommerce.items ({count(stale.merged)}) differ "
        f"from this push's ({count(stale.own)}): items of an earlier push leak into this event"
    )
    return event_finding(
        event,
        "stale-model-data",
        message,
        pointer="/ecommerce/items",
        expected=stale.own,
        actual=stale.merged,
        hint="push {ecommerce: null} before every ecommerce event",
    )


def gtag_array(event: Event) -> Finding:
    shown = ", ".join(json.dumps(a, default=str) for a in event.args[:2])
    return event_finding(
        event,
        "gtag-array-command",
        f"gtag({shown}, ...) was pushed as a plain array; gtag.js ignores it",
        hint="define gtag as `function gtag(){dataLayer.push(arguments);}`",
    )


def distinct(findings: list[Finding]) -> list[Finding]:
    """`findings` of one event without repeats of the same (code, pointer, message), in order.

    Repeats come from schemas that check one value twice, e.g. `allOf` of a GA4 definition
    and a plan definition that both say `price: {type: number}`.
    """
    if len(findings) < 2:
        return findings
    seen: set[tuple[str, str | None, str]] = set()
    out = []
    for f in findings:
        key = (f.code, f.pointer, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def matomo_arguments(event: Event) -> list[Finding]:
    """matomo-argument: each documented argument rule a `_paq` call breaks."""
    return [
        event_finding(
            event,
            "matomo-argument",
            p.message,
            pointer=json_pointer((p.argument,)),
            hint=p.hint,
        )
        for p in matomo_rules.problems(event)
    ]
