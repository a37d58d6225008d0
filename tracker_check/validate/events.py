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
- the plan's `consent:` section: `consent_rules.ConsentRules` (consent-order, -purposes,
  -denied, -override) after the rules above, on page streams only.
- pii (unless `privacy.pii: off`): personal data in any record or page URL (`pii`); the
  standalone fast path folds the check into `fast_check`'s validity function.
- GTAG_ARRAY -> gtag-array-command. DATA, COMMAND and FUNCTION records are never events.

Top-level parameters named `gtm.*` (GTM adds `gtm.uniqueEventId` to pushes) never count as
unexpected. The valid path is one dict lookup and one `is_valid` call: findings are built
only for events that break a rule. What is kept per document (consent, the data model, the
`ecommerce` subtree) lives in `model_state`; how each finding reads, in `findings`.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Iterable
from typing import Any

from tracker_check.compile import compile_event, effective_policy
from tracker_check.errors import PlanError
from tracker_check.models import Event, EventKind, Finding, Severity
from tracker_check.paths import is_index
from tracker_check.plan.model import EventSpec, Plan
from tracker_check.rules import rule
from tracker_check.validate import findings
from tracker_check.validate.consent_rules import ConsentRules
from tracker_check.validate.engine import UNEXPECTED, EventSchema
from tracker_check.validate.messages import display_path
from tracker_check.validate.model_state import NO_VALUE, DocumentState, has_dotted_ecommerce
from tracker_check.validate.pii import PiiScanner
from tracker_check.validate.regex import PatternError

_POLICY_SEVERITY = {"error": Severity.ERROR, "warn": Severity.WARNING}


