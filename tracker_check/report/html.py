"""One self-contained HTML report: summary, weighted funnel, flow timelines, payloads.

Everything is inline (CSS, JS, screenshots as data: URIs), so the file works from file://,
offline, and as a CI artifact. Captured values are hostile input: every string goes
through `esc` (html.escape), JSON data is embedded only in a `<script type="application/json">`
with `<`, `>`, `&`, U+2028/2029 escaped, and a Content-Security-Policy allows only this
file's own script and style (by hash), so even a missed escape could not run code.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

from tracker_check import coverage
from tracker_check.models import Event, EventKind, Finding, Severity, step_name
from tracker_check.report import _html_parts as parts
from tracker_check.report._format import (
    RUN_SECTION,
    clean_output,
    dump_json,
    duration,
    finding_key,
    plural,
    summary_line,
)
from tracker_check.report._matrix import html_table, matrix
from tracker_check.report.model import FlowResult, RunReport
from tracker_check.report.redact import prepare
from tracker_check.report.registry import RenderOptions

esc = parts.esc
_IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}


def asset(name: str) -> str:
    return resources.files("tracker_check.report").joinpath(name).read_text("utf-8")


def script_json(value: Any) -> str:
    """JSON safe inside <script type="application/json">: no `</script>`, no `<!--`."""
    text = dump_json(value)
    for ch, rep in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(ch, rep)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _csp_hash(text: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
    )


def render(report: RunReport, options: RenderOptions) -> str:
    from tracker_check.report.json_report import VERSION, summary_json

    report = prepare(report)
    cov = coverage.of_report(report)
    css, js = asset("report.css"), asset("report.js")
    csp = (
        "default-src 'none'; img-src data:; base-uri 'none'; form-action 'none'; "
        f"style-src {_csp_hash(css)}; script-src {_csp_hash(js)}"
    )
    data = {
        "version": VERSION,
        "status": report.status,
        "summary": summary_json(report, cov),
        "findings": [f.to_json() for f in report.findings],
    }
    title = f"tracker-check · {report.plan.name or report.plan.source} · {report.status}"
    body = [
        _header(report),
        _summary(report),
        html_table(matrix(report)),
        parts.coverage_section(cov),
        parts.funnel(cov, _first_sightings(report)),
        _flows(report, options) if report.flows else _offline(report),
        _run_findings(report),
    ]
    page = "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="referrer" content="no-referrer">',
            f"<title>{esc(title)}</title>",
            f"<style>{css}</style>",
            "</head>",
            f'<body class="status-{esc(report.status)}">',
            '<main class="report">',
            *body,
            "</main>",
            f'<script type="application/json" id="report-data">{script_json(data)}</script>',
            f"<script>{js}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )
    return clean_output(page)


def _header(report: RunReport) -> str:
    plan = report.plan
    status = report.status
    error = f'<p class="run-error">{esc(report.error)}</p>' if report.error else ""
    return (
        '<header class="top">'
        f'<h1><span class="badge {esc(status)}">{esc(status.upper())}</span> '
        f"{esc(plan.name or 'tracking plan')}</h1>"
        f'<p class="meta">{esc(plan.source)}'
        + (f" · {esc(plan.base_url)}" if plan.base_url else "")
        + f" · {esc(duration(report.duration_ms))}</p>"
        f'<p class="summary-line">{esc(summary_line(report))}</p>{error}'
        '<div class="tools" hidden>'
        '<button type="button" data-action="expand">Expand all</button> '
        '<button type="button" data-action="collapse">Collapse all</button> '
        '<label><input type="checkbox" data-action="problems"> Only problems</label>'
        "</div></header>"
    )


def _summary(report: RunReport) -> str:
    s = report.summary()
    tiles = [
        (
            "flows passed",
            f"{s['flows_passed']} / {s['flows']}",
            "ok" if not s["flows_failed"] else "",
        ),
        ("flows failed", str(s["flows_failed"]), "bad" if s["flows_failed"] else "ok"),
        ("errors", str(s["errors"]), "bad" if s["errors"] else "ok"),
        ("warnings", str(s["warnings"]), "warn" if s["warnings"] else "ok"),
        ("events", str(s["events"]), ""),
        ("duration", duration(report.duration_ms), ""),
    ]
    if not report.flows:
        tiles = tiles[2:]
    html = ['<section class="summary"><h2>Summary</h2><div class="tiles">']
    html += [
        f'<div class="tile {cls}"><span class="num">{esc(v)}</span>'
        f'<span class="label">{esc(k)}</span></div>'
        for k, v, cls in tiles
    ]
    html.append("</div>")
    by = Counter((f.code, f.severity.value) for f in report.findings)
    if by:
        html.append('<table class="codes"><thead><tr><th>code</th><th>severity</th>')
        html.append('<th class="n">count</th></tr></thead><tbody>')
        for (code, sev), n in sorted(by.items(), key=lambda kv: (kv[0][1], -kv[1], kv[0][0])):
            html.append(
                f'<tr class="{esc(sev)}"><td><code>{esc(code)}</code></td>'
                f'<td>{esc(sev)}</td><td class="n">{n}</td></tr>'
            )
        html.append("</tbody></table>")
    html.append("</section>")
    return "".join(html)


def _first_sightings(report: RunReport) -> dict[str, str]:
    """Event name -> element id of its first capture (funnel cards link there)."""
    out: dict[str, str] = {}
    for fi, flow in enumerate(report.flows):
        for ev in flow.events:
            if ev.name and ev.name not in out:
                out[ev.name] = parts.event_id(fi, ev.index)
    for ev in report.events:
        if ev.name and ev.name not in out:
            out[ev.name] = parts.event_id(None, ev.index)
    return out


def _flows(report: RunReport, options: RenderOptions) -> str:
    html = ['<section class="flows"><h2>Flows</h2>']
    for fi, flow in enumerate(report.flows):
        html.append(_flow(fi, flow, [f for f in report.findings if f.flow == flow.name], options))
    html.append("</section>")
    return "".join(html)


def _flow(fi: int, flow: FlowResult, findings: list[Finding], options: RenderOptions) -> str:
    findings.sort(key=finding_key)
    ok = flow.status == "passed"
    n = Counter(f.severity for f in findings)
    counts = " · ".join(
        (
            plural(n[Severity.ERROR], "error"),
            plural(n[Severity.WARNING], "warning"),
            plural(len(flow.events), "event"),
        )
    )
    html = [
        f'<details class="flow {esc(flow.status)}" id="flow-{fi}"{"" if ok else " open"}>',
        f'<summary><span class="mark">{"✓" if ok else "✗"}</span> <strong>{esc(flow.name)}</strong>'
        f' <span class="meta">{esc(duration(flow.duration_ms))} · {counts}</span></summary>',
        '<ol class="timeline">',
    ]
    by_index = {ev.index: ev for ev in flow.events}
    per_event: dict[int, list[Finding]] = {}
    for f in findings:
        if f.event_index is not None:
            per_event.setdefault(f.event_index, []).append(f)
    shown: set[int] = set()
    for step in flow.steps:
        step_findings = [f for f in findings if f.step == step.index]
        html.append(
            f'<li class="step {esc(step.status)}"><div class="step-head">'
            f'<span class="step-no">{step_name(step.index)}</span> <code>{esc(step.label)}</code> '
            f'<span class="meta">{esc(step.status)} · {esc(duration(step.duration_ms))}</span>'
            "</div>"
        )
        if step.error:
            html.append(f'<p class="step-error">{esc(step.error)}</p>')
        html += [parts.finding(f, parts.event_ref(fi, f.event_index)) for f in step_findings]
        html.append(_screenshot(step.screenshot, options))
        events = [by_index[i] for i in step.event_indexes if i in by_index]
        shown.update(e.index for e in events)
        html += [_event(fi, ev, per_event.get(ev.index, [])) for ev in events]
        html.append("</li>")
    html.append("</ol>")
    numbers = {s.index for s in flow.steps}
    loose = [f for f in findings if f.step is None or f.step not in numbers]
    if loose:
        html.append('<div class="flow-findings"><h4>Flow findings</h4>')
        html += [parts.finding(f, parts.event_ref(fi, f.event_index)) for f in loose]
        html.append("</div>")
    other = [ev for ev in flow.events if ev.index not in shown]
    if other:
        html.append('<div class="other-events"><h4>Events outside any step</h4>')
        html += [_event(fi, ev, per_event.get(ev.index, [])) for ev in other]
        html.append("</div>")
    step_shots = {s.screenshot for s in flow.steps}
    extra_shots = dict.fromkeys(f.screenshot for f in findings if f.screenshot not in step_shots)
    html += [_screenshot(path, options) for path in extra_shots]
    html.append("</details>")
    return "".join(html)


def _offline(report: RunReport) -> str:
    if not report.events:  # a large file: findings were kept, not its events
        tied = sorted((f for f in report.findings if f.event_index is not None), key=finding_key)
        if not tied:
            return ""
        html = ['<section class="run-findings offline"><h2>Findings</h2>']
        html += [parts.finding(f, None) for f in tied]
        html.append("</section>")
        return "".join(html)
    per_event: dict[int, list[Finding]] = {}
    for f in sorted(report.findings, key=finding_key):
        if f.event_index is not None:
            per_event.setdefault(f.event_index, []).append(f)
    html = ['<section class="flows offline"><h2>Events</h2>']
    html += [
        _event(None, ev, per_event.get(ev.index, []), show_findings=True) for ev in report.events
    ]
    html.append("</section>")
    return "".join(html)


def _event(fi: int | None, ev: Event, mine: list[Finding], *, show_findings: bool = False) -> str:
    return parts.event_card(
        ev, parts.event_id(fi, ev.index), mine, _label(ev), show_findings=show_findings
    )


def _label(ev: Event) -> str:
    if ev.kind is EventKind.EVENT:
        return ev.name or "(unnamed)"
    return f"{ev.kind.value}" + (f" {ev.name}" if ev.name else "")


def _run_findings(report: RunReport) -> str:
    if not report.flows:
        loose = [f for f in report.findings if f.event_index is None]
        title = "Findings not tied to an event"
    else:
        names = {fl.name for fl in report.flows}
        loose = [f for f in report.findings if f.flow not in names]
        title = "Run-level findings"
    if not loose:
        return ""
    html = [f'<section class="run-findings" id="{RUN_SECTION[1:-1]}"><h2>{esc(title)}</h2>']
    html += [parts.finding(f, None) for f in sorted(loose, key=finding_key)]
    html.append("</section>")
    return "".join(html)


def _screenshot(path: str | None, options: RenderOptions) -> str:
    """A screenshot as a data: URI; a short note when it cannot be read."""
    if not path:
        return ""
    mime = _IMAGE_TYPES.get(Path(path).suffix.lower())
    file = (options.report_dir or Path(".")) / path
    try:
        data = file.read_bytes() if mime and options.report_dir is not None else None
    except OSError:
        data = None
    if data is None:
        return f'<p class="no-shot">screenshot not available: {esc(path)}</p>'
    uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return (
        f'<figure class="shot"><img src="{uri}" alt="screenshot {esc(path)}" loading="lazy">'
        f"<figcaption>{esc(path)}</figcaption></figure>"
    )
