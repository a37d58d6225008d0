"""The `tracker-check` console script: hot commands first (no typer import), then typer."""

from __future__ import annotations

import sys


def main() -> None:
    from tracker_check.cli.hot import run_hot

    code = run_hot(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from tracker_check.cli.app import app

    app()
