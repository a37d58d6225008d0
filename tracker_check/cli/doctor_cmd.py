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

        path = find_browser(browser_path) or _playwright_chromium()
        if not quiet:
            print(f"browser: {path}")

    guarded(body, debug=debug)


def _playwright_chromium() -> str:
    """The exact build this Playwright launches (an older build left in its cache is no use):
    that path, else a system Chromium, else the same error a run would give."""
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from tracker_check.capture.browser import system_browser
    from tracker_check.errors import BrowserError

    with sync_playwright() as p:
        exe = p.chromium.executable_path
    if Path(exe).exists():
        return exe
    found = system_browser()
    if found is None:
        raise BrowserError(
            f"Playwright's cache has no build it can launch (it wants {exe})",
            hint="run `playwright install chromium`, or install a system Chromium",
        )
    return found


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
