"""Error handling and colour choice shared by every command, with no typer import.

`cli/common.guarded` (typer commands) and `cli/hot` (commands parsed without typer, for a
fast start) both turn exceptions into the same stderr lines and exit codes here.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

from tracker_check.errors import PlanError, TrackerCheckError


def use_color(no_color: bool, output: Path | None, stream: object = sys.stdout) -> bool:
    if no_color or output is not None or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def err(line: str) -> None:
    from tracker_check.report._format import no_workflow_commands

    print(no_workflow_commands(line), file=sys.stderr)


def exit_for(exc: BaseException, *, debug: bool = False) -> int:
    """Say what went wrong on stderr (one line each, a traceback only for an internal error
    with `--debug`) and return the exit code. Exceptions that are not errors (SystemExit and
    the like) are re-raised."""
    if isinstance(exc, PlanError):
        for f in exc.findings:
            where = f"{f.location}: " if f.location else ""
            hint = f" (hint: {f.hint})" if f.hint else ""
            err(f"{where}{f.code}: {f.message}{hint}")
        err(f"{len(exc.findings)} plan error(s)")
        return 2
    if isinstance(exc, TrackerCheckError):
        err(f"error: {exc.one_line()}")
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        err("interrupted")
        return 130
    if not isinstance(exc, Exception):
        raise exc
    if debug:  # an internal bug: one line unless --debug
        traceback.print_exception(exc)
    else:
        err(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)")
    return 2
