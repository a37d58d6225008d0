"""Validation: events + plan -> Findings (pure).

`engine` checks one compiled event schema (jsonschema_rs fast path, ECMA-262 patterns via
`regex`); `events.Validator` applies the event-level rules over a stream of Events.

`Validator` and `validate_events` are loaded on first use: `plan.lint` imports
`validate.regex` (the one pattern check) and must not pay for importing both JSON Schema
engines just to lint a plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker_check.validate.events import Validator, validate_events

__all__ = ["Validator", "validate_events"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from tracker_check.validate import events

        return getattr(events, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
