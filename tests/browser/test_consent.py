"""Consent in real Chromium: the matrix end to end, each rule on a page, each banner's API.

Pages live in fixtures/consent/ (a Consent Mode shop whose `?bug=` breaks one rule, and fake
banners with the public JS API of Cookiebot, OneTrust, Usercentrics, Klaro, cookieconsent).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tracker_check.capture.browser import launch_options
from tracker_check.flows.consent_probe import probe
from tracker_check.flows.runner import RunOptions, run_plan
from tracker_check.plan.load import load_plan
from tracker_check.report.model import FlowResult, RunReport
from tracker_check.serve import serve
from tracker_check.validate.consent_storage import Banner

pytestmark = pytest.mark.browser

SITE = Path(__file__).resolve().parents[2] / "fixtures" / "consent"


@pytest.fixture(scope="module")
def report() -> RunReport:
    return run_plan(load_plan(SITE / "plan.yaml"), RunOptions(), serve_dir=SITE)


def codes(flow: FlowResult) -> list[tuple[str, int | None]]:
    return sorted((f.code, f.step) for f in flow.findings)


def flows(report: RunReport) -> dict[str, FlowResult]:
    return {f.name: f for f in report.flows}


def test_matrix_runs_each_choice_and_a_correct_page_passes(report: RunReport) -> None:
    got = flows(report)
    for choice in ("accept", "deny", "ignore"):
        flow = got[f"shop [{choice}]"]
        assert (flow.status, codes(flow)) == ("passed", []), choice
    accept = got["shop [accept]"]
    assert [s.label for s in accept.steps] == ["/shop.html", "click #accept", "click #buy"]
    assert [s.label for s in got["shop [ignore]"].steps] == ["/shop.html", "click #buy"]


def test_each_broken_page_is_found_at_its_step(report: RunReport) -> None:
    got = flows(report)
    assert codes(got["config first [accept]"]) == [("consent-order", 0), ("consent-order", 0)]
    assert codes(got["ga after deny [deny]"]) == [("consent-cookie", 1), ("consent-request", 1)]
    assert codes(got["grant on deny [deny]"]) == [("consent-override", 1)]
    assert codes(got["return visit update first"]) == [("consent-order", 0)]


def test_return_visit_with_stored_consent_passes(report: RunReport) -> None:
    # localStorage replays the choice (an update after the default), the stored _ga cookie
    # is not "written" by the page, and the accepted state lets the hit through
    flow = flows(report)["return visit"]
    assert (flow.status, codes(flow)) == ("passed", [])
    updates = [e for e in flow.events if e.name == "consent" and e.args[:1] == ("update",)]
    assert updates and updates[0].step == 0


def test_banner_only_site_judged_by_the_banner(report: RunReport) -> None:
    got = flows(report)
    assert codes(got["cookiebot [accept]"]) == codes(got["cookiebot [deny]"]) == []
    [f] = got["cookiebot broken [deny]"].findings
    assert f.code == "consent-cookie" and "cookiebot banner" in f.message


BANNERS = ["cookiebot", "onetrust", "usercentrics", "usercentrics2", "klaro", "cookieconsent"]
CMP = {"usercentrics2": "usercentrics"}


async def _banners(base: str) -> dict[str, tuple[Banner | None, Banner | None, Banner | None]]:
    from playwright.async_api import async_playwright

    out = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(**launch_options(None))
        try:
            for kind in BANNERS:
                seen = []
                for answer in (None, "#accept", "#deny"):
                    context = await browser.new_context()
                    page = await context.new_page()
                    await page.goto(f"{base}/{kind}.html")
                    if answer:
                        await page.click(answer)
                    seen.append((await probe(page, context)).banner)
                    await context.close()
                out[kind] = (seen[0], seen[1], seen[2])
        finally:
            await browser.close()
    return out


def test_each_banner_kind_is_detected_with_its_answer() -> None:
    with serve(SITE) as base:
        got = asyncio.run(_banners(base))
    for kind, (before, accepted, denied) in got.items():
        assert before is not None and accepted is not None and denied is not None, kind
        assert before.cmp == accepted.cmp == CMP.get(kind, kind)
        assert before.answered in (False, None)
        for purpose in ("analytics_storage", "ad_storage"):
            assert accepted.grants(purpose) is True, (kind, purpose, accepted)
            assert denied.grants(purpose) is False, (kind, purpose, denied)
        if kind in ("cookiebot", "onetrust", "klaro", "cookieconsent", "usercentrics"):
            assert accepted.answered is True and denied.answered is True, kind


def test_no_banner_is_none() -> None:
    async def one(base: str) -> Banner | None:
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            browser = await p.chromium.launch(**launch_options(None))
            context = await browser.new_context()
            page = await context.new_page()
            await page.goto(f"{base}/shop.html")
            found = (await probe(page, context)).banner
            await browser.close()
            return found

    with serve(SITE) as base:
        assert asyncio.run(one(base)) is None
