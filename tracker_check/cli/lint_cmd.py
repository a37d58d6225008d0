"""`tracker-check lint PLAN` as a typer command (the body is `cli/lint_core`; `cli/hot` runs
the same body without typer when the arguments are plain, for a fast start)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker_check.cli.common import DebugOpt, NoColorOpt, guarded, use_color
from tracker_check.cli.lint_core import LintFormat, lint

PlanArg = Annotated[Path, typer.Argument(help="The tracking plan (YAML).", show_default=False)]
LintFormatOpt = Annotated[LintFormat, typer.Option("--format", "-f", help="Output format.")]


def register(app: typer.Typer) -> None:
    """Add `lint` to the app."""

    @app.command("lint")
    def lint_command(
        plan: PlanArg,
        fmt: LintFormatOpt = LintFormat.text,
        no_color: NoColorOpt = False,
        debug: DebugOpt = False,
    ) -> None:
        """Check a tracking plan: YAML, keys, types, references. Exit 2 on errors."""
        code = guarded(lambda: lint(plan, fmt, use_color(no_color, None)), debug=debug)
        raise typer.Exit(code)
