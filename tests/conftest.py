"""Shared test fixtures: repo paths and local static servers (127.0.0.1 only)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tracker_check.serve import serve

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def static_server() -> Iterator[Callable[..., str]]:
    """Factory: static_server(directory, latency_ms=0) -> base URL, stopped after the test."""
    with ExitStack() as stack:

        def start(directory: str | Path, latency_ms: float = 0.0) -> str:
            return stack.enter_context(serve(directory, latency_ms=latency_ms))

        yield start
