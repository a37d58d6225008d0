"""A one-line progress bar, redrawn with `\\r`: a handler of the runner's events (the CLI
gives it stderr when asked: TTY and not -q)."""

from __future__ import annotations

import shutil
from typing import TextIO

from tracker_check.flows.events import (
    FlowEnded,
    FlowFinished,
    FlowStarted,
    RunEvent,
    RunFinished,
    RunStarted,
)


class Progress:
    def __init__(self, stream: TextIO | None, total: int = 0) -> None:
        self.stream = stream
        self.total = total
        self.done = self.passed = self.failed = 0
        self.running: list[str] = []
        self._width = 0

    def __call__(self, event: RunEvent) -> None:
        match event:
            case RunStarted(flows=flows):
                self.total = len(flows)
            case FlowStarted(name=name):
                self.started(name)
            case FlowEnded(name=name):
                self.finished(name)
            case FlowFinished(result=result):
                self.judged(result.status == "passed")
            case RunFinished():
                self.close()

    def started(self, name: str) -> None:
        self.running.append(name)
        self._draw()

    def finished(self, name: str) -> None:
        if name in self.running:
            self.running.remove(name)
        self.done += 1
        self._draw()

    def judged(self, passed: bool) -> None:
        if passed:
            self.passed += 1
        else:
            self.failed += 1
        self._draw()

    def line(self) -> str:
        cells = 20
        filled = cells * self.done // self.total if self.total else cells
        bar = "#" * filled + "-" * (cells - filled)
        running = f"  running: {', '.join(self.running)}" if self.running else ""
        return (
            f"[{bar}] {self.done}/{self.total} flows  {self.passed} passed  "
            f"{self.failed} failed{running}"
        )

    def _draw(self) -> None:
        if self.stream is None:
            return
        cols = shutil.get_terminal_size((100, 20)).columns - 1
        text = self.line()[:cols]
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def close(self) -> None:
        if self.stream is None or not self._width:
            return
        self.stream.write("\r" + " " * self._width + "\r")  # leave the terminal clean
        self.stream.flush()