class _Planned:
    """Everything the hot path needs about one planned event, resolved once."""

    __slots__ = (
        "alone",
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
        # nothing but the schema to check on a lone record: no deprecation, uniqueness, model
        self.alone = not self.unique and self.deprecated is None and not self.model_scope
        # ... and on a page: no consent either
        self.plain = self.alone and not consent_checked(plan)


UniqueKey = tuple[str, str, str]  # (event, dotted path, canonical JSON of the value)
UniqueValue = tuple[str, tuple[str | int, ...], UniqueKey, Any]  # dotted, parts, key, value


class Validator:
    """Checks a stream of Events against a plan. One instance per run (duplicates, consent).

    `standalone=True`: every record stands alone (an export of events from many sessions),
    so nothing is carried from one record to the next but `unique` values: no data model
    across records (no stale-model-data), and no consent rule (a lone record has no page
    whose consent default could come first). A `scope: model` event's model is its own push.
    """

    def __init__(self, plan: Plan, *, standalone: bool = False) -> None:
        self.plan = plan
        self.standalone = standalone
        self._planned = {name: _Planned(plan, spec) for name, spec in plan.events.items()}
        self._unplanned = _POLICY_SEVERITY.get(plan.settings.unplanned_events)
        self._consent = not standalone and (
            plan.settings.consent == "required"
            or (plan.consent is not None and plan.consent.mode == "required")
        )
        rules = ConsentRules(plan)
        self._rules = rules if rules.active and not standalone else None
        pii = PiiScanner(plan.privacy)
        self._pii = pii if pii.active else None
        self._full_model = any(p.model_scope for p in self._planned.values())
        self._docs: dict[str, DocumentState] = {}
        self._seen: dict[UniqueKey, Event] = {}  # -> the first event that sent it
        # when set (parallel offline validation), `unique` values are collected here in
        # stream order instead of judged, and `judge_unique` judges them in file order later
        self.deferred_unique: list[tuple[Event, list[UniqueValue]]] | None = None

    def schema(self, name: str) -> EventSchema:
        return self._planned[name].schema

    def fast_check(self, name: str) -> tuple[Any, bool] | None:
        """(is_valid, has_unique) for a planned event that a lone record can settle with its
        schema check (plus `note_unique` when has_unique), or None: offline validation's hot
        path for standalone records. When is_valid(parameters) fails, call `check` for the
        findings: the verdict is the same."""
        planned = self._planned.get(name)
        if planned is None or not self.standalone:
            return None
        if planned.deprecated is not None or planned.model_scope:
            return None
        if self._pii is None:
            return planned.is_valid, bool(planned.unique)
        is_valid, clean = planned.is_valid, self._pii.clean
        return (lambda params: is_valid(params) and clean(params)), bool(planned.unique)

    def note_unique(self, event: Event) -> list[Finding]:
        """The `unique` values of a planned event whose schema check passed (see fast_check);
        `event` needs its name, index, origin and parameters."""
        planned = self._planned[event.name or ""]
        return self._duplicates(event, planned, event.parameters)

    def check_all(self, events: Iterable[Event]) -> list[Finding]:
        """`check` over many events, with the two commonest records inlined.

        Same findings as calling `check` per event (a test holds them equal): only
        `{ecommerce: null}` clears and schema-only events on a clean model skip the call.
        """
        found: list[Finding] = []
        add, check = found.extend, self.check
        if self._full_model or self.standalone or self._rules is not None:
            for event in events:
                add(check(event))
            return found
        planned_get, docs = self._planned.get, self._docs
        pii = self._pii.findings if self._pii is not None else None
        last_key: str | None = None
        doc: DocumentState | None = None
        for event in events:
            key = event.document
            if key != last_key or doc is None:
                doc = docs.get(key)
                if doc is None:
                    doc = docs[key] = DocumentState(False)
                last_key = key
            kind, params = event.kind, event.parameters
            if kind is _DATA:
                if params.get("ecommerce", NO_VALUE) is None:
                    if doc.eco_dirty:
                        doc.eco_reset()
                    continue
            elif kind is _EVENT and event.source == "gtm" and not doc.eco_dirty:
                eco = params.get("ecommerce", NO_VALUE)
                if type(eco) is dict and "__type" not in eco and eco.get("_clear") is not True:
                    planned = planned_get(event.name)  # type: ignore[arg-type]
                    if planned is not None and planned.plain:
                        doc.eco_push(event)
                        if not planned.is_valid(params):
                            add(self._violations(event, planned, params))
                        if pii is not None:
                            add(pii(event))
                        continue
            add(check(event))
        return found

    def check(self, event: Event) -> list[Finding]:
        found = self._check(event)
        if event.source == "matomo":  # the tracker's argument rules hold planned or not
            found = [*found, *findings.matomo_arguments(event)]
        if self._rules is not None:
            more = self._rules.check(event)
            if more:
                found = [*found, *more]
        if self._pii is not None:
            more = self._pii.findings(event)
            if more:
                found = [*found, *more]
        return found

    def _check(self, event: Event) -> list[Finding]:
        if self.standalone:
            if event.kind is _EVENT:  # a lone record: no page state to follow
                planned = self._planned.get(event.name)  # type: ignore[arg-type]
                if planned is not None and planned.alone:
                    if planned.is_valid(event.parameters):
                        return []
                    return self._violations(event, planned, event.parameters)
            doc = DocumentState(self._full_model)
        else:
            known = self._docs.get(event.document)
            if known is None:
                known = self._docs[event.document] = DocumentState(self._full_model)
            doc = known
        doc.apply_model(event)
        kind = event.kind
        params = event.parameters
        if kind is _EVENT:
            stale = None
            if event.source == "gtm":
                eco = params.get("ecommerce", NO_VALUE)
                if eco is NO_VALUE and not has_dotted_ecommerce(params):
                    pass
                elif type(eco) is dict and "__type" not in eco and not doc.eco_dirty:
                    doc.eco_push(event)  # the model's ecommerce is now this push's
                else:
                    leak = doc.track_ecommerce(event)
                    stale = None if leak is None else findings.stale_model_data(event, leak)
            planned = self._planned.get(event.name)  # type: ignore[arg-type]
            if planned is None:
                return self._unplanned_event(event, stale)
            if planned.plain and stale is None:  # the hot path
                if planned.is_valid(params):
                    return []
                return self._violations(event, planned, params)
            return self._planned_event(event, doc, planned, stale)
        if kind is _DATA:
            eco = params.get("ecommerce", NO_VALUE)
            if eco is None:
                if doc.eco_dirty:
                    doc.eco_reset()
            elif eco is not NO_VALUE or has_dotted_ecommerce(params):
                doc.track_ecommerce(event)
        elif kind is _COMMAND:
            doc.command(event)
        elif kind is _GTAG_ARRAY:
            return [findings.gtag_array(event)]
        return []

    # --- events -------------------------------------------------------------------------

    def _unplanned_event(self, event: Event, stale: Finding | None) -> list[Finding]:
        if self._unplanned is None or event.is_gtm_internal:
            return [stale] if stale else []
        found = [findings.unplanned(event, self.plan.events, self._unplanned)]
        return [*found, stale] if stale else found

    def _planned_event(
        self, event: Event, doc: DocumentState, planned: _Planned, stale: Finding | None
    ) -> list[Finding]:
        found: list[Finding] = []
        if self._consent and not doc.consent:
            found.append(findings.consent(event))
        if planned.deprecated is not None:
            found.append(findings.deprecated(event, planned.deprecated))
        instance = self._instance(event, doc, planned)
        if not planned.is_valid(instance):
            found.extend(self._violations(event, planned, instance))
        if stale is not None:
            found.append(stale)
        found = findings.distinct(found)
        if planned.unique:  # always last: parallel validation appends them in file order
            found.extend(self._duplicates(event, planned, instance))
        return found

    def _instance(self, event: Event, doc: DocumentState, planned: _Planned) -> Any:
        state = doc.model_params(event) if planned.model_scope else None
        return event.parameters if state is None else state

    def _violations(self, event: Event, planned: _Planned, instance: Any) -> list[Finding]:
        out = []
        for v in planned.schema.violations(instance):
            if v.code == UNEXPECTED:
                if isinstance(v.path[0], str) and v.path[0].startswith("gtm."):
                    continue
                severity = planned.unexpected or Severity.WARNING
            else:
                severity = rule(v.code).severity
            out.append(findings.violation(event, v, severity))
        return findings.distinct(out)

    def _duplicates(self, event: Event, planned: _Planned, instance: Any) -> list[Finding]:
        values: list[UniqueValue] = []
        name = event.name or ""
        for dotted, parts in planned.unique:
            value = _get(instance, parts)
            if value is NO_VALUE or value is None:
                continue
            key = (name, dotted, json.dumps(_same_number(value), sort_keys=True, default=str))
            values.append((dotted, parts, key, copy.deepcopy(value)))
        if not values:
            return []
        if self.deferred_unique is not None:
            # only what a finding names: the record itself may be large
            self.deferred_unique.append((_bare(event), values))
            return []
        return self.judge_unique(event, values)

    def judge_unique(self, event: Event, values: list[UniqueValue]) -> list[Finding]:
        """duplicate-event findings of one event's `unique` values, in stream order."""
        out = []
        bare: Event | None = None
        for dotted, parts, key, value in values:
            first = self._seen.get(key)
            if first is None:
                if bare is None:
                    bare = event if event.raw is None and not event.parameters else _bare(event)
                self._seen[key] = bare
            else:
                out.append(findings.duplicate(event, dotted, parts, value, first))
        return out


_EVENT, _DATA, _COMMAND, _GTAG_ARRAY = (
    EventKind.EVENT,
    EventKind.DATA,
    EventKind.COMMAND,
    EventKind.GTAG_ARRAY,
)


def _bare(event: Event) -> Event:
    """The event without its payload: what a duplicate-event finding names of it."""
    return dataclasses.replace(event, parameters={}, raw=None, args=())


def _split(dotted: str) -> tuple[str | int, ...]:
    return tuple(int(p) if is_index(p) else p for p in dotted.split("."))


def _same_number(value: Any) -> Any:
    """Integral floats as ints (JSON, like JS, has one number type: 1 and 1.0 are equal)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _same_number(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_same_number(v) for v in value]
    return value


def _get(value: Any, parts: tuple[str | int, ...]) -> Any:
    for part in parts:
        if isinstance(value, dict) and str(part) in value:
            value = value[str(part)]
        elif isinstance(value, list) and isinstance(part, int) and part < len(value):
            value = value[part]
        else:
            return NO_VALUE
    return value


def consent_checked(plan: Plan) -> bool:
    """Does the plan ask for consent rules on pages (settings.consent or `consent:`)?"""
    return plan.settings.consent == "required" or (
        plan.consent is not None and plan.consent.mode != "off"
    )


def validate_events(plan: Plan, events: Iterable[Event]) -> list[Finding]:
    """All findings of one stream of events (a fresh Validator)."""
    return Validator(plan).check_all(events)


__all__ = ["Validator", "display_path", "validate_events"]
