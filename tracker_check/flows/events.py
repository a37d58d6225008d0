"""What the runner tells the world while it runs: one small frozen dataclass per kind.

The engine (`flows.runner`, `flows.flow`) only emits these; it writes nothing to a stream.
Handlers consume them: the progress line (`flows.progress`), the report collector
(`flows.collect`, whose `RunReport` the reporters read) and the pytest plugin's flow items.
For one flow the order is always

    FlowStarted, (StepStarted, [EventCaptured | FindingRaised]*, StepFinished)*,
    [EventCaptured | FindingRaised]* (its end, then sequence/forbid), FlowEnded,
    FindingRaised* (the validator's), FlowFinished

with RunStarted first and RunFinished last; a step skipped after a failed one emits only
its StepFinished; a run stopped by an unreachable site or a lost browser emits no FlowEnded
for the flow it stopped in. Flows interleave with several workers; FlowFinished comes in plan
order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tracker_check.models import Event, Finding
from tracker_check.report.model import FlowResult, StepResult


@dataclass(frozen=True, slots=True)
class RunStarted:
    flows: tuple[str, ...]  # the selected flows, in plan order


@dataclass(frozen=True, slots=True)
class FlowStarted:
    index: int  # position in the plan
    name: str


@dataclass(frozen=True, slots=True)
class StepStarted:
    flow: str
    number: int  # 0 is the start, the listed steps are 1..n
    label: str
    action: str


@dataclass(frozen=True, slots=True)
class StepFinished:
    flow: str
    result: StepResult  # its events are attached when the flow ends (FlowFinished)


@dataclass(frozen=True, slots=True)
class EventCaptured:
    flow: str
    event: Event


@dataclass(frozen=True, slots=True)
class FindingRaised:
    flow: str
    finding: Finding


@dataclass(frozen=True, slots=True)
class FlowEnded:
    """The flow's context is closed; its validation may still wait for earlier flows."""

    index: int
    name: str


@dataclass(frozen=True, slots=True)
class FlowFinished:
    """The flow judged: its result exactly as the report carries it, plus what the report's
    extras collect across flows."""

    index: int
    result: FlowResult
    secrets: frozenset[str]
    blocked_requests: tuple[str, ...]
    trace: str | None


@dataclass(frozen=True, slots=True)
class RunFinished:
    duration_ms: float
    error: str | None  # a browser or site failure that stopped the run (exit 3)


RunEvent = (
    RunStarted
    | FlowStarted
    | StepStarted
    | StepFinished
    | EventCaptured
    | FindingRaised
    | FlowEnded
    | FlowFinished
    | RunFinished
)
Emit = Callable[[RunEvent], None]


def fan_out(*handlers: Emit) -> Emit:
    """One `emit` calling every handler in order."""

    def emit(event: RunEvent) -> None:
        for handler in handlers:
            handler(event)

    return emit


def ignore(_: RunEvent) -> None:
    """The handler that wants nothing."""
