"""Human-readable terminal report: findings grouped by flow, then by event; summary last.

Colour only when `options.color` (the CLI decides: TTY and no NO_COLOR); otherwise the output
holds no escape codes at all, so it can be diffed, logged and snapshot-tested.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping

from tracker_check import coverage
from tracker_check.models import Event, EventKind, Finding, Severity, step_name
from tracker_check.report._format import (
    NO_EVENT,
    RUN_SECTION,
    EventGroup,
    Section,
    clean_output,
    duration,
    no_workflow_commands,
    plural,
    printable,
    sections,
    short,
    summary_line,
    where,
)
from tracker_check.report._matrix import matrix, text_table
from tracker_check.report.model import RunReport
from tracker_check.report.redact import map_strings, prepare
from tracker_check.report.registry import RenderOptions

_CODES = {"red": "31", "yellow": "33", "green": "32", "bold": "1", "dim": "2"}

Paint = Callable[[str, str], str]


def _painter(color: bool) -> Paint:
    def paint(style: str, text: str) -> str:
        return f"\x1b[{_CODES[style]}m{text}\x1b[0m" if color and text else text

    return paint


def render(report: RunReport, options: RenderOptions) -> str:
    report = _terminal_safe(prepare(report))
    paint = _painter(options.color)
    lines: list[str] = []
    title = report.plan.name or "tracking plan"
    lines.append(paint("bold", title) + paint("dim", f" · {report.plan.source}"))
    lines.append("")
    for section in sections(report):
        if section.flow is None and section.name == RUN_SECTION and report.flows:
            lines += _run_section(section, paint)
        elif section.flow is not None:
            lines += _flow_section(section, report, options, paint)
        else:
            lines += _offline_section(section, report, options, paint)
    if lines[-1] != "":
        lines.append("")
    table = text_table(matrix(report))
    if table:
        lines += [paint("bold", table[0]), *table[1:], ""]
    status_style = {"passed": "green", "failed": "red", "error": "red"}[report.status]
    lines.append(paint(status_style, summary_line(report)))
    cov = coverage.of_report(report)
    if cov.total_weight > 0:
        lines.append(_coverage_line(cov))
    return no_workflow_commands(clean_output("\n".join(lines) + "\n"))


def _terminal_safe(report: RunReport) -> RunReport:
    """Control characters in what is printed (a pushed "\\x1b[2J", a browser error's ANSI
    colours) shown escaped. Events are left alone: only their names are printed, via printable.
    """
    flows = tuple(
        dataclasses.replace(
            fl,
            name=printable(fl.name),
            steps=map_strings(fl.steps, printable),
            findings=map_strings(fl.findings, printable),
        )
        for fl in report.flows
    )
    return dataclasses.replace(
        report,
        flows=flows,
        findings=map_strings(report.findings, printable),
        error=printable(report.error) if report.error else report.error,
        plan=dataclasses.replace(report.plan, name=printable(report.plan.name)),
    )


def _flow_section(
    section: Section, report: RunReport, options: RenderOptions, paint: Paint
) -> list[str]:
    flow = section.flow
    assert flow is not None
    if flow.status == "passed" and not section.groups and not options.verbose:
        return []
    ok = flow.status == "passed"
    mark = paint("green", "✓") if ok else paint("red", "✗")
    head = f"{mark} {paint('bold', flow.name)} {paint('dim', f'({duration(flow.duration_ms)})')}"
    lines = [head]
    if flow.status == "error":
        lines.append(f"  {paint('red', 'flow could not complete')}")
    failed_steps = {f.step for f in section.findings if f.code == "step-failed"}
    for step in flow.steps:
        if step.status == "failed" and step.error and step.index not in failed_steps:
            lines.append(f"  {paint('red', 'step failed')}: {step_name(step.index)} {step.label}")
            lines.append("          " + step.error.replace("\n", "\n          "))
    for group in section.groups:
        lines += _group(group, paint)
    if options.verbose:
        lines += _passing_events(_counts(flow.events), section, paint)
    lines.append("")
    return lines


def _run_section(section: Section, paint: Paint) -> list[str]:
    lines = [paint("bold", "run-level findings")]
    for group in section.groups:
        lines += _group(group, paint)
    lines.append("")
    return lines


def _offline_section(
    section: Section, report: RunReport, options: RenderOptions, paint: Paint
) -> list[str]:
    lines: list[str] = []
    for group in section.groups:
        lines += _group(group, paint)
    if options.verbose:
        counts = report.captured if report.captured is not None else _counts(report.events)
        lines += _passing_events(counts, section, paint)
    if lines:
        lines.append("")
    return lines


def _group(group: EventGroup, paint: Paint) -> list[str]:
    lines = [f"  {paint('bold', group.event or NO_EVENT)}"]
    for f in group.findings:
        lines += _finding(f, paint)
    return lines


def _finding(f: Finding, paint: Paint) -> list[str]:
    is_error = f.severity is Severity.ERROR
    sev = paint("red" if is_error else "yellow", f"{f.severity.value:<7}")
    pad = " " * 12
    message = f.message.replace("\n", "\n" + pad)  # multi-line (browser) messages stay indented
    lines = [f"    {sev} {paint('bold', f.code)}: {message}"]
    place = where(f)
    if place:
        lines.append(pad + paint("dim", place))
    if f.pointer:
        lines.append(f"{pad}pointer:  {f.pointer}")
    if f.expected is not None:
        lines.append(f"{pad}expected: {short(f.expected)}")
    if f.actual is not None:
        lines.append(f"{pad}actual:   {short(f.actual)}")
    if f.url:
        lines.append(pad + paint("dim", f"url: {f.url}"))
    if f.screenshot:
        lines.append(pad + paint("dim", f"screenshot: {f.screenshot}"))
    if f.hint:
        lines.append(f"{pad}hint: {f.hint}")
    return lines


def _counts(events: tuple[Event, ...]) -> dict[str, int]:
    return Counter(e.name for e in events if e.kind is EventKind.EVENT and e.name)


def _passing_events(counts: Mapping[str, int], section: Section, paint: Paint) -> list[str]:
    """Verbose: the planned-looking events that fired with no finding, with their counts."""
    flagged = {g.event for g in section.groups}
    return [
        f"  {paint('green', '✓')} {printable(name)}" + (f" ×{n}" if n > 1 else "")
        for name, n in counts.items()
        if name not in flagged and not name.startswith("gtm.")
    ]


def _coverage_line(cov: coverage.Coverage) -> str:
    points = f"{_num(cov.verified_weight)} of {plural_points(cov.total_weight)}"
    staged = [s for s in cov.stages if s.name != coverage.UNSTAGED or len(cov.stages) > 1]
    stages = " · ".join(f"{s.name} {coverage.percent(s.score)}" for s in staged)
    line = f"Coverage: {coverage.percent(cov.score)} ({points})"
    return f"{line} — {stages}" if stages else line


def plural_points(weight: float) -> str:
    return plural(1, "point") if weight == 1 else f"{_num(weight)} points"


def _num(x: float) -> str:
    return f"{x:g}"
