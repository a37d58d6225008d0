"""The text reporter: grouping, order, colour and summary lines (snapshots + properties)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import report_snapshot as snapshot
from report_samples import PLAN_FILE, SECRET, flows_report, offline_report, passing_report

from tracker_check.cli.common import use_color
from tracker_check.models import Finding, Severity
from tracker_check.report import text
from tracker_check.report.registry import RenderOptions

PATHS = {PLAN_FILE: "<plan>"}


def render(report, **opts) -> str:  # type: ignore[no-untyped-def]
    return snapshot.normalize(text.render(report, RenderOptions(**opts)), PATHS)


def test_flows_report_snapshot() -> None:
    snapshot.check("text_flows.txt", render(flows_report()))


def test_flows_report_verbose_snapshot() -> None:
    snapshot.check("text_flows_verbose.txt", render(flows_report(), verbose=True))


def test_offline_report_snapshot() -> None:
    snapshot.check("text_offline_verbose.txt", render(offline_report(), verbose=True))


def test_colour_snapshot() -> None:
    snapshot.check("text_flows_color.txt", render(flows_report(), color=True))


def test_no_escape_codes_without_colour() -> None:
    for report in (flows_report(), offline_report(), passing_report()):
        out = render(report, verbose=True)
        assert "\x1b" not in out


def test_colour_marks_severities() -> None:
    out = render(flows_report(), color=True)
    assert "\x1b[31merror  \x1b[0m" in out
    assert "\x1b[33mwarning\x1b[0m" in out
    assert out.count("\x1b[") % 2 == 0  # every style is reset


def test_summary_line_and_coverage_are_last() -> None:
    lines = render(flows_report()).splitlines()
    assert lines[-2] == "FAILED: 4 errors, 3 warnings in 3 of 4 flows (7.6 s)"
    assert lines[-1].startswith("Coverage: 29.2% (7 of 24 points) — attention 100%")


def test_passing_flows_only_listed_when_verbose() -> None:
    quiet = render(passing_report())
    assert "checkout" not in quiet
    assert quiet.splitlines()[-2] == "PASSED: 0 errors, 0 warnings in 1 flow (812 ms)"
    loud = render(passing_report(), verbose=True)
    assert "✓ checkout (812 ms)" in loud
    assert "✓ begin_checkout" in loud and "✓ purchase" in loud


def test_errors_before_warnings_then_capture_order() -> None:
    out = render(flows_report())
    flow = out[out.index("✗ add to cart") : out.index("✗ checkout")]
    assert flow.index("invalid-parameter") < flow.index("unexpected-parameter")
    assert flow.index("add_to_cart") < flow.index("newsletter_signup")


def test_step_is_shown_one_based_with_label() -> None:
    assert "add to cart › step 2 click text=In den Warenkorb · event #3" in render(flows_report())


def test_secret_values_are_masked() -> None:
    out = render(flows_report(), verbose=True)
    assert SECRET not in out and "qa%2Bsecret%40example.com" not in out
    assert "(sent by •••)" in out


def test_error_status_summary() -> None:
    import dataclasses

    report = dataclasses.replace(passing_report(), error="browser could not start: no chromium")
    assert render(report).splitlines()[-2] == (
        "ERROR: browser could not start: no chromium (812 ms)"
    )


def test_no_coverage_line_without_planned_events() -> None:
    import dataclasses

    report = offline_report()
    report = dataclasses.replace(report, plan=dataclasses.replace(report.plan, events={}))
    assert not render(report).splitlines()[-1].startswith("Coverage")


def test_finding_without_event_or_flow_still_renders() -> None:
    import dataclasses

    bare = Finding("capture-bypassed", Severity.ERROR, "3 items written without push")
    report = dataclasses.replace(offline_report(), findings=(bare,))
    assert "(no event)\n    error   capture-bypassed: 3 items written without push" in render(
        report
    )


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.mark.parametrize(
    ("no_color", "output", "env", "tty", "expected"),
    [
        (False, None, None, True, True),
        (False, None, None, False, False),
        (True, None, None, True, False),
        (False, Path("report.txt"), None, True, False),
        (False, None, "1", True, False),
        (False, None, "", True, True),  # NO_COLOR only counts when non-empty (no-color.org)
    ],
)
def test_use_color(
    monkeypatch: pytest.MonkeyPatch,
    no_color: bool,
    output: Path | None,
    env: str | None,
    tty: bool,
    expected: bool,
) -> None:
    if env is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", env)
    assert use_color(no_color, output, _Stream(tty)) is expected


def test_page_data_cannot_start_a_ci_workflow_command() -> None:
    """A push whose keys or event name hold newlines + `::cmd::` must not print a line that
    GitHub's runner would execute (add-mask, set-output, fake annotations)."""
    from tracker_check.plan.model import EventSpec, Plan
    from tracker_check.report.model import RunReport
    from tracker_check.sources.gtm import normalize
    from tracker_check.validate.events import validate_events

    plan = Plan(events={"a": EventSpec("a", parameters={"x": {"type": "string"}})})
    raws = [
        {"event": "a", "x": "s", "k\n::add-mask::secret": 1},
        {"event": "b\n  ::error::pwned"},
        {"event": "c\n##[error]legacy"},
    ]
    events = [normalize(raw, index=i) for i, raw in enumerate(raws)]
    report = RunReport(
        plan=plan, findings=tuple(validate_events(plan, events)), events=tuple(events)
    )
    out = text.render(report, RenderOptions())
    assert "pwned" in out and "add-mask" in out  # still shown, as text
    for line in out.splitlines():
        assert not line.lstrip().startswith(("::", "##[")), line
