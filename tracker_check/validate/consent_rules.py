"""The plan's consent rules over a stream of records (docs/consent.md). Pure, stateful.

`ConsentRules(plan).check(event)` runs after the Validator's own rules for each record of a
page stream (never for standalone records). Per document it follows the consent state
(`consent.ConsentTracker`) and reports:

- consent-order: `gtm.js`, a gtag `config` or a planned event before the page's first
  Consent Mode default. `mode: required`: at once (planned events keep the `consent` code the
  Validator reports). `mode: auto`: only on a page that pushes a default at all, when its
  first default arrives (then naming the first record of each kind that ran before it).
  Also an `update` with no `default` before it on its page (auto: once a default follows;
  a page whose default is set inside GTM by a template pushes none, and is left alone).
- consent-purposes: the page's defaults leave a v2 purpose unset, judged at the page's first
  record after them that is not a consent command.
- consent-denied: a planned event with `consent: [purposes]` while one is not granted.
- consent-override: under the `deny`/`ignore` choice, a purpose of `deny_purposes` granted.
"""

from __future__ import annotations

from tracker_check.models import Event, EventKind, Finding, Severity
from tracker_check.plan.model import DENYING_CHOICES, V2_PURPOSES, Plan
from tracker_check.validate.consent import ConsentState, ConsentTracker, consent_command
from tracker_check.validate.findings import event_finding

_STRONG = ("ad_storage", "analytics_storage")  # unset counts as granted: an error
_DEFAULT_HINT = (
    "push gtag('consent', 'default', {...}) in the page's <head>, before the GTM snippet and "
    "any gtag('config')"
)


class _Doc:
    __slots__ = ("before", "early_update", "judged", "tracker")

    def __init__(self, region: str | None) -> None:
        self.tracker = ConsentTracker(region)
        # the first tracking record of each kind before any consent command (auto mode)
        self.before: dict[str, Event] = {}
        # an `update` before any default (auto mode: reported once a default shows the page
        # sets its defaults on the page; a default set inside GTM is never pushed here)
        self.early_update: tuple[Event, ConsentState] | None = None
        self.judged = False  # the defaults' purposes were judged


def _what(event: Event) -> str:
    if event.kind is EventKind.COMMAND:
        target = event.args[0] if event.args else ""
        return f"gtag('config', {target!r})" if target else "gtag('config')"
    return f"event {event.name}"


