"""What `tracker-check lint` does and prints, with no typer import (see `cli/hot`).

Exit 0 for a clean plan, 2 with errors (the spec's "usage or plan error"). The plan layer is
imported inside `lint` so other commands never pay for it.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

from tracker_check.models import Finding


class LintFormat(StrEnum):
    text = "text"
    json = "json"


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def format_text(source: str, findings: list[Finding], summary: str, *, color: bool) -> str:
    """The text report: one `file:line:col: code: message (hint: ...)` line per finding."""
    if not findings:
        return f"{source}: {_paint('OK', '32', color)} — {summary}\n"
    lines = []
    for f in findings:
        where = f"{f.location}: " if f.location else f"{source}: "
        hint = f" (hint: {f.hint})" if f.hint else ""
        lines.append(f"{_paint(where, '1', color)}{_paint(f.code, '31', color)}: {f.message}{hint}")
    n = len(findings)
    lines.append(f"{n} plan error{'s' if n != 1 else ''} in {source}")
    return "\n".join(lines) + "\n"


def format_json(source: str, findings: list[Finding], counts: dict[str, int] | None) -> str:
    report = {
        "version": 1,
        "status": "error" if findings else "passed",
        "plan": {"path": source, **(counts or {})},
        "findings": [f.to_json() for f in findings],
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def lint(plan: Path, fmt: LintFormat, color: bool) -> int:
    """Lint one plan file, print the report on stdout, return the exit code."""
    from tracker_check.plan.load import lint_plan_text, read_plan_text

    source = str(plan)
    parsed, findings = lint_plan_text(read_plan_text(plan), source)
    counts = None
    summary = ""
    if parsed is not None and not findings:
        counts = {"events": len(parsed.events), "flows": len(parsed.flows)}
        e, f = counts["events"], counts["flows"]
        summary = f"{e} event{'s' if e != 1 else ''}, {f} flow{'s' if f != 1 else ''}"
    if fmt is LintFormat.json:
        out = format_json(source, findings, counts)
    else:
        out = format_text(source, findings, summary, color=color)
    sys.stdout.write(out)
    sys.stdout.flush()
    return 2 if findings else 0
