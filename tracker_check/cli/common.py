"""What every command shares: output options, report writing, and error handling."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer

from tracker_check.cli.guard import err as err  # re-exported for the commands
from tracker_check.cli.guard import exit_for
from tracker_check.cli.guard import use_color as use_color
from tracker_check.report.model import RunReport, exit_code
from tracker_check.report.registry import RenderOptions, write


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


def write_report(
    report: RunReport,
    fmt: Format,
    output: Path | None,
    *,
    no_color: bool = False,
    verbose: bool = False,
    report_dir: Path | None = None,
) -> None:
    options = RenderOptions(
        color=use_color(no_color, output), verbose=verbose, report_dir=report_dir
    )
    if output is None:
        try:
            sys.stdout.flush()
            write(fmt.value, report, options, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # `| head`: the reader has what it wanted; the exit code stands
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # Python's advice: nothing more to flush
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("wb") as out:
            write(fmt.value, report, options, out)
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
    except BaseException as exc:
        raise typer.Exit(exit_for(exc, debug=debug)) from None
