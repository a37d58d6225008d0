"""The browser side of the consent rules: stored consent, cookies, banners, collector hits.

Small typed async functions over one flow's context and page (Playwright imported only for
types): `apply_storage` gives the context a return visitor's cookies and localStorage before
the start, `read_cookies` lists the context's cookies, `read_banner` asks the page's banner
(Cookiebot, OneTrust, Usercentrics, Klaro, cookieconsent) through its public JS API
(`consent_probe.js`), and `probe` does both after a step.

`ConsentWatch` ties them to a flow run with one-line call sites in `flows/flow.py`:

    self.consent = await ConsentWatch.open(self, opened, self.fs.base_url)  # act(), first
    await self.consent.after_step(page, i)                      # after each step's checks
    await self.consent.after_step(page, self.step)              # flow end, before closing
    flow_level += self.consent.findings(events)                 # with the flow's findings

It remembers the cookies written during each step (new or changed against the ones before
it, so stored ones only count once they change) and every request to a known collector
(blocked or not), each with the number of records captured by then; the pure
`validate.consent_storage` judges them against the page's consent state at that moment.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urljoin, urlsplit

from tracker_check.models import Event, Finding
from tracker_check.plan.model import Flow, Plan
from tracker_check.validate.consent_storage import (
    COLLECTORS,
    Banner,
    CookieSeen,
    RequestSeen,
    judge_cookies,
    judge_requests,
    purpose_of,
)

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page, Request

    from tracker_check.flows.flow import FlowContext


class FlowRunLike(Protocol):
    """What the watch reads of the flow run it serves (`flows.flow.FlowRun`)."""

    plan: Plan
    flow: Flow

    @property
    def step(self) -> int:
        """The step now running (0: the start)."""
        ...


@dataclass(frozen=True, slots=True)
class Cookie:
    name: str
    value: str
    domain: str


@dataclass(frozen=True, slots=True)
class ConsentProbe:
    """What one look after a step found."""

    step: int
    cookies: tuple[Cookie, ...]
    banner: Banner | None


@functools.cache
def _banner_js() -> str:
    return resources.files("tracker_check.flows").joinpath("consent_probe.js").read_text("utf-8")


async def read_cookies(context: BrowserContext) -> tuple[Cookie, ...]:
    found = await context.cookies()
    return tuple(
        Cookie(str(c.get("name", "")), str(c.get("value", "")), str(c.get("domain", "")))
        for c in found
    )


def banner_of(value: Any) -> Banner | None:
    """The probe script's answer as a `Banner` (None: no known banner)."""
    if not isinstance(value, dict) or not isinstance(value.get("cmp"), str):
        return None
    answered = value.get("answered")
    cats = value.get("categories")
    pairs = tuple(
        (str(c[0]), bool(c[1]))
        for c in (cats if isinstance(cats, list) else [])
        if isinstance(c, list) and len(c) == 2
    )
    return Banner(value["cmp"], answered if isinstance(answered, bool) else None, pairs)


async def read_banner(page: Page) -> Banner | None:
    if page.is_closed():
        return None
    try:
        return banner_of(await page.evaluate(_banner_js()))
    except Exception:  # a page navigating away or a crashed frame: no answer this time
        return None


async def probe(page: Page, context: BrowserContext, step: int = 0) -> ConsentProbe:
    return ConsentProbe(step, await read_cookies(context), await read_banner(page))


