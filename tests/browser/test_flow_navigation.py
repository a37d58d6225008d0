"""Timeouts and faults like Playwright's: navigation (30 s) is timed apart from actions and
expected events (5 s); a server that accepts but never answers is a dead site (exit 3, "no
response from URL within N s"); a page answering 4xx/5xx fails its step, naming the status."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tracker_check.flows.runner import RunOptions, run_plan
from tracker_check.plan.load import lint_plan_text
from tracker_check.plan.model import Plan
from tracker_check.report.model import RunReport, exit_code
from tracker_check.serve import QuietHandler, serve

pytestmark = pytest.mark.browser

SITE = Path(__file__).resolve().parents[2] / "fixtures" / "flows" / "site"


def plan(text: str) -> Plan:
    parsed, findings = lint_plan_text(text, "plan.yaml")
    assert parsed is not None, findings
    return parsed


def run(text: str, base_url: str, **options: object) -> RunReport:
    return run_plan(plan(text), RunOptions(base_url=base_url, **options))  # type: ignore[arg-type]


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A server on 127.0.0.1 that accepts connections and reads requests, never answering."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)  # kept open, never answered

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    server.close()
    for conn in held:
        conn.close()
    thread.join(timeout=5)


PAGE_VIEW = """\
version: 1
settings: {timeout: 1s, navigation_timeout: NAV}
events:
  page_view: {parameters: {page_type: {type: string}}}
flows:
  - name: home
    start: /index.html
    steps:
      - wait: {ms: 1}
        expect: [page_view]
"""


def test_a_slow_page_within_the_navigation_timeout_passes(
    static_server: Callable[..., str],
) -> None:
    """A staging page that takes 6.5 s to answer loads, although the step timeout is 5 s:
    navigation has its own timeout (the default 30 s)."""
    base = static_server(SITE, latency_ms=6500)
    report = run(PAGE_VIEW.replace("{timeout: 1s, navigation_timeout: NAV}", "{}"), base)
    assert report.error is None
    assert [(f.code, f.message) for f in report.findings] == []
    assert exit_code(report) == 0


def test_a_server_that_never_answers_is_exit_3(silent_url: str) -> None:
    report = run(PAGE_VIEW.replace("NAV", "1500ms"), silent_url)
    assert exit_code(report) == 3
    assert report.error is not None
    assert report.error.startswith(
        f"site unreachable: no response from {silent_url}/index.html within 1.5 s"
    )


def test_navigation_timeout_from_the_options_wins(silent_url: str) -> None:
    report = run(PAGE_VIEW.replace("NAV", "60s"), silent_url, navigation_timeout_ms=800)
    assert report.error is not None and "within 0.8 s" in report.error


class _Status(QuietHandler):
    """`/gone.html` answers 410, `/broken.html` 500 (each after a push); the rest is files."""

    def do_GET(self) -> None:
        codes = {"/gone.html": (410, "Gone"), "/broken.html": (500, "Internal Server Error")}
        if self.path not in codes:
            super().do_GET()
            return
        code, reason = codes[self.path]
        body = b"<script>dataLayer = [{event: 'page_view', page_type: 'error'}]</script>"
        self.send_response(code, reason)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


STATUS = """\
version: 1
settings: {timeout: 1s, unplanned_events: ignore}
events:
  page_view: {parameters: {page_type: {type: string}}}
flows:
  - name: start answers 410
    start: /gone.html
    steps:
      - wait: {ms: 1}
  - name: goto answers 500
    start: /index.html
    steps:
      - goto: /broken.html
      - wait: {ms: 1}
"""


def test_an_error_status_fails_the_step_naming_it() -> None:
    with serve(SITE, handler=_Status) as base:
        report = run(STATUS, base, workers=2)
    assert report.error is None and exit_code(report) == 1
    by_flow = {f.flow: f for f in report.findings if f.code == "step-failed"}
    gone, broken = by_flow["start answers 410"], by_flow["goto answers 500"]
    assert (gone.step, broken.step) == (0, 1)
    assert gone.message == (
        f"the start (/gone.html) failed: {base}/gone.html answered HTTP 410 Gone"
    )
    assert broken.message == (
        f"step 1 (goto /broken.html) failed: {base}/broken.html answered HTTP 500 "
        "Internal Server Error"
    )
    flows = {f.name: f for f in report.flows}
    assert [s.status for s in flows["goto answers 500"].steps] == ["passed", "failed", "skipped"]


def test_a_short_step_timeout_does_not_cut_the_navigation(
    static_server: Callable[..., str],
) -> None:
    """`start: {url, timeout}` (or a goto's `timeout`) is about the step's events: it can
    lengthen a navigation, never cut it below the navigation timeout."""
    base = static_server(SITE, latency_ms=300)
    text = PAGE_VIEW.replace("{timeout: 1s, navigation_timeout: NAV}", "{}").replace(
        "start: /index.html", "start: {url: /index.html, timeout: 1ms}"
    )
    report = run(text, base)
    assert report.error is None
    assert [(f.code, f.message) for f in report.findings] == []
