"""The flow runner against real Chromium: every step type, every expectation kind, faults.

Pages and plans live in fixtures/flows/. Each plan runs once per module (runs are the slow
part); tests assert on the shared reports.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tracker_check.flows.runner import RunOptions, run_plan, select_flows
from tracker_check.models import Severity
from tracker_check.plan.load import load_plan
from tracker_check.report.model import FlowResult, RunReport

pytestmark = pytest.mark.browser

FLOWS = Path(__file__).resolve().parents[2] / "fixtures" / "flows"
SITE = FLOWS / "site"
EMAIL = "flow-secret@example.test"


def run(plan: str, **options: Any) -> RunReport:
    return run_plan(load_plan(FLOWS / plan), RunOptions(**options), serve_dir=SITE)


def errors(flow: FlowResult) -> list[tuple[str, int | None]]:
    return [(f.code, f.step) for f in flow.findings if f.severity is Severity.ERROR]


def by_name(report: RunReport) -> dict[str, FlowResult]:
    return {f.name: f for f in report.flows}


@pytest.fixture(scope="module")
def steps_report(tmp_path_factory: pytest.TempPathFactory) -> RunReport:
    report_dir = tmp_path_factory.mktemp("steps-report")
    return run("steps.yaml", report_dir=report_dir, environ={"FLOW_TEST_EMAIL": EMAIL})


@pytest.fixture(scope="module")
def drop_url() -> Iterator[str]:
    """A server on 127.0.0.1 that accepts each connection and closes it without a reply."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conn.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    port = server.getsockname()[1]
    yield f"http://127.0.0.1:{port}/dropped"
    stop.set()
    socket.create_connection(("127.0.0.1", port)).close()  # wake accept() so the loop ends
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def faults_report(drop_url: str, tmp_path_factory: pytest.TempPathFactory) -> RunReport:
    report_dir = tmp_path_factory.mktemp("faults-report")
    return run("faults.yaml", workers=2, report_dir=report_dir, environ={"FLOW_DROP_URL": drop_url})


# -- steps ------------------------------------------------------------------------------------


def test_every_step_type_passes(steps_report: RunReport) -> None:
    assert steps_report.error is None
    assert [(f.name, f.status, errors(f)) for f in steps_report.flows] == [
        ("click and dblclick", "passed", []),
        ("fill type press", "passed", []),
        ("select check uncheck hover", "passed", []),
        ("scroll and screenshot", "passed", []),
        ("goto and waits", "passed", []),
    ]
    assert steps_report.findings == ()  # no warnings either: every event is planned
    assert steps_report.status == "passed"


def test_events_are_attributed_to_the_step_they_arrived_in(steps_report: RunReport) -> None:
    flow = by_name(steps_report)["select check uncheck hover"]
    names = {e.index: e.name for e in flow.events}
    assert [(s.label, [names[i] for i in s.event_indexes]) for s in flow.steps] == [
        ("/index.html", ["page_view"]),  # the start: reports name it `start /index.html`
        ("select #size", ["select_size"]),
        ("check #terms", ["terms"]),
        ("uncheck #terms", ["terms"]),
        ("hover #menu", ["menu_hover"]),
    ]
    assert {e.flow for e in flow.events} == {"select check uncheck hover"}
    assert [e.parameters.get("checked") for e in flow.events if e.name == "terms"] == [True, False]


def test_scroll_to_percent_and_selector(steps_report: RunReport) -> None:
    flow = by_name(steps_report)["scroll and screenshot"]
    pushed = [(e.step, e.name, e.parameters.get("percent")) for e in flow.events]
    assert (1, "scroll", 75) in pushed and (2, "footer_visible", None) in pushed
    assert (1, "scroll", 100) not in pushed  # 75 % is not the bottom


def test_screenshot_step_saves_under_report_dir(steps_report: RunReport) -> None:
    step = by_name(steps_report)["scroll and screenshot"].steps[3]
    assert step.label == "screenshot footer" and step.screenshot is not None
    assert not Path(step.screenshot).is_absolute()
    assert step.screenshot.endswith("footer.png")


def test_env_values_are_substituted_and_collected_as_secrets(steps_report: RunReport) -> None:
    flow = by_name(steps_report)["fill type press"]
    [signup] = [e for e in flow.events if e.name == "newsletter_signup"]
    assert signup.parameters["email"] == EMAIL
    [search] = [e for e in flow.events if e.name == "search"]
    assert search.parameters["search_term"] == "running shoes"  # ${vars.term}, typed
    assert steps_report.extras["secrets"] == [EMAIL]


