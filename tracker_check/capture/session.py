"""Record one page (or one flow of a plan): the library calls behind `tracker-check record`.

`record_url` launches (or connects), loads the URL and waits until the data layers are quiet.
`record_flow` runs one flow with the runner, so its events come attributed to flow and step.
Async, Playwright imported lazily.
"""

from __future__ import annotations

import asyncio
import difflib
import glob
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tracker_check import sources
from tracker_check.capture.browser import launch, new_context
from tracker_check.capture.recorder import Recorder
from tracker_check.errors import BrowserError, UsageError
from tracker_check.models import Event, Finding

if TYPE_CHECKING:
    from tracker_check.plan.model import Plan
    from tracker_check.report.model import FlowResult

GOTO_TIMEOUT_MS = 30_000
MAX_WAIT_S = 60.0  # a page that never stops pushing still ends


@dataclass(frozen=True, slots=True)
class Recording:
    events: tuple[Event, ...]
    findings: tuple[Finding, ...] = ()
    blocked_requests: tuple[str, ...] = ()
    recovered: frozenset[int] = field(default_factory=frozenset)
    status: int | None = None  # HTTP status of the main document
    status_text: str = ""  # its reason phrase, e.g. "Not Found"
    flow: FlowResult | None = None  # the judged flow, for `record_flow`


async def record_url(
    url: str,
    *,
    data_layers: Sequence[str] = ("dataLayer",),
    block_requests: Sequence[str] = (),
    browser_path: str | None = None,
    connect: str | None = None,
    quiet_ms: int = 500,
    layers: sources.Layers | None = None,
) -> Recording:
    """Load `url`, capture every data-layer record until `quiet_ms` pass without one."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    recorder = Recorder(data_layers, block_requests=block_requests, layers=layers)
    async with async_playwright() as p:
        browser = await launch(p, browser_path=browser_path, connect=connect)
        try:
            context = await new_context(browser)
            await recorder.attach(context)
            page = await context.new_page()
            try:
                response = await page.goto(url, wait_until="load", timeout=GOTO_TIMEOUT_MS)
            except PlaywrightError as exc:
                reason = str(exc).splitlines()[0].split(" at ")[0].removeprefix("Page.goto: ")
                raise BrowserError(
                    f"cannot load {url}: {reason}", hint="is the site running and reachable?"
                ) from None
            loaded = time.monotonic()
            while True:
                last = max(loaded, recorder.last_event_time)
                now = time.monotonic()
                if now - last >= quiet_ms / 1000 or now - loaded > MAX_WAIT_S:
                    break
                await asyncio.sleep(min(0.05, quiet_ms / 1000))
            findings: list[Finding] = []
            for open_page in context.pages:
                if not open_page.is_closed():
                    findings += await recorder.check_bypass(open_page)
            await context.close()
        finally:
            await browser.close()
    return Recording(
        events=tuple(recorder.events),
        findings=tuple(findings),
        blocked_requests=tuple(recorder.blocked_requests),
        recovered=frozenset(recorder.recovered),
        status=response.status if response is not None else None,
        status_text=response.status_text if response is not None else "",
    )


async def record_flow(
    plan: Plan,
    name: str,
    *,
    base_url: str | None = None,
    browser_path: str | None = None,
    connect: str | None = None,
) -> Recording:
    """Run the flow called `name` of `plan` and return its events and findings.

    A failing flow is still a recording (its findings say why); an unreachable site or a
    browser that cannot start is a BrowserError. An unknown name is a UsageError.
    """
    from tracker_check.flows.runner import RunOptions, run_plan_async

    if plan.flow(name) is None:
        names = [f.name for f in plan.flows]
        close = difflib.get_close_matches(name, names, n=1)
        if close:
            hint = f"did you mean {close[0]!r}?"
        else:
            hint = f"flows in the plan: {', '.join(names)}" if names else "the plan has no flows"
        raise UsageError(f"flow {name!r} is not in the plan", hint=hint)
    # the runner takes globs: escape, so a name with `*` or `[` selects only itself
    options = RunOptions(
        base_url=base_url, flows=(glob.escape(name),), browser_path=browser_path, connect=connect
    )
    report = await run_plan_async(plan, options)
    if report.error is not None:
        raise BrowserError(report.error)
    (result,) = report.flows
    events = tuple(sorted(result.events, key=lambda e: e.index))
    return Recording(
        events=events,
        findings=result.findings,
        blocked_requests=tuple(report.extras.get("blocked_requests", ())),
        flow=result,
    )
