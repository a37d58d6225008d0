"""Which tool each data layer belongs to, and the plan's `match:` rules. Pure.

A layer's kind is set in the plan (`data_layers: [{name: myLayer, kind: acdl}]`) or inferred
from its name (`WELL_KNOWN`; any other name is a GTM-style layer). A match rule names a plan
event by what identifies it in its tool: `{source: matomo, command: trackEvent, category:
Video, action: Play}`. Its keys: `source` (a kind; `gtm` also covers gtag), `event` (the
tool's event name) or `command` (a Matomo command), and any other key a dotted path into
the normalized parameters whose value must be equal (1 and 1.0 are equal, as in JSON).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tracker_check.paths import is_index

KINDS = ("gtm", "matomo", "matomo-tm", "acdl", "ceddl")
WELL_KNOWN: dict[str, str] = {
    "dataLayer": "gtm",
    "_paq": "matomo",
    "_mtm": "matomo-tm",
    "adobeDataLayer": "acdl",
    "digitalData": "ceddl",
}
# `source` values an Event of each kind carries (gtm layers also hold gtag commands)
SOURCES: dict[str, tuple[str, ...]] = {
    "gtm": ("gtm", "gtag"),
    "matomo": ("matomo",),
    "matomo-tm": ("matomo-tm",),
    "acdl": ("acdl",),
    "ceddl": ("ceddl",),
}
IDENTITY_KEYS = frozenset({"source", "event", "command"})


def infer_kind(name: str) -> str:
    return WELL_KNOWN.get(name, "gtm")


_MISSING = object()


@dataclass(frozen=True, slots=True)
class MatchRule:
    """One `match:` entry of a plan event: `plan_event` is the name matched events get."""

    plan_event: str
    source: str
    tool_name: str | None  # `event:` / `command:` (None: any)
    where: tuple[tuple[tuple[str | int, ...], Any], ...] = ()

    @classmethod
    def of(cls, plan_event: str, criteria: Mapping[str, Any]) -> MatchRule:
        name = criteria.get("command", criteria.get("event"))
        where = tuple(
            (_split(str(key)), value) for key, value in criteria.items() if key not in IDENTITY_KEYS
        )
        return cls(plan_event, str(criteria.get("source", "gtm")), _str(name), where)

    def matches(self, source: str, tool_name: str | None, params: Mapping[str, Any]) -> bool:
        if source not in SOURCES.get(self.source, (self.source,)):
            return False
        if self.tool_name is not None and tool_name != self.tool_name:
            return False
        return all(_same(_get(params, path), value) for path, value in self.where)


@dataclass(frozen=True, slots=True)
class Layers:
    """The layers a plan captures, with their kinds, and its match rules (in plan order)."""

    kinds: Mapping[str, str] = field(default_factory=dict)
    rules: tuple[MatchRule, ...] = ()

    def kind(self, data_layer: str) -> str:
        return self.kinds.get(data_layer) or infer_kind(data_layer)

    def plan_name(
        self, source: str, tool_name: str | None, params: Mapping[str, Any]
    ) -> str | None:
        """The plan event the first matching rule names, or None."""
        for rule in self.rules:
            if rule.matches(source, tool_name, params):
                return rule.plan_event
        return None

    def has_rule_for(self, source: str) -> bool:
        return any(source in SOURCES.get(r.source, (r.source,)) for r in self.rules)


DEFAULT_LAYERS = Layers()


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _split(dotted: str) -> tuple[str | int, ...]:
    return tuple(int(p) if is_index(p) else p for p in dotted.split("."))


def _get(value: Any, parts: tuple[str | int, ...]) -> Any:
    for part in parts:
        if isinstance(value, dict) and str(part) in value:
            value = value[str(part)]
        elif isinstance(value, list) and isinstance(part, int) and part < len(value):
            value = value[part]
        else:
            return _MISSING
    return value


def _same(got: Any, want: Any) -> bool:
    if got is _MISSING:
        return False
    if isinstance(got, bool) or isinstance(want, bool):
        return got is want
    return bool(got == want)
