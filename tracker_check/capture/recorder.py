"""Binding records -> normalized Events, the bypass check, and request blocking.

`attach` exposes one binding on the context, THEN adds hook.js as an init script: in that
order the hook runs before a page's first inline script, in every frame and every popup or
`target=_blank` tab of the context. The hook sends batches of records (one binding call per
microtask); each record becomes an Event through `sources.normalize`, in arrival order.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import time
from collections.abc import Awaitable, Callable, Generator, Iterator, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

from tracker_check import sources
from tracker_check.capture import wire
from tracker_check.capture.activity import activity_script
from tracker_check.capture.wire import JSONValue
from tracker_check.models import Event, Finding
from tracker_check.rules import rule

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page, Route
    from playwright.sync_api import BrowserContext as SyncContext
    from playwright.sync_api import Page as SyncPage
    from playwright.sync_api import Route as SyncRoute

BINDING = "__trackerCheckEmit"
HELPER = "__trackerCheck__"
# answers wire-format JSON text (wire.Message with `checks`), or null in a realm without the hook
_CHECK_JS = f"() => (window.{HELPER} ? window.{HELPER}.check(true) : null)"
# for `wait_for_function`, which waits while its answer is falsy: a frame without the hook
# answers at once, with a truthy marker read as "no hook"
_CHECK_SYNC_JS = f"() => (window.{HELPER} ? window.{HELPER}.check(true) : '-') || '-'"


@cache
def hook_source() -> str:
    return resources.files("tracker_check.capture").joinpath("hook.js").read_text("utf-8")


def hook_script(data_layers: Sequence[str]) -> str:
    """hook.js with its configuration filled in."""
    config = json.dumps({"names": list(data_layers), "binding": BINDING})
    return hook_source().replace("__TRACKER_CHECK_CONFIG__", config)


def glob_to_regex(glob: str) -> re.Pattern[str]:
    """An fnmatch-style glob over the full URL as a regex both Python and JS understand.

    A compiled pattern is matched inside the browser, so unmatched requests never make a
    round trip to Python (a callable matcher would intercept every request). Matches exactly
    what `fnmatch.fnmatchcase` matches.
    """
    out, i, n = [], 0, len(glob)
    while i < n:
        c = glob[i]
        i += 1
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "[":
            j = i
            if j < n and glob[j] == "!":
                j += 1
            if j < n and glob[j] == "]":
                j += 1
            while j < n and glob[j] != "]":
                j += 1
            if j >= n:
                out.append(_esc(c))
                continue
            out.append(_char_class(glob[i:j]))
            i = j + 1
        else:
            out.append(_esc(c))
    return re.compile("^" + "".join(out) + "$")


def _esc(c: str) -> str:
    # \uXXXX means the same in Python and in JS regexes; re.escape output does not always
    return f"\\u{ord(c):04x}" if ord(c) < 0x10000 and not c.isalnum() else re.escape(c)


def _char_class(body: str) -> str:
    negate = body.startswith("!")
    if negate:
        body = body[1:]
    parts, k = [], 0
    while k < len(body):
        if k + 2 < len(body) and body[k + 1] == "-":
            lo, hi = body[k], body[k + 2]
            k += 3
            if lo <= hi:  # fnmatch drops reversed ranges
                parts.append(f"{_esc(lo)}-{_esc(hi)}")
        else:
            parts.append(_esc(body[k]))
            k += 1
    if not parts:
        return "." if negate else "(?!)"
    return f"[{'^' if negate else ''}{''.join(parts)}]"


BYPASS_CHECK_S = 2.0  # how long the bypass check waits for a frame's answer
_NO_ANSWER = object()  # a frame that did not answer the bypass check in time
F = TypeVar("F")  # a frame of either Playwright API


class _HasUrl(Protocol):
    @property
    def url(self) -> str: ...


class Recorder:
    """Receives every data-layer record of one browser context, in arrival order."""

    def __init__(
        self,
        data_layers: Sequence[str] = ("dataLayer",),
        *,
        block_requests: Sequence[str] = (),
        on_event: Callable[[Event], None] | None = None,
        layers: sources.Layers | None = None,
    ) -> None:
        self.data_layers = tuple(data_layers)
        # the plan's layer kinds and `match:` rules (sources.layers_for); per-page tool state
        self.normalizer = sources.Normalizer(layers or sources.Layers())
        self.block_requests = tuple(block_requests)
        self.on_event = on_event
        self.events: list[Event] = []
        self.blocked_requests: list[str] = []
        self.recovered: set[int] = set()  # indexes of events recovered by the bypass check
        # capture-error findings (unreadable messages) until the next bypass check hands them over
        self.capture_errors: list[Finding] = []
        self.last_event_time: float = 0.0
        self.started = time.time() * 1000
        self._flow: str | None = None
        self._step: int | None = None
        self._patterns = [glob_to_regex(g) for g in self.block_requests]

    # -- attribution -------------------------------------------------------------------------
    def set_attribution(self, flow: str | None, step: int | None) -> None:
        """Stamp events arriving from now on with this flow and step."""
        self._flow, self._step = flow, step

    # -- records -> events -------------------------------------------------------------------
    def _add(
        self,
        raw: JSONValue,
        *,
        data_layer: str,
        url: str | None,
        document: str,
        frame_url: str | None,
        page_time: float,
    ) -> list[Event]:
        """One raw record -> its events (a CEDDL snapshot may give several, or none)."""
        out = []
        for event in self.normalizer.events(
            raw,
            data_layer=data_layer,
            index=len(self.events),
            url=url,
            document=document,
            frame_url=frame_url,
            time=max(0.0, page_time - self.started),
        ):
            event = dataclasses.replace(event, index=len(self.events))
            if self._flow is not None or self._step is not None:
                event = dataclasses.replace(event, flow=self._flow, step=self._step)
            self.events.append(event)
            out.append(event)
            self.last_event_time = time.monotonic()
            if self.on_event is not None:
                self.on_event(event)
        return out

    def _add_records(self, message: wire.Message, page_url: str | None) -> None:
        for rec in message.records:
            self._add(
                rec.item,
                data_layer=rec.data_layer,
                url=(page_url or rec.href) if message.frame else rec.href,
                document=message.document,
                frame_url=rec.href if message.frame else None,
                page_time=rec.time,
            )

    def _on_batch(self, source: object, payload: object) -> None:
        """The binding: one message per microtask from every page and frame of the context."""
        page_url = _page_url(source)
        try:
            message = wire.parse_message(payload)
        except wire.WireError as exc:
            self.capture_errors.append(_capture_error(str(exc), page_url, self))
            return
        self._add_records(message, page_url)

    # -- request blocking --------------------------------------------------------------------
    def _abort(self, route: Route | SyncRoute) -> Awaitable[None] | None:
        """The route handler of both APIs: Playwright awaits what the async one returns."""
        self.blocked_requests.append(route.request.url)
        return route.abort("blockedbyclient")

    # -- attach ------------------------------------------------------------------------------
    # One sequence of calls serves both Playwright APIs: `_attach_calls` makes each call in
    # order; the async driver awaits each result before the next call, the sync one has none.
    def _attach_calls(self, context: BrowserContext | SyncContext) -> Iterator[object]:
        yield context.expose_binding(BINDING, self._on_batch)
        yield context.add_init_script(script=hook_script(self.data_layers))
        yield context.add_init_script(script=activity_script())  # what could still push
        for pattern in self._patterns:
            yield context.route(pattern, self._abort)

    async def attach(self, context: BrowserContext) -> None:
        """Capture every page, frame and popup of `context` (async API)."""
        for call in self._attach_calls(context):
            await cast("Awaitable[object]", call)

    def attach_sync(self, context: SyncContext) -> None:
        """The same for Playwright's sync API (pytest-playwright). Records arrive during
        Playwright calls only (e.g. `page.wait_for_timeout`), as the sync API dispatches then.
        """
        for _ in self._attach_calls(context):
            pass

    # -- bypass check ------------------------------------------------------------------------
    # `_bypass_walk` is the check, written once: it hands each frame of the page to its driver,
    # which asks the frame within BYPASS_CHECK_S (a page busy in a long script never answers:
    # give up on it, don't hang the run) and sends back the answer or _NO_ANSWER.
    def _bypass_walk(
        self, frames: Sequence[F], page_url: Callable[[], str]
    ) -> Generator[F, object, list[Finding]]:
        results = []
        for frame in frames:
            answer = yield frame
            if answer is not _NO_ANSWER:
                results.append((answer, cast("_HasUrl", frame).url))
        return self._bypass_findings(results, page_url())

    async def check_bypass(self, page: Page) -> list[Finding]:
        """Items in a data layer array that no `push` delivered, in every frame of `page`."""
        walk = self._bypass_walk(page.frames, lambda: page.url)
        try:
            frame = next(walk)
            while True:
                try:
                    answer = await asyncio.wait_for(frame.evaluate(_CHECK_JS), BYPASS_CHECK_S)
                except Exception:  # detached, navigating or unresponsive: nothing to compare
                    answer = _NO_ANSWER
                frame = walk.send(answer)
        except StopIteration as done:
            return cast("list[Finding]", done.value)

    def check_bypass_sync(self, page: SyncPage) -> list[Finding]:
        """The same for the sync API, with the same deadline: `wait_for_function` is the sync
        API's one page call with a timeout (the predicate's answer, message text, is truthy)."""
        walk = self._bypass_walk(page.frames, lambda: page.url)
        try:
            frame = next(walk)
            while True:
                try:
                    handle = frame.wait_for_function(_CHECK_SYNC_JS, timeout=BYPASS_CHECK_S * 1000)
                    answer: object = handle.json_value()
                    handle.dispose()
                    if answer == "-":
                        answer = None
                except Exception:
                    answer = _NO_ANSWER
                frame = walk.send(answer)
        except StopIteration as done:
            return cast("list[Finding]", done.value)

    def _bypass_findings(self, results: list[tuple[object, str]], page_url: str) -> list[Finding]:
        """Each frame's check answer -> recovered events and findings; also hands over the
        capture errors (malformed messages) seen since the last check."""
        findings, self.capture_errors = self.capture_errors, []
        for answer, _frame_url in results:
            if answer is None:  # a frame without the hook (about:blank before init)
                continue
            try:
                message = wire.parse_message(answer)
            except wire.WireError as exc:
                findings.append(_capture_error(str(exc), page_url, self))
                continue
            self._add_records(message, page_url)
            for check in message.checks:
                if not check.missed:
                    continue
                recovered = [
                    event
                    for m in check.missed
                    for event in self._add(
                        m.item,
                        data_layer=check.data_layer,
                        url=page_url if message.frame else check.href,
                        document=message.document,
                        frame_url=check.href if message.frame else None,
                        page_time=check.time,
                    )
                ]
                self.recovered.update(e.index for e in recovered)
                findings.append(_bypass_finding(check, recovered, self))
        return findings


def _bypass_finding(check: wire.Check, events: list[Event], rec: Recorder) -> Finding:
    r = rule("capture-bypassed")
    name = check.data_layer
    where = ", ".join(str(m.index) for m in check.missed)
    return Finding(
        "capture-bypassed",
        r.severity,
        f"{len(check.missed)} item(s) reached {name} without push (array index {where})",
        flow=rec._flow,
        step=rec._step,
        event=events[0].name if len(events) == 1 else None,
        event_index=events[0].index if events else None,
        actual=[m.item for m in check.missed],
        hint=f"write to {name} with {name}.push(...), and assign push with = when wrapping it",
        url=check.href,
    )


def _capture_error(reason: str, url: str | None, rec: Recorder) -> Finding:
    return Finding(
        "capture-error",
        rule("capture-error").severity,
        f"a capture message from the page could not be read: {reason}",
        flow=rec._flow,
        step=rec._step,
        hint="is a page script calling __trackerCheckEmit itself? (its pushes are not in the run)",
        url=url,
    )


def _page_url(source: object) -> str | None:
    try:
        page = source.get("page") if isinstance(source, dict) else None
        return str(page.url) if page is not None else None
    except Exception:
        return None
