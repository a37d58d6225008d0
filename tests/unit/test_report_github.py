"""GitHub Actions annotations and the Markdown job summary."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import report_snapshot as snapshot
from report_samples import PLAN_FILE, SECRET, flows_report, hostile_report, offline_report

from tracker_check.models import Finding, Severity
from tracker_check.report import github
from tracker_check.report.registry import RenderOptions

PATHS = {PLAN_FILE: "<plan>"}


@pytest.fixture(autouse=True)
def no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def test_annotations_snapshot() -> None:
    out = github.render(flows_report(), RenderOptions())
    snapshot.check("github_flows.txt", snapshot.normalize(out, PATHS))


def test_step_summary_snapshot() -> None:
    snapshot.check(
        "github_summary.md", snapshot.normalize(github.step_summary(flows_report()), PATHS)
    )


def test_one_command_per_finding_errors_first() -> None:
    lines = github.render(flows_report(), RenderOptions()).splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == 7
    kinds = [c.split(" ", 1)[0] for c in commands]
    assert kinds == ["::error"] * 4 + ["::warning"] * 3
    assert lines[-1] == "FAILED: 4 errors, 3 warnings in 3 of 4 flows (7.6 s)"


def test_location_falls_back_to_step_then_event() -> None:
    report = flows_report()
    plan = report.plan
    missing = next(f for f in report.findings if f.code == "missing-event")
    assert github.command(missing, plan).startswith(
        f"::error file={PLAN_FILE},line=63,col=9,title=missing-event (add to cart)::"
    )
    offline = next(f for f in offline_report().findings if f.event == "add_to_cart")
    assert github.command(offline, plan).startswith(
        f"::error file={PLAN_FILE},line=33,col=3,title=invalid-parameter::"
    )
    unknown = Finding("unplanned-event", Severity.ERROR, "x", event="nope")
    assert github.command(unknown, plan).startswith(f"::error file={PLAN_FILE},title=")
    no_file = dataclasses.replace(plan, source="<stdin>")
    assert github.command(unknown, no_file) == "::error title=unplanned-event::x%0Aevent: nope"


def test_escaping() -> None:
    assert github.escape_data("50% a\r\nb") == "50%25 a%0D%0Ab"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    f = Finding("sequence", Severity.WARNING, "line1\nline2 100%", flow="a,b: c")
    cmd = github.command(f, dataclasses.replace(flows_report().plan, source="<x>"))
    assert cmd == "::warning title=sequence (a%2Cb%3A c)::line1%0Aline2 100%25%0Aa,b: c"
    assert "\n" not in cmd


def test_hostile_values_cannot_inject_commands() -> None:
    report = dataclasses.replace(hostile_report(), error="boom\n::error::injected")
    # the runner splits on CR/LF only; every line but the summary is one of our commands
    lines = github.render(report, RenderOptions()).rstrip("\n").split("\n")
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::error", "ERROR:"]
    assert "\r" not in "".join(lines)
    assert lines[1] == "::error title=run error::boom%0A::error::injected"


def test_step_summary_appended_when_env_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "summary.md"
    target.write_text("# earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    github.render(flows_report(), RenderOptions())
    text = target.read_text("utf-8")
    assert text.startswith("# earlier step\n## ❌ tracker-check: failed — Demo shop")
    assert "| **overall** | **29.2%** | 7 | 24 |" in text
    assert SECRET not in text


def test_no_write_without_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    github.render(flows_report(), RenderOptions())
    assert list(tmp_path.iterdir()) == []
    assert github.append_step_summary("x", env={}) is None


def test_unwritable_summary_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert github.append_step_summary("x", env={"GITHUB_STEP_SUMMARY": str(tmp_path)}) is None
    assert "cannot write job summary" in capsys.readouterr().err


def test_markdown_cells_are_escaped() -> None:
    md = github.step_summary(hostile_report())
    assert "<script>" not in md and "<img" not in md
    assert github.md("a|b<c>&\nd") == "a\\|b&lt;c&gt;&amp; d"
