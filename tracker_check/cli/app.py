"""`tracker-check` entry point. Commands live in small modules and register here."""

from __future__ import annotations

import typer

from tracker_check import __version__
from tracker_check.cli import demo_cmd, doctor_cmd, lint_cmd, record_cmd, run_cmd, validate_cmd

app = typer.Typer(
    name="tracker-check",
    help="Catch broken analytics tracking before it ships.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        print(f"tracker-check {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """Catch broken analytics tracking before it ships."""


lint_cmd.register(app)
validate_cmd.register(app)
record_cmd.register(app)
run_cmd.register(app)
demo_cmd.register(app)
doctor_cmd.register(app)


def main() -> None:
    """typer alone; the console script is `cli.main:main` (hot commands first)."""
    app()
