"""The consent state of one document (page or frame), followed push by push. Pure.

Google Consent Mode v2 as pushed: `gtag('consent', 'default', {...})` and
`gtag('consent', 'update', {...})` with any purpose key (`PURPOSES`), `wait_for_update` and
`region`. Defaults never override a purpose an update has set (gtag's own precedence). A
default limited to `region: [...]` applies when the plan's `consent.region` matches it, or
when the plan names no region (the audit then assumes a visitor inside every listed region:
the strictest reading, where `denied` wins over `granted` between regional defaults).

Matomo's consent commands, as raw `_paq` arrays (`["requireConsent"]`, `["setConsentGiven"]`,
...), are followed from the raw record whatever adapter normalized it: `matomo` is the
tracking consent (`required` until given) and `matomo_cookies` the cookie consent.

`ConsentTracker.apply(event)` feeds one record and says what it was (`Change`);
`states(events)` replays a whole stream, giving each record the state after it (what the
JSON report shows per event).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tracker_check.models import Event, EventKind

V2_PURPOSES = ("ad_storage", "analytics_storage", "ad_user_data", "ad_personalization")
PURPOSES = (*V2_PURPOSES, "functionality_storage", "personalization_storage", "security_storage")
MATOMO_LAYER = "_paq"
Decision = Literal["granted", "denied"]
MatomoState = Literal["required", "given"]

_MATOMO_TRACKING = {
    "requireConsent": "required",
    "forgetConsentGiven": "required",
    "setConsentGiven": "given",
    "rememberConsentGiven": "given",
}
_MATOMO_COOKIES = {
    "requireCookieConsent": "required",
    "forgetCookieConsentGiven": "required",
    "setCookieConsentGiven": "given",
    "rememberCookieConsentGiven": "given",
}


@dataclass(frozen=True, slots=True)
class ConsentState:
    """What a document has said about consent so far."""

    purposes: tuple[tuple[str, Decision], ...] = ()  # sorted by purpose
    default: bool = False  # a `default` was pushed
    update: bool = False  # an `update` was pushed
    wait_for_update: int | None = None
    regions: tuple[str, ...] = ()  # regions of regional defaults that applied
    matomo: MatomoState | None = None  # Matomo tracking consent (None: never asked)
    matomo_cookies: MatomoState | None = None

    def get(self, purpose: str) -> Decision | None:
        return next((d for p, d in self.purposes if p == purpose), None)

    @property
    def uses_consent_mode(self) -> bool:
        return self.default or self.update

    @property
    def empty(self) -> bool:
        return not self.uses_consent_mode and self.matomo is None and self.matomo_cookies is None

    def brief(self) -> str:
        """`analytics_storage=denied, ad_storage=denied` (or `no consent state`)."""
        parts = [f"{p}={d}" for p, d in self.purposes]
        if self.matomo is not None:
            parts.append(f"matomo={self.matomo}")
        if self.matomo_cookies is not None:
            parts.append(f"matomo cookies={self.matomo_cookies}")
        return ", ".join(parts) if parts else "no consent state"

    def to_json(self) -> dict[str, Any]:
        return {
            "purposes": dict(self.purposes),
            "default": self.default,
            "update": self.update,
            "wait_for_update": self.wait_for_update,
            "regions": list(self.regions),
            "matomo": self.matomo,
            "matomo_cookies": self.matomo_cookies,
        }


NO_STATE = ConsentState()


@dataclass(frozen=True, slots=True)
class Change:
    """What one record did to the consent state (`kind` None: nothing)."""

    kind: Literal["default", "update", "matomo"] | None = None
    values: dict[str, Decision] = field(default_factory=dict)  # the purposes it set
    granted: tuple[str, ...] = ()  # purposes it granted (Matomo: "matomo")
    applied: bool = True  # False: a regional default for another region


def consent_command(event: Event) -> tuple[str, dict[str, Any]] | None:
    """(`default`|`update`, its parameters) for a gtag consent command, else None."""
    if event.kind is not EventKind.COMMAND or event.name != "consent" or not event.args:
        return None
    action = event.args[0]
    if action not in ("default", "update"):
        return None
    params = next((a for a in event.args[1:] if isinstance(a, dict)), {})
    return str(action), params


def matomo_command(event: Event) -> str | None:
    """The name of a Matomo consent command in a raw `_paq` record, else None."""
    raw = event.raw
    if event.data_layer != MATOMO_LAYER and event.source != "matomo":
        return None
    if isinstance(raw, dict) and raw.get("__type") == "arguments":
        raw = raw.get("items")
    if not isinstance(raw, list) or not raw or not isinstance(raw[0], str):
        return None
    name = raw[0]
    return name if name in _MATOMO_TRACKING or name in _MATOMO_COOKIES else None


def _decisions(params: dict[str, Any]) -> dict[str, Decision]:
    out: dict[str, Decision] = {}
    for key, value in params.items():
        if key in ("wait_for_update", "region"):
            continue
        if value in ("granted", "denied"):
            out[str(key)] = value
    return out


def _regions(params: dict[str, Any]) -> tuple[str, ...]:
    region = params.get("region")
    if isinstance(region, str):
        return (region,)
    if isinstance(region, list):
        return tuple(str(r) for r in region)
    return ()


def region_applies(regions: Sequence[str], audit_region: str | None) -> bool:
    """Does a default for `regions` apply to a visitor in `audit_region` (`DE`, `US-CA`)?"""
    if not regions or audit_region is None:
        return True
    mine = audit_region.upper()
    return any(mine == r.upper() or mine.startswith(r.upper() + "-") for r in regions)


class ConsentTracker:
    """The consent state of one document, fed in capture order."""

    __slots__ = (
        "_by_update",
        "_default",
        "_regional",
        "audit_region",
        "matomo",
        "matomo_cookies",
        "regions",
        "state",
        "wait",
    )

    def __init__(self, audit_region: str | None = None) -> None:
        self.audit_region = audit_region
        self._default: dict[str, Decision] = {}  # region-less defaults
        self._regional: dict[str, Decision] = {}  # regional defaults that apply
        self._by_update: dict[str, Decision] = {}
        self.regions: tuple[str, ...] = ()
        self.wait: int | None = None
        self.matomo: MatomoState | None = None
        self.matomo_cookies: MatomoState | None = None
        self.state = NO_STATE

    def apply(self, event: Event) -> Change:
        command = consent_command(event)
        if command is not None:
            return self._gtag(*command)
        name = matomo_command(event)
        if name is not None:
            return self._matomo(name)
        return _NOTHING

    def _gtag(self, action: str, params: dict[str, Any]) -> Change:
        values = _decisions(params)
        granted = tuple(p for p, d in values.items() if d == "granted")
        if action == "update":
            self._by_update.update(values)
            self._rebuild(update=True)
            return Change("update", values, granted)
        regions = _regions(params)
        applied = region_applies(regions, self.audit_region)
        if applied:
            if regions:
                for purpose, decision in values.items():
                    if self._regional.get(purpose) != "denied":  # the strictest region wins
                        self._regional[purpose] = decision
                self.regions = tuple(dict.fromkeys((*self.regions, *regions)))
            else:
                self._default.update(values)
            wait = params.get("wait_for_update")
            if isinstance(wait, int | float) and not isinstance(wait, bool):
                self.wait = int(wait)
        self._rebuild(default=True)
        return Change("default", values, granted, applied=applied)

    def _matomo(self, name: str) -> Change:
        if name in _MATOMO_TRACKING:
            self.matomo = _MATOMO_TRACKING[name]  # type: ignore[assignment]
            # Matomo: consent to tracking includes its cookies
            consented = name in ("setConsentGiven", "rememberConsentGiven")
            if consented and self.matomo_cookies is not None:
                self.matomo_cookies = "given"
        else:
            self.matomo_cookies = _MATOMO_COOKIES[name]  # type: ignore[assignment]
        self._rebuild()
        given = ("matomo",) if name.startswith(("set", "remember")) else ()
        return Change("matomo", {}, given)

    def _rebuild(self, *, default: bool = False, update: bool = False) -> None:
        merged = {**self._default, **self._regional, **self._by_update}
        old = self.state
        self.state = ConsentState(
            purposes=tuple(sorted(merged.items())),
            default=old.default or default,
            update=old.update or update,
            wait_for_update=self.wait,
            regions=self.regions,
            matomo=self.matomo,
            matomo_cookies=self.matomo_cookies,
        )

    def defaults_set(self) -> frozenset[str]:
        """The purposes the applying defaults set (for the every-v2-purpose rule)."""
        return frozenset(self._default) | frozenset(self._regional)


_NOTHING = Change()


def states(events: Iterable[Event], audit_region: str | None = None) -> list[ConsentState]:
    """The consent state of each record's document right after it, in stream order."""
    trackers: dict[str, ConsentTracker] = {}
    out = []
    for event in events:
        tracker = trackers.get(event.document)
        if tracker is None:
            tracker = trackers[event.document] = ConsentTracker(audit_region)
        tracker.apply(event)
        out.append(tracker.state)
    return out


def page_state_at(
    events: Sequence[Event], count: int, audit_region: str | None = None
) -> ConsentState:
    """The state of the main page's latest document after the first `count` records: what a
    cookie read or a request at that moment was under (frames do not count)."""
    head = events[:count]
    doc = next((e.document for e in reversed(head) if e.frame_url is None), None)
    if doc is None:
        return NO_STATE
    tracker = ConsentTracker(audit_region)
    for event in head:
        if event.document == doc:
            tracker.apply(event)
    return tracker.state