def test_waits_and_late_flow_expectations(steps_report: RunReport) -> None:
    flow = by_name(steps_report)["goto and waits"]
    assert [s.status for s in flow.steps] == ["passed"] * 6
    video = next(e for e in flow.events if e.name == "video_start")
    assert flow.steps[video.step or 0].action in ("wait", "click")


# -- expectations -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def expect_report() -> RunReport:
    return run("expect.yaml")


EXPECTED = {
    "ok name and where": [],
    "bad missing event": [("missing-event", 1)],
    "bad value mismatch": [("value-mismatch", 1)],
    "ok counts": [],
    "bad count duplicate": [("count-mismatch", 1)],
    "bad sequence": [("sequence", 1)],
    "bad forbid": [("forbidden-event", 1)],
    "bad duplicate purchase across flows": [("duplicate-event", 1)],
}


def test_every_expectation_kind(expect_report: RunReport) -> None:
    assert {f.name: errors(f) for f in expect_report.flows} == EXPECTED
    assert [f.status for f in expect_report.flows] == [
        "passed" if not v else "failed" for v in EXPECTED.values()
    ]


def test_expectation_messages(expect_report: RunReport) -> None:
    flows = by_name(expect_report)
    [mismatch] = [f for f in flows["bad value mismatch"].findings if f.code == "value-mismatch"]
    assert (
        mismatch.message == 'add_to_cart.ecommerce.items.0.item_id: expected "SKU-2", got "SKU-1"'
    )
    assert mismatch.step_label == "click #add"
    [count] = [f for f in flows["bad count duplicate"].findings if f.code == "count-mismatch"]
    assert count.message == "expected exactly 1 dup, got 2"  # the 2nd push came 50 ms later
    [seq] = [f for f in flows["bad sequence"].findings if f.code == "sequence"]
    assert seq.message == "add_to_cart fired before dbl_click; the flow expects dbl_click first"
    missing = flows["bad missing event"]
    assert [s.status for s in missing.steps] == ["passed", "failed", "passed"]


# -- faults -----------------------------------------------------------------------------------


def test_each_fault_fails_its_step_and_the_others_go_on(faults_report: RunReport) -> None:
    assert faults_report.error is None
    assert {f.name: errors(f) for f in faults_report.flows} == {
        "missing selector": [("step-failed", 1)],
        "element never actionable": [("step-failed", 1)],
        "wait timeout": [("step-failed", 1)],
        "page crash": [("step-failed", 1)],
        "dropped connection": [("step-failed", 1)],
        "unknown variable": [("step-failed", 1)],
        "page error": [],
        "still runs": [],
    }
    flows = by_name(faults_report)
    assert flows["still runs"].status == "passed"
    assert [s.status for s in flows["missing selector"].steps] == ["passed", "failed", "skipped"]


def fault(report: RunReport, flow: str) -> Any:
    [f] = [f for f in by_name(report)[flow].findings if f.code == "step-failed"]
    return f


def test_missing_selector_message_and_screenshot(faults_report: RunReport) -> None:
    f = fault(faults_report, "missing selector")
    assert f.message == (
        "step 1 (click #renamed-button) failed (#renamed-button): "
        "selector #renamed-button not found (Timeout 700ms exceeded.)"
    )
    assert "\n" not in f.message and f.hint
    assert f.screenshot and f.screenshot.endswith("step-01-failed.png")  # as "step 1" says
    step = by_name(faults_report)["missing selector"].steps[1]
    assert step.screenshot == f.screenshot and step.error


def test_fault_messages(faults_report: RunReport) -> None:
    assert "never became actionable" in fault(faults_report, "element never actionable").message
    assert "#never-there not found (Timeout 300ms" in fault(faults_report, "wait timeout").message
    assert "crash" in fault(faults_report, "page crash").message
    # Chromium says ERR_EMPTY_RESPONSE or ERR_SOCKET_NOT_CONNECTED, depending on timing
    assert "failed: net::ERR_" in fault(faults_report, "dropped connection").message
    unknown = fault(faults_report, "unknown variable")
    assert unknown.message.endswith("unknown variable ${env.FLOW_NOT_SET}")
    assert "FLOW_NOT_SET" in (unknown.hint or "")
    for flow in faults_report.flows:
        for f in flow.findings:
            assert "\n" not in f.message


