"""The async API path (the runner's): `attach`, `check_bypass`, `launch`, `new_context`."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from tracker_check.capture.browser import launch, new_context
from tracker_check.capture.recorder import Recorder

pytestmark = pytest.mark.browser


def _in_thread(coro_fn: Any) -> Any:
    # pytest-playwright's sync Playwright owns this thread's event loop machinery; the async
    # API gets a thread (and a loop) of its own
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = asyncio.run(coro_fn())
        except BaseException as exc:
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_async_attach_captures_and_checks_bypass(capture_site: str) -> None:
    from playwright.async_api import async_playwright

    async def body() -> tuple[list[Any], list[Any], list[str]]:
        async with async_playwright() as p:
            browser = await launch(p)
            try:
                context = await new_context(browser)
                recorder = Recorder(block_requests=["*/blocked/*"])
                await recorder.attach(context)
                page = await context.new_page()
                await page.goto(f"{capture_site}/bypass.html")
                await page.goto(f"{capture_site}/blocking.html")
                await page.wait_for_function("window.dataLayer.length === 1")
                await page.goto(f"{capture_site}/bypass.html")
                await page.wait_for_function("window.dataLayer.length === 2")
                findings = await recorder.check_bypass(page)
                names = [e.name for e in recorder.events]
                return names, findings, recorder.blocked_requests
            finally:
                await browser.close()

    names, findings, blocked = _in_thread(body)
    assert names == ["pushed", "allowed_script_ran", "pushed", "by_index"]
    assert [f.actual for f in findings] == [[{"event": "by_index"}]]
    assert blocked == [f"{capture_site}/blocked/analytics.js"]


def test_bypass_check_gives_up_on_an_unresponsive_page(
    capture_site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page stuck in a long script must not hang the run: the check skips it."""
    from playwright.async_api import async_playwright

    from tracker_check.capture import recorder as recorder_module

    monkeypatch.setattr(recorder_module, "BYPASS_CHECK_S", 0.5)
    busy = (
        "dataLayer.push({event: 'before_busy'});"
        "setTimeout(() => { const t = Date.now(); while (Date.now() - t < 60000) {} }, 0)"
    )

    async def body() -> tuple[list[Any], list[str]]:
        async with async_playwright() as p:
            browser = await launch(p)
            try:
                context = await new_context(browser)
                recorder = Recorder()
                await recorder.attach(context)
                page = await context.new_page()
                await page.goto(f"{capture_site}/bypass.html")
                await page.evaluate(busy)
                await asyncio.sleep(0.2)  # let the busy loop start
                # without the deadline this waits the whole minute: fail fast instead
                findings = await asyncio.wait_for(recorder.check_bypass(page), 20)
                return findings, [e.name for e in recorder.events]
            finally:
                await browser.close()

    findings, names = _in_thread(body)
    assert findings == []
    assert "before_busy" in names
