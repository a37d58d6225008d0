"""`tracker-check record URL` / `record --flow NAME --plan PLAN`: data-layer records as JSON Lines.

Each line is `{"$record": 1, **Event.to_json()}`: `tracker-check validate` reads it back and
normalizes again from `raw`. Records of a flow keep their `flow` and `step` attribution.
Recording does not judge: findings go to stderr and the exit code is 0 (3 when the browser
cannot start or the site cannot be reached, 2 for usage errors).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from tracker_check.cli.common import DebugOpt, QuietOpt, err, guarded, raise_usage
from tracker_check.errors import BrowserError
from tracker_check.models import step_name

if TYPE_CHECKING:
    from tracker_check.capture.session import Recording
    from tracker_check.models import Event, Finding

RECORD_VERSION = 1
DEFAULT_WAIT_MS = 500
URL_PREFIXES = ("http://", "https://", "file://")


def write_jsonl(events: Iterable[Event], out: TextIO) -> None:
    for event in events:
        line = {"$record": RECORD_VERSION, **event.to_json()}
        out.write(json.dumps(line, ensure_ascii=False, allow_nan=False) + "\n")


def _write(recording: Recording, output: Path | None) -> None:
    if output is None:
        write_jsonl(recording.events, sys.stdout)
        sys.stdout.flush()
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as handle:
            write_jsonl(recording.events, handle)
    except OSError as exc:
        raise_usage(f"cannot write {output}: {exc.strerror}")


def _finding_line(f: Finding) -> str:
    where = ""
    if f.flow is not None and f.step is not None:
        where = f"{f.flow} › {step_name(f.step)}: "  # as every report names it
    elif f.flow is not None:
        where = f"{f.flow}: "
    return f"{f.severity}: {f.code}: {where}{f.message}"


def _check_usage(
    url: str | None,
    flow: str | None,
    plan: Path | None,
    base_url: str | None,
    wait_ms: int | None,
) -> None:
    """Every bad combination of URL and options, each one line with a hint (exit 2)."""
    if flow is None:
        if url is None:
            raise_usage(
                "nothing to record: give a URL, or --flow NAME with --plan PLAN",
                hint="e.g. tracker-check record http://127.0.0.1:8000/",
            )
        if base_url is not None:
            raise_usage("--base-url needs --flow", hint="without --flow, URL is the page loaded")
    else:
        if plan is None:
            raise_usage(
                "--flow needs --plan",
                hint=f"tracker-check record --flow {flow!r} --plan tracking-plan.yaml",
            )
        if url is not None and base_url is not None:
            raise_usage(
                "give the base URL once: URL or --base-url",
                hint="with --flow, URL is the base URL the flow's relative URLs join",
            )
        if wait_ms is not None:
            raise_usage(
                "--wait-ms applies to recording a URL",
                hint="a flow waits per step: the plan's settings.settle and timeout",
            )
    for value in (url, base_url):
        if value is not None and not value.startswith(URL_PREFIXES):
            raise_usage(f"not a URL: {value}", hint="give a full URL, e.g. http://127.0.0.1:8000/")


def record(
    url: Annotated[
        str | None,
        typer.Argument(
            help="The page to load (with --flow: the base URL, default the plan's).",
            show_default=False,
        ),
    ] = None,
    plan: Annotated[
        Path | None,
        typer.Option("--plan", metavar="PLAN", help="Take data layers and blocking from a plan."),
    ] = None,
    flow: Annotated[
        str | None,
        typer.Option("--flow", metavar="NAME", help="Run this flow of --plan and record it."),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", metavar="URL", help="With --flow: override the plan's."),
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
        int | None,
        typer.Option(
            "--wait-ms",
            min=0,
            metavar="N",
            help=f"Stop after N ms without a new record [default: {DEFAULT_WAIT_MS}].",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write JSON Lines here instead of stdout."),
    ] = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Load URL (or run one flow of a plan) and write every data-layer record as JSON Lines."""

    def body() -> None:
        from tracker_check.capture.session import record_flow, record_url
        from tracker_check.plan.model import DEFAULT_BLOCK_REQUESTS
        from tracker_check.sources import layers_for

        _check_usage(url, flow, plan, base_url, wait_ms)
        loaded = None
        layers: tuple[str, ...] = ("dataLayer",)
        blocking: tuple[str, ...] = DEFAULT_BLOCK_REQUESTS
        if plan is not None:
            from tracker_check.plan.load import load_plan

            loaded = load_plan(plan)
            layers, blocking = loaded.data_layers, loaded.settings.block_requests
        if data_layer:
            layers = tuple(data_layer)
        if flow is not None and loaded is not None:
            import dataclasses

            recording = asyncio.run(
                record_flow(
                    dataclasses.replace(loaded, data_layers=layers),
                    flow,
                    base_url=url or base_url,
                    browser_path=browser_path,
                    connect=connect,
                )
            )
        else:
            assert url is not None  # _check_usage
            recording = asyncio.run(
                record_url(
                    url,
                    data_layers=layers,
                    block_requests=blocking,
                    browser_path=browser_path,
                    connect=connect,
                    quiet_ms=DEFAULT_WAIT_MS if wait_ms is None else wait_ms,
                    layers=None if loaded is None else layers_for(loaded),
                )
            )
        _write(recording, output)  # what the page pushed is kept, whatever its status
        for finding in recording.findings:
            err(_finding_line(finding))
        if not quiet:
            err(_summary(recording, output))
        if recording.flow is None and (recording.status or 200) >= 400:
            reason = f" {recording.status_text}" if recording.status_text else ""
            raise BrowserError(
                f"{url} answered HTTP {recording.status}{reason}",
                hint="record a page that loads (is the URL right, and the site up?)",
            )

    guarded(body, debug=debug)


def _summary(recording: Recording, output: Path | None) -> str:
    where = f" -> {output}" if output is not None else ""
    blocked = len(recording.blocked_requests)
    if recording.flow is not None:
        steps = len(recording.flow.steps)
        source = f"flow {recording.flow.name!r} ({steps} step(s), {recording.flow.status})"
    else:
        documents = len({e.document for e in recording.events})
        status = f" (HTTP {recording.status})" if (recording.status or 200) >= 400 else ""
        source = f"{documents} document(s){status}"
    return (
        f"recorded {len(recording.events)} record(s) from {source}, "
        f"{blocked} request(s) blocked{where}"
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("record")(record)
