"""JUnit XML in the common Jenkins/Ant shape (testsuites > testsuite > testcase).

One testcase per flow (classname = plan name); for offline validation, one per event name.
Error-level findings become one <failure> (type = first code) whose text lists them all;
warnings go to <system-out>, so they are visible without failing the case. A flow that
could not complete is an <error>. Text a page pushed can hold anything, so every string is
stripped of characters XML 1.0 cannot represent before ElementTree escapes it.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass

from tracker_check.models import EventKind, Finding, Severity, step_name
from tracker_check.report._format import (
    NO_EVENT,
    RUN_SECTION,
    duration,
    finding_key,
    group_by_event,
    plural,
    short,
    summary_line,
    where,
)
from tracker_check.report.model import FlowResult, RunReport
from tracker_check.report.redact import prepare
from tracker_check.report.registry import RenderOptions

# Everything outside XML 1.0's Char production (lone surrogates included).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


@dataclass(frozen=True, slots=True)
class _Case:
    name: str
    time_ms: float
    findings: tuple[Finding, ...]
    error: str | None = None  # the case could not complete
    skipped: bool = False
    out: tuple[str, ...] = ()  # extra system-out lines (steps)


def render(report: RunReport, options: RenderOptions) -> str:
    report = prepare(report)
    suite_name = report.plan.name or report.plan.source
    cases = _flow_cases(report) if report.flows else _event_cases(report)
    if report.error and not any(c.error for c in cases):
        cases.append(_Case(RUN_SECTION, report.duration_ms, (), error=report.error))

    failures = sum(1 for c in cases if not c.error and _errors(c.findings))
    errors = sum(1 for c in cases if c.error)
    skipped = sum(1 for c in cases if c.skipped)
    seconds = _seconds(report.duration_ms)
    root = ET.Element(
        "testsuites",
        _attrs(name=suite_name, tests=len(cases), failures=failures, errors=errors, time=seconds),
    )
    suite = ET.SubElement(
        root,
        "testsuite",
        _attrs(
            name=suite_name,
            tests=len(cases),
            failures=failures,
            errors=errors,
            skipped=skipped,
            time=seconds,
            timestamp=_timestamp(report),
            file=report.plan.source,
        ),
    )
    for case in cases:
        _testcase(suite, case, suite_name)
    out = ET.SubElement(suite, "system-out")
    out.text = xml_text(summary_line(report))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _flow_cases(report: RunReport) -> list[_Case]:
    names = {fl.name for fl in report.flows}
    cases = [
        _flow_case(fl, [f for f in report.findings if f.flow == fl.name]) for fl in report.flows
    ]
    rest = tuple(f for f in report.findings if f.flow not in names)
    if rest:
        cases.append(_Case(RUN_SECTION, 0.0, rest))
    return cases


def _flow_case(flow: FlowResult, findings: list[Finding]) -> _Case:
    steps = tuple(
        f"{step_name(s.index)} {s.label}: {s.status} ({duration(s.duration_ms)})"
        + (f", events {', '.join(map(str, s.event_indexes))}" if s.event_indexes else "")
        + (f" — {s.error}" if s.error else "")
        for s in flow.steps
    )
    all_skipped = bool(flow.steps) and all(s.status == "skipped" for s in flow.steps)
    error = None
    if flow.status == "error":
        failed = next((s for s in flow.steps if s.error), None)
        error = failed.error if failed and failed.error else "the flow could not complete"
    return _Case(
        flow.name,
        flow.duration_ms,
        tuple(findings),
        error=error,
        skipped=all_skipped and not findings,
        out=steps,
    )


def _event_cases(report: RunReport) -> list[_Case]:
    """Offline validation: one case per event name seen or named by a finding."""
    names: list[str | None] = []
    if report.captured is not None:  # a large file: counts were kept, not its events
        names += list(report.captured)
    for e in report.events:
        if e.kind is EventKind.EVENT and e.name not in names:
            names.append(e.name)
    groups = {g.event: g.findings for g in group_by_event(report.findings)}
    names += [n for n in groups if n not in names]
    return [_Case(n if n is not None else NO_EVENT, 0.0, groups.get(n, ())) for n in names]


def _testcase(suite: ET.Element, case: _Case, classname: str) -> None:
    el = ET.SubElement(
        suite, "testcase", _attrs(classname=classname, name=case.name, time=_seconds(case.time_ms))
    )
    errs = _errors(case.findings)
    if case.skipped:
        ET.SubElement(el, "skipped", _attrs(message="not run"))
    if case.error:
        node = ET.SubElement(el, "error", _attrs(message=case.error, type="run-error"))
        node.text = xml_text(_lines(case.findings))
    elif errs:
        first = errs[0]
        message = (
            first.message if len(errs) == 1 else f"{plural(len(errs), 'error')}: {first.message}"
        )
        node = ET.SubElement(el, "failure", _attrs(message=message, type=first.code))
        node.text = xml_text(_lines(errs))
    warnings = sorted(
        (f for f in case.findings if f.severity is not Severity.ERROR), key=finding_key
    )
    out_lines = list(case.out)
    if warnings:
        out_lines += ["", _lines(warnings)] if out_lines else [_lines(warnings)]
    if out_lines:
        out = ET.SubElement(el, "system-out")
        out.text = xml_text("\n".join(out_lines))


def _errors(findings: Iterable[Finding]) -> list[Finding]:
    return sorted((f for f in findings if f.severity is Severity.ERROR), key=finding_key)


def _lines(findings: Iterable[Finding]) -> str:
    out: list[str] = []
    for f in findings:
        out.append(f"{f.severity.value} {f.code}: {f.message}")
        for label, value in (
            ("at", where(f)),
            ("event", f.event),
            ("pointer", f.pointer),
            ("url", f.url),
            ("hint", f.hint),
        ):
            if value:
                out.append(f"  {label}: {value}")
        if f.expected is not None:
            out.append(f"  expected: {short(f.expected)}")
        if f.actual is not None:
            out.append(f"  actual: {short(f.actual)}")
    return "\n".join(out)


def _attrs(**values: object) -> dict[str, str]:
    return {k: xml_text(str(v)) for k, v in values.items() if v is not None}


def _seconds(ms: float) -> str:
    return f"{max(ms, 0.0) / 1000:.3f}"


def _timestamp(report: RunReport) -> str:
    """Start of the run, ISO 8601 without zone (the Ant format), from extras or now."""
    started = report.extras.get("started_at")
    if isinstance(started, str) and started:
        return started
    if isinstance(started, (int, float)):
        return dt.datetime.fromtimestamp(started, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    now = dt.datetime.now(dt.UTC) - dt.timedelta(milliseconds=report.duration_ms)
    return now.strftime("%Y-%m-%dT%H:%M:%S")
