"""Plan steps → Playwright actions (async API).

Arguments arrive already substituted (see `variables.py`). Every Playwright failure becomes a
`StepFault` carrying one line the user can act on; the runner turns it into a `step-failed`
finding. `wait: {event}` is not here: it waits on the Recorder, which the runner owns.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

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


async def perform(action: str, args: dict[str, Any], ctx: StepContext) -> str | None:
    """Run one action; returns the path of a screenshot it took, if any."""
    from playwright.async_api import Error as PlaywrightError

    selector = args.get("selector")
    try:
        return await _act(action, args, ctx)
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


async def _act(action: str, a: dict[str, Any], ctx: StepContext) -> str | None:
    page, t = ctx.page, ctx.timeout_ms
    match action:
        case "goto":
            await _goto(page, resolve_url(str(a["url"]), ctx.base_url), ctx.navigation_timeout_ms)
        case "click":
            await page.locator(a["selector"]).first.click(timeout=t)
        case "dblclick":
            await page.locator(a["selector"]).first.dblclick(timeout=t)
        case "fill":
            await page.locator(a["selector"]).first.fill(str(a.get("value", "")), timeout=t)
        case "type":
            loc = page.locator(a["selector"]).first
            await loc.press_sequentially(str(a.get("text", a.get("value", ""))), timeout=t)
        case "press":
            if a.get("selector"):
                await page.locator(a["selector"]).first.press(str(a["key"]), timeout=t)
            else:
                await page.keyboard.press(str(a["key"]))
        case "select":
            value = a.get("value")
            values = [str(v) for v in value] if isinstance(value, list) else str(value)
            await page.locator(a["selector"]).first.select_option(values, timeout=t)
        case "check":
            await page.locator(a["selector"]).first.check(timeout=t)
        case "uncheck":
            await page.locator(a["selector"]).first.uncheck(timeout=t)
        case "hover":
            await page.locator(a["selector"]).first.hover(timeout=t)
        case "scroll":
            await _scroll(page, a, t)
        case "wait":
            await _wait(a, ctx)
        case "screenshot":
            path = ctx.screenshot_path(str(a.get("name") or "screenshot"))
            await page.screenshot(path=str(path), full_page=bool(a.get("full_page", False)))
            return str(path)
        case _:
            raise StepFault(f"unknown step action {action}")
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


async def _scroll(page: Page, a: dict[str, Any], timeout: float) -> None:
    if a.get("selector"):
        await page.locator(a["selector"]).first.scroll_into_view_if_needed(timeout=timeout)
        return
    percent = float(str(a.get("percent", 100)).rstrip("%"))
    # scroll events fire asynchronously; the step's expect waits for what they push
    await page.evaluate(
        """(p) => {
            const el = document.scrollingElement || document.documentElement;
            window.scrollTo(0, Math.max(0, el.scrollHeight - window.innerHeight) * p / 100);
        }""",
        percent,
    )


async def _wait(a: dict[str, Any], ctx: StepContext) -> None:
    timeout = float(a.get("timeout_ms") or ctx.timeout_ms)
    if a.get("event"):
        await ctx.wait_event(str(a["event"]), timeout)
    elif a.get("selector"):
        await ctx.page.locator(a["selector"]).first.wait_for(timeout=timeout)
    else:
        await ctx.page.wait_for_timeout(float(a.get("ms", 0)))  # an explicit pause the plan asks
