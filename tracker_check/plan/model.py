"""The parsed tracking plan (spec: ../shared/spec/plan-v1.md). Pure values, no I/O.

Parameter and definition values stay raw JSON Schema fragments (dicts) exactly as written,
including the plan's own `optional: true` marker; `tracker_check.compile` folds them into
standard JSON Schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tracker_check.models import Location
from tracker_check.plan.steps import Step as Step  # the typed step union

Policy = Literal["error", "warn", "ignore"]
Scope = Literal["push", "model"]

STEP_ACTIONS = (
    "goto",
    "click",
    "dblclick",
    "fill",
    "type",
    "press",
    "select",
    "check",
    "uncheck",
    "hover",
    "scroll",
    "wait",
    "screenshot",
)

DEFAULT_BLOCK_REQUESTS = (
    "*://*.google-analytics.com/*",
    "*://*.analytics.google.com/*",
    "*://*.googletagmanager.com/*",
    "*://stats.g.doubleclick.net/*",
)


@dataclass(frozen=True, slots=True)
class Settings:
    unplanned_events: Policy = "error"
    additional_parameters: Policy = "warn"
    block_requests: tuple[str, ...] = DEFAULT_BLOCK_REQUESTS
    step_timeout_ms: int = 5000  # `timeout:`: actions' auto-wait and expected events
    navigation_timeout_ms: int = 30_000  # `navigation_timeout:`: `start` and `goto`
    settle_ms: int = 500  # `settle:` quiet period before judging counts
    consent: Literal["off", "required"] = "off"
    page_errors: Policy = "warn"


@dataclass(frozen=True, slots=True)
class EventSpec:
    name: str
    parameters: dict[str, Any] = field(default_factory=dict)  # name -> raw schema fragment
    description: str | None = None
    kind: Literal["micro", "macro"] | None = None
    stage: str | None = None
    weight: float = 1.0
    additional_parameters: Policy | None = None  # None: use settings
    unique: tuple[str, ...] = ()  # dotted paths
    deprecated: str | None = None  # the deprecation note
    scope: Scope = "push"
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Expectation:
    """One entry of a step's `expect`: `name` alone, or {event, count|min|max, where}."""

    event: str
    count: int | None = None
    min: int | None = None
    max: int | None = None
    where: dict[str, Any] = field(default_factory=dict)  # dotted path -> expected value
    location: Location | None = None

    @property
    def bounds_count(self) -> bool:
        """Judged only once the page is quiet (count, max, or count 0)."""
        return self.count is not None or self.max is not None


@dataclass(frozen=True, slots=True)
class Flow:
    name: str
    steps: tuple[Step, ...]
    start: str | None = None  # URL or path; the long form adds its expect and timeout
    vars: dict[str, str] = field(default_factory=dict)
    sequence: tuple[str, ...] = ()
    forbid: tuple[str, ...] = ()
    location: Location | None = None
    start_expect: tuple[Expectation, ...] = ()  # `start: {url, expect, timeout}`
    start_timeout_ms: int | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    events: dict[str, EventSpec]
    version: int = 1
    name: str = ""
    base_url: str | None = None
    data_layers: tuple[str, ...] = ("dataLayer",)
    funnel: tuple[str, ...] = ()
    settings: Settings = field(default_factory=Settings)
    global_parameters: dict[str, Any] = field(default_factory=dict)
    definitions: dict[str, Any] = field(default_factory=dict)
    flows: tuple[Flow, ...] = ()
    source: str = "<plan>"  # file the plan was read from

    def flow(self, name: str) -> Flow | None:
        return next((f for f in self.flows if f.name == name), None)
