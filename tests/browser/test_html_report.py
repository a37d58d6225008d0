"""The HTML report in real Chromium from file://: XSS payloads stay text, no network, JS runs."""

from __future__ import annotations

import base64
import dataclasses
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from report_samples import XSS, flows_report, hostile_report

from tracker_check.models import Finding, Severity
from tracker_check.report import html as html_report
from tracker_check.report.registry import RenderOptions

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)
        yield b
        b.close()


@dataclasses.dataclass
class Opened:
    page: Any
    requests: list[str]
    blocked: list[str]
    console_errors: list[str]


def open_report(browser: Any, html: str, directory: Path) -> Opened:
    path = directory / "report.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    opened = Opened(page, [], [], [])

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:")):
            r.continue_()
        else:
            opened.blocked.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("request", lambda req: opened.requests.append(req.url))
    page.on("console", lambda m: m.type == "error" and opened.console_errors.append(m.text))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return opened


def hostile_with_names(report: Any) -> Any:
    """XSS in every place a page or plan can put text: values, messages, step labels, names."""
    extra = Finding(
        "unplanned-event",
        Severity.ERROR,
        f"event {XSS[2]} is not in the plan",
        flow="xss",
        event=XSS[1],
        actual=XSS[0],
        hint=XSS[1],
        screenshot="shot.png",
    )
    return dataclasses.replace(report, findings=(*report.findings, extra))


def test_xss_payloads_stay_text(browser: Any, tmp_path: Path) -> None:
    (tmp_path / "shot.png").write_bytes(PNG)
    report = hostile_with_names(hostile_report())
    html = html_report.render(report, RenderOptions(report_dir=tmp_path))
    opened = open_report(browser, html, tmp_path)
    page = opened.page

    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.evaluate("typeof window.alert") == "function"  # nothing replaced globals either
    # the payloads are visible, as text
    messages = page.locator(".finding .msg").all_inner_texts()
    assert any(XSS[0] in m and XSS[1] in m for m in messages)
    assert page.get_by_text(XSS[2], exact=False).first.is_visible()
    payload = page.locator("details.event pre.json").first.inner_text()
    assert XSS[0] in payload and "</script><script>" in payload
    # no element was injected
    assert page.locator("body script").count() == 2
    assert page.locator("svg, iframe, object, embed").count() == 0
    assert page.locator("img").count() == 1  # only the embedded screenshot
    assert page.evaluate("document.querySelector('img').naturalWidth") == 1  # data: URI loaded
    # funnel cards with their states
    assert page.locator('.card.broken[data-event="add_to_cart"]').count() == 1
    assert page.locator(".card.not_covered").count() == 6
    assert page.locator(".card").count() == 7
    # nothing left the file
    assert opened.blocked == []
    assert all(u.startswith(("file:", "data:")) for u in opened.requests), opened.requests
    assert opened.console_errors == []  # no CSP violation, no script error
    page.context.close()


def test_report_script_runs_under_its_csp(browser: Any, tmp_path: Path) -> None:
    html = html_report.render(flows_report(), RenderOptions())
    opened = open_report(browser, html, tmp_path)
    page = opened.page
    assert page.locator(".tools").is_visible()  # unhidden by report.js: the hash matched
    closed = page.evaluate("[...document.querySelectorAll('details')].filter(d => !d.open).length")
    assert closed > 0
    page.get_by_role("button", name="Expand all").click()
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => d.open)")
    page.get_by_role("button", name="Collapse all").click()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => d.open)")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => !d.open)")
    # a funnel card opens the event it links to
    page.locator('.card[data-event="add_to_cart"]').click()
    assert page.locator("#flow-0-ev-3").evaluate("d => d.open")
    assert page.locator("#flow-0").evaluate("d => d.open")
    assert opened.console_errors == [] and opened.blocked == []
    page.context.close()


def test_report_prints(browser: Any, tmp_path: Path) -> None:
    html = html_report.render(flows_report(), RenderOptions())
    opened = open_report(browser, html, tmp_path)
    pdf = opened.page.pdf()
    assert pdf.startswith(b"%PDF")
    opened.page.context.close()
