"""The one owner of a run's browser contexts: every context is opened and closed here.

Like pytest-playwright's context fixture, the owner remembers every context it opened and
closes whatever is still open when the run ends (normally, on an error, on cancellation), so
no other code closes a context "just in case". A flow's end hands its context back with
`close`; a context opened ahead that no flow took is closed by `close` too (or by `close_all`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page

    from tracker_check.capture.activity import NavigationWatch
    from tracker_check.capture.recorder import Recorder
    from tracker_check.plan.model import Plan


class Closable(Protocol):
    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class FlowContext:
    """A fresh browser context ready for one flow: capture hook and request blocking attached,
    tracing started if asked, one blank page open. Interchangeable between flows of a plan, so
    the runner opens the next one while the current flow runs."""

    context: BrowserContext
    page: Page
    recorder: Recorder
    navigations: NavigationWatch  # navigation requests in flight (settle: auto)


C = TypeVar("C", bound=Closable)
T = TypeVar("T")


class ContextOwner(Generic[C, T]):
    """Opens contexts with `new()`, readies them with `ready(context)` (closing the context
    if that fails), and closes each exactly once."""

    def __init__(self, new: Callable[[], Awaitable[C]], ready: Callable[[C], Awaitable[T]]) -> None:
        self._new, self._ready = new, ready
        # id(ready value), or id(context) while it is readied -> (that object, the context);
        # holding the object keeps its id from being reused while the context is open
        self._open: dict[int, tuple[object, C]] = {}
        self.opened = self.closed = 0

    async def open(self) -> T:
        context = await self._new()
        self.opened += 1
        self._open[id(context)] = (context, context)
        try:
            value = await self._ready(context)
        except BaseException:
            await self._close(id(context))
            raise
        del self._open[id(context)]
        self._open[id(value)] = (value, context)
        return value

    async def close(self, value: T) -> None:
        """Close the context behind `value` (a second call does nothing)."""
        await self._close(id(value))

    async def close_all(self) -> None:
        """Close every context still open: the run is over."""
        for key in list(self._open):
            await self._close(key)

    async def _close(self, key: int) -> None:
        entry = self._open.pop(key, None)
        if entry is None:
            return
        context = entry[1]
        self.closed += 1
        # a context of a browser that went away, or a close cut by cancellation: it is gone
        with contextlib.suppress(Exception):
            await asyncio.shield(context.close())

    @property
    def open_count(self) -> int:
        return len(self._open)


def browser_contexts(
    browser: Browser, plan: Plan, trace: str
) -> ContextOwner[BrowserContext, FlowContext]:
    """The owner of a run's contexts in `browser`: each with the plan's capture hook and
    request blocking, tracing if asked, and one blank page."""
    from tracker_check import sources
    from tracker_check.capture.activity import NavigationWatch
    from tracker_check.capture.browser import new_context
    from tracker_check.capture.recorder import Recorder

    layers = sources.layers_for(plan)

    async def ready(context: BrowserContext) -> FlowContext:
        recorder = Recorder(
            plan.data_layers, block_requests=plan.settings.block_requests, layers=layers
        )
        await recorder.attach(context)
        navigations = NavigationWatch()
        navigations.attach(context)
        if trace != "off":
            await context.tracing.start(screenshots=True, snapshots=True)
        page = await context.new_page()
        return FlowContext(context, page, recorder, navigations)

    return ContextOwner(lambda: new_context(browser), ready)
