"""Personal data in pushes and URLs (validate/pii.py), masked in every report format."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tracker_check.models import Event, EventKind
from tracker_check.plan.model import EventSpec, Plan, PrivacySpec, Settings
from tracker_check.report.model import FlowResult, RunReport
from tracker_check.report.registry import FORMATS, RenderOptions, render
from tracker_check.sources.gtm import normalize
from tracker_check.validate.events import Validator, validate_events
from tracker_check.validate.pii import PiiScanner, card_network, iban_valid, luhn

SHA = "a" * 20 + "0123456789abcdef0123456789abcdef0123456789ab"  # 64 hex digits


def kinds(value: Any, **privacy: Any) -> list[tuple[str, str]]:
    return [(h.kind, h.path) for h in PiiScanner(PrivacySpec(**privacy)).in_value(value)]


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ({"user_data": {"email": "Jane.Doe+news@example.co.uk"}}, "email"),
        ({"lead": {"contact": "call +49 171 1234567 today"}}, "phone"),
        ({"form": {"phone": "0171 1234567"}}, "phone"),
        ({"form": {"phoneNumber": 1711234567}}, "phone"),
        ({"pay": {"iban": "DE89 3704 0044 0532 0130 00"}}, "iban"),
        ({"pay": {"note": "GB82WEST12345698765432"}}, "iban"),
        ({"pay": {"cc": "4111 1111 1111 1111"}}, "card"),
        ({"pay": {"cc": "378282246310005"}}, "card"),
    ],
)
def test_personal_data_is_found(value: Any, kind: str) -> None:
    assert [k for k, _ in kinds(value)] == [kind]


@pytest.mark.parametrize(
    "value",
    [
        {"user_data": {"sha256_email_address": SHA}},
        {"image": "logo@2x.png", "font": "icons@3x.webp"},
        {"ecommerce": {"transaction_id": "T-1234567890123", "value": 1234567.89}},
        {"timestamp": 1733097600000, "ts": "1733097600000", "gtm.uniqueEventId": 12},
        {"sku": "SK12345678AB", "id": "DE12345678901234567890"},  # IBAN shape, bad check digits
        {"order": "4111111111111112"},  # Luhn fails
        {"code": "1234567812345670"},  # Luhn passes, no card network starts with 1
        {"gtm.element": "x", "gtm.elementUrl": "mailto:team@shop.example"},
        {"link_url": "mailto:info@shop.example", "tel": "tel:+4930123456"},
        {"hotel": "12345678", "price": "+12.50", "tz": "+0100"},
        {"uuid": "123e4567-e89b-12d3-a456-426614174000"},
        {"item_ean": "4006381333931", "gtin": "4000000000006"},  # EAN-13, Luhn-valid too
        {"version": "1.2.3", "npm": "@scope/pkg@1.2.3"},
    ],
)
def test_correct_pages_raise_no_alarm(value: Any) -> None:
    assert kinds(value) == []


def test_checksums() -> None:
    assert luhn("4111111111111111") and not luhn("4111111111111112")
    assert card_network("5555555555554444") and not card_network("9999999999999995")
    assert iban_valid("DE89370400440532013000") and not iban_valid("DE88370400440532013000")


def test_allow_paths_and_own_patterns() -> None:
    value = {"user_data": {"email": "a@example.com"}, "customer": "K123456"}
    assert kinds(value, allow=("user_data.*",)) == []
    assert kinds(value, allow=("**",)) == []
    got = kinds(value, patterns=(("customer_no", "^K[0-9]{6}$"),))
    assert got == [("email", "user_data.email"), ("customer_no", "customer")]


def test_url_query_and_gtag_set_user_data() -> None:
    scanner = PiiScanner(PrivacySpec())
    url = "http://127.0.0.1/thanks?email=jane%40example.com&phone=0171%201234567&q=shoes"
    assert [(h.kind, h.path) for h in scanner.in_url(url)] == [
        ("email", "url.email"),
        ("phone", "url.phone"),
    ]
    event = normalize(
        {"__type": "arguments", "items": ["set", "user_data", {"email": "jane@example.com"}]}
    )
    assert [(h.kind, h.path) for h in scanner.in_event(event)] == [("email", "user_data.email")]


def plan(**privacy: Any) -> Plan:
    return Plan(
        events={"generate_lead": EventSpec("generate_lead")},
        settings=Settings(additional_parameters="ignore"),
        privacy=PrivacySpec(**privacy),
    )


LEAD = {"event": "generate_lead", "user_data": {"email": "jane.doe@example.com"}}


def test_lead_form_pushing_plain_email_is_found_once_per_path() -> None:
    events = [normalize(LEAD, index=i, url="http://127.0.0.1/lead") for i in range(2)]
    found = validate_events(plan(), events)
    assert [(f.code, f.pointer, f.event_index) for f in found] == [
        ("pii", "/user_data/email", 0),
        ("pii", "/user_data/email", 1),
    ]
    assert "jane" not in found[0].message and found[0].actual == "•••"
    assert validate_events(plan(pii="off"), events) == []
    assert validate_events(plan(pii="warn"), events)[0].severity.value == "warning"


def test_fast_path_and_standalone_agree() -> None:
    v = Validator(plan(), standalone=True)
    fast = v.fast_check("generate_lead")
    assert fast is not None and fast[0]({"user_data": {"email": "jane@example.com"}}) is False
    assert fast[0]({"user_data": {"sha256_email_address": SHA}}) is True
    assert [f.code for f in v.check(normalize(LEAD))] == ["pii"]


def lead_report() -> RunReport:
    p = plan()
    url = "http://127.0.0.1/lead?phone=0171%201234567"
    events = (
        dataclasses.replace(normalize(LEAD, url=url), flow="lead", step=1),
        Event(
            "generate_lead",
            EventKind.EVENT,
            {"form": {"mobile": "0171 7654321"}},
            flow="lead",
            step=1,
            index=1,
            raw={"event": "generate_lead", "form": {"mobile": "0171 7654321"}},
        ),
    )
    findings = tuple(validate_events(p, events))
    assert {f.code for f in findings} == {"pii"}
    flow = FlowResult("lead", "failed", 10.0, events=events, findings=findings)
    return RunReport(plan=p, flows=(flow,), findings=findings)


@pytest.mark.parametrize("fmt", FORMATS)
def test_masked_in_every_format(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    out = render(fmt, lead_report(), RenderOptions(verbose=True))
    for secret in ("jane.doe", "example.com", "1234567", "7654321", "0171"):
        assert secret not in out, (fmt, secret)
    assert "pii" in out
