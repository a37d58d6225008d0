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
