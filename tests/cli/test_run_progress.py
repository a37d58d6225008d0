"""The one-line progress bar `run` draws on stderr."""

from __future__ import annotations

import io

from tracker_check.flows.progress import Progress


def test_progress_line_counts_and_running_flows() -> None:
    out = io.StringIO()
    p = Progress(out, 4)
    p.started("add to cart")
    p.started("checkout")
    p.finished("add to cart")
    p.judged(True)
    assert p.line() == "[#####---------------] 1/4 flows  1 passed  0 failed  running: checkout"
    p.finished("checkout")
    p.judged(False)
    assert p.line() == "[##########----------] 2/4 flows  1 passed  1 failed"
    text = out.getvalue()
    assert text.startswith("\r[") and "\n" not in text  # redrawn in place
    p.close()
    assert out.getvalue().endswith("\r")


def test_no_stream_draws_nothing() -> None:
    p = Progress(None, 1)
    p.started("x")
    p.finished("x")
    p.close()
    assert p.line().startswith("[####################] 1/1")
