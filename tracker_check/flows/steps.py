"""Plan steps → Playwright actions (async API).

Steps arrive typed (`plan.steps`) and already substituted (see `variables.py`). Every
Playwright failure becomes a `StepFault` carrying one line the user can act on; the runner
turns it into a `step-failed` finding. `wait: {event}` waits on the Recorder through
`StepContext.wait_event`, which the flow provides.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from tracker_check.plan.steps import (
    Check,
    Click,
    DblClick,
    Fill,
    Goto,
    Hover,
    Press,
    Screenshot,
    Scroll,
    Select,
    Step,
    Type,
    Uncheck,
    Wait,
)

if TYPE_CHECKING:
    from playwright.async_api import Page

# Chromium's network errors meaning "nothing listens there": the site is down, not the flow
_UNREACHABLE = (
    "ERR_CONNECTION_REFUSED",
    "ERR_NAME_NOT_RESOLVED",
    "ERR_ADDRESS_UNREACHABLE",
    "ERR_UNSAFE_PORT",  # e.g. :9 or :6000 — Chromium never connects, so the site is unreachable
)


class StepFault(Exception):
    """A step could not be performed: `message` is one line; `unreachable` marks a dead site
    (nothing listens, or a server that accepts but never answers)."""

    def __init__(
        self,
        message: str,
        *,
        selector: str | None = None,
        hint: str | None = None,
        no_response: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.selector = selector
        self.hint = hint
        self.unreachable = no_response or any(code in message for code in _UNREACHABLE)


def one_line(message: str, limit: int = 300) -> str:
    """Playwright's message without its call log, ANSI codes and line breaks."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", message)
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    first = re.sub(r"^(Page|Locator|Frame|Keyboard|Mouse|ElementHandle)\.\w+: ", "", first)
    return first if len(first) <= limit else first[: limit - 1] + "…"


def resolve_url(url: str, base_url: str | None) -> str:
    if urlsplit(url).scheme:
        return url
    if not base_url:
        raise StepFault(
            f"relative URL {url} but no base URL",
            hint="set base_url in the plan or pass --base-url / --serve",
        )
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", url)


@dataclass(frozen=True, slots=True)
class StepContext:
    page: Page
    base_url: str | None
    timeout_ms: float
    screenshot_path: Callable[[str], Path]  # name -> where to save a screenshot step
    wait_event: Callable[[str, float], Awaitable[None]]  # (event name, timeout ms)
    navigation_timeout_ms: float = 30_000  # `start` and `goto`; `timeout_ms` is for the rest


async def perform(step: Step, ctx: StepContext) -> str | None:
    """Run one step's action; returns the path of a screenshot it took, if any."""
    from playwright.async_api import Error as PlaywrightError

    selector = getattr(step, "selector", None)
    try:
        return await _act(step, ctx)
    except StepFault:
        raise
    except PlaywrightError as exc:
        message = one_line(exc.message)
        hint = None
        if isinstance(selector, str) and "Timeout" in message:
            message, hint = await _explain_timeout(ctx.page, selector, message)
        raise StepFault(message, selector=selector, hint=hint) from None


async def _explain_timeout(page: Page, selector: str, message: str) -> tuple[str, str]:
    """Tell 'no such element' from 'element there but never actionable'."""
    try:
        count = await page.locator(selector).count()
    except Exception:  # the page may be gone; keep Playwright's own line
        return message, "the page closed or crashed during the step"
    if count == 0:
        return (
            f"selector {selector} not found ({message})",
            "the element was renamed or removed? check the selector against the page",
        )
    return (
        f"element {selector} never became actionable ({message})",
        "it exists but stayed hidden, disabled or covered",
    )


async def _act(step: Step, ctx: StepContext) -> str | None:
    page, t = ctx.page, ctx.timeout_ms
    match step:
        case Goto(url=url):
            await _goto(page, resolve_url(url, ctx.base_url), ctx.navigation_timeout_ms)
        case Click(selector=sel):
            await page.locator(sel).first.click(timeout=t)
        case DblClick(selector=sel):
            await page.locator(sel).first.dblclick(timeout=t)
        case Fill(selector=sel, value=value):
            await page.locator(sel).first.fill(value, timeout=t)
        case Type(selector=sel, text=text):
            await page.locator(sel).first.press_sequentially(text, timeout=t)
        case Press(key=key, selector=sel):
            if sel:
                await page.locator(sel).first.press(key, timeout=t)
            else:
                await page.keyboard.press(key)
        case Select(selector=sel, value=value):
            values = list(value) if isinstance(value, tuple) else value
            await page.locator(sel).first.select_option(values, timeout=t)
        case Check(selector=sel):
            await page.locator(sel).first.check(timeout=t)
        case Uncheck(selector=sel):
            await page.locator(sel).first.uncheck(timeout=t)
        case Hover(selector=sel):
            await page.locator(sel).first.hover(timeout=t)
        case Scroll():
            await _scroll(page, step, t)
        case Wait():
            await _wait(step, ctx)
        case Screenshot(name=name, full_page=full_page):
            path = ctx.screenshot_path(name or "screenshot")
            await page.screenshot(path=str(path), full_page=full_page)
            return str(path)
    return None


async def _goto(page: Page, url: str, timeout_ms: float) -> None:
    """Navigate in two stages, so each failure says what it was: no response at all (a server
    that accepts and never answers: the site is down), an HTTP error status, or a page that
    answered but did not finish loading, all within the navigation timeout."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    started = time.monotonic()
    seconds = f"{timeout_ms / 1000:g} s"
    try:
        response = await page.goto(url, wait_until="commit", timeout=timeout_ms)
    except PlaywrightTimeout:
        raise StepFault(
            f"no response from {url} within {seconds}",
            hint="is the site up? raise settings.navigation_timeout for a slow one",
            no_response=True,
        ) from None
    if response is not None and response.status >= 400:
        reason = f" {response.status_text}" if response.status_text else ""
        raise StepFault(
            f"{url} answered HTTP {response.status}{reason}",
            hint="the page itself failed: check the URL and the server",
        )
    left = max(timeout_ms - (time.monotonic() - started) * 1000, 1.0)
    try:
        await page.wait_for_load_state("load", timeout=left)
    except PlaywrightTimeout:
        raise StepFault(
            f"{url} answered but did not finish loading within {seconds}",
            hint="a script, image or frame keeps the page loading; raise "
            "settings.navigation_timeout if that is expected",
        ) from None


async def _scroll(page: Page, step: Scroll, timeout: float) -> None:
    if step.selector:
        await page.locator(step.selector).first.scroll_into_view_if_needed(timeout=timeout)
        return
    percent = 100.0 if step.percent is None else float(step.percent)
    # scroll events fire asynchronously; the step's expect waits for what they push
    await page.evaluate(
        """(p) => {
            const el = document.scrollingElement || document.documentElement;
            window.scrollTo(0, Math.max(0, el.scrollHeight - window.innerHeight) * p / 100);
        }""",
        percent,
    )


async def _wait(step: Wait, ctx: StepContext) -> None:
    timeout = float(step.wait_timeout_ms or ctx.timeout_ms)
    if step.event:
        await ctx.wait_event(step.event, timeout)
    elif step.selector:
        await ctx.page.locator(step.selector).first.wait_for(timeout=timeout)
    else:
        await ctx.page.wait_for_timeout(float(step.ms or 0))  # an explicit pause the plan asks
