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
from tracker_check.sources.layers import infer_kind

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

V2_PURPOSES = ("ad_storage", "analytics_storage", "ad_user_data", "ad_personalization")
PURPOSES = (*V2_PURPOSES, "functionality_storage", "personalization_storage", "security_storage")
IGNORE_CHOICE = "ignore"  # the consent choice of a user who never answers the banner
DENYING_CHOICES = ("deny", IGNORE_CHOICE)  # choices under which `deny_purposes` stay denied

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
    # `settle:` when counts and flow ends are judged: None = `auto` (the page's activity, see
    # flows/settle.py), else a fixed quiet period in ms
    settle_ms: int | None = None
    settle_cap_ms: int = 2000  # `settle_cap:` the longest `auto` waits for a busy page
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
    # `match:` criteria that identify the event in its tool (sources.layers.MatchRule)
    match: tuple[dict[str, Any], ...] = ()
    consent: tuple[str, ...] = ()  # purposes that must be granted when it fires


@dataclass(frozen=True, slots=True)
class Expectation:
    """One entry of a step's `expect`: `name` alone, or {event, count|min|max, where}."""

    event: str
    count: int | None = None
    min: int | None = None
    max: int | None = None
    where: dict[str, Any] = field(default_factory=dict)  # dotted path -> expected value
    location: Location | None = None
    when: tuple[str, ...] = ()  # consent choices it applies under (empty: all)

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
    consent: tuple[str, ...] = ()  # the choices it runs under, as written (before expansion)
    consent_choice: str | None = None  # after expansion: the one choice this flow runs under
    base_name: str | None = None  # after expansion: the flow's own name (`checkout`)
    storage: Storage | None = None  # cookies / localStorage given before the start
    expect_by_consent: dict[str, ChoiceExpect] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ChoiceExpect:
    """A flow's `expect_by_consent.<choice>`: `sequence` replaces, `forbid` adds."""

    sequence: tuple[str, ...] | None = None
    forbid: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredCookie:
    name: str
    value: str
    domain: str | None = None  # None: the start URL's host
    path: str = "/"


@dataclass(frozen=True, slots=True)
class Storage:
    """What a return visitor's browser holds before the start (consent given earlier)."""

    cookies: tuple[StoredCookie, ...] = ()
    local_storage: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ConsentSpec:
    """The plan's `consent:` section (docs/consent.md)."""

    mode: Literal["auto", "required", "off"] = "auto"
    region: str | None = None  # the visitor's region for regional defaults (None: strictest)
    deny_purposes: tuple[str, ...] = V2_PURPOSES
    cookies: tuple[tuple[str, str], ...] = ()  # cookie-name glob -> purpose (plan's own)
    collectors: tuple[tuple[str, str], ...] = ()  # URL glob -> purpose (plan's own)
    choices: dict[str, tuple[Step, ...]] = field(default_factory=dict)  # banner steps
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class PrivacySpec:
    """The plan's `privacy:` section: personal data in pushes and URLs."""

    pii: Literal["error", "warn", "off"] = "error"
    allow: tuple[str, ...] = ()  # dotted paths (`*` matches one segment) never reported
    patterns: tuple[tuple[str, str], ...] = ()  # name -> ECMA-262 regex, the plan's own


@dataclass(frozen=True, slots=True)
class Plan:
    events: dict[str, EventSpec]
    version: int = 1
    name: str = ""
    base_url: str | None = None
    data_layers: tuple[str, ...] = ("dataLayer",)  # names, in the plan's order
    # each layer's kind (sources.layers.KINDS), set in the plan or inferred from its name;
    # a layer missing here is inferred from its name (`layer_kind`)
    layer_kinds: dict[str, str] = field(default_factory=dict)
    funnel: tuple[str, ...] = ()
    settings: Settings = field(default_factory=Settings)
    global_parameters: dict[str, Any] = field(default_factory=dict)
    definitions: dict[str, Any] = field(default_factory=dict)
    flows: tuple[Flow, ...] = ()
    source: str = "<plan>"  # file the plan was read from
    consent: ConsentSpec | None = None  # None: no `consent:` section
    privacy: PrivacySpec = field(default_factory=PrivacySpec)

    def layer_kind(self, name: str) -> str:
        return self.layer_kinds.get(name) or infer_kind(name)

    def flow(self, name: str) -> Flow | None:
        return next((f for f in self.flows if f.name == name), None)
