"""What a run (or an offline validation) produced. Reporters only read these. Pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from tracker_check.models import Event, Finding, Severity
from tracker_check.plan.model import Plan

Status = Literal["passed", "failed", "error"]


@dataclass(frozen=True, slots=True)
class StepResult:
    index: int  # 0-based position in the flow
    label: str  # e.g. 'click text=In den Warenkorb'
    action: str
    status: Literal["passed", "failed", "skipped"]
    duration_ms: float = 0.0
    event_indexes: tuple[int, ...] = ()  # Event.index of events attributed to this step
    screenshot: str | None = None  # path (relative to report dir) of a screenshot taken
    error: str | None = None  # one line, for failed steps


@dataclass(frozen=True, slots=True)
class FlowResult:
    name: str
    status: Status
    duration_ms: float
    steps: tuple[StepResult, ...] = ()
    events: tuple[Event, ...] = ()
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class RunReport:
    """One run: flows (empty for offline `validate`), all findings, and the run's events.

    `findings` holds every finding of the run (each flow's too, plus run-level ones such as
    duplicate-event across flows). `events` holds events not attributed to a flow (offline
    validation input); flows keep their own.
    """

    plan: Plan
    flows: tuple[FlowResult, ...] = ()
    findings: tuple[Finding, ...] = ()
    events: tuple[Event, ...] = ()
    duration_ms: float = 0.0
    error: str | None = None  # set when the run could not complete (exit 3)
    extras: dict[str, Any] = field(default_factory=dict)  # e.g. blocked requests
    # offline validation keeps counts, not every event: records read, and planned event
    # name -> times fired (None: count `events`)
    event_count: int | None = None
    captured: dict[str, int] | None = None

    @property
    def status(self) -> Status:
        if self.error:
            return "error"
        if any(f.severity is Severity.ERROR for f in self.findings):
            return "failed"
        if any(fl.status != "passed" for fl in self.flows):
            return "failed"
        return "passed"

    def all_events(self) -> tuple[Event, ...]:
        return self.events + tuple(e for fl in self.flows for e in fl.events)

    def summary(self) -> dict[str, Any]:
        by_code = Counter(f.code for f in self.findings)
        by_sev = Counter(f.severity.value for f in self.findings)
        return {
            "flows": len(self.flows),
            "flows_passed": sum(1 for f in self.flows if f.status == "passed"),
            "flows_failed": sum(1 for f in self.flows if f.status != "passed"),
            "events": len(self.all_events()) if self.event_count is None else self.event_count,
            "findings": len(self.findings),
            "errors": by_sev.get("error", 0),
            "warnings": by_sev.get("warning", 0),
            "by_code": dict(sorted(by_code.items())),
            "duration_ms": round(self.duration_ms, 1),
        }


def exit_code(report: RunReport, *, no_fail: bool = False) -> int:
    """Spec exit codes: 0 passed, 1 error-severity findings, 3 browser/capture failure."""
    if report.status == "error":
        return 3
    if report.status == "failed" and not no_fail:
        return 1
    return 0
