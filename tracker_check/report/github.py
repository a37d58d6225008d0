"""GitHub Actions workflow commands (annotations), plus a Markdown job summary.

`render` is pure apart from `append_step_summary`, the one edge that writes: when the
runner sets $GITHUB_STEP_SUMMARY, the Markdown summary is appended to that file.
Escaping follows GitHub's runner: in the message `%`, CR and LF are encoded; in
properties `:` and `,` are too.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from tracker_check import coverage
from tracker_check.models import Finding, Location, Severity
from tracker_check.plan.model import Plan
from tracker_check.report._format import (
    clean_output,
    duration,
    finding_key,
    short,
    summary_line,
    where,
)
from tracker_check.report.model import RunReport
from tracker_check.report.redact import prepare
from tracker_check.report.registry import RenderOptions
from tracker_check.rules import RULES

_STATUS_ICON = {"passed": "✅", "failed": "❌", "error": "⚠️"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: RunReport, options: RenderOptions) -> str:
    report = prepare(report)
    lines = [command(f, report.plan) for f in sorted(report.findings, key=finding_key)]
    if report.error:
        lines.append(f"::error title=run error::{escape_data(report.error)}")
    lines.append(" ".join(summary_line(report).split()))  # one plain line, never a command
    append_step_summary(step_summary(report))
    return clean_output("\n".join(lines) + "\n")


def command(f: Finding, plan: Plan) -> str:
    """`::error file=plan.yaml,line=12,col=5,title=invalid-parameter::message`."""
    kind = "error" if f.severity is Severity.ERROR else "warning"
    props: list[tuple[str, str]] = []
    loc = location_of(f, plan)
    if loc is not None:
        props += [("file", loc.file), ("line", str(loc.line)), ("col", str(loc.col))]
    elif _is_file(plan.source):
        props.append(("file", plan.source))
    props.append(("title", f.code if not f.flow else f"{f.code} ({f.flow})"))
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{kind} {head}::{escape_data(_message(f))}"


def location_of(f: Finding, plan: Plan) -> Location | None:
    """Where a finding belongs: offline, its record's line in the events file; else its own
    plan location, else its step's, flow's, event's."""
    if f.origin is not None:
        return f.origin
    if f.location is not None:
        return f.location
    flow = plan.flow(f.flow) if f.flow else None
    if flow is not None:
        if f.step is not None and 1 <= f.step <= len(flow.steps):  # 0 is the start: the flow's
            step_loc = flow.steps[f.step - 1].location
            if step_loc is not None:
                return step_loc
        if flow.location is not None:
            return flow.location
    spec = plan.events.get(f.event) if f.event else None
    return spec.location if spec is not None else None


def _is_file(source: str) -> bool:
    return bool(source) and not (source.startswith("<") and source.endswith(">"))


def _message(f: Finding) -> str:
    lines = [f.message]
    place = where(f)
    if place:
        lines.append(place)
    if f.event:
        lines.append(f"event: {f.event}" + (f" at {f.pointer}" if f.pointer else ""))
    if f.expected is not None:
        lines.append(f"expected: {short(f.expected)}")
    if f.actual is not None:
        lines.append(f"actual: {short(f.actual)}")
    if f.hint:
        lines.append(f"hint: {f.hint}")
    return "\n".join(lines)


# --- job summary (Markdown) ---------------------------------------------------------------


def md(text: object) -> str:
    """Text safe inside a Markdown table cell: GitHub renders HTML there, so escape it."""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\r", " ")
        .replace("\n", " ")
    )


def step_summary(report: RunReport) -> str:
    report = prepare(report)  # a no-op when render already prepared it
    s = report.summary()
    title = md(report.plan.name or report.plan.source)
    out = [
        f"## {_STATUS_ICON[report.status]} tracker-check: {report.status} — {title}",
        "",
        md(summary_line(report)),
        "",
    ]
    if report.flows:
        out += [
            "| flow | status | duration | errors | warnings |",
            "| --- | --- | ---: | ---: | ---: |",
        ]
        for fl in report.flows:
            n = Counter(f.severity for f in report.findings if f.flow == fl.name)
            out.append(
                f"| {md(fl.name)} | {_STATUS_ICON[fl.status]} {fl.status} "
                f"| {duration(fl.duration_ms)} | {n[Severity.ERROR]} | {n[Severity.WARNING]} |"
            )
        out.append("")
    if s["by_code"]:
        out += ["### Findings by code", "", "| code | severity | count | what it means |"]
        out.append("| --- | --- | ---: | --- |")
        for code, n in s["by_code"].items():
            rule = RULES.get(code)
            sev = rule.severity.value if rule else ""
            out.append(f"| `{md(code)}` | {sev} | {n} | {md(rule.summary) if rule else ''} |")
        out.append("")
    cov = coverage.of_report(report)
    if cov.total_weight > 0:
        out += [
            f"### Coverage: {coverage.percent(cov.score)}",
            "",
            "| stage | score | verified weight | total weight |",
            "| --- | ---: | ---: | ---: |",
        ]
        for st in cov.stages:
            out.append(
                f"| {md(st.name)} | {coverage.percent(st.score)} "
                f"| {st.verified_weight:g} | {st.total_weight:g} |"
            )
        out.append(
            f"| **overall** | **{coverage.percent(cov.score)}** "
            f"| {cov.verified_weight:g} | {cov.total_weight:g} |"
        )
        out.append("")
    return clean_output("\n".join(out) + "\n")


def append_step_summary(markdown: str, env: Mapping[str, str] | None = None) -> Path | None:
    """Append to $GITHUB_STEP_SUMMARY when the runner provides it (the only write here)."""
    target = (os.environ if env is None else env).get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    path = Path(target)
    try:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(markdown)
    except OSError as exc:  # the annotations on stdout still work; say why the summary is missing
        print(f"warning: cannot write job summary to {path}: {exc.strerror}", file=sys.stderr)
        return None
    return path
