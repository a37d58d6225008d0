"""Lint of `data_layers` kinds and events' `match:` rules (checks the meta-schema cannot
express). Pure; every problem is a `plan-error` at its key or value with a hint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tracker_check.models import Finding
from tracker_check.plan.metaschema import did_you_mean
from tracker_check.plan.yamlpos import Positions, escape, plan_error
from tracker_check.sources.layers import KINDS, infer_kind
from tracker_check.sources.matomo import COMMANDS, TRACKING, VIEWS

MATOMO_EVENTS = (*TRACKING, *VIEWS)
_COMMAND_KINDS = ("matomo",)


def layer_findings(data: dict[str, Any], pos: Positions) -> Iterator[Finding]:
    layers = data.get("data_layers", ["dataLayer"])
    kinds: dict[str, str] = {}
    for i, item in enumerate(layers if isinstance(layers, list) else []):
        name = (
            item if isinstance(item, str) else item.get("name") if isinstance(item, dict) else None
        )
        if not isinstance(name, str):
            continue
        if name in kinds:
            yield plan_error(
                f"data layer `{name}` is listed twice",
                pos.value(f"/data_layers/{i}"),
                "list each global name once (use the long form {name, kind} to set its kind)",
            )
            continue
        kind = item.get("kind") if isinstance(item, dict) else None
        kinds[name] = kind if isinstance(kind, str) else infer_kind(name)
    events = data.get("events")
    for event, spec in (events if isinstance(events, dict) else {}).items():
        rules = spec.get("match") if isinstance(spec, dict) else None
        for j, rule in enumerate(rules if isinstance(rules, list) else []):
            if isinstance(rule, dict):
                yield from _rule(
                    str(event), rule, f"/events/{escape(str(event))}/match/{j}", kinds, pos
                )


def _rule(
    event: str, rule: dict[str, Any], ptr: str, kinds: dict[str, str], pos: Positions
) -> Iterator[Finding]:
    source = rule.get("source")
    if not isinstance(source, str) or source not in KINDS:
        return  # the meta-schema explains it
    if source not in kinds.values():
        names = ", ".join(kinds) or "none"
        example = {"matomo": "_paq", "matomo-tm": "_mtm", "acdl": "adobeDataLayer"}.get(
            source, "digitalData" if source == "ceddl" else "dataLayer"
        )
        yield plan_error(
            f"event `{event}` matches on source `{source}`, but no data layer of that kind is "
            f"captured (data_layers: {names})",
            pos.value(f"{ptr}/source"),
            f"add `{example}` (or {{name: ..., kind: {source}}}) to `data_layers`",
        )
    if "command" in rule and source not in _COMMAND_KINDS:
        yield plan_error(
            f"`command` identifies Matomo `_paq` calls; a `{source}` event is named by `event`",
            pos.key(f"{ptr}/command"),
            "write `event: NAME` for this source",
        )
    if source == "matomo":
        if "event" in rule:
            yield plan_error(
                "a Matomo `_paq` call is identified by `command` (e.g. trackEvent), not `event`",
                pos.key(f"{ptr}/event"),
                "write `command: trackEvent` and match its arguments: `category: Video`",
            )
        command = rule.get("command")
        if isinstance(command, str) and command not in MATOMO_EVENTS:
            known = (
                "a command, not a tracking call" if command in COMMANDS else "not a tracking call"
            )
            yield plan_error(
                f"`{command}` is {known} of Matomo's tracker: it never becomes an event",
                pos.value(f"{ptr}/command"),
                did_you_mean(command, MATOMO_EVENTS)
                or "match a tracking call such as trackEvent, trackGoal or trackEcommerceOrder",
            )
