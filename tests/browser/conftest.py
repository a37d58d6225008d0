"""Browser fixtures: one Playwright + Chromium per module (launched with our own discovery),
a capture site on 127.0.0.1 that can also POST and send a CSP header, and
`capture()`: a fresh context with a Recorder attached."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tracker_check.capture.browser import launch_options
from tracker_check.capture.recorder import Recorder
from tracker_check.models import Event
from tracker_check.serve import QuietHandler, serve

CAPTURE_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "capture"
VENDOR_DIR = CAPTURE_DIR.parent / "vendor"  # real third-party libraries, served as /vendor/
TRACKER_PATH = "/matomo.php"  # the Matomo tracker endpoint, answered here with 204
CSP = "script-src 'self'"


class CaptureHandler(QuietHandler):
    """Static files (and /vendor/), plus what a static server cannot do: POST, a strict CSP
    on /csp/, and Matomo's tracking requests (kept in `tracked`, answered 204)."""

    tracked: ClassVar[list[str]] = []

    def translate_path(self, path: str) -> str:
        if path.startswith("/vendor/"):
            rel = path.split("?", 1)[0].removeprefix("/vendor/")
            target = (VENDOR_DIR / rel).resolve()
            if VENDOR_DIR in target.parents:
                return str(target)
        return super().translate_path(path)

    def _tracker_hit(self) -> bool:
        if not self.path.startswith(TRACKER_PATH):
            return False
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        CaptureHandler.tracked.append(f"{self.path} {body}".strip())
        self.send_response(204)
        self.end_headers()
        return True

    def do_GET(self) -> None:
        if not self._tracker_hit():
            super().do_GET()

    def end_headers(self) -> None:
        if self.path.startswith("/csp/"):
            self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def do_POST(self) -> None:
        if self._tracker_hit():
            return
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode("utf-8"))
        email = form.get("email", [""])[0]
        body = (
            "<!doctype html><title>posted</title><script>"
            "window.dataLayer = window.dataLayer || [];"
            f"dataLayer.push({{event: 'post_received', email: {email!r}}});"
            "</script><p>thanks</p>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="session")
def capture_site() -> Iterator[str]:
    """Base URL of fixtures/capture/ on 127.0.0.1."""
    with serve(CAPTURE_DIR, handler=CaptureHandler) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Playwright + Chromium per test module, found by our own discovery.

    Module-, not session-scoped on purpose: while a sync Playwright is alive it keeps its
    event loop marked as running in this thread, so `asyncio.run` (the async runner's tests)
    and another `sync_playwright()` in later modules would fail. Stopping it at the end of
    each module keeps every other test module free to use either API.
    """
    with sync_playwright() as p:
        launched = p.chromium.launch(**launch_options(None))
        yield launched
        launched.close()


@dataclass
class Capture:
    context: BrowserContext
    page: Page
    recorder: Recorder
    base: str
    pages: list[Page] = field(default_factory=list)

    @property
    def events(self) -> list[Event]:
        return self.recorder.events

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def goto(self, path: str) -> None:
        self.page.goto(self.url(path))

    def wait_for(self, predicate: Callable[[], bool], timeout_s: float = 10.0) -> None:
        """Let Playwright dispatch binding calls until `predicate()` holds (or fail)."""
        deadline = time.monotonic() + timeout_s
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met in {timeout_s}s; captured: {self.names()}")
            self.page.wait_for_timeout(5)

    def wait_events(self, n: int, timeout_s: float = 10.0) -> list[Event]:
        """Wait until `n` events arrived, then one more round trip so any extra shows up."""
        self.wait_for(lambda: len(self.events) >= n, timeout_s)
        self.quiesce()
        return self.events

    def quiesce(self) -> None:
        # records are sent in a microtask right after each push, so once a later task in
        # every open page has run and answered, everything pushed before has been delivered
        for page in self.context.pages:
            with contextlib.suppress(Exception):
                page.evaluate("() => new Promise(r => setTimeout(r, 0))")

    def names(self) -> list[str | None]:
        return [e.name for e in self.events]

    def raws(self) -> list[Any]:
        return [e.raw for e in self.events]


@pytest.fixture
def capture(browser: Browser, capture_site: str) -> Iterator[Callable[..., Capture]]:
    """Factory: capture(data_layers=..., block_requests=...) -> Capture with a fresh context."""
    contexts: list[BrowserContext] = []

    def start(data_layers: tuple[str, ...] = ("dataLayer",), **kw: Any) -> Capture:
        context = browser.new_context(service_workers="block")
        contexts.append(context)
        recorder = Recorder(data_layers, **kw)
        recorder.attach_sync(context)
        page = context.new_page()
        return Capture(context, page, recorder, capture_site)

    yield start
    for context in contexts:
        context.close()
