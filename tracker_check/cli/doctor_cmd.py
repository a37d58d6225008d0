"""`tracker-check doctor`: which browser would a run use? (setup scripts call it too)."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker_check.cli.common import DebugOpt, QuietOpt, guarded

BrowserPathOpt = Annotated[
    str | None,
    typer.Option("--browser-path", help="Chromium executable to use (else discovery)."),
]


def doctor(
    browser_path: BrowserPathOpt = None, quiet: QuietOpt = False, debug: DebugOpt = False
) -> None:
    """Show the browser tracker-check would launch; exit 3 when there is none."""

    def body() -> None:
        from tracker_check.capture.browser import find_browser

        path = find_browser(browser_path)
        if not quiet:
            print(f"browser: {path or 'Playwright-installed Chromium'}")

    guarded(body, debug=debug)


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
