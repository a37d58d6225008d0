"""What every command shares: output options, report writing, and error handling."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer

from tracker_check.errors import PlanError, TrackerCheckError
from tracker_check.report.model import RunReport, exit_code
from tracker_check.report.registry import RenderOptions, render


class Format(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"
    github = "github"
    html = "html"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Report format.")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report here instead of stdout.")
]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="No ANSI colours (NO_COLOR too).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="More detail in reports.")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks for internal errors.")]
NoFailOpt = Annotated[
    bool, typer.Option("--no-fail", help="Exit 0 even with error findings (gradual roll-out).")
]


def use_color(no_color: bool, output: Path | None, stream: object = sys.stdout) -> bool:
    if no_color or output is not None or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def err(line: str) -> None:
    from tracker_check.report._format import no_workflow_commands

    print(no_workflow_commands(line), file=sys.stderr)


def write_report(
    report: RunReport,
    fmt: Format,
    output: Path | None,
    *,
    no_color: bool = False,
    verbose: bool = False,
    report_dir: Path | None = None,
) -> None:
    text = render(
        fmt.value,
        report,
        RenderOptions(color=use_color(no_color, output), verbose=verbose, report_dir=report_dir),
    )
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise_usage(f"cannot write report to {output}: {exc.strerror}")


def finish(report: RunReport, *, no_fail: bool = False) -> NoReturn:
    raise typer.Exit(exit_code(report, no_fail=no_fail))


def raise_usage(message: str, hint: str | None = None) -> NoReturn:
    from tracker_check.errors import UsageError

    raise UsageError(message, hint=hint)


T = TypeVar("T")


def guarded(body: Callable[[], T], *, debug: bool = False) -> T:
    """Run a command body; user errors become clear stderr lines and exit codes."""
    try:
        return body()
    except typer.Exit:
        raise
    except PlanError as exc:
        for f in exc.findings:
            where = f"{f.location}: " if f.location else ""
            hint = f" (hint: {f.hint})" if f.hint else ""
            err(f"{where}{f.code}: {f.message}{hint}")
        err(f"{len(exc.findings)} plan error(s)")
        raise typer.Exit(2) from None
    except TrackerCheckError as exc:
        err(f"error: {exc.one_line()}")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err("interrupted")
        raise typer.Exit(130) from None
    except Exception as exc:  # an internal bug: one line unless --debug
        if debug:
            traceback.print_exc()
        else:
            err(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)")
        raise typer.Exit(2) from None