async def apply_storage(
    context: BrowserContext, page: Page, flow: Flow, base_url: str | None
) -> None:
    """A return visitor's cookies and localStorage (the flow's `storage`), before the start."""
    storage = flow.storage
    if storage is None:
        return
    start = urljoin((base_url or "").rstrip("/") + "/", (flow.start or "").lstrip("/"))
    host = urlsplit(start).hostname or "127.0.0.1"
    origin = f"{urlsplit(start).scheme or 'http'}://{urlsplit(start).netloc}"
    if storage.cookies:
        await context.add_cookies(
            [
                {"name": c.name, "value": c.value, "domain": c.domain or host, "path": c.path}
                for c in storage.cookies
            ]
        )
    if storage.local_storage:
        items = dict(storage.local_storage)
        # once per tab and origin: a page that later changes or removes them is not undone
        script = (
            "(([origin, items]) => { if (location.origin !== origin) return;"
            " try { if (sessionStorage.getItem('__tc_storage')) return;"
            " for (const [k, v] of Object.entries(items)) localStorage.setItem(k, v);"
            " sessionStorage.setItem('__tc_storage', '1'); } catch (e) {} })"
            f"({_js_json([origin, items])})"
        )
        await context.add_init_script(script=script)


def _js_json(value: Any) -> str:
    return json.dumps(value).replace("</", "<\\/")


class ConsentWatch:
    """One flow's cookies, banner answers and collector requests, step by step."""

    def __init__(self, plan: Plan, flow: Flow, events: Callable[[], list[Event]]) -> None:
        self.plan, self.flow, self._events = plan, flow, events
        self.active = plan.consent is not None and plan.consent.mode != "off"
        self.probes: list[ConsentProbe] = []
        self.cookies: list[CookieSeen] = []
        self.requests: list[RequestSeen] = []
        self._known: dict[tuple[str, str], str] = {}  # (name, domain) -> value
        self._banners: dict[int, Banner | None] = {}  # step -> the banner's answer after it
        self._ends: dict[int, int] = {}  # step -> records captured by its end
        self._step: Callable[[], int] = lambda: 0
        self._table = (*(plan.consent.collectors if plan.consent else ()), *COLLECTORS)

    @classmethod
    async def open(
        cls, run: FlowRunLike, opened: FlowContext, base_url: str | None
    ) -> ConsentWatch:
        """The watch of `run` (a `FlowRun`, before its steps) in its context `opened`."""
        plan, flow = run.plan, run.flow
        watch = cls(plan, flow, lambda: opened.recorder.events)
        watch._step = lambda: run.step
        await apply_storage(opened.context, opened.page, flow, base_url or plan.base_url)
        if watch.active:
            watch._known = {(c.name, c.domain): c.value for c in await read_cookies(opened.context)}
            opened.context.on("request", watch._on_request)
        return watch

    def _on_request(self, request: Request) -> None:
        url = request.url
        if purpose_of(url, self._table) is not None:
            self.requests.append(RequestSeen(url, self._step(), len(self._events())))

    async def after_step(self, page: Page, step: int) -> ConsentProbe | None:
        if not self.active or page.is_closed():
            return None
        with contextlib.suppress(Exception):  # a closed context: nothing more to read
            found = await probe(page, page.context, step)
            at = len(self._events())
            for c in found.cookies:
                if self._known.get((c.name, c.domain)) != c.value:
                    self.cookies.append(CookieSeen(c.name, c.domain, step, at))
                    self._known[(c.name, c.domain)] = c.value
            # what the banner says at the end of a step judges that step's cookies and
            # requests, like the Consent Mode state at that moment: an "accept" click and
            # the tags it lets fire belong to the same step
            self._banners[step] = found.banner
            self._ends[step] = at
            self.probes.append(found)
            return found
        return None

    def findings(self, events: tuple[Event, ...] | list[Event]) -> list[Finding]:
        if not self.active:
            return []
        self._events = list  # the flow is over: let go of the recorder
        banners = self._banners
        cookies = [dataclasses.replace(c, banner=banners.get(c.step)) for c in self.cookies]
        # a hit is judged by the state at the end of its step: the push that granted consent
        # and the hit it allowed reach Python in either order (binding vs. network events)
        requests = [
            dataclasses.replace(
                r, banner=banners.get(r.step), at=max(r.at, self._ends.get(r.step, len(events)))
            )
            for r in self.requests
        ]
        return [
            *judge_cookies(self.plan, self.flow, events, cookies),
            *judge_requests(self.plan, self.flow, events, requests),
        ]
