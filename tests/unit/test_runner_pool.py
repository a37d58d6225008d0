"""The runner's bookkeeping that needs no browser: contexts opened ahead and not taken."""

from __future__ import annotations

import asyncio
from typing import Any

from tracker_check.flows.runner import _discard


class FakeContext:
    def __init__(self) -> None:
        self.closed = False

    async def close(self) -> None:
        self.closed = True


class Opened:
    def __init__(self) -> None:
        self.context = FakeContext()


def test_a_context_opened_ahead_and_not_taken_is_closed() -> None:
    async def scenario() -> Opened:
        opened = Opened()

        async def ready() -> Any:
            return opened

        task = asyncio.create_task(ready())
        await asyncio.sleep(0)
        await _discard(task)
        return opened

    assert asyncio.run(scenario()).context.closed


def test_a_context_still_opening_is_stopped_and_nothing_raises() -> None:
    started = []

    async def scenario() -> bool:
        async def slow() -> Any:
            started.append(True)
            await asyncio.sleep(3600)

        task = asyncio.create_task(slow())
        await asyncio.sleep(0)
        await _discard(task)
        return task.cancelled()

    assert asyncio.run(scenario()) and started


def test_a_failed_opening_is_dropped_quietly() -> None:
    async def scenario() -> None:
        async def broken() -> Any:
            raise RuntimeError("browser gone")

        task = asyncio.create_task(broken())
        await asyncio.sleep(0)
        await _discard(task)

    asyncio.run(scenario())
