"""Event-level rules over a stream of captured Events -> Findings. Pure, stateful.

`Validator(plan).check(event)` is called once per record in capture order (a run, or an
offline EVENTS file). Per record:

- EVENT whose name the plan lacks -> unplanned-event (severity from
  `settings.unplanned_events`; `ignore` reports nothing; `gtm.*` never counts).
- planned EVENT -> its compiled schema: missing-parameter / invalid-parameter /
  unexpected-parameter (error or warning per the additional-parameters policy); plus
  deprecated-event (the plan's note in the message) and duplicate-event (a `unique` dotted
  path's value seen before in this stream; numeric segments index arrays).
- `scope: model` events are checked against the merged GTM data model of their document
  after the push (the `event` key and GTM's own `gtm` object removed), not the push.
- stale-model-data: a GTM ecommerce push (`ecommerce` object) whose `ecommerce.items` in
  the document's merged model differ from the items in the push itself.
- consent (`settings.consent: required`): a planned event on a document that has not yet
  pushed `gtag('consent', 'default', ...)`.
- GTAG_ARRAY -> gtag-array-command. DATA, COMMAND and FUNCTION records are never events.

Top-level parameters named `gtm.*` (GTM adds `gtm.uniqueEventId` to pushes) never count as
unexpected. The valid path is one dict lookup and one `is_valid` call: findings are built
only for events that break a rule.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from typing import Any

from tracker_check.compile import compile_event, effective_policy
from tracker_check.datamodel import DataModel
from tracker_check.errors import PlanError
from tracker_check.models import Event, EventKind, Finding, Severity
from tracker_check.plan.model import EventSpec, Plan
from tracker_check.rules import rule
from tracker_check.validate.engine import MISSING, UNEXPECTED, EventSchema, Violation
from tracker_check.validate.messages import display_path, pointer
from tracker_check.validate.regex import PatternError

_POLICY_SEVERITY = {"error": Severity.ERROR, "warn": Severity.WARNING}
_NO_VALUE = object()


class _Planned:
    """Everything the hot path needs about one planned event, resolved once."""

    __slots__ = (
        "deprecated",
        "is_valid",
        "model_scope",
        "plain",
        "schema",
        "spec",
        "unexpected",
        "unique",
    )

    def __init__(self, plan: Plan, spec: EventSpec) -> None:
        self.spec = spec
        try:
            self.schema = EventSchema(spec.name, compile_event(plan, spec.name))
        except ValueError as exc:  # PatternError, or a schema the engine refuses; lint sees most
            detail = str(exc) if isinstance(exc, PatternError) else str(exc).splitlines()[0]
            message = f"event {spec.name!r}: {detail}"
            hint = "JSON Schema patterns are ECMA-262 regular expressions"
            finding = Finding(
                "plan-error",
                Severity.ERROR,
                message,
                event=spec.name,
                hint=hint,
                location=spec.location,
            )
            raise PlanError([finding]) from None
        self.is_valid = self.schema.is_valid
        self.unexpected = _POLICY_SEVERITY.get(effective_policy(plan, spec))
        self.unique = tuple((p, _split(p)) for p in spec.unique)
        self.deprecated = spec.deprecated
        self.model_scope = spec.scope == "model"
        # nothing but the schema to check: no consent, deprecation, uniqueness or model
        self.plain = (
            not self.unique
            and self.deprecated is None
            and not self.model_scope
            and plan.settings.consent != "required"
        )


class _Document:
    """Per-document state: consent seen, and the GTM data model (kept lazily)."""

    __slots__ = ("consent", "eco_dirty", "eco_model", "eco_pending", "model")

    def __init__(self, full_model: bool) -> None:
        self.consent = False
        self.model: DataModel | None = DataModel() if full_model else None
        # The `ecommerce` subtree since it was last cleared: the pushes that wrote it, merged
        # into a DataModel only when a stale-items check needs it (keeps the valid path cheap).
        self.eco_pending: list[Event] = []
        self.eco_model: DataModel | None = None
        self.eco_dirty = False  # eco_pending or eco_model holds something

    def eco_push(self, event: Event) -> None:
        self.eco_pending.append(event)
        self.eco_dirty = True

    def eco_state(self) -> DataModel:
        if self.eco_model is None:
            self.eco_model = DataModel()
        for event in self.eco_pending:
            self.eco_model.apply(event)
        self.eco_pending.clear()
        return self.eco_model

    def eco_reset(self) -> None:
        self.eco_pending.clear()
        self.eco_model = None
        self.eco_dirty = False


class Validator:
    """Checks a stream of Events against a plan. One instance per run (duplicates, consent)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._planned = {name: _Planned(plan, spec) for name, spec in plan.events.items()}
        self._unplanned = _POLICY_SEVERITY.get(plan.settings.unplanned_events)
        self._consent = plan.settings.consent == "required"
        self._full_model = any(p.model_scope for p in self._planned.values())
        self._docs: dict[str, _Document] = {}
        self._seen: dict[tuple[str, str, str], int] = {}  # (event, path, value) -> first index

    def schema(self, name: str) -> EventSchema:
        return self._planned[name].schema

    def check_all(self, events: Iterable[Event]) -> list[Finding]:
        """`check` over many events, with the two commonest records inlined.

        Same findings as calling `check` per event (a test holds them equal): only
        `{ecommerce: null}` clears and schema-only events on a clean model skip the call.
        """
        findings: list[Finding] = []
        add, check = findings.extend, self.check
        if self._full_model:
            for event in events:
                add(check(event))
            return findings
        planned_get, docs = self._planned.get, self._docs
        last_key: str | None = None
        doc: _Document | None = None
        for event in events:
            key = event.document
            if key != last_key or doc is None:
                doc = docs.get(key)
                if doc is None:
                    doc = docs[key] = _Document(False)
                last_key = key
            kind, params = event.kind, event.parameters
            if kind is _DATA:
                if params.get("ecommerce", _NO_VALUE) is None:
                    if doc.eco_dirty:
                        doc.eco_reset()
                    continue
            elif kind is _EVENT and event.source == "gtm" and not doc.eco_dirty:
                eco = params.get("ecommerce", _NO_VALUE)
                if type(eco) is dict and "__type" not in eco and eco.get("_clear") is not True:
                    planned = planned_get(event.name)  # type: ignore[arg-type]
                    if planned is not None and planned.plain:
                        doc.eco_push(event)
                        if not planned.is_valid(params):
                            add(self._violations(event, planned, params))
                        continue
            add(check(event))
        return findings

    def check(self, event: Event) -> list[Finding]:
        doc = self._docs.get(event.document)
        if doc is None:
            doc = self._docs[event.document] = _Document(self._full_model)
        if doc.model is not None:
            doc.model.apply(event)
        kind = event.kind
        params = event.parameters
        if kind is _EVENT:
            stale = None
            if event.source == "gtm":
                eco = params.get("ecommerce", _NO_VALUE)
                if eco is _NO_VALUE and not _has_dotted_ecommerce(params):
                    pass
                elif type(eco) is dict and "__type" not in eco and not doc.eco_dirty:
                    doc.eco_push(event)  # the model's ecommerce is now this push's
                else:
                    stale = self._track_ecommerce(event, doc)
            planned = self._planned.get(event.name)  # type: ignore[arg-type]
            if planned is None:
                return self._unplanned_event(event, stale)
            if planned.plain and stale is None:  # the hot path
                if planned.is_valid(params):
                    return []
                return self._violations(event, planned, params)
            return self._planned_event(event, doc, planned, stale)
        if kind is _DATA:
            eco = params.get("ecommerce", _NO_VALUE)
            if eco is None:
                if doc.eco_dirty:
                    doc.eco_reset()
            elif eco is not _NO_VALUE or _has_dotted_ecommerce(params):
                self._track_ecommerce(event, doc)
        elif kind is _COMMAND:
            self._command(event, doc)
        elif kind is _GTAG_ARRAY:
            return [self._gtag_array(event)]
        return []

    # --- events -------------------------------------------------------------------------

    def _unplanned_event(self, event: Event, stale: Finding | None) -> list[Finding]:
        if self._unplanned is None or event.is_gtm_internal:
            return [stale] if stale else []
        found = [self._unplanned_finding(event, event.name or "", self._unplanned)]
        return [*found, stale] if stale else found

    def _planned_event(
        self, event: Event, doc: _Document, planned: _Planned, stale: Finding | None
    ) -> list[Finding]:
        name = event.name or ""
        findings: list[Finding] = []
        if self._consent and not doc.consent:
            findings.append(self._finding(event, "consent", _consent_message(name), hint=_HINT))
        if planned.deprecated is not None:
            note = planned.deprecated
            message = f"{name} is deprecated: {note}" if note else f"{name} is deprecated"
            findings.append(self._finding(event, "deprecated-event", message))
        instance = self._instance(event, doc, planned)
        if not planned.is_valid(instance):
            findings.extend(self._violations(event, planned, instance))
        if planned.unique:
            findings.extend(self._duplicates(event, planned, instance))
        if stale is not None:
            findings.append(stale)
        return findings

    def _instance(self, event: Event, doc: _Document, planned: _Planned) -> Any:
        if not planned.model_scope or doc.model is None:
            return event.parameters
        state = doc.model.state
        state.pop("event", None)
        state.pop("gtm", None)
        return state

    def _violations(self, event: Event, planned: _Planned, instance: Any) -> list[Finding]:
        out = []
        for v in planned.schema.violations(instance):
            if v.code == UNEXPECTED:
                if isinstance(v.path[0], str) and v.path[0].startswith("gtm."):
                    continue
                severity = planned.unexpected or Severity.WARNING
            else:
                severity = rule(v.code).severity
            out.append(self._violation(event, v, severity))
        return out

    def _violation(self, event: Event, v: Violation, severity: Severity) -> Finding:
        hint = None
        if v.code == UNEXPECTED:
            hint = "add it to the plan, or remove it from the push (it may be debug data or PII)"
        elif v.code == MISSING and not v.path[:-1]:
            hint = "listed parameters are required unless marked `optional: true`"
        return Finding(
            v.code,
            severity,
            f"{event.name}: {v.message}",
            flow=event.flow,
            step=event.step,
            event=event.name,
            event_index=event.index,
            pointer=v.pointer,
            expected=v.expected,
            actual=v.actual,
            hint=hint,
            url=event.url,
        )

    def _duplicates(self, event: Event, planned: _Planned, instance: Any) -> list[Finding]:
        out = []
        name = event.name or ""
        for dotted, parts in planned.unique:
            value = _get(instance, parts)
            if value is _NO_VALUE or value is None:
                continue
            key = (name, dotted, json.dumps(value, sort_keys=True, default=str))
            first = self._seen.get(key)
            if first is None:
                self._seen[key] = event.index
            else:
                message = (
                    f"{name}: {dotted} {json.dumps(value, default=str)} was already sent by "
                    f"event #{first}"
                )
                out.append(
                    self._finding(
                        event,
                        "duplicate-event",
                        message,
                        pointer=pointer(tuple(parts)),
                        actual=value,
                        hint="send each unique value once (e.g. guard the purchase push "
                        "against page reloads)",
                    )
                )
        return out

    # --- the GTM data model -----------------------------------------------------------

    def _track_ecommerce(self, event: Event, doc: _Document) -> Finding | None:
        """Follow the document's `ecommerce` subtree; a stale-model-data Finding or None."""
        params = event.parameters
        eco = params.get("ecommerce", _NO_VALUE)
        if eco is not _NO_VALUE and not _is_container(eco):
            if doc.eco_pending or doc.eco_model is not None:
                doc.eco_reset()  # `{ecommerce: null}` (or any scalar) clears the subtree
            return None
        was_dirty = doc.eco_dirty
        if isinstance(eco, dict) and (eco.get("_clear") is True or params.get("_clear") is True):
            doc.eco_reset()
            was_dirty = False
        doc.eco_push(event)
        if event.kind is not EventKind.EVENT or not was_dirty or not isinstance(eco, dict):
            return None
        own = eco.get("items")
        merged = doc.eco_state().get("ecommerce.items")
        if merged == own:
            return None
        return self._stale(event, own, merged)

    def _stale(self, event: Event, own: Any, merged: Any) -> Finding:
        def count(items: Any) -> str:
            return f"{len(items)} item(s)" if isinstance(items, list) else "no items"

        message = (
            f"{event.name}: the GTM data model's ecommerce.items ({count(merged)}) differ from "
            f"this push's ({count(own)}): items of an earlier push leak into this event"
        )
        return self._finding(
            event,
            "stale-model-data",
            message,
            pointer="/ecommerce/items",
            expected=own,
            actual=merged,
            hint="push {ecommerce: null} before every ecommerce event",
        )

    def _command(self, event: Event, doc: _Document) -> None:
        if event.name == "consent" and event.args[:1] == ("default",):
            doc.consent = True
        elif event.source == "gtag" and event.name == "set":
            if any(isinstance(a, dict) and "ecommerce" in a for a in event.args) or (
                event.args and str(event.args[0]).split(".")[0] == "ecommerce"
            ):
                doc.eco_push(event)
        elif event.source == "gtm" and (event.name or "").startswith("ecommerce."):
            doc.eco_push(event)

    # --- findings -----------------------------------------------------------------------

    def _gtag_array(self, event: Event) -> Finding:
        shown = ", ".join(json.dumps(a, default=str) for a in event.args[:2])
        return self._finding(
            event,
            "gtag-array-command",
            f"gtag({shown}, ...) was pushed as a plain array; gtag.js ignores it",
            hint="define gtag as `function gtag(){dataLayer.push(arguments);}`",
        )

    def _unplanned_finding(self, event: Event, name: str, severity: Severity) -> Finding:
        close = difflib.get_close_matches(name, list(self.plan.events), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "add it to `events:` in the plan"
        message = f"{name} is not in the tracking plan"
        return self._finding(event, "unplanned-event", message, severity=severity, hint=hint)

    def _finding(
        self,
        event: Event,
        code: str,
        message: str,
        *,
        severity: Severity | None = None,
        pointer: str | None = "",
        expected: Any = None,
        actual: Any = None,
        hint: str | None = None,
    ) -> Finding:
        return Finding(
            code,
            severity or rule(code).severity,
            message,
            flow=event.flow,
            step=event.step,
            event=event.name,
            event_index=event.index,
            pointer=pointer,
            expected=expected,
            actual=actual,
            hint=hint,
            url=event.url,
        )


_EVENT, _DATA, _COMMAND, _GTAG_ARRAY = (
    EventKind.EVENT,
    EventKind.DATA,
    EventKind.COMMAND,
    EventKind.GTAG_ARRAY,
)


def _has_dotted_ecommerce(params: dict[str, Any]) -> bool:
    """A key such as `ecommerce.items` (GTM expands dotted keys into the model)."""
    return any(key.startswith("ecommerce.") for key in params)


def _is_container(value: Any) -> bool:
    return isinstance(value, list) or (isinstance(value, dict) and "__type" not in value)


_HINT = "push gtag('consent', 'default', {...}) before any tracking on every page"


def _consent_message(name: str) -> str:
    return f"{name} fired before any consent default on its page"


def _split(dotted: str) -> tuple[str | int, ...]:
    return tuple(int(p) if p.isdigit() else p for p in dotted.split("."))


def _get(value: Any, parts: tuple[str | int, ...]) -> Any:
    for part in parts:
        if isinstance(value, dict) and str(part) in value:
            value = value[str(part)]
        elif isinstance(value, list) and isinstance(part, int) and part < len(value):
            value = value[part]
        else:
            return _NO_VALUE
    return value


def validate_events(plan: Plan, events: Iterable[Event]) -> list[Finding]:
    """All findings of one stream of events (a fresh Validator)."""
    return Validator(plan).check_all(events)


__all__ = ["Validator", "display_path", "validate_events"]
