"""The plan's flows as pytest items: `plan.yaml::<flow name>`, one flow per item.

Each item runs its flow with the runner's engine (`flows.runner.run_flows`, async) and judges it
with the core Validator, exactly like `tracker-check run --flow NAME`. The runner is async and
pytest-playwright's browser belongs to the sync API, so items share their own browser instead:
one Chromium per session (per xdist worker), driven by an event loop in a background thread,
started by the first flow item and closed when the session ends. pytest-playwright's
`--headed` and `--browser-channel` apply to it; without a channel, discovery picks the browser.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import tempfile
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from tracker_check.pytest_plugin import settings

if TYPE_CHECKING:
    from playwright.async_api import Browser, Playwright

    from tracker_check.plan.model import Flow, Plan
    from tracker_check.report.model import RunReport

T = TypeVar("T")
MARKER = "tracking_flow"


class PlanFile(pytest.File):
    """The tracking plan file: collects one item per flow."""

    def collect(self) -> Iterator[FlowItem]:
        try:
            plan = settings.load(self.config)
        except settings.PlanLoadError as exc:
            raise self.CollectError(str(exc)) from None
        for index, flow in enumerate(plan.flows):
            item = FlowItem.from_parent(self, name=flow.name, flow=flow, index=index)
            item.add_marker(MARKER)
            yield item


class FlowFailed(Exception):
    """A flow item failed: the message is the CLI's text report of the flow."""


class FlowItem(pytest.Item):
    def __init__(self, *, flow: Flow, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.flow = flow
        self.index = index

    def runtest(self) -> None:
        plan = settings.load(self.config)
        report = _browser(self.config).run(lambda browser: run_one(browser, plan, self.index))
        if report.status != "passed":
            from tracker_check.pytest_plugin.assertions import failure_text

            raise FlowFailed(failure_text(report))

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | Any:
        if isinstance(excinfo.value, FlowFailed):
            return str(excinfo.value)
        from tracker_check.errors import TrackerCheckError

        if isinstance(excinfo.value, TrackerCheckError):
            return excinfo.value.one_line()
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.flow.location.line - 1 if self.flow.location else None
        return self.path, line, f"flow: {self.flow.name}"


async def run_one(browser: Browser, plan: Plan, index: int) -> RunReport:
    """Run the flow at `index` of `plan` and judge it: a RunReport with that one flow. The
    runner's engine (`run_flows`), its events collected by the same handler as the CLI's."""
    import time

    from tracker_check.flows.collect import ReportCollector
    from tracker_check.flows.events import RunFinished
    from tracker_check.flows.flow import FlowSettings
    from tracker_check.flows.runner import run_flows

    fs = FlowSettings(
        base_url=plan.base_url,
        step_timeout_ms=None,
        navigation_timeout_ms=None,
        settle_ms=plan.settings.settle_ms,
        settle_cap_ms=plan.settings.settle_cap_ms,
        report_dir=None,
        artifacts=_artifacts_dir,
        trace="off",
        environ=os.environ,
    )
    collector = ReportCollector(plan, {"base_url": plan.base_url})
    t0 = time.monotonic()
    error = await run_flows(browser, plan, [(index, plan.flows[index])], fs, collector)
    collector(RunFinished((time.monotonic() - t0) * 1000, error))
    return collector.report()


_ARTIFACTS: list[Path] = []


def _artifacts_dir() -> Path:
    """Failure screenshots of flow items: one temp dir per session, made on first use."""
    if not _ARTIFACTS:
        _ARTIFACTS.append(Path(tempfile.mkdtemp(prefix="tracker-check-pytest-")))
    return _ARTIFACTS[0]


class BrowserThread:
    """Async Playwright and one Chromium, owned by an event loop in a daemon thread."""

    def __init__(self, *, headless: bool, channel: str | None = None) -> None:
        self.headless = headless
        self.channel = channel
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="tracker-check-flows", daemon=True
        )
        self._thread.start()
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._error: BaseException | None = None

    def _submit(self, coro: Awaitable[T]) -> T:
        async def wrap() -> T:
            return await coro

        future: concurrent.futures.Future[T] = asyncio.run_coroutine_threadsafe(wrap(), self._loop)
        return future.result()

    async def _ensure(self) -> Browser:
        if self._browser is None:
            from playwright.async_api import async_playwright

            from tracker_check.capture.browser import launch

            self._pw = await async_playwright().start()
            self._browser = await launch(self._pw, headless=self.headless, channel=self.channel)
        return self._browser

    def run(self, job: Callable[[Browser], Awaitable[T]]) -> T:
        """Run `job(browser)` on the loop; a launch failure is remembered and re-raised."""
        if self._error is not None:
            raise self._error

        async def go() -> T:
            return await job(await self._ensure())

        try:
            return self._submit(go())
        except Exception as exc:
            from tracker_check.errors import BrowserError

            if isinstance(exc, BrowserError):
                self._error = exc
            raise

    def close(self) -> None:
        async def stop() -> None:
            if self._browser is not None:
                await self._browser.close()
            if self._pw is not None:
                await self._pw.stop()

        try:
            self._submit(stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            if not self._thread.is_alive():
                self._loop.close()


_BROWSER_KEY = pytest.StashKey[BrowserThread]()


def _browser(config: pytest.Config) -> BrowserThread:
    existing = config.stash.get(_BROWSER_KEY, None)
    if existing is not None:
        return existing
    # pytest-playwright's options; absent under `-p no:playwright`
    headed = bool(config.getoption("--headed", default=False))
    channel: str | None = config.getoption("--browser-channel", default=None) or None
    thread = config.stash[_BROWSER_KEY] = BrowserThread(headless=not headed, channel=channel)
    config.add_cleanup(thread.close)
    return thread