class ConsentRules:
    def __init__(self, plan: Plan) -> None:
        spec = plan.consent
        self.active = spec is not None and spec.mode != "off"
        self.required = spec is not None and spec.mode == "required"
        self.region = spec.region if spec is not None else None
        self.deny_purposes = frozenset(spec.deny_purposes if spec is not None else V2_PURPOSES)
        self.needs = {name: e.consent for name, e in plan.events.items() if e.consent}
        self.planned = frozenset(plan.events)
        self.choice = {f.name: f.consent_choice for f in plan.flows if f.consent_choice}
        self._docs: dict[str, _Doc] = {}

    def check(self, event: Event) -> list[Finding]:
        doc = self._docs.get(event.document)
        if doc is None:
            doc = self._docs[event.document] = _Doc(self.region)
        had_default = doc.tracker.state.default
        change = doc.tracker.apply(event)
        found: list[Finding] = []
        if change.kind is not None:
            if change.kind == "default" and not had_default:
                found.extend(self._late_default(doc, event))
            elif change.kind == "update" and not had_default:
                if self.required:
                    found.append(self._update_first(event, doc.tracker.state))
                elif doc.early_update is None:
                    doc.early_update = (event, doc.tracker.state)
            found.extend(self._override(event, change.granted, doc.tracker.state))
            return found
        if doc.tracker.state.default and not doc.judged:
            doc.judged = True
            found.extend(self._purposes(event, doc))
        tracking = _is_tracking(event, self.planned)
        if tracking and not doc.tracker.state.default:
            if self.required and not _is_planned(event, self.planned):
                found.append(self._before(event, None))
            elif not self.required:
                kind = event.name if event.kind is EventKind.EVENT else "config"
                doc.before.setdefault(kind or "", event)
        if event.kind is EventKind.EVENT and event.name in self.needs:
            found.extend(self._denied(event, self.needs[event.name], doc.tracker.state))
        return found

    # -- findings --------------------------------------------------------------------------
    def _late_default(self, doc: _Doc, consent: Event) -> list[Finding]:
        out = [self._before(early, consent) for early in doc.before.values()]
        doc.before.clear()
        if doc.early_update is not None:
            out.append(self._update_first(*doc.early_update))
            doc.early_update = None
        return out

    def _before(self, early: Event, consent: Event | None) -> Finding:
        what = _what(early)
        later = (
            f" (the default is record {consent.index})"
            if consent is not None
            else " (the page pushed none before it)"
        )
        return event_finding(
            early,
            "consent-order",
            f"{what} ran before the page's Consent Mode default{later}",
            hint=_DEFAULT_HINT,
        )

    def _update_first(self, event: Event, state: ConsentState) -> Finding:
        return event_finding(
            event,
            "consent-order",
            "gtag('consent', 'update') came before any consent default on its page "
            "(a stored choice replayed before the default?)",
            actual=state.to_json(),
            hint="push the default first on every page, then the stored choice as an update",
        )

    def _purposes(self, event: Event, doc: _Doc) -> list[Finding]:
        have = doc.tracker.defaults_set()
        missing = [p for p in V2_PURPOSES if p not in have]
        if not missing:
            return []
        strong = any(p in _STRONG for p in missing)
        return [
            event_finding(
                event,
                "consent-purposes",
                f"the page's Consent Mode default does not set {', '.join(missing)}",
                severity=Severity.ERROR if strong else Severity.WARNING,
                expected=list(V2_PURPOSES),
                actual=doc.tracker.state.to_json(),
                hint="set every v2 purpose in the default, e.g. ad_user_data: 'denied'",
            )
        ]

    def _denied(self, event: Event, needs: tuple[str, ...], state: ConsentState) -> list[Finding]:
        if state.uses_consent_mode:
            bad = [p for p in needs if state.get(p) != "granted"]
        elif self.choice.get(event.flow or "") in DENYING_CHOICES:
            bad = list(needs)  # no Consent Mode on the page, and the user said no
        else:
            return []
        if not bad:
            return []
        told = ", ".join(f"{p} {state.get(p) or 'unset'}" for p in bad)
        return [
            event_finding(
                event,
                "consent-denied",
                f"{event.name} fired while {told} (consent: {state.brief()})",
                expected={p: "granted" for p in needs},
                actual=state.to_json(),
                hint="fire it only once the purposes it needs are granted (a GTM consent check)",
            )
        ]

    def _override(
        self, event: Event, granted: tuple[str, ...], state: ConsentState
    ) -> list[Finding]:
        choice = self.choice.get(event.flow or "")
        if choice not in DENYING_CHOICES or not granted:
            return []
        bad = [p for p in granted if p in self.deny_purposes or p == "matomo"]
        if not bad:
            return []
        command = consent_command(event)
        what = f"gtag('consent', '{command[0]}')" if command else "Matomo consent"
        return [
            event_finding(
                event,
                "consent-override",
                f"{what} granted {', '.join(bad)} although the user chose {choice!r}",
                actual=state.to_json(),
                hint="only grant what the banner's answer allows; under deny nothing is granted",
            )
        ]


def _is_planned(event: Event, planned: frozenset[str]) -> bool:
    return event.kind is EventKind.EVENT and event.name in planned


def _is_tracking(event: Event, planned: frozenset[str]) -> bool:
    """gtm.js, a gtag `config` command, or a planned event."""
    if event.kind is EventKind.EVENT:
        return event.name == "gtm.js" or event.name in planned
    return event.kind is EventKind.COMMAND and event.name == "config" and event.source == "gtag"
