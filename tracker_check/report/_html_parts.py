"""HTML fragments of the report: findings, event payloads, coverage and funnel. Pure.

Every interpolated value passes through `esc`; ids are built from integers only.
"""

from __future__ import annotations

from html import escape

from tracker_check import coverage
from tracker_check.models import Event, Finding, Severity
from tracker_check.report._format import dump_json, plural, short, where
from tracker_check.report._jsonlines import pretty_lines, target_lines

_STATE_LABEL = {"verified": "verified", "broken": "broken", "not_covered": "not covered"}


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def event_id(flow_index: int | None, event_index: int) -> str:
    return f"ev-{event_index}" if flow_index is None else f"flow-{flow_index}-ev-{event_index}"


def event_ref(flow_index: int | None, event_index: int | None) -> str | None:
    return None if event_index is None else event_id(flow_index, event_index)


def finding(f: Finding, target: str | None) -> str:
    sev = f.severity.value
    rows = []
    place = where(f)
    if place:
        rows.append(("at", esc(place)))
    if f.event:
        link = f' <a href="#{target}">event #{f.event_index}</a>' if target else ""
        rows.append(("event", f"<code>{esc(f.event)}</code>{link}"))
    for label, value in (("pointer", f.pointer), ("url", f.url), ("screenshot", f.screenshot)):
        if value:
            rows.append((label, f"<code>{esc(value)}</code>"))
    if f.expected is not None:
        rows.append(("expected", f"<code>{esc(short(f.expected, 500))}</code>"))
    if f.actual is not None:
        rows.append(("actual", f"<code>{esc(short(f.actual, 500))}</code>"))
    if f.hint:
        rows.append(("hint", esc(f.hint)))
    dl = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    return (
        f'<div class="finding {esc(sev)}" data-code="{esc(f.code)}">'
        f'<p><span class="sev">{esc(sev)}</span> <code class="code">{esc(f.code)}</code> '
        f'<span class="msg">{esc(f.message)}</span></p>'
        + (f"<dl>{dl}</dl>" if dl else "")
        + "</div>"
    )


def event_card(
    ev: Event,
    element_id: str | None,
    findings: list[Finding],
    label: str,
    *,
    show_findings: bool = False,
) -> str:
    """A captured event, its payload expandable as pretty JSON, finding pointers highlighted.

    `show_findings` lists the findings inside the card too (offline validation, where no
    step timeline shows them)."""
    worst = _worst(findings)
    payload = _payload(ev, findings) if findings else esc(dump_json(ev.parameters, indent=2))
    meta = [f"#{ev.index}", ev.data_layer, ev.source, f"{ev.time:.0f} ms"]
    if ev.url:
        meta.append(ev.url)
    attrs = f' id="{element_id}"' if element_id else ""
    n = len(findings)
    badge = f' <span class="badge {worst}">{n} finding{"s" if n != 1 else ""}</span>' if n else ""
    return (
        f'<details class="event {worst or "ok"}"{attrs}{" open" if worst == "error" else ""}>'
        f'<summary><span class="ev-index">#{ev.index}</span> <code>{esc(label)}</code>'
        f"{badge}</summary>"
        f'<p class="meta">{" · ".join(esc(m) for m in meta)}</p>'
        + ("".join(finding(f, None) for f in findings) if show_findings else "")
        + f'<pre class="json">{payload}</pre>'
        "</details>"
    )


def _payload(ev: Event, findings: list[Finding]) -> str:
    """Pretty JSON, one block span per line, lines at the findings' pointers highlighted."""
    lines = pretty_lines(ev.parameters)
    marks: dict[int, list[Finding]] = {}
    for f in findings:
        for i in target_lines(lines, f.pointer or ""):
            marks.setdefault(i, []).append(f)
    body = []
    for i, line in enumerate(lines):
        hit = marks.get(i)
        if hit:
            codes = ", ".join(dict.fromkeys(f.code for f in hit))
            body.append(
                f'<span class="ln hl {_worst(hit)}">{esc(line.text)}'
                f'<span class="mark-code"> ◀ {esc(codes)}</span></span>'
            )
        else:
            body.append(f'<span class="ln">{esc(line.text)}</span>')
    return "".join(body)  # .ln spans are blocks: no newlines between them


def _worst(findings: list[Finding]) -> str:
    if any(f.severity is Severity.ERROR for f in findings):
        return "error"
    return "warning" if findings else ""


def coverage_section(cov: coverage.Coverage) -> str:
    if cov.total_weight <= 0:
        return ""
    score = cov.score or 0.0
    rows = "".join(
        f'<tr><th scope="row">{esc(s.name)}</th>'
        f'<td><meter min="0" max="1" value="{s.score or 0:.4f}"></meter></td>'
        f'<td class="n" data-score="{_score_attr(s.score)}">{esc(coverage.percent(s.score))}</td>'
        f'<td class="n">{s.verified_weight:g} / {s.total_weight:g}</td></tr>'
        for s in cov.stages
    )
    counts = cov.counts()
    return (
        '<section class="coverage"><h2>Weighted coverage</h2>'
        f'<p class="score"><span class="big" data-score="{_score_attr(cov.score)}">'
        f"{esc(coverage.percent(cov.score))}</span> "
        f'<meter min="0" max="1" low="0.5" high="0.8" optimum="1" value="{score:.4f}"></meter> '
        f'<span class="meta">{cov.verified_weight:g} of {cov.total_weight:g} points verified · '
        f"{counts['verified']} verified · {counts['broken']} broken · "
        f"{counts['not_covered']} not covered</span></p>"
        '<table class="stages"><thead><tr><th>stage</th><th></th><th class="n">score</th>'
        f'<th class="n">points</th></tr></thead><tbody>{rows}</tbody></table></section>'
    )


def _score_attr(score: float | None) -> str:
    return "" if score is None else f"{round(score, 4)}"


def funnel(cov: coverage.Coverage, links: dict[str, str]) -> str:
    if not cov.events:
        return ""
    html = [
        '<section class="funnel"><h2>Funnel</h2>',
        '<p class="legend"><span class="card-key verified">verified</span>'
        '<span class="card-key broken">broken</span>'
        '<span class="card-key not_covered">not covered</span>'
        '<span class="card-key macro">★ macro conversion</span></p>',
        '<div class="stages">',
    ]
    for stage in cov.stages:
        html.append(
            f'<div class="stage" data-stage="{esc(stage.name)}"><h3>{esc(stage.name)} '
            f'<span class="stage-score">{esc(coverage.percent(stage.score))}</span></h3>'
        )
        for name in stage.events:
            ec = cov.event(name)
            if ec is None:
                continue
            kind = ec.kind or "event"
            tag, href = ("a", f' href="#{links[name]}"') if name in links else ("div", "")
            star = "★ " if ec.kind == "macro" else ""
            html.append(
                f'<{tag} class="card {ec.state} {esc(kind)}"{href} data-event="{esc(name)}" '
                f'data-state="{ec.state}">'
                f'<span class="card-name">{star}{esc(name)}</span>'
                f'<span class="card-meta"><span class="kind">{esc(kind)}</span> · '
                f'<span class="weight">{ec.weight:g} {"pt" if ec.weight == 1 else "pts"}</span>'
                f'</span><span class="card-state">{_STATE_LABEL[ec.state]}'
                f" · fired {ec.captured}×"
                + (f" · {plural(ec.errors, 'error')}" if ec.errors else "")
                + "</span>"
                f"</{tag}>"
            )
        html.append("</div>")
    html.append("</div></section>")
    return "".join(html)
