"""Cookies written and collector requests attempted without consent. Pure.

The browser probe (`flows/consent_probe.py`) reads the context's cookies after each step and
sees every request; this module judges them against the consent state of the page at that
moment (`consent.page_state_at`), the state the banner reported, and the flow's choice:

- a purpose is granted when Consent Mode says so on a page that uses it; on a page without
  Consent Mode, when the banner's matching category is accepted; with neither, when the flow
  runs under a choice other than `deny`/`ignore` (and not judged at all outside a matrix);
- Matomo's own cookies and requests follow Matomo's consent commands where the page uses
  them (and are never judged by Consent Mode, which Matomo does not read);
- Google hits carrying their own consent state (`gcs=G1xy`) are consent-aware pings: they
  count only when they claim a purpose the page had denied.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from tracker_check.models import Event, Finding
from tracker_check.plan.model import DENYING_CHOICES, Flow, Plan
from tracker_check.rules import rule
from tracker_check.validate.consent import ConsentState, page_state_at

MATOMO = "matomo"  # pseudo-purpose of Matomo's cookies and requests

TRACKING_COOKIES: tuple[tuple[str, str], ...] = (
    ("_ga", "analytics_storage"),
    ("_ga_*", "analytics_storage"),
    ("_gid", "analytics_storage"),
    ("_gat*", "analytics_storage"),
    ("__utm?", "analytics_storage"),
    ("_gcl_*", "ad_storage"),
    ("_fbp", "ad_storage"),
    ("_fbc", "ad_storage"),
    ("_uetsid", "ad_storage"),
    ("_uetvid", "ad_storage"),
    ("IDE", "ad_storage"),
    ("_ttp", "ad_storage"),
    ("_pin_unauth", "ad_storage"),
    ("li_fat_id", "ad_storage"),
    ("_hjSession*", "analytics_storage"),
    ("_clck", "analytics_storage"),
    ("_clsk", "analytics_storage"),
    ("_pk_*", MATOMO),
    ("MATOMO_SESSID", MATOMO),
)

COLLECTORS: tuple[tuple[str, str], ...] = (
    ("*://*google-analytics.com/*collect*", "analytics_storage"),
    ("*://*analytics.google.com/*collect*", "analytics_storage"),
    ("*://*/g/collect*", "analytics_storage"),
    ("*://*doubleclick.net/*", "ad_storage"),
    ("*://*googleadservices.com/*", "ad_storage"),
    ("*://www.google.com/pagead/*", "ad_storage"),
    ("*://*facebook.com/tr*", "ad_storage"),
    ("*://bat.bing.com/action*", "ad_storage"),
    ("*/matomo.php*", MATOMO),
    ("*/piwik.php*", MATOMO),
)

_CATEGORY_WORDS = {
    "analytics_storage": ("statistic", "analytic", "performance", "measure", "c0002"),
    "ad_storage": ("marketing", "advertis", "targeting", "c0004", "ads"),
}


@dataclass(frozen=True, slots=True)
class Banner:
    """What a consent banner's own API reports (`cmp`: cookiebot, onetrust, ...)."""

    cmp: str
    answered: bool | None
    categories: tuple[tuple[str, bool], ...] = ()

    def grants(self, purpose: str) -> bool | None:
        words = _CATEGORY_WORDS.get(purpose, ())
        hits = [ok for name, ok in self.categories if any(w in name.lower() for w in words)]
        return all(hits) if hits else None


@dataclass(frozen=True, slots=True)
class CookieSeen:
    """A cookie new or changed during `step`; `at` = records captured by then."""

    name: str
    domain: str
    step: int
    at: int
    banner: Banner | None = None


@dataclass(frozen=True, slots=True)
class RequestSeen:
    url: str
    step: int
    at: int
    banner: Banner | None = None


def purpose_of(name: str, table: Sequence[tuple[str, str]]) -> str | None:
    for glob, purpose in table:
        if fnmatch.fnmatchcase(name, glob):
            return purpose
    return None


