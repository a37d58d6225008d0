"""What a page could still push: activity.js's answer from every frame, as one typed value.

`activity.js` is added to a context as an init script (after hook.js), so it runs in every frame
and popup before the page's scripts. `probe` asks each frame of each open page what is pending
within a horizon; each frame answers after it rendered two frames and ran one more task, so
pushes made by what that brings (observers, transitionend, messages) reach Python first. The
settle loop (`flows/settle.py`) asks again while anything is pending or happened meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Frame, Page, Request
    from playwright.sync_api import Page as SyncPage

NAME = "__trackerCheckActivity__"
_PENDING_JS = f"([h, d]) => (window.{NAME} ? window.{NAME}.pending(h, d) : null)"
# a frame that has not answered after this long is busy in a script, whatever the cap: a
# loaded machine's slow answer near the cap is not mistaken for one
UNANSWERED_S = 5.0


@cache
def activity_script() -> str:
    return resources.files("tracker_check.capture").joinpath("activity.js").read_text("utf-8")


@dataclass(frozen=True, slots=True)
class Activity:
    """What is pending in the frames probed (sums over frames)."""

    timers: int = 0  # one-shot timers (and intervals before their first tick) due soon
    requests: int = 0  # fetch / XHR / response bodies in flight
    frames: int = 0  # requestAnimationFrame callbacks not run yet
    animations: int = 0  # CSS animations/transitions running that end within the horizon
    media: int = 0  # audio/video playing that ends within the horizon
    loading: int = 0  # documents not loaded yet
    navigations: int = 0  # navigation requests without an answer
    unanswered: int = 0  # frames that did not answer the probe in time (a long script)
    active: bool = False  # a counted timer ran or a request ended while a frame was asked

    @property
    def busy(self) -> bool:
        return any(
            (
                self.timers,
                self.requests,
                self.frames,
                self.animations,
                self.media,
                self.loading,
                self.navigations,
                self.unanswered,
            )
        )

    def __add__(self, other: Activity) -> Activity:
        return Activity(
            self.timers + other.timers,
            self.requests + other.requests,
            self.frames + other.frames,
            self.animations + other.animations,
            self.media + other.media,
            self.loading + other.loading,
            self.navigations + other.navigations,
            self.unanswered + other.unanswered,
            self.active or other.active,
        )

    def describe(self) -> str:
        """'2 timers, 1 request in flight' — what kept the page busy."""
        parts = [
            _count(self.timers, "timer", "timers", "due"),
            _count(self.requests, "request", "requests", "in flight"),
            _count(self.frames, "animation frame", "animation frames", "requested"),
            _count(self.animations, "CSS animation", "CSS animations", "running"),
            _count(self.media, "media element", "media elements", "playing"),
            _count(self.loading, "document", "documents", "loading"),
            _count(self.navigations, "navigation", "navigations", "in progress"),
            _count(self.unanswered, "frame", "frames", "busy in a script"),
        ]
        return ", ".join(p for p in parts if p) or "nothing pending"


def _count(n: int, one: str, many: str, state: str) -> str:
    return f"{n} {one if n == 1 else many} {state}" if n else ""


def parse(raw: object) -> Activity:
    """activity.js's answer from one frame; anything malformed counts as nothing pending (a
    frame whose probe a page broke must not hold every flow until the cap)."""
    if not isinstance(raw, Mapping):
        return Activity()

    def num(key: str) -> int:
        value = raw.get(key)
        return int(value) if isinstance(value, int | float) and value > 0 else 0

    return Activity(
        timers=num("timers"),
        requests=num("requests"),
        frames=num("frames"),
        animations=num("animations"),
        media=num("media"),
        loading=1 if raw.get("loading") is True else 0,
        active=raw.get("active") is True,
    )


async def _frame(frame: Frame, args: list[float], timeout_s: float) -> Activity:
    try:
        raw = await asyncio.wait_for(frame.evaluate(_PENDING_JS, args), timeout_s)
    except TimeoutError:
        return Activity(unanswered=1)
    except Exception:  # detached or navigating: a navigation is what keeps it busy
        return Activity(navigations=1) if not frame.is_detached() else Activity()
    return parse(raw)


async def probe(
    pages: Iterable[Page], horizon_ms: float, cap_ms: float, navigations: int = 0
) -> Activity:
    """Ask every frame of every open page what could push within `horizon_ms` (timers set for
    longer than `cap_ms` are never waited for). A frame busy in
    a long script cannot answer: it is waited for until the horizon (the cap, at least
    `UNANSWERED_S`), then counts as busy — a slow answer from a loaded machine is an answer."""
    timeout_s = max(UNANSWERED_S, horizon_ms / 1000)
    frames = [f for p in pages if not p.is_closed() for f in p.frames]
    total = Activity(navigations=navigations)
    with contextlib.suppress(Exception):
        for found in await asyncio.gather(
            *(_frame(f, [horizon_ms, cap_ms], timeout_s) for f in frames)
        ):
            total = total + found
    return total


def probe_sync(pages: Iterable[SyncPage], horizon_ms: float, cap_ms: float) -> Activity:
    """`probe` for Playwright's sync API (the pytest plugin). A frame that cannot answer counts
    as navigating: the caller bounds the whole settle by its cap."""
    total = Activity()
    for page in pages:
        if page.is_closed():
            continue
        for frame in page.frames:
            try:
                total = total + parse(frame.evaluate(_PENDING_JS, [horizon_ms, cap_ms]))
            except Exception:
                if not frame.is_detached():
                    total = total + Activity(navigations=1)
    return total


class NavigationWatch:
    """Navigation requests of a context still waiting for their answer: a link clicked whose
    page has not arrived yet is activity the old document's probe cannot see."""

    def __init__(self) -> None:
        self._pending: set[int] = set()

    def attach(self, context: BrowserContext) -> None:
        context.on("request", self._request)
        context.on("requestfinished", self._done)
        context.on("requestfailed", self._done)

    def _request(self, request: Request) -> None:
        with contextlib.suppress(Exception):
            if request.is_navigation_request():
                self._pending.add(id(request))

    def _done(self, request: Request) -> None:
        self._pending.discard(id(request))

    @property
    def pending(self) -> int:
        return len(self._pending)