def test_page_error_is_a_warning_and_the_flow_goes_on(faults_report: RunReport) -> None:
    flow = by_name(faults_report)["page error"]
    [pe] = [f for f in flow.findings if f.code == "page-error"]
    assert pe.severity is Severity.WARNING and pe.step == 1
    assert "boom from the fixture" in pe.message
    assert flow.status == "passed"


# -- workers and shards -----------------------------------------------------------------------


def comparable(report: RunReport) -> list[tuple[Any, ...]]:
    """Everything but times and the served port: flows in order, steps, events, findings."""
    return [
        (
            flow.name,
            flow.status,
            [(s.label, s.status, s.event_indexes) for s in flow.steps],
            [(e.name, e.index, e.step, e.parameters) for e in flow.events],
            [{**f.to_json(), "url": None} for f in flow.findings],
        )
        for flow in report.flows
    ]


def test_four_workers_give_identical_results(expect_report: RunReport) -> None:
    four = run("expect.yaml", workers=4)
    assert comparable(four) == comparable(expect_report)
    assert [f.code for f in four.findings] == [f.code for f in expect_report.findings]
    # the run-wide Validator saw the flows in plan order: the 2nd purchase is the duplicate
    [dup] = [f for f in four.findings if f.code == "duplicate-event"]
    assert dup.flow == "bad duplicate purchase across flows"


def test_shards_together_are_the_full_run(expect_report: RunReport) -> None:
    first = run("expect.yaml", shard=(1, 2), workers=2)
    second = run("expect.yaml", shard=(2, 2), workers=2)
    names = [f.name for f in expect_report.flows]
    assert [f.name for f in first.flows] == names[0::2]
    assert [f.name for f in second.flows] == names[1::2]
    assert first.extras["shard"] == "1/2"
    merged = {row[0]: row for row in comparable(first) + comparable(second)}
    full = {row[0]: row for row in comparable(expect_report)}
    assert merged.keys() == full.keys()
    # `unique` spans one run: split across shards the 2nd purchase is no longer a duplicate
    dup = "bad duplicate purchase across flows"
    assert [f["code"] for f in merged[dup][4]] == ["unexpected-parameter"]
    assert {k: v for k, v in merged.items() if k != dup} == {
        k: v for k, v in full.items() if k != dup
    }


def test_flow_globs_select_in_plan_order() -> None:
    plan = load_plan(FLOWS / "expect.yaml")
    picked = [f.name for _, f in select_flows(plan, ("ok *", "*sequence"))]
    assert picked == ["ok name and where", "ok counts", "bad sequence"]


# -- the flow end's quiet period --------------------------------------------------------------

LATE_PLAN = """\
version: 1
name: late forbidden events
settings: {unplanned_events: ignore, settle: 1500ms}
events:
  late_event: {}
  dup: {}
flows:
  - name: late after the last click
    start: /index.html
    steps:
      - click: "#late"
    expect:
      forbid: [late_event]
  - name: late after a click and a wait
    start: /index.html
    steps:
      - click: "#late"
      - wait: {selector: "#late"}
    expect:
      forbid: [late_event]
  - name: settled by the last step
    start: /index.html
    steps:
      - click: "#twice"
        expect: [{event: dup, count: 2}]
    expect:
      forbid: [late_event]
  - name: late without forbid
    start: /index.html
    steps:
      - click: "#late"
  - name: late write by index
    start: /index.html
    steps:
      - click: "#late-bypass"
"""


@pytest.fixture(scope="module")
def late_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("late") / "plan.yaml"
    path.write_text(LATE_PLAN, "utf-8")
    return path


def test_flow_end_still_sees_a_forbidden_event_fired_after_the_last_action(
    late_plan: Path,
) -> None:
    # #late pushes 800 ms after the click; the flow end's quiet period (1.5 s from the end of the
    # click, or from the last push) catches it, also when a passive `wait` step came after
    report = run_plan(load_plan(late_plan), RunOptions(), serve_dir=SITE)
    flows = by_name(report)
    # attributed to the step it arrived in: the click's, or the wait's (the last window)
    for name, step in (("late after the last click", 1), ("late after a click and a wait", 2)):
        assert [(f.code, f.event) for f in flows[name].findings] == [
            ("forbidden-event", "late_event")
        ], name
        [late] = [e for e in flows[name].events if e.name == "late_event"]
        assert late.step == step, name
    assert flows["settled by the last step"].findings == ()
    # every flow's end waits for quiet: a push after the last action is captured and validated
    [late] = [e for e in flows["late without forbid"].events if e.name == "late_event"]
    assert late.step == 1
    # and looks once more for items that skipped `push`: one written by index 300 ms after the
    # last click is found before the context closes, as the last step's
    bypassed = flows["late write by index"]
    assert [(f.code, f.step) for f in bypassed.findings] == [("capture-bypassed", 1)]
    [late] = [e for e in bypassed.events if e.name == "late_event"]
    assert late.step == 1


