"""Consent state per page and the plan's consent rules (validate/consent*.py)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tracker_check.models import Event, Severity
from tracker_check.plan.lint import lint_text
from tracker_check.plan.model import Plan
from tracker_check.sources.gtm import normalize
from tracker_check.validate.consent import ConsentTracker, page_state_at, states
from tracker_check.validate.events import validate_events

DENIED = {p: "denied" for p in ("ad_storage", "analytics_storage", "ad_user_data")} | {
    "ad_personalization": "denied"
}
GRANTED = {p: "granted" for p in DENIED}


def plan_of(extra: str = "consent: {}\n", events: str = "") -> Plan:
    text = (
        "version: 1\nevents:\n  add_to_cart:\n    consent: [analytics_storage]\n"
        "  view_item: {}\n" + events + extra
    )
    plan, errors = lint_text(text, "plan.yaml")
    assert not errors, [str(e.message) for e in errors]
    assert plan is not None
    return plan


def gtag(*items: Any) -> dict[str, Any]:
    return {"__type": "arguments", "items": list(items)}


def stream(*raws: Any, flow: str | None = None, document: str = "0") -> list[Event]:
    out = []
    for i, raw in enumerate(raws):
        layer = "_paq" if isinstance(raw, list) else "dataLayer"
        e = normalize(raw, index=i, document=document, data_layer=layer)
        out.append(dataclasses.replace(e, flow=flow))
    return out


def found(plan: Plan, *raws: Any, flow: str | None = None) -> list[tuple[str, int | None]]:
    return [(f.code, f.event_index) for f in validate_events(plan, stream(*raws, flow=flow))]


DEFAULT = gtag("consent", "default", DENIED)
GTM_JS = {"event": "gtm.js", "gtm.start": 1}


# -- state -------------------------------------------------------------------------------
def test_state_follows_default_update_and_default_never_overrides_update() -> None:
    t = ConsentTracker()
    for e in stream(
        gtag("consent", "default", {**DENIED, "wait_for_update": 500}),
        gtag("consent", "update", {"analytics_storage": "granted"}),
        gtag("consent", "default", {"analytics_storage": "denied", "security_storage": "granted"}),
    ):
        t.apply(e)
    s = t.state
    assert s.get("analytics_storage") == "granted"
    assert s.get("ad_storage") == "denied"
    assert s.get("security_storage") == "granted"
    assert (s.default, s.update, s.wait_for_update) == (True, True, 500)


def test_regional_defaults_apply_to_the_audit_region_or_strictest() -> None:
    events = stream(
        gtag("consent", "default", {"ad_storage": "granted", "region": ["US"]}),
        gtag("consent", "default", {"ad_storage": "denied", "region": ["DE", "FR"]}),
    )
    assert states(events)[-1].get("ad_storage") == "denied"
    assert states(events, "US-CA")[-1].get("ad_storage") == "granted"
    assert states(events, "IT")[-1].get("ad_storage") is None


def test_matomo_consent_commands_from_raw_paq_records() -> None:
    events = stream(["requireConsent"], ["trackPageView"], ["setConsentGiven"])
    got = [s.matomo for s in states(events)]
    assert got == ["required", "required", "given"]
    cookie = states(stream(["requireCookieConsent"], ["rememberCookieConsentGiven"]))
    assert [s.matomo_cookies for s in cookie] == ["required", "given"]


def test_page_state_at_uses_the_latest_main_document() -> None:
    a = stream(gtag("consent", "default", DENIED), document="1")
    b = stream(gtag("consent", "default", GRANTED), document="2")
    events = [*a, dataclasses.replace(b[0], index=1)]
    assert page_state_at(events, 1).get("ad_storage") == "denied"
    assert page_state_at(events, 2).get("ad_storage") == "granted"
    assert page_state_at(events, 0).empty


# -- order -------------------------------------------------------------------------------
def test_default_first_passes() -> None:
    p = plan_of()
    assert found(p, DEFAULT, GTM_JS, gtag("config", "G-1"), {"event": "view_item"}) == []


def test_gtm_js_and_config_before_a_late_default_auto_mode() -> None:
    p = plan_of()
    got = found(p, GTM_JS, gtag("config", "G-1"), {"event": "view_item"}, DEFAULT)
    assert got == [("consent-order", 0), ("consent-order", 1), ("consent-order", 2)]


def test_auto_mode_leaves_pages_without_consent_mode_alone() -> None:
    assert found(plan_of(), GTM_JS, gtag("config", "G-1"), {"event": "view_item"}) == []


def test_required_mode_reports_at_once_and_keeps_the_consent_code() -> None:
    p = plan_of("consent: {mode: required}\n")
    got = found(p, GTM_JS, {"event": "view_item"}, DEFAULT)
    assert got == [("consent-order", 0), ("consent", 1)]


def test_update_before_default_return_visit() -> None:
    p = plan_of()
    got = found(p, gtag("consent", "update", GRANTED), DEFAULT, GTM_JS)
    assert ("consent-order", 0) in got


def test_mode_off_checks_nothing() -> None:
    p = plan_of("consent: {mode: 'off'}\n")
    assert found(p, GTM_JS, DEFAULT, {"event": "add_to_cart"}) == []


# -- purposes ----------------------------------------------------------------------------
def test_default_missing_v2_purposes_warning_or_error() -> None:
    p = plan_of()
    weak = gtag("consent", "default", {"ad_storage": "denied", "analytics_storage": "denied"})
    [f] = validate_events(p, stream(weak, GTM_JS))
    assert (f.code, f.severity) == ("consent-purposes", Severity.WARNING)
    assert "ad_user_data, ad_personalization" in f.message
    strong = gtag("consent", "default", {"ad_user_data": "denied"})
    [g] = validate_events(p, stream(strong, GTM_JS))
    assert g.severity is Severity.ERROR


def test_default_split_in_two_pushes_is_fine() -> None:
    a = gtag("consent", "default", {"ad_storage": "denied", "analytics_storage": "denied"})
    b = gtag("consent", "default", {"ad_user_data": "denied", "ad_personalization": "denied"})
    assert found(plan_of(), a, b, GTM_JS) == []


# -- events needing purposes -------------------------------------------------------------
def test_event_needing_a_denied_purpose() -> None:
    p = plan_of()
    [f] = validate_events(p, stream(DEFAULT, {"event": "add_to_cart"}))
    assert f.code == "consent-denied"
    assert "analytics_storage denied" in f.message
    assert f.actual["purposes"]["analytics_storage"] == "denied"


def test_event_after_accept_passes() -> None:
    p = plan_of()
    raws = (DEFAULT, gtag("consent", "update", GRANTED), {"event": "add_to_cart"})
    assert found(p, *raws) == []


def test_event_needing_an_unset_purpose() -> None:
    p = plan_of()
    d = gtag("consent", "default", {"ad_storage": "denied"})
    got = found(p, d, {"event": "add_to_cart"})
    assert ("consent-denied", 1) in got


def test_no_consent_mode_only_judged_under_deny() -> None:
    p = plan_of(
        "consent: {choices: {accept: [{click: '#a'}], deny: [{click: '#d'}]}}\n"
        "flows:\n  - name: f\n    consent: [accept, deny]\n    start: /\n    steps: []\n"
    )
    assert found(p, {"event": "add_to_cart"}, flow="f [accept]") == []
    assert found(p, {"event": "add_to_cart"}, flow="f [deny]") == [("consent-denied", 0)]


# -- override under deny -----------------------------------------------------------------
@pytest.mark.parametrize("choice", ["deny", "ignore"])
def test_update_granting_under_deny(choice: str) -> None:
    p = plan_of(
        "consent: {choices: {accept: [{click: '#a'}], deny: [{click: '#d'}]}}\n"
        "flows:\n  - name: f\n    consent: [accept, deny, ignore]\n    start: /\n    steps: []\n"
    )
    update = gtag("consent", "update", GRANTED)
    assert found(p, DEFAULT, update, flow=f"f [{choice}]") == [("consent-override", 1)]
    assert found(p, DEFAULT, update, flow="f [accept]") == []
    only_security = gtag("consent", "update", {"security_storage": "granted"})
    assert found(p, DEFAULT, only_security, flow=f"f [{choice}]") == []
    assert found(p, ["setConsentGiven"], flow=f"f [{choice}]") == [("consent-override", 0)]


def test_updates_without_any_pushed_default_auto_vs_required() -> None:
    # a default set inside GTM by a CMP template is never pushed: only updates arrive
    update = gtag("consent", "update", GRANTED)
    assert found(plan_of(), GTM_JS, update, {"event": "view_item"}) == []
    required = plan_of("consent: {mode: required}\n")
    got = found(required, update)
    assert got == [("consent-order", 0)]
