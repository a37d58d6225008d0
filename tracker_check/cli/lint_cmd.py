"""`tracker-check lint PLAN`: every plan error at once, as file:line:col lines or JSON.

Exit 0 for a clean plan, 2 with errors (the spec's "usage or plan error"). The plan layer is
imported inside the command so `--help` and other commands never pay for jsonschema.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tracker_check.cli.common import DebugOpt, NoColorOpt, guarded, use_color
from tracker_check.models import Finding


class LintFormat(StrEnum):
    text = "text"
    json = "json"


PlanArg = Annotated[Path, typer.Argument(help="The tracking plan (YAML).", show_default=False)]
LintFormatOpt = Annotated[LintFormat, typer.Option("--format", "-f", help="Output format.")]


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


def _lint(plan: Path, fmt: LintFormat, color: bool) -> int:
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


def register(app: typer.Typer) -> None:
    """Add `lint` to the app."""

    @app.command("lint")
    def lint(
        plan: PlanArg,
        fmt: LintFormatOpt = LintFormat.text,
        no_color: NoColorOpt = False,
        debug: DebugOpt = False,
    ) -> None:
        """Check a tracking plan: YAML, keys, types, references. Exit 2 on errors."""
        code = guarded(lambda: _lint(plan, fmt, use_color(no_color, None)), debug=debug)
        raise typer.Exit(code)
