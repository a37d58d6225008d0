"""Validation: events + plan -> Findings (pure).

`engine` checks one compiled event schema (jsonschema_rs fast path, ECMA-262 patterns via
`regex`); `events.Validator` applies the event-level rules over a stream of Events.
"""

from __future__ import annotations

from tracker_check.validate.events import Validator, validate_events

__all__ = ["Validator", "validate_events"]
