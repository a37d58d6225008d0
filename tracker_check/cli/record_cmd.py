"""`tracker-check record URL`: load a page and write every data-layer record as JSON Lines.

Each line is `{"$record": 1, **Event.to_json()}`: `tracker-check validate` reads it back and
normalizes again from `raw`.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from tracker_check.cli.common import DebugOpt, QuietOpt, err, guarded, raise_usage

if TYPE_CHECKING:
    from tracker_check.capture.session import Recording

RECORD_VERSION = 1


def write_jsonl(recording: Recording, out: TextIO) -> None:
    for event in recording.events:
        line = {"$record": RECORD_VERSION, **event.to_json()}
        out.write(json.dumps(line, ensure_ascii=False, allow_nan=False) + "\n")


def record(
    url: Annotated[str, typer.Argument(help="The page to load.", show_default=False)],
    plan: Annotated[
        Path | None,
        typer.Option("--plan", metavar="PLAN", help="Take data layers and blocking from a plan."),
    ] = None,
    data_layer: Annotated[
        list[str] | None,
        typer.Option("--data-layer", metavar="NAME", help="Global array to capture (repeatable)."),
    ] = None,
    browser_path: Annotated[
        str | None,
        typer.Option("--browser-path", metavar="PATH", help="Chromium executable to launch."),
    ] = None,
    connect: Annotated[
        str | None,
        typer.Option(
            "--connect", metavar="WS_ENDPOINT", help="Use a remote Playwright browser server."
        ),
    ] = None,
    wait_ms: Annotated[
        int,
        typer.Option("--wait-ms", min=0, metavar="N", help="Stop after N ms without a new record."),
    ] = 500,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write JSON Lines here instead of stdout."),
    ] = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Load URL, wait until quiet, and write every data-layer record as JSON Lines."""

    def body() -> None:
        from tracker_check.capture.session import record_url
        from tracker_check.plan.model import DEFAULT_BLOCK_REQUESTS

        if not url.startswith(("http://", "https://", "file://")):
            raise_usage(f"not a URL: {url}", hint="give a full URL, e.g. http://127.0.0.1:8000/")
        layers: tuple[str, ...] = ("dataLayer",)
        blocking: tuple[str, ...] = DEFAULT_BLOCK_REQUESTS
        if plan is not None:
            from tracker_check.plan.load import load_plan

            loaded = load_plan(plan)
            layers, blocking = loaded.data_layers, loaded.settings.block_requests
        if data_layer:
            layers = tuple(data_layer)
        recording = asyncio.run(
            record_url(
                url,
                data_layers=layers,
                block_requests=blocking,
                browser_path=browser_path,
                connect=connect,
                quiet_ms=wait_ms,
            )
        )
        if output is None:
            write_jsonl(recording, sys.stdout)
            sys.stdout.flush()
        else:
            try:
                output.parent.mkdir(parents=True, exist_ok=True)
                with output.open("w", encoding="utf-8") as handle:
                    write_jsonl(recording, handle)
            except OSError as exc:
                raise_usage(f"cannot write {output}: {exc.strerror}")
        for finding in recording.findings:
            err(f"{finding.severity}: {finding.code}: {finding.message}")
        if not quiet:
            documents = len({e.document for e in recording.events})
            status = f" (HTTP {recording.status})" if (recording.status or 200) >= 400 else ""
            where = f" -> {output}" if output is not None else ""
            blocked = len(recording.blocked_requests)
            err(
                f"recorded {len(recording.events)} record(s) from {documents} document(s)"
                f"{status}, {blocked} request(s) blocked{where}"
            )

    guarded(body, debug=debug)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("record")(record)
