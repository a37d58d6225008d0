"""Weighted funnel coverage: how much of the plan's weighted conversions a run proved working.

Pure: reads the plan, the captured events and the findings; no I/O.

An event is
  * verified     — captured at least once, and no error-level finding names it;
  * broken       — an error-level finding names it (captured or only expected: a
                   missing-event, count-mismatch or value-mismatch finding names the
                   expected event);
  * not covered  — neither (no flow exercised it).
score = sum(weight of verified events) / sum(weight of all events), deprecated events excluded.
The same numbers feed every reporter (text, JSON summary, GitHub summary, HTML funnel).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from tracker_check.models import Event, EventKind, Finding, Severity
from tracker_check.plan.model import Plan
from tracker_check.report.model import RunReport

EventState = Literal["verified", "broken", "not_covered"]
UNSTAGED = "unstaged"  # bucket for events with no stage (or one outside `funnel`)


@dataclass(frozen=True, slots=True)
class EventCoverage:
    name: str
    stage: str  # the plan's stage, or UNSTAGED
    kind: str | None  # "micro" | "macro" | None
    weight: float
    state: EventState
    captured: int  # how many times it fired in the run
    errors: int  # error-level findings naming it

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "stage": self.stage,
            "kind": self.kind,
            "weight": self.weight,
            "state": self.state,
            "captured": self.captured,
            "errors": self.errors,
        }


@dataclass(frozen=True, slots=True)
class StageCoverage:
    name: str
    verified_weight: float
    total_weight: float
    events: tuple[str, ...]  # event names, plan order

    @property
    def score(self) -> float | None:
        """Fraction 0..1; None when the stage holds no weight (nothing to cover)."""
        return _ratio(self.verified_weight, self.total_weight)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "score": _round(self.score),
            "verified_weight": self.verified_weight,
            "total_weight": self.total_weight,
            "events": list(self.events),
        }


@dataclass(frozen=True, slots=True)
class Coverage:
    verified_weight: float
    total_weight: float
    stages: tuple[StageCoverage, ...]  # funnel order, then UNSTAGED if used
    events: tuple[EventCoverage, ...]  # plan order

    @property
    def score(self) -> float | None:
        return _ratio(self.verified_weight, self.total_weight)

    def counts(self) -> dict[str, int]:
        out = {"verified": 0, "broken": 0, "not_covered": 0}
        for e in self.events:
            out[e.state] += 1
        return out

    def event(self, name: str) -> EventCoverage | None:
        return next((e for e in self.events if e.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "score": _round(self.score),
            "verified_weight": self.verified_weight,
            "total_weight": self.total_weight,
            **self.counts(),
            "stages": [s.to_json() for s in self.stages],
            "events": [e.to_json() for e in self.events],
        }


def of_report(report: RunReport) -> Coverage:
    """Coverage of a run, or of an offline validation that kept counts instead of events."""
    return compute(report.plan, report.all_events(), report.findings, captured=report.captured)


def compute(
    plan: Plan,
    events: Iterable[Event],
    findings: Iterable[Finding],
    *,
    captured: Mapping[str, int] | None = None,
) -> Coverage:
    """Coverage of `plan` by a run that captured `events` and produced `findings`.

    `captured` (event name -> times fired) replaces counting `events` when a run did not keep
    every event (offline validation of a large file)."""
    event_list = list(events)
    if captured is None:
        counts: dict[str, int] = {}
        for ev in event_list:
            if ev.kind is EventKind.EVENT and ev.name is not None:
                counts[ev.name] = counts.get(ev.name, 0) + 1
        captured = counts

    errors: dict[str, int] = {}
    by_index = {(ev.flow, ev.index): ev.name for ev in event_list}
    for f in findings:
        if f.severity is not Severity.ERROR:
            continue
        name = f.event
        if name is None and f.event_index is not None:
            # A finding may point at its event by index only.
            name = by_index.get((f.flow, f.event_index))
        if name:
            errors[name] = errors.get(name, 0) + 1

    per_event: list[EventCoverage] = []
    for spec in plan.events.values():
        if spec.deprecated is not None:
            continue
        n, errs = captured.get(spec.name, 0), errors.get(spec.name, 0)
        state: EventState = "broken" if errs else "verified" if n else "not_covered"
        stage = spec.stage if spec.stage in plan.funnel else UNSTAGED
        per_event.append(
            EventCoverage(spec.name, stage, spec.kind, float(spec.weight), state, n, errs)
        )

    stage_names = list(plan.funnel)
    if any(e.stage == UNSTAGED for e in per_event) and UNSTAGED not in stage_names:
        stage_names.append(UNSTAGED)
    stages = tuple(_stage(name, [e for e in per_event if e.stage == name]) for name in stage_names)
    return Coverage(
        verified_weight=_verified(per_event),
        total_weight=float(sum(e.weight for e in per_event)),
        stages=stages,
        events=tuple(per_event),
    )


def _stage(name: str, events: list[EventCoverage]) -> StageCoverage:
    return StageCoverage(
        name=name,
        verified_weight=_verified(events),
        total_weight=float(sum(e.weight for e in events)),
        events=tuple(e.name for e in events),
    )


def _verified(events: list[EventCoverage]) -> float:
    return float(sum(e.weight for e in events if e.state == "verified"))


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def _round(score: float | None) -> float | None:
    return None if score is None else round(score, 4)


def percent(score: float | None) -> str:
    """'61.5%' (one decimal, trailing .0 dropped); '–' when there is nothing to cover."""
    if score is None:
        return "–"
    text = f"{score * 100:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"