def _verdict(
    purpose: str, state: ConsentState, banner: Banner | None, choice: str | None
) -> tuple[bool, str]:
    """(allowed, why) for one purpose at one moment."""
    if purpose == MATOMO:
        if state.matomo == "required" or state.matomo_cookies == "required":
            return False, "Matomo consent not given"
        return True, ""
    if state.uses_consent_mode:
        decision = state.get(purpose)
        return decision == "granted", f"{purpose} {decision or 'unset'}"
    granted = banner.grants(purpose) if banner is not None else None
    if granted is not None:
        return granted, f"the {banner.cmp if banner else ''} banner reports it not accepted"
    if choice in DENYING_CHOICES:
        return False, f"the user chose {choice!r}"
    return True, ""


def judge_cookies(
    plan: Plan, flow: Flow, events: Sequence[Event], cookies: Sequence[CookieSeen]
) -> list[Finding]:
    table = _table(plan.consent.cookies if plan.consent else (), TRACKING_COOKIES)
    region = plan.consent.region if plan.consent else None
    out, seen = [], set()
    for cookie in cookies:
        purpose = purpose_of(cookie.name, table)
        if purpose is None or cookie.name in seen:
            continue
        state = page_state_at(events, cookie.at, region)
        allowed, why = _verdict(purpose, state, cookie.banner, flow.consent_choice)
        if allowed:
            continue
        seen.add(cookie.name)
        out.append(
            Finding(
                "consent-cookie",
                rule("consent-cookie").severity,
                f"tracking cookie {cookie.name} ({cookie.domain}) was written while "
                f"{why} (consent: {state.brief()})",
                flow=flow.name,
                step=cookie.step,
                actual=state.to_json(),
                hint="load the tag that writes it only after consent (Consent Mode or a "
                "consent trigger in GTM)",
            )
        )
    return out


def judge_requests(
    plan: Plan, flow: Flow, events: Sequence[Event], requests: Sequence[RequestSeen]
) -> list[Finding]:
    table = _table(plan.consent.collectors if plan.consent else (), COLLECTORS)
    region = plan.consent.region if plan.consent else None
    out, seen = [], set()
    for request in requests:
        purpose = purpose_of(request.url, table)
        if purpose is None:
            continue
        state = page_state_at(events, request.at, region)
        if purpose == MATOMO and state.matomo is None:
            continue  # Matomo can track without consent (cookieless): only its own rule
        allowed, why = _verdict(purpose, state, request.banner, flow.consent_choice)
        claimed = _gcs(request.url, purpose)
        if claimed is not None:
            allowed = not claimed or state.get(purpose) != "denied"  # a cookieless ping
            why = f"{purpose} denied, but the hit claims it granted"
        if allowed:
            continue
        host = urlsplit(request.url).netloc
        if (host, purpose) in seen:
            continue
        seen.add((host, purpose))
        out.append(
            Finding(
                "consent-request",
                rule("consent-request").severity,
                f"a request to {host} was attempted while {why} (consent: {state.brief()})",
                flow=flow.name,
                step=request.step,
                url=request.url,
                actual=state.to_json(),
                hint="fire the tag only after consent, or use Consent Mode so hits carry it",
            )
        )
    return out


_GCS = re.compile(r"^G1([01-])([01-])$")


def _gcs(url: str, purpose: str) -> bool | None:
    """Does a Google hit's `gcs` claim `purpose` granted (None: no `gcs`)?"""
    values = parse_qs(urlsplit(url).query).get("gcs")
    m = _GCS.match(values[0]) if values else None
    if m is None or purpose not in ("ad_storage", "analytics_storage"):
        return None
    return m.group(1 if purpose == "ad_storage" else 2) == "1"


def _table(
    own: Sequence[tuple[str, str]], builtin: Sequence[tuple[str, str]]
) -> tuple[tuple[str, str], ...]:
    return (*own, *builtin)  # the plan's own entries win
