"""`assert_tracking`: what a test captured, judged like a flow step of the CLI run.

Each call judges the events pushed since the previous call (a "step" of the test): every one is
validated against the plan with the core Validator, the `expect` entries are judged with the
runner's expectation code, and the failure text is the CLI's text report.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from tracker_check.models import Event, Finding
    from tracker_check.plan.model import Expectation, Plan
    from tracker_check.pytest_plugin.capture import DataLayer
    from tracker_check.report.model import RunReport

ExpectEntry = str | Mapping[str, Any]
_BOUND_KEYS = ("count", "min", "max")
_ENTRY_KEYS = {"event", "where", *_BOUND_KEYS}
STEP_LABEL = "assert_tracking"


def to_expectations(
    entries: Sequence[ExpectEntry] | str | None, where: Mapping[str, Any] | None
) -> tuple[Expectation, ...]:
    """Plan-style `expect` entries (names, or {event, count|min|max, where}) → Expectations.

    `where` applies to the entries written as bare names; a dict entry carries its own."""
    from tracker_check.plan.model import Expectation

    if entries is None:
        return ()
    if isinstance(entries, str):
        entries = [entries]
    out = []
    for entry in entries:
        if isinstance(entry, str):
            out.append(Expectation(event=entry, where=dict(where or {})))
            continue
        if not isinstance(entry, Mapping) or not isinstance(entry.get("event"), str):
            _usage(f"expect entries are event names or {{event: name, ...}} dicts, got {entry!r}")
        unknown = sorted(set(entry) - _ENTRY_KEYS)
        if unknown:
            _usage(f"unknown key(s) {unknown} in expect entry {dict(entry)!r}")
        bounds = {k: entry[k] for k in _BOUND_KEYS if entry.get(k) is not None}
        if any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in bounds.values()):
            _usage(f"count/min/max must be integers ≥ 0 in {dict(entry)!r}")
        if "count" in bounds and len(bounds) > 1:
            _usage(f"use either count or min/max in {dict(entry)!r}")
        out.append(
            Expectation(
                event=entry["event"],
                where=dict(entry.get("where") or where or {}),
                **bounds,
            )
        )
    return tuple(out)


def _usage(message: str) -> NoReturn:
    pytest.fail(f"assert_tracking: {message}", pytrace=False)


class TrackingAsserter:
    """The `assert_tracking` fixture's callable (one per test)."""

    def __init__(self, datalayer: DataLayer, plan: Plan, node: pytest.Item) -> None:
        from tracker_check.validate.events import Validator

        self.datalayer = datalayer
        self.plan = plan
        self.node = node
        self.validator = Validator(plan)
        self.calls = 0
        self._judged = 0  # events before this index were judged by an earlier call
        self._started = time.monotonic()

    def __call__(
        self,
        expect: Sequence[ExpectEntry] | str | None = None,
        *,
        where: Mapping[str, Any] | None = None,
        timeout: float | None = None,
    ) -> list[Event]:
        """Judge the events pushed since the last call; fail the test on error findings.

        Waits (pumping the page) up to `timeout` ms (default: the plan's step timeout) for the
        expected events, and for the page to go quiet when an entry bounds a count.
        Returns the events judged."""
        from tracker_check.flows.settle import cap_finding
        from tracker_check.validate.expect import arrived, judge_step

        expectations = to_expectations(expect, where)
        settings = self.plan.settings
        limit = settings.step_timeout_ms if timeout is None else timeout
        window = self._window
        if expectations:
            self.datalayer.pump_until(lambda: arrived(expectations, window()), limit)
        step = self.calls + 1  # calls count like steps: 1, 2, ... (0 would be a flow's start)
        capped: list[Finding] = []
        if any(x.bounds_count for x in expectations) or not expectations:
            settled = self.datalayer.settle(settings.settle_ms, settings.settle_cap_ms, limit)
            if settled.capped and settings.settle_ms is None:
                capped.append(
                    cap_finding(
                        settled,
                        settings.settle_cap_ms,
                        flow=self.node.name,
                        step=step,
                        step_label=STEP_LABEL,
                    )
                )
        else:
            self.datalayer.pump()  # deliver what is already in flight
        # first: items that bypassed push are recovered into the record, then judged too
        findings = capped + self._bypassed()
        events = window()
        findings += [f for e in events for f in self.validator.check(e)]
        findings += judge_step(
            expectations, events, flow=self.node.name, step=step, step_label=STEP_LABEL
        )
        self.calls += 1
        self._judged += len(events)
        self.datalayer.recorder.set_attribution(self.node.name, self.calls + 1)
        self._report(events, findings)
        return events

    def _window(self) -> list[Event]:
        return self.datalayer.events[self._judged :]

    def _bypassed(self) -> list[Finding]:
        recorder = self.datalayer.recorder
        return [f for page in self.datalayer.open_pages() for f in recorder.check_bypass_sync(page)]

    def _report(self, events: Sequence[Event], findings: Sequence[Finding]) -> None:
        from tracker_check.models import Severity

        if not findings:
            return
        text = failure_text(self._run_report(events, findings), coverage=False)
        failed = any(f.severity is Severity.ERROR for f in findings)
        if failed:
            pytest.fail(text, pytrace=False)
        # warnings only: shown with the test's output sections, never failing it
        self.node.add_report_section("call", "tracker-check", text)

    def _run_report(self, events: Sequence[Event], findings: Sequence[Finding]) -> RunReport:
        from tracker_check.models import Severity
        from tracker_check.report.model import FlowResult, RunReport, StepResult

        ms = (time.monotonic() - self._started) * 1000
        failed = any(f.severity is Severity.ERROR for f in findings)
        step = StepResult(
            index=self.calls,
            label=STEP_LABEL,
            action=STEP_LABEL,
            status="failed" if failed else "passed",
            event_indexes=tuple(e.index for e in events),
        )
        flow = FlowResult(
            name=self.node.name,
            status="failed" if failed else "passed",
            duration_ms=ms,
            steps=(step,),
            events=tuple(events),
            findings=tuple(findings),
        )
        return RunReport(plan=self.plan, flows=(flow,), findings=tuple(findings), duration_ms=ms)


def failure_text(report: RunReport, *, coverage: bool = True) -> str:
    """The CLI's text report, headed by its first error on one line: that line is what pytest's
    short summary and JUnit's failure `message` show first."""
    from tracker_check.models import Severity
    from tracker_check.report.registry import render

    lines = render("text", report).rstrip("\n").splitlines()
    if not coverage:
        # one test's events say nothing about the plan's funnel coverage
        lines = [ln for ln in lines if not ln.startswith("Coverage: ")]
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    if report.error:
        head = report.error
    elif errors:
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        head = f"{errors[0].code}: {errors[0].message}{more}"
    else:
        head = lines[-1] if lines else report.status
    return "\n".join([head, "", *lines])
