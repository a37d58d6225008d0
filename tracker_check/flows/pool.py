"""The worker pool's scheduling, with no browser in it (tested with fake flows and contexts).

`workers` workers share one queue of jobs. Each job runs in a context from the
`ContextOwner`: the worker opens the next job's context while its current flow waits for the
page (the flow calls `on_wait`), so idle time is used. With one worker, flows run strictly one
after another, each to its very end (no page of an earlier flow is alive while the next acts:
flows may share an account). With more, a flow's end (its last quiet period, trace, close)
overlaps the worker's next flow, since flows run concurrently anyway; one end per worker at a
time. Whatever happens (an error, cancellation), every context opened is closed by the owner.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, Generic, Protocol, TypeVar

X = TypeVar("X")  # what a flow runs in (a FlowContext)
X_contra = TypeVar("X_contra", contravariant=True)
J = TypeVar("J")  # a job: what the queue holds
R = TypeVar("R")  # a flow's outcome (result)
R_co = TypeVar("R_co", covariant=True)


class FlowJob(Protocol[X_contra, R_co]):
    """One flow as the pool drives it: act in a context, end (nothing acts any more), then
    its outcome once the context is closed."""

    async def act(self, opened: X_contra) -> None: ...

    async def end(self) -> None: ...

    def outcome(self) -> R_co: ...


class Contexts(Protocol[X]):
    """What the pool needs of the context owner (`contexts.ContextOwner`)."""

    async def open(self) -> X: ...

    async def close(self, value: X) -> None: ...

    async def close_all(self) -> None: ...


class InOrder(Generic[R]):
    """A reorder buffer: `add(position, outcome)` in any order; `deliver` sees the outcomes
    in position order 0, 1, 2, ... as soon as every earlier one is in."""

    def __init__(self, deliver: Callable[[R], None]) -> None:
        self._deliver = deliver
        self._pending: dict[int, R] = {}
        self._next = 0

    def add(self, position: int, outcome: R) -> None:
        self._pending[position] = outcome
        while self._next in self._pending:
            self._deliver(self._pending.pop(self._next))
            self._next += 1


class Idle:
    """The `on_wait` a flow calls while it waits for the page: opens the worker's next context
    while the flow acts (`active`), and does nothing once its end overlaps the next flow."""

    def __init__(self, open_ahead: Callable[[], None]) -> None:
        self.active = True
        self._open_ahead = open_ahead

    def __call__(self) -> None:
        if self.active:
            self._open_ahead()


class Pool(Generic[J, X, R]):
    def __init__(
        self,
        workers: int,
        contexts: Contexts[X],
        make: Callable[[J, Callable[[], None]], FlowJob[X, R]],
        done: Callable[[int, R], None],
    ) -> None:
        """`make(job, on_wait)` builds a job's flow; `done(position, outcome)` receives each
        flow's outcome (position in the job list) once its context is closed."""
        self.workers = max(1, workers)
        self.contexts = contexts
        self.make = make
        self.done = done

    async def run(self, jobs: Iterable[J]) -> None:
        queue = deque(enumerate(jobs))
        tasks: set[asyncio.Task[Any]] = set()  # tasks of this run still going, for cleanup
        overlap_ends = self.workers > 1

        def spawn(coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
            task = asyncio.create_task(coro)
            tasks.add(task)
            # a finished task holds its result (a context and its events): let it go
            task.add_done_callback(_forget(tasks))
            return task

        async def drain(position: int, flow: FlowJob[X, R], opened: X) -> None:
            try:
                await flow.end()
            finally:
                await self.contexts.close(opened)
            self.done(position, flow.outcome())

        async def worker() -> None:
            ahead: asyncio.Task[X] | None = None
            ending: asyncio.Task[None] | None = None

            def open_ahead() -> None:
                nonlocal ahead
                if ahead is None and queue:
                    ahead = spawn(self.contexts.open())

            try:
                while queue:
                    position, job = queue.popleft()
                    ready, ahead = ahead or spawn(self.contexts.open()), None
                    idle = Idle(open_ahead)
                    flow = self.make(job, idle)
                    try:
                        opened = await ready
                        await flow.act(opened)
                    except Exception:
                        if ending is not None:  # the flow before still gets its result
                            with contextlib.suppress(Exception):
                                await ending
                        raise
                    previous, ending = ending, None
                    if previous is not None:
                        await previous  # one flow ending per worker at a time
                    if overlap_ends:
                        idle.active = False  # the next flow acts during this end: not idle
                        ending = spawn(drain(position, flow, opened))
                    else:
                        await drain(position, flow, opened)
                if ending is not None:
                    await ending
            finally:
                if ahead is not None:
                    await self._discard(ahead)

        workers = [spawn(worker()) for _ in range(self.workers)]
        try:
            await asyncio.gather(*workers)
        finally:
            going = list(tasks)
            for task in going:
                task.cancel()
            await asyncio.gather(*going, return_exceptions=True)
            await self.contexts.close_all()  # what an error or cancellation left open

    async def _discard(self, ahead: asyncio.Task[X]) -> None:
        """Hand back a context opened ahead that no flow took (or stop its opening)."""
        if not ahead.done():
            ahead.cancel()
        try:
            opened = await ahead
        except (Exception, asyncio.CancelledError):  # stopped, or the browser is gone
            return
        await self.contexts.close(opened)


def _forget(tasks: set[asyncio.Task[Any]]) -> Callable[[asyncio.Task[Any]], None]:
    """A done-callback: drop a finished task from `tasks`, and mark its exception as seen
    (whoever awaits the task still gets it; nobody gets an asyncio warning on stderr)."""

    def done(task: asyncio.Task[Any]) -> None:
        tasks.discard(task)
        if not task.cancelled():
            task.exception()

    return done
