"""One step of a flow: substitute, act, wait for its expected events, settle if it bounds a
count, judge its `expect`, check for bypassed items. The flow's state stays in `FlowRun`."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from tracker_check.flows import faults
from tracker_check.flows.model import SiteUnreachable
from tracker_check.flows.steps import StepContext, StepFault, perform
from tracker_check.flows.variables import UnknownVariable
from tracker_check.models import Severity
from tracker_check.plan.steps import Goto, Step, Wait
from tracker_check.report.model import StepResult
from tracker_check.validate.expect import arrived, judge_step

if TYPE_CHECKING:
    from playwright.async_api import Page

    from tracker_check.flows.flow import FlowRun


async def perform_step(
    run: FlowRun, page: Page, number: int, step: Step, *, first_nav: bool
) -> StepResult:
    t0 = time.monotonic()
    s = run.plan.settings
    timeout = step.timeout_ms or run.fs.step_timeout_ms or s.step_timeout_ms
    # a step's own `timeout` can lengthen its navigation, never cut it below the
    # navigation timeout (`start: {url, expect, timeout: 10s}` is about its events)
    navigation = max(step.timeout_ms or 0, run.fs.navigation_timeout_ms or s.navigation_timeout_ms)
    try:
        typed = run.vars.step(step)
    except UnknownVariable as exc:
        return await _fail(run, None, step, t0, StepFault(str(exc), hint=exc.hint))
    ctx = StepContext(
        page,
        run.fs.base_url,
        timeout,
        run.files.screenshot_path,
        run.wait_event,
        navigation_timeout_ms=navigation,
    )
    # a safety net over Playwright's own timeouts (page.evaluate has none)
    if isinstance(typed, Wait):
        limit = timeout + float(typed.ms or typed.wait_timeout_ms or 0)
    else:
        limit = navigation if isinstance(typed, Goto) else timeout
    try:
        shot = await asyncio.wait_for(perform(typed, ctx), limit / 1000 + 2)
    except StepFault as fault:
        if fault.unreachable and first_nav and isinstance(typed, Goto):
            raise SiteUnreachable(fault.message) from None
        return await _fail(run, page, step, t0, fault)
    except TimeoutError:
        return await _fail(run, page, step, t0, StepFault(f"step timed out after {limit:g} ms"))
    acted = time.monotonic()
    if step.acts:  # a wait only watches the page; it causes no push
        run.clock.last_action_end = acted
    deadline = acted + timeout / 1000
    expects = typed.expect
    await run.until(lambda: arrived(expects, run.window()), deadline)
    if any(x.bounds_count for x in expects):
        await run._settle(acted, deadline - time.monotonic())
    n = run.now
    judged = judge_step(
        expects,
        run.window(),
        flow=run.flow.name,
        step=number,
        step_label=n.label,
        before=run.events[: n.since],
    )
    for f in judged:
        run.add(f)
    await run.check_bypass(page)
    bad = any(f.severity is Severity.ERROR for f in judged)
    return StepResult(
        number,
        n.label,
        step.action,
        "failed" if bad else "passed",
        duration_ms=(time.monotonic() - t0) * 1000,
        screenshot=run.files.shown(shot) if shot else None,
    )


async def _fail(
    run: FlowRun, page: Page | None, step: Step, t0: float, fault: StepFault
) -> StepResult:
    n = run.now
    shot = None
    if page is not None and not run.crashed:
        shot = await run.files.failure_screenshot(page, n.number)
    finding = faults.step_failed(
        run.flow.name,
        n.number,
        n.label,
        fault,
        crashed=run.crashed,
        location=step.location,
        url=None if page is None or page.is_closed() else page.url,
        screenshot=shot,
    )
    run.add(finding)
    return StepResult(
        n.number,
        n.label,
        step.action,
        "failed",
        duration_ms=(time.monotonic() - t0) * 1000,
        screenshot=shot,
        error=faults.crashed_message(fault, run.crashed),
    )
