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


def test_progress_is_drawn_from_the_runners_events() -> None:
    from tracker_check.flows import events as ev
    from tracker_check.report.model import FlowResult

    out = io.StringIO()
    p = Progress(out)
    p(ev.RunStarted(("a", "b")))
    p(ev.FlowStarted(0, "a"))
    p(ev.FlowStarted(1, "b"))
    p(ev.FlowEnded(1, "b"))  # b ended first; its verdict waits for a's (plan order)
    assert p.line() == "[##########----------] 1/2 flows  0 passed  0 failed  running: a"
    p(ev.FlowEnded(0, "a"))
    p(ev.FlowFinished(0, FlowResult("a", "passed", 1.0), frozenset(), (), None))
    p(ev.FlowFinished(1, FlowResult("b", "failed", 1.0), frozenset(), (), None))
    assert p.line() == "[####################] 2/2 flows  1 passed  1 failed"
    p(ev.RunFinished(2.0, None))
    assert out.getvalue().endswith("\r")  # cleared at the run's end
