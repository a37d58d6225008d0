"""The values a flow run works with: run-wide settings, a flow's outcome, its step state."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tracker_check.models import Event, Finding
from tracker_check.plan.model import Flow, Step
from tracker_check.plan.steps import Goto
from tracker_check.report.model import StepResult


class SiteUnreachable(Exception):
    """A flow's first navigation found nothing listening: the whole run stops (exit 3)."""


@dataclass(frozen=True, slots=True)
class FlowSettings:
    """What every flow of a run shares."""

    base_url: str | None
    step_timeout_ms: int | None  # None: step's own timeout or the plan's
    navigation_timeout_ms: int | None  # likewise, for `start` and `goto`
    settle_ms: int | None  # None: `auto` (flows/settle.py); else a fixed quiet period
    settle_cap_ms: int
    report_dir: Path | None
    artifacts: Callable[[], Path]  # report dir (or a temp dir), created on first use
    trace: str  # off | on | retain-on-failure
    environ: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class FlowOutcome:
    """A flow's own result, before the run-wide Validator adds its findings."""

    index: int
    name: str
    duration_ms: float
    failed_step: bool
    steps: tuple[StepResult, ...]
    events: tuple[Event, ...]
    findings: tuple[Finding, ...]
    secrets: frozenset[str]
    blocked_requests: tuple[str, ...]
    trace: str | None


@dataclass(slots=True)
class Current:
    """The step being performed, and where in the flow's event list its events start."""

    number: int = 0  # 0 is the start, the listed steps are 1..n
    label: str = ""
    begin: int = 0  # the first event that arrived during this step
    # where its `expect` starts counting: `begin`, or for a `wait` step (which only watches)
    # the first event of the last step that acted
    since: int = 0


@dataclass(slots=True)
class Clock:
    started: float = 0.0  # the first step began
    acted: float = 0.0  # the last step ended
    # when the last step that acted on the page finished its action: the flow end's quiet
    # period is measured from here (or from a later push), like a step's settle
    last_action_end: float = 0.0
    end_began: float = 0.0  # its end (late events, trace) began


def all_steps(flow: Flow) -> tuple[tuple[int, Step], ...]:
    """The flow's steps with their numbers as the user counts them: `start` (a goto) is 0,
    the `steps:` are 1..n (see `models.step_name`)."""
    numbered = tuple(enumerate(flow.steps, 1))
    if flow.start is None:
        return numbered
    start = Goto(
        flow.start,
        expect=flow.start_expect,
        timeout_ms=flow.start_timeout_ms,
        location=flow.location,
    )
    return ((0, start), *numbered)


def step_label(step: Step, number: int, flow: Flow) -> str:
    if number == 0 and flow.start is not None:
        return flow.start
    return step.label
