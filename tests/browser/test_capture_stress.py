"""Navigation stress: 50 clicks that each push 200 events and follow a link: 10,000 of 10,000."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import Capture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RUNS, PER_RUN = 50, 200

Start = Callable[..., Capture]


def test_every_push_before_a_navigation_arrives(capture: Start) -> None:
    c = capture()
    c.goto("stress.html")
    for run in range(RUNS):
        with c.page.expect_navigation(url=f"**/stress.html?run={run + 1}"):
            c.page.click("#go")
    c.wait_events(RUNS * PER_RUN, timeout_s=60)
    got = [(e.raw["run"], e.raw["i"]) for e in c.events]
    assert len(got) == RUNS * PER_RUN
    assert got == [(run, i) for run in range(RUNS) for i in range(PER_RUN)]
    # one document per page load, each with its own 200 records
    docs = {e.document for e in c.events}
    assert len(docs) == RUNS
    assert c.recorder.check_bypass_sync(c.page) == []
