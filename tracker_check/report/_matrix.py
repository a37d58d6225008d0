"""The consent matrix of a run: each matrix flow × the choices it ran under. Pure.

Reporters show it as a table (`text`, `html`); the JSON report carries `consent_choice` and
`matrix_flow` per flow instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker_check.report.model import RunReport


@dataclass(frozen=True, slots=True)
class Matrix:
    choices: tuple[str, ...]  # columns, in the order first seen
    rows: tuple[tuple[str, tuple[str | None, ...]], ...]  # flow -> status per column

    @property
    def empty(self) -> bool:
        return not self.rows


def matrix(report: RunReport) -> Matrix:
    choices: dict[str, None] = {}
    rows: dict[str, dict[str, str]] = {}
    for flow in report.flows:
        spec = report.plan.flow(flow.name)
        if spec is None or spec.consent_choice is None or spec.base_name is None:
            continue
        choices.setdefault(spec.consent_choice)
        rows.setdefault(spec.base_name, {})[spec.consent_choice] = flow.status
    columns = tuple(choices)
    return Matrix(
        columns, tuple((name, tuple(row.get(c) for c in columns)) for name, row in rows.items())
    )


def text_table(m: Matrix) -> list[str]:
    """`consent matrix` as aligned text lines (no colour)."""
    if m.empty:
        return []
    first = max(len("consent matrix"), *(len(name) for name, _ in m.rows))
    width = max(7, *(len(c) for c in m.choices))
    lines = ["consent matrix".ljust(first) + "  " + "  ".join(c.ljust(width) for c in m.choices)]
    for name, cells in m.rows:
        shown = "  ".join((cell or "—").ljust(width) for cell in cells)
        lines.append(f"{name.ljust(first)}  {shown}".rstrip())
    return [line.rstrip() for line in lines]


def html_table(m: Matrix) -> str:
    """`<section class="consent-matrix">` with one badge per cell ("" when empty)."""
    if m.empty:
        return ""
    from tracker_check.report._html_parts import esc

    head = "".join(f"<th>{esc(c)}</th>" for c in m.choices)
    rows = []
    for name, cells in m.rows:
        tds = "".join(
            f'<td><span class="badge {esc(cell)}">{esc(cell)}</span></td>' if cell else "<td>—</td>"
            for cell in cells
        )
        rows.append(f'<tr><th scope="row">{esc(name)}</th>{tds}</tr>')
    return (
        '<section class="consent-matrix"><h2>Consent matrix</h2>'
        f'<table><thead><tr><th scope="col">flow</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )
