"""The pool's scheduling and the context owner, without Chromium: fake contexts and flows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from tracker_check.flows.contexts import ContextOwner
from tracker_check.flows.pool import InOrder, Pool


class FakeContext:
    def __init__(self, n: int, log: list[str]) -> None:
        self.n, self.log = n, log
        self.closes = 0

    async def close(self) -> None:
        self.closes += 1
        self.log.append(f"close {self.n}")


class Harness:
    """A context owner over fake contexts, and fake flows driven by the test."""

    def __init__(self, *, fail_ready: int | None = None) -> None:
        self.log: list[str] = []
        self.made: list[FakeContext] = []
        self.acting = 0
        self.max_acting = 0
        self.fail_ready = fail_ready

        async def new() -> FakeContext:
            await asyncio.sleep(0)
            ctx = FakeContext(len(self.made), self.log)
            self.made.append(ctx)
            self.log.append(f"open {ctx.n}")
            return ctx

        async def ready(ctx: FakeContext) -> FakeContext:
            if ctx.n == self.fail_ready:
                raise RuntimeError("readying failed")
            return ctx

        self.owner: ContextOwner[FakeContext, FakeContext] = ContextOwner(new, ready)

    def closed_once(self) -> bool:
        return all(c.closes == 1 for c in self.made)


class FakeFlow:
    """Acts for `waits` rounds, calling on_wait each time (as a flow waiting for the page)."""

    def __init__(
        self, h: Harness, name: str, on_wait: Callable[[], None], *, waits: int = 3, boom: str = ""
    ) -> None:
        self.h, self.name, self.on_wait = h, name, on_wait
        self.waits, self.boom = waits, boom
        self.ctx: FakeContext | None = None

    async def act(self, opened: FakeContext) -> None:
        self.ctx = opened
        self.h.acting += 1
        self.h.max_acting = max(self.h.max_acting, self.h.acting)
        self.h.log.append(f"act {self.name} in {opened.n}")
        try:
            for _ in range(self.waits):
                self.on_wait()
                await asyncio.sleep(0.001)
            if self.boom == "act":
                raise RuntimeError(f"{self.name} broke")
        finally:
            self.h.acting -= 1
        self.h.log.append(f"acted {self.name}")

    async def end(self) -> None:
        await asyncio.sleep(0.001)
        if self.boom == "end":
            raise RuntimeError(f"{self.name} end broke")
        self.h.log.append(f"ended {self.name}")

    def outcome(self) -> str:
        assert self.ctx is not None and self.ctx.closes == 1  # judged once its context closed
        return self.name


def run_pool(
    h: Harness, names: list[str], workers: int, boom: dict[str, str] | None = None, waits: int = 3
) -> list[tuple[int, str]]:
    done: list[tuple[int, str]] = []

    def make(job: str, on_wait: Callable[[], None]) -> FakeFlow:
        return FakeFlow(h, job, on_wait, waits=waits, boom=(boom or {}).get(job, ""))

    pool: Pool[str, FakeContext, str] = Pool(
        workers, h.owner, make, lambda p, o: done.append((p, o))
    )
    asyncio.run(pool.run(names))
    return done


def test_one_worker_runs_flows_one_after_another_each_to_its_end() -> None:
    h = Harness()
    done = run_pool(h, ["a", "b", "c"], workers=1)
    assert done == [(0, "a"), (1, "b"), (2, "c")]
    log = h.log
    # b acts only once a has ended and its context is closed
    assert log.index("ended a") < log.index("close 0") < log.index("act b in 1")
    assert h.max_acting == 1


def test_the_next_context_opens_while_a_flow_waits() -> None:
    h = Harness()
    run_pool(h, ["a", "b"], workers=1)
    assert h.log.index("open 1") < h.log.index("acted a")  # opened during a's waits
    assert len(h.made) == 2  # and only one ahead, however often a waited


def test_no_context_is_opened_ahead_when_nothing_is_left() -> None:
    h = Harness()
    run_pool(h, ["only"], workers=1, waits=5)
    assert len(h.made) == 1 and h.closed_once()


def test_several_workers_overlap_but_never_act_more_than_workers() -> None:
    h = Harness()
    names = [f"f{i}" for i in range(7)]
    done = run_pool(h, names, workers=3)
    assert sorted(done) == list(enumerate(names))
    assert 1 < h.max_acting <= 3
    assert h.closed_once() and h.owner.open_count == 0


def test_in_order_delivers_by_position_whatever_the_finishing_order() -> None:
    seen: list[str] = []
    buffer: InOrder[str] = InOrder(seen.append)
    buffer.add(2, "c")
    buffer.add(1, "b")
    assert seen == []
    buffer.add(0, "a")
    buffer.add(3, "d")
    assert seen == ["a", "b", "c", "d"]


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("where", ["act", "end"])
def test_a_failing_flow_still_closes_every_context_exactly_once(workers: int, where: str) -> None:
    h = Harness()
    with pytest.raises(RuntimeError, match="b"):
        run_pool(h, ["a", "b", "c", "d"], workers=workers, boom={"b": where})
    assert h.made and h.closed_once()
    assert h.owner.opened == h.owner.closed == len(h.made)


def test_a_context_that_fails_to_get_ready_is_closed_and_the_run_stops() -> None:
    h = Harness(fail_ready=1)
    with pytest.raises(RuntimeError, match="readying failed"):
        run_pool(h, ["a", "b", "c"], workers=1)
    assert h.closed_once() and h.owner.open_count == 0


def test_cancelling_the_run_closes_every_context() -> None:
    h = Harness()

    def make(job: str, on_wait: Callable[[], None]) -> FakeFlow:
        return FakeFlow(h, job, on_wait, waits=10_000)  # acts "forever"

    async def scenario() -> None:
        pool: Pool[str, FakeContext, str] = Pool(2, h.owner, make, lambda p, o: None)
        task = asyncio.create_task(pool.run(["a", "b", "c"]))
        while h.acting < 2:
            await asyncio.sleep(0.001)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert len(h.made) >= 2 and h.closed_once()


def test_the_owner_closes_a_context_once_however_often_asked() -> None:
    h = Harness()

    async def scenario() -> None:
        ctx = await h.owner.open()
        await h.owner.close(ctx)
        await h.owner.close(ctx)
        await h.owner.close_all()

    asyncio.run(scenario())
    assert [c.closes for c in h.made] == [1]
