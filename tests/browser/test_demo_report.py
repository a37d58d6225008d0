"""The demo's HTML report in real Chromium (issue 7 proof), from the broken shop's real run.

The page must show what the library computed: every plan event in its funnel stage with its
coverage state, the coverage numbers of the JSON report, every finding code the regressions
cause — and make no network request. A hostile value in a captured event stays text.
`test_html_report.py` covers the reporter on hand-built reports; this is the demo-level proof.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tracker_check import coverage
from tracker_check.models import Event, Finding
from tracker_check.report.model import FlowResult, RunReport
from tracker_check.report.registry import RenderOptions, render

from .demo_runs import DemoRuns, demo_fixture, expected_codes  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

# The events the eight regressions break (docs/demo.md, "The broken shop").
BROKEN_EVENTS = {
    "filter_apply",
    "add_to_cart",
    "add_to_wishlist",
    "newsletter_signup",
    "remove_from_cart",
    "purchase",
    "video_play",  # the Matomo value sent as text; the cookie written after deny has no event
}
XSS = (
    "\"'><img src=x onerror=window.__xss=1></script><script>window.__xss=2</script>"
    "<svg/onload=window.__xss=3><!--"
)
XSS_KEY = "<b onmouseover=window.__xss=4>key</b>"

CARDS_JS = """() => [...document.querySelectorAll('.funnel .stage')].flatMap(stage =>
  [...stage.querySelectorAll('.card')].map(card => ({
    stage: stage.dataset.stage, event: card.dataset.event, state: card.dataset.state,
    classes: [...card.classList], label: card.querySelector('.card-state').textContent,
    shown: card.getClientRects().length > 0})))"""
LOADED_JS = """async () => Promise.all([...document.images].map(img => img.complete
  ? img.naturalWidth
  : new Promise(done => ['load', 'error'].forEach(
      type => img.addEventListener(type, () => done(img.naturalWidth))))))"""
ON_ATTRIBUTES_JS = """() => [...document.querySelectorAll('*')].flatMap(el =>
  [...el.attributes].filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name))"""


@dataclasses.dataclass
class Opened:
    page: Any
    requests: list[str]
    blocked: list[str]
    console_errors: list[str]
    dialogs: list[str]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from tracker_check.capture.browser import launch_options

    with sync_playwright() as p:
        browser = p.chromium.launch(**launch_options(None))  # /usr/bin/chromium here
        yield browser
        browser.close()


def open_html(browser: Any, html: str, path: Path) -> Opened:
    """Open `html` from file:// with every request outside file:/data: recorded and aborted."""
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(service_workers="block", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    opened = Opened(page, [], [], [], [])

    def route(r: Any) -> None:
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            opened.blocked.append(r.request.url)
            r.abort()

    def dialog(d: Any) -> None:
        opened.dialogs.append(d.message)
        d.dismiss()

    context.route("**/*", route)
    page.on("request", lambda req: opened.requests.append(req.url))
    page.on("console", lambda m: m.type == "error" and opened.console_errors.append(m.text))
    page.on("dialog", dialog)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return opened


def render_html(report: RunReport, report_dir: Path) -> str:
    return render("html", report, RenderOptions(report_dir=report_dir))


@pytest.fixture(scope="module")
def broken_page(
    chromium: Any, demo: DemoRuns, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Opened]:
    html = render_html(demo.broken, demo.broken_dir)
    opened = open_html(chromium, html, tmp_path_factory.mktemp("demo-report") / "report.html")
    yield opened
    opened.page.context.close()


def assert_funnel_matches_coverage(page: Any, report: RunReport) -> coverage.Coverage:
    cov = coverage.compute(report.plan, report.all_events(), report.findings)
    want = [
        {"stage": stage.name, "event": ec.name, "state": ec.state}
        for stage in cov.stages
        for ec in (e for e in cov.events if e.stage == stage.name)
    ]
    cards = page.evaluate(CARDS_JS)
    got = [{k: c[k] for k in ("stage", "event", "state")} for c in cards]
    assert got == want, f"funnel cards differ from coverage.compute:\n{got}\n!=\n{want}"
    live = {e.name for e in report.plan.events.values() if e.deprecated is None}
    assert {c["event"] for c in cards} == live  # every live event, no deprecated one
    for card in cards:
        assert card["state"] in card["classes"], card  # the class the stylesheet colours
        label = card["state"].replace("_", " ")
        assert card["label"].startswith(label), card
        assert card["shown"], f"card not displayed: {card}"
    return cov


def test_funnel_shows_every_event_in_its_stage_with_its_state(
    broken_page: Opened, demo: DemoRuns
) -> None:
    cov = assert_funnel_matches_coverage(broken_page.page, demo.broken)
    broken = {e.name for e in cov.events if e.state == "broken"}
    assert broken == BROKEN_EVENTS


def test_funnel_shows_not_covered_events(chromium: Any, demo: DemoRuns, tmp_path: Path) -> None:
    # the broken run as if `--flow` had left out the video flow: its events were never exercised
    left_out = {"video"}
    run = demo.broken
    partial = dataclasses.replace(
        run,
        flows=tuple(f for f in run.flows if f.name not in left_out),
        findings=tuple(f for f in run.findings if f.flow not in left_out),
    )
    opened = open_html(chromium, render_html(partial, demo.broken_dir), tmp_path / "r.html")
    cov = assert_funnel_matches_coverage(opened.page, partial)
    states = {e.name: e.state for e in cov.events}
    # (scroll_depth would still fire: the whitepaper flow scrolls the guide too)
    assert {n for n, s in states.items() if s == "not_covered"} == {
        "video_start",
        "video_progress",
        "video_play",
    }
    assert {n for n, s in states.items() if s == "broken"} == BROKEN_EVENTS - {"video_play"}
    assert opened.blocked == [] and opened.console_errors == []
    opened.page.context.close()


def test_coverage_numbers_equal_the_json_report(broken_page: Opened, demo: DemoRuns) -> None:
    page = broken_page.page
    summary = json.loads(render("json", demo.broken))["summary"]["coverage"]
    big = page.locator(".coverage .big")
    assert float(big.get_attribute("data-score")) == summary["score"]
    assert big.inner_text() == coverage.percent(summary["score"])
    assert 0 < summary["score"] < 1  # the broken shop loses points, but not all
    meta = page.locator(".coverage .score .meta").inner_text()
    assert meta.startswith(
        f"{summary['verified_weight']:g} of {summary['total_weight']:g} points verified"
    ), meta
    assert f"{summary['broken']} broken" in meta and f"{summary['verified']} verified" in meta

    rows = page.evaluate(
        """() => [...document.querySelectorAll('.coverage table.stages tbody tr')].map(tr => ({
          name: tr.querySelector('th').textContent,
          score: tr.querySelector('td[data-score]').dataset.score,
          text: tr.querySelector('td[data-score]').textContent}))"""
    )
    funnel = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.funnel .stage')].map(s =>
          [s.dataset.stage, s.querySelector('.stage-score').textContent]))"""
    )
    want = summary["stages"]
    assert [r["name"] for r in rows] == [s["name"] for s in want] == list(demo.broken.plan.funnel)
    for row, stage in zip(rows, want, strict=True):
        assert float(row["score"]) == stage["score"], (row, stage)
        assert row["text"] == coverage.percent(stage["score"]), (row, stage)
        assert funnel[stage["name"]] == coverage.percent(stage["score"]), (funnel, stage)


def test_broken_findings_are_visible(broken_page: Opened, demo: DemoRuns) -> None:
    page = broken_page.page
    expected = expected_codes()
    all_codes = set().union(*expected.values())
    assert page.locator("body.status-failed").count() == 1
    assert page.locator("h1 .badge").inner_text() == "FAILED"
    # the summary table lists exactly the codes of the regressions
    table = set(page.locator(".summary table.codes code").all_inner_texts())
    assert table == all_codes
    for code in sorted(all_codes):
        shown = page.locator(f'.finding[data-code="{code}"]')
        assert shown.count() >= 1, f"{code} not in the page"
        assert shown.first.is_visible(), f"{code} is in the page but hidden"
        assert code in shown.first.inner_text()
    # each flow's section holds exactly that flow's codes; failed flows are open
    flows = page.evaluate(
        """() => [...document.querySelectorAll('details.flow')].map(d => ({
          name: d.querySelector('summary strong').textContent, open: d.open,
          failed: d.classList.contains('failed'),
          codes: [...new Set([...d.querySelectorAll('.finding')].map(f => f.dataset.code))]}))"""
    )
    assert [f["name"] for f in flows] == [f.name for f in demo.broken.flows]
    for flow in flows:
        want = expected[flow["name"]]
        assert set(flow["codes"]) == want, flow
        assert flow["failed"] == flow["open"] == bool(want), flow


def test_report_makes_no_network_request_and_runs_its_script(broken_page: Opened) -> None:
    page = broken_page.page
    assert broken_page.blocked == []
    assert all(u.startswith(("file:", "data:")) for u in broken_page.requests), broken_page.requests
    assert broken_page.console_errors == []  # no CSP violation, no script error
    assert page.evaluate("document.querySelector('.tools').hidden") is False  # report.js ran
    # the checkout flow's screenshot step is embedded, not linked
    srcs = page.evaluate("() => [...document.images].map(i => i.src.slice(0, 22))")
    assert srcs and all(s.startswith("data:image/") for s in srcs), srcs
    for image in page.locator("img").all():  # loading="lazy": decoded once in view
        image.scroll_into_view_if_needed()
    loaded = page.evaluate(LOADED_JS)  # (wait_for_function would need eval: the CSP forbids it)
    assert loaded and all(loaded), loaded
    assert broken_page.blocked == []


def with_hostile_event(report: RunReport) -> tuple[RunReport, int, int]:
    """The broken run with XSS in the wishlist event a finding points at (and in the finding).

    Returns the report, the flow's position and the event's index."""
    fi, flow = next(
        (i, f) for i, f in enumerate(report.flows) if f.name == "size chart and wishlist"
    )
    target = next(f for f in flow.findings if f.code == "invalid-parameter")
    index = target.event_index
    assert index is not None

    def hostile_event(ev: Event) -> Event:
        if ev.index != index:
            return ev
        params = json.loads(json.dumps(ev.parameters))
        item = params["ecommerce"]["items"][0]
        item["item_name"] = XSS
        item["price"] = XSS  # the line the finding's pointer highlights
        params[XSS_KEY] = XSS
        return dataclasses.replace(ev, parameters=params, raw=params)

    def hostile_finding(f: Finding) -> Finding:
        if f.flow != flow.name or f.event_index != index:
            return f
        return dataclasses.replace(f, message=f"{f.message} {XSS}", actual=XSS)

    new_flow: FlowResult = dataclasses.replace(
        flow,
        events=tuple(hostile_event(e) for e in flow.events),
        findings=tuple(hostile_finding(f) for f in flow.findings),
    )
    flows = tuple(new_flow if i == fi else f for i, f in enumerate(report.flows))
    findings = tuple(hostile_finding(f) for f in report.findings)
    return dataclasses.replace(report, flows=flows, findings=findings), fi, index


STRUCTURE_JS = """() => ({
  scripts: document.scripts.length, images: document.images.length,
  foreign: document.querySelectorAll('svg, iframe, object, embed, frame, b').length,
  findings: document.querySelectorAll('.finding').length,
  events: document.querySelectorAll('details.event').length,
  elements: document.querySelectorAll('body *:not(.ln)').length})"""


def test_xss_in_a_captured_event_stays_text(
    chromium: Any, demo: DemoRuns, broken_page: Opened, tmp_path: Path
) -> None:
    hostile, fi, index = with_hostile_event(demo.broken)
    opened = open_html(chromium, render_html(hostile, demo.broken_dir), tmp_path / "x.html")
    page, clean = opened.page, broken_page.page

    assert page.evaluate("typeof window.__xss") == "undefined"
    assert opened.dialogs == []
    # no element injected: the same structure as the clean report of the same run
    got, want = page.evaluate(STRUCTURE_JS), clean.evaluate(STRUCTURE_JS)
    assert got == want
    assert got["scripts"] == 2 and got["foreign"] == 0
    assert page.evaluate(ON_ATTRIBUTES_JS) == []
    assert opened.blocked == [] and opened.console_errors == []
    # shown as text: in the payload (JSON-escaped), on the highlighted line, in the message
    payload = page.locator(f"#flow-{fi}-ev-{index} pre.json")
    assert payload.is_visible()  # the event holds an error, so its card is open
    text = payload.inner_text()
    assert json.dumps(XSS)[1:-1] in text and XSS_KEY in text
    highlighted = payload.locator(".ln.hl").all_inner_texts()
    assert any(json.dumps(XSS)[1:-1] in line for line in highlighted), highlighted
    messages = page.locator(f"#flow-{fi} .finding .msg").all_inner_texts()
    assert any(m.endswith(XSS) for m in messages), messages
    payload.hover()  # would fire an injected onmouseover
    assert page.evaluate("typeof window.__xss") == "undefined"
    opened.page.context.close()
