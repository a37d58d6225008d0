"""Cookies and collector requests judged against the consent state (consent_storage)."""

from __future__ import annotations

import dataclasses
from typing import Any

from tracker_check.models import Event
from tracker_check.plan.lint import lint_text
from tracker_check.plan.model import Flow, Plan
from tracker_check.sources.gtm import normalize
from tracker_check.validate.consent_storage import (
    Banner,
    CookieSeen,
    RequestSeen,
    judge_cookies,
    judge_requests,
)

PLAN = """\
version: 1
events: {}
consent:
  cookies: {"_hj*": analytics_storage}
  collectors: {"*://127.0.0.1*/collect*": analytics_storage}
  choices: {accept: [{click: "#a"}], deny: [{click: "#d"}]}
flows:
  - {name: f, consent: [accept, deny], start: /, steps: []}
  - {name: plain, start: /, steps: []}
"""


def setup() -> tuple[Plan, dict[str, Flow]]:
    plan, errors = lint_text(PLAN, "plan.yaml")
    assert plan is not None and not errors
    return plan, {f.name: f for f in plan.flows}


def gtag(*items: Any) -> Any:
    return {"__type": "arguments", "items": list(items)}


def page(*raws: Any) -> list[Event]:
    out = []
    for i, raw in enumerate(raws):
        layer = "_paq" if isinstance(raw, list) else "dataLayer"
        out.append(normalize(raw, index=i, data_layer=layer))
    return out


DENIED = gtag("consent", "default", {"ad_storage": "denied", "analytics_storage": "denied"})
GRANTED = gtag("consent", "update", {"ad_storage": "granted", "analytics_storage": "granted"})


def cookie(name: str, at: int, step: int = 1, banner: Banner | None = None) -> CookieSeen:
    return CookieSeen(name, "127.0.0.1", step, at, banner)


def test_cookie_before_and_after_the_grant() -> None:
    plan, flows = setup()
    events = page(DENIED, GRANTED)
    [f] = judge_cookies(plan, flows["plain"], events, [cookie("_ga", 1, 0), cookie("_gid", 2)])
    assert (f.code, f.step) == ("consent-cookie", 0)
    assert "_ga" in f.message and "analytics_storage denied" in f.message


def test_cookie_table_plan_entries_and_non_tracking_cookies() -> None:
    plan, flows = setup()
    events = page(DENIED)
    found = judge_cookies(
        plan,
        flows["plain"],
        events,
        [cookie("_hjSessionUser_1", 1), cookie("session", 1), cookie("_gcl_au", 1)],
    )
    assert [f.message.split()[2] for f in found] == ["_hjSessionUser_1", "_gcl_au"]


def test_no_consent_mode_judged_by_banner_then_choice() -> None:
    plan, flows = setup()
    no = Banner("cookiebot", True, (("statistics", False), ("marketing", False)))
    yes = Banner("cookiebot", True, (("statistics", True), ("marketing", True)))
    assert judge_cookies(plan, flows["plain"], [], [cookie("_ga", 0, banner=no)])
    assert not judge_cookies(plan, flows["plain"], [], [cookie("_ga", 0, banner=yes)])
    assert not judge_cookies(plan, flows["plain"], [], [cookie("_ga", 0)])  # nothing known
    assert judge_cookies(plan, flows["f [deny]"], [], [cookie("_ga", 0)])
    assert not judge_cookies(plan, flows["f [accept]"], [], [cookie("_ga", 0)])


def test_matomo_cookies_follow_matomo_consent() -> None:
    plan, flows = setup()
    asked = page(["requireCookieConsent"], ["setCookieConsentGiven"])
    assert judge_cookies(plan, flows["plain"], asked, [cookie("_pk_id.1.abcd", 1)])
    assert not judge_cookies(plan, flows["plain"], asked, [cookie("_pk_id.1.abcd", 2)])
    # Consent Mode denied does not govern Matomo
    assert not judge_cookies(plan, flows["plain"], page(DENIED), [cookie("_pk_ses.1.x", 1)])


def hit(url: str, at: int = 1) -> RequestSeen:
    return RequestSeen(url, 1, at)


def test_requests_while_denied_and_consent_aware_pings() -> None:
    plan, flows = setup()
    events = page(DENIED)
    flow = flows["plain"]
    [f] = judge_requests(
        plan, flow, events, [hit("https://www.google-analytics.com/g/collect?v=2")]
    )
    assert f.code == "consent-request" and "www.google-analytics.com" in f.message
    ping = "https://region1.google-analytics.com/g/collect?v=2&gcs=G100"
    assert judge_requests(plan, flow, events, [hit(ping)]) == []
    claims = "https://region1.google-analytics.com/g/collect?v=2&gcs=G111"
    assert [f.code for f in judge_requests(plan, flow, events, [hit(claims)])] == [
        "consent-request"
    ]
    own = judge_requests(plan, flow, events, [hit("http://127.0.0.1:8000/collect?x=1")])
    assert len(own) == 1
    assert judge_requests(plan, flow, page(DENIED, GRANTED), [hit(ping, 2)]) == []


def test_matomo_requests_only_where_matomo_asks_for_consent() -> None:
    plan, flows = setup()
    flow = dataclasses.replace(flows["f [deny]"])
    url = "https://stats.example.org/matomo.php?idsite=1&rec=1"
    assert judge_requests(plan, flow, [], [hit(url, 0)]) == []  # cookieless Matomo is fine
    asked = page(["requireConsent"])
    assert len(judge_requests(plan, flow, asked, [hit(url)])) == 1
    given = page(["requireConsent"], ["setConsentGiven"])
    assert judge_requests(plan, flow, given, [hit(url, 2)]) == []
