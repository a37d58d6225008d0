"""The runner's event stream (`flows.events`) against real Chromium: its order for a flow, a
failed step, an unreachable site; and that the report is what the events carried."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tracker_check.flows import events as ev
from tracker_check.flows.runner import RunOptions, run_plan
from tracker_check.plan.load import load_plan

pytestmark = pytest.mark.browser

SITE = Path(__file__).resolve().parents[2] / "fixtures" / "flows" / "site"
HEAD = (
    "version: 1\nname: events\n"
    "settings: {unplanned_events: ignore, additional_parameters: ignore, settle: 100ms}\n"
)
EVENTS = "events:\n  page_view: {}\n  add_to_cart: {}\n"


def shape(stream: list[ev.RunEvent]) -> list[str]:
    """The stream as short words, runs of captured events folded into one `E`."""
    out: list[str] = []
    for e in stream:
        match e:
            case ev.StepStarted(number=n):
                word = f"step {n}"
            case ev.StepFinished(result=r):
                word = f"{r.status} {r.index}"
            case ev.EventCaptured():
                word = "E"
            case ev.FindingRaised(finding=f):
                word = f.code
            case _:
                word = type(e).__name__
        if not (word == "E" and out and out[-1] == "E"):
            out.append(word)
    return out


def run(tmp_path: Path, flows: str, **options: object) -> tuple[list[ev.RunEvent], object]:
    path = tmp_path / "plan.yaml"
    path.write_text(HEAD + EVENTS + "flows:\n" + flows, "utf-8")
    stream: list[ev.RunEvent] = []
    report = run_plan(
        load_plan(path), RunOptions(**options), serve_dir=SITE, handlers=[stream.append]
    )
    return stream, report


def test_a_passing_flow_emits_its_steps_and_events_in_order(tmp_path: Path) -> None:
    stream, report = run(
        tmp_path,
        "  - name: buy\n    start: {url: /index.html, expect: [page_view]}\n"
        "    steps:\n      - click: '#add'\n        expect: [add_to_cart]\n",
    )
    assert shape(stream) == [
        "RunStarted",
        "FlowStarted",
        "step 0",
        "E",
        "passed 0",
        "step 1",
        "E",
        "passed 1",
        "FlowEnded",
        "FlowFinished",
        "RunFinished",
    ]
    (flow,) = report.flows  # type: ignore[attr-defined]
    finished = [e for e in stream if isinstance(e, ev.FlowFinished)]
    assert finished[0].result == flow  # the report carries exactly what the event did
    captured = [e.event for e in stream if isinstance(e, ev.EventCaptured)]
    assert [e.index for e in captured] == [e.index for e in flow.events]
    assert [e.name for e in captured if e.step == 1] == ["add_to_cart"]
    assert isinstance(stream[0], ev.RunStarted) and stream[0].flows == ("buy",)


def test_a_failed_step_raises_its_finding_and_skips_the_rest(tmp_path: Path) -> None:
    stream, report = run(
        tmp_path,
        "  - name: stuck\n    start: /index.html\n    steps:\n"
        "      - click: '#hidden'\n        timeout: 300ms\n      - click: '#add'\n",
    )
    words = shape(stream)
    assert words[words.index("step 1") :] == [
        "step 1",
        "step-failed",
        "failed 1",
        "skipped 2",  # a skipped step never started
        "FlowEnded",
        "FlowFinished",
        "RunFinished",
    ]
    raised = [e.finding for e in stream if isinstance(e, ev.FindingRaised)]
    (flow,) = report.flows  # type: ignore[attr-defined]
    assert sorted(map(repr, raised)) == sorted(map(repr, flow.findings))


def test_an_unreachable_site_ends_the_run_with_its_error_and_no_flow(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = tmp_path / "plan.yaml"
    path.write_text(
        HEAD + EVENTS + "flows:\n  - name: down\n    start: /index.html\n    steps: []\n"
        "  - name: never\n    start: /index.html\n    steps: []\n",
        "utf-8",
    )
    stream: list[ev.RunEvent] = []
    report = run_plan(
        load_plan(path), RunOptions(base_url=f"http://127.0.0.1:{port}"), handlers=[stream.append]
    )
    assert shape(stream) == ["RunStarted", "FlowStarted", "step 0", "RunFinished"]
    end = stream[-1]
    assert isinstance(end, ev.RunFinished) and end.error == report.error
    assert report.error is not None and report.error.startswith("site unreachable")
    assert report.flows == ()