def test_flow_end_quiet_period_is_measured_from_the_last_action(
    late_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A last step that already settled costs the flow end nothing: both quiet periods start at
    the end of the same click (not at the flow end), and a `wait` step moves no anchor."""
    from tracker_check.flows import flow as flow_module

    calls: list[tuple[str, float]] = []
    original = flow_module.FlowRun._settle

    async def spy(self: Any, since: float, deadline: float) -> None:
        calls.append((self.flow.name, since))
        await original(self, since, deadline)

    monkeypatch.setattr(flow_module.FlowRun, "_settle", spy)
    report = run_plan(
        load_plan(late_plan), RunOptions(flows=("settled*", "*and a wait")), serve_dir=SITE
    )
    assert report.error is None
    settled = [since for name, since in calls if name == "settled by the last step"]
    assert len(settled) == 2 and settled[0] == settled[1]  # the step's settle, the flow end's
    waited = [since for name, since in calls if name == "late after a click and a wait"]
    assert len(waited) == 1  # only the flow end settles; its anchor is the click's end
    [wait_step] = [s for s in by_name(report)["late after a click and a wait"].steps[2:]]
    assert wait_step.action == "wait" and wait_step.status == "passed"


@pytest.fixture
def pipeline(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Spies on the runner: a log of (act|acted|finished, flow) and every context opened, with
    the ones closed."""
    from tracker_check.flows import flow as flow_module
    from tracker_check.flows.contexts import ContextOwner

    seen: dict[str, list[Any]] = {"log": [], "opened": [], "closed": []}
    act, finish, opener = (
        flow_module.FlowRun.act,
        flow_module.FlowRun.end,
        ContextOwner.open,
    )

    async def spy_act(self: Any, opened: Any) -> None:
        seen["log"].append(("act", self.flow.name))
        await act(self, opened)
        seen["log"].append(("acted", self.flow.name))

    async def spy_finish(self: Any) -> None:
        await finish(self)
        seen["log"].append(("finished", self.flow.name))

    async def spy_open(*args: Any) -> Any:
        opened = await opener(*args)
        context = opened.context
        seen["opened"].append(context)
        close = context.close

        async def spy_close(**kw: Any) -> None:
            seen["closed"].append(context)
            await close(**kw)

        context.close = spy_close
        return opened

    monkeypatch.setattr(flow_module.FlowRun, "act", spy_act)
    monkeypatch.setattr(flow_module.FlowRun, "end", spy_finish)
    monkeypatch.setattr(ContextOwner, "open", spy_open)
    return seen


def test_one_worker_runs_flows_strictly_one_after_another(
    late_plan: Path, pipeline: dict[str, list[Any]]
) -> None:
    """`--workers 1`: each flow acts and ends (its quiet period, its context closed) before
    the next one acts — flows may share server-side state; the next context is opened ahead
    (a blank page) while a flow waits, and every context opened is closed by the run."""
    plan = load_plan(late_plan)
    report = run_plan(plan, RunOptions(workers=1), serve_dir=SITE)
    assert report.error is None
    names = [f.name for f in plan.flows]
    assert [f.name for f in report.flows] == names
    assert pipeline["log"] == [(k, n) for n in names for k in ("act", "acted", "finished")]
    assert len(pipeline["opened"]) >= len(names)
    assert set(map(id, pipeline["closed"])) == set(map(id, pipeline["opened"]))


def test_more_workers_overlap_a_flow_end_with_the_next_flow_but_never_more_acting(
    late_plan: Path, pipeline: dict[str, list[Any]]
) -> None:
    """`--workers 2`: a flow's end (here a 1.5 s quiet period) runs while its worker's next
    flow acts, so more than two flows are alive at once, but never more than two act; late
    pushes stay their own flow's; results are those of `--workers 1`."""
    plan = load_plan(late_plan)
    report = run_plan(plan, RunOptions(workers=2), serve_dir=SITE)
    assert report.error is None
    acting, alive, most_acting, most_alive = set(), set(), 0, 0
    for kind, name in pipeline["log"]:
        {"act": acting.add, "acted": acting.discard, "finished": lambda _: None}[kind](name)
        {"act": alive.add, "acted": lambda _: None, "finished": alive.discard}[kind](name)
        most_acting, most_alive = max(most_acting, len(acting)), max(most_alive, len(alive))
    assert most_acting == 2 and most_alive > 2
    flows = by_name(report)
    [late] = [e for e in flows["late after the last click"].events if e.name == "late_event"]
    assert late.step == 1 and late.flow == "late after the last click"
    assert not any(e.flow != f.name for f in report.flows for e in f.events)
    assert set(map(id, pipeline["closed"])) == set(map(id, pipeline["opened"]))
    sequential = run_plan(plan, RunOptions(workers=1), serve_dir=SITE)

    def judged(r: RunReport) -> list[Any]:  # each run serves the site on its own port
        return [
            (f.name, f.status, [(x.code, x.step, x.message) for x in f.findings]) for f in r.flows
        ]

    assert judged(report) == judged(sequential)


def test_a_long_run_holds_the_contexts_of_a_few_flows_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finished flows are let go while the run goes on (memory stays flat over 1,000 flows):
    when the last flow acts, only the contexts of the flows in the pipeline are alive."""
    import gc

    from tracker_check.flows import flow as flow_module

    flows = "".join(
        f"  - name: f{i}\n    start: /index.html\n    steps:\n      - click: '#late'\n"
        for i in range(8)
    )
    path = tmp_path / "plan.yaml"
    path.write_text(
        "version: 1\nname: many\nsettings: {unplanned_events: ignore, settle: 50ms}\n"
        "events:\n  late_event: {}\nflows:\n" + flows,
        "utf-8",
    )
    alive: list[int] = []
    act = flow_module.FlowRun.act

    async def spy_act(self: Any, opened: Any) -> None:
        if self.flow.name == "f7":
            gc.collect()
            alive.append(sum(isinstance(o, flow_module.FlowContext) for o in gc.get_objects()))
        await act(self, opened)

    monkeypatch.setattr(flow_module.FlowRun, "act", spy_act)
    report = run_plan(load_plan(path), RunOptions(workers=1), serve_dir=SITE)
    assert report.error is None and len(report.flows) == 8
    # this flow's, the one ending before it, and maybe one opened ahead
    assert alive and alive[0] <= 3, alive


def test_a_failing_context_keeps_the_results_of_flows_that_ended(
    tmp_path: Path, pipeline: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The browser failing while a worker opens its next context (after its flow acted and
    while that flow's end runs) is a browser failure, and that flow still gets its result."""
    from playwright.async_api import Error as PlaywrightError

    from tracker_check.flows.contexts import ContextOwner

    # two workers: "quick" acts in a moment and its worker goes on to "third", whose context
    # fails to open while quick's 1.5 s end still runs; "slow" is still acting then
    path = tmp_path / "plan.yaml"
    path.write_text(
        "version: 1\nname: failing context\nsettings: {unplanned_events: ignore, settle: 1500ms}\n"
        "events:\n  late_event: {}\nflows:\n"
        "  - {name: quick, start: /index.html, steps: [click: '#late']}\n"
        "  - {name: slow, start: /index.html, steps: [wait: {ms: 3000}]}\n"
        "  - {name: third, start: /index.html, steps: [click: '#late']}\n",
        "utf-8",
    )
    opener = ContextOwner.open
    calls = []

    async def failing_third(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise PlaywrightError("Target page, context or browser has been closed")
        return await opener(*args)

    monkeypatch.setattr(ContextOwner, "open", failing_third)
    report = run_plan(load_plan(path), RunOptions(workers=2), serve_dir=SITE)
    assert report.error == "browser failure: Target page, context or browser has been closed"
    reported = [f.name for f in report.flows]
    assert reported[0] == "quick" and "third" not in reported  # (slow may have ended too)
    assert ("finished", "quick") in pipeline["log"]


def test_a_flow_end_that_fails_closes_the_context_of_the_flow_acting_after_it(
    late_plan: Path, pipeline: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker_check.flows import flow as flow_module

    finish = flow_module.FlowRun.end

    async def broken_first(self: Any) -> None:
        await finish(self)
        if self.index == 0:
            raise RuntimeError("a bug in the flow end")

    monkeypatch.setattr(flow_module.FlowRun, "end", broken_first)
    with pytest.raises(RuntimeError, match="a bug in the flow end"):
        run_plan(load_plan(late_plan), RunOptions(workers=2), serve_dir=SITE)
    assert pipeline["opened"]
    assert set(map(id, pipeline["closed"])) == set(map(id, pipeline["opened"]))
