"""`tracker-check run`: walk the plan's flows in Chromium, validate, report, exit code."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from tracker_check.cli.common import (
    DebugOpt,
    Format,
    FormatOpt,
    NoColorOpt,
    NoFailOpt,
    OutputOpt,
    QuietOpt,
    VerboseOpt,
    err,
    finish,
    guarded,
    raise_usage,
    write_report,
)

if TYPE_CHECKING:
    from tracker_check.flows.events import Emit
    from tracker_check.flows.runner import RunOptions
    from tracker_check.plan.model import Plan


def parse_duration_ms(text: str) -> int:
    """'5s', '500ms', '1.5s', '2m' or a bare number of milliseconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*", text)
    if not m:
        raise_usage(f"bad duration {text!r}", hint="write e.g. 5s, 500ms or 2m")
    factor = {"ms": 1, None: 1, "s": 1000, "m": 60000}[m[2]]
    return round(float(m[1]) * factor)


def parse_shard(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m or not 1 <= int(m[1]) <= int(m[2]):
        raise_usage(f"bad --shard {text!r}", hint="use i/n with 1 <= i <= n, e.g. --shard 1/4")
    return int(m[1]), int(m[2])


WorkersOpt = Annotated[
    int,
    typer.Option("--workers", "-w", min=1, metavar="N", help="Flows run at once (one browser)."),
]
ReportDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--report-dir",
        metavar="DIR",
        help="Keep screenshots and traces here, plus an HTML report (index.html).",
    ),
]
BrowserPathOpt = Annotated[
    str | None,
    typer.Option("--browser-path", metavar="PATH", help="Chromium/Chrome executable."),
]


def run_and_report(
    plan: Plan,
    options: RunOptions,
    *,
    progress: bool = False,
    serve_dir: Path | None,
    fmt: Format,
    output: Path | None,
    no_color: bool,
    verbose: bool,
    no_fail: bool,
) -> NoReturn:
    """Run the flows, write the report (and index.html into --report-dir), exit per spec."""
    from tracker_check.flows.runner import run_plan

    report_dir = options.report_dir
    if report_dir is not None:  # fail before the run, not after it
        try:
            report_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise_usage(f"cannot use --report-dir {report_dir}: {exc.strerror}")
    handlers: list[Emit] = []
    if progress:
        from tracker_check.flows.progress import Progress

        handlers.append(Progress(sys.stderr))
    report = run_plan(plan, options, serve_dir=serve_dir, handlers=handlers)
    if report.error and (fmt is not Format.text or output is not None):
        err(f"error: {report.error}")  # the text report on stdout already says it
    write_report(report, fmt, output, no_color=no_color, verbose=verbose, report_dir=report_dir)
    if report_dir is not None and not (fmt is Format.html and output == report_dir / "index.html"):
        write_report(report, Format.html, report_dir / "index.html", report_dir=report_dir)
    finish(report, no_fail=no_fail)


def run(
    plan: Annotated[Path, typer.Argument(help="The tracking plan (YAML).")],
    base_url: Annotated[
        str | None, typer.Option("--base-url", metavar="URL", help="Override the plan's base_url.")
    ] = None,
    serve_dir: Annotated[
        Path | None,
        typer.Option(
            "--serve", metavar="DIR", help="Serve this folder on 127.0.0.1 and run against it."
        ),
    ] = None,
    workers: WorkersOpt = 1,
    flow: Annotated[
        list[str] | None,
        typer.Option(
            "--flow", metavar="NAME", help="Only flows whose name matches this glob (repeatable)."
        ),
    ] = None,
    shard: Annotated[
        str | None,
        typer.Option("--shard", metavar="I/N", help="Run part i of n of the flows, e.g. 1/4."),
    ] = None,
    timeout: Annotated[
        str | None,
        typer.Option(
            "--timeout",
            metavar="DURATION",
            help="Actions' auto-wait and expected events, e.g. 5s (default: the plan's, 5 s).",
        ),
    ] = None,
    navigation_timeout: Annotated[
        str | None,
        typer.Option(
            "--navigation-timeout",
            metavar="DURATION",
            help="`start` and `goto` navigations, e.g. 60s (default: the plan's, 30 s).",
        ),
    ] = None,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    report_dir: ReportDirOpt = None,
    trace: Annotated[
        str,
        typer.Option(
            "--trace", metavar="MODE", help="Playwright traces: off, on or retain-on-failure."
        ),
    ] = "off",
    browser_path: BrowserPathOpt = None,
    connect: Annotated[
        str | None,
        typer.Option(
            "--connect", metavar="WS", help="ws:// endpoint of a Playwright browser server."
        ),
    ] = None,
    headed: Annotated[bool, typer.Option("--headed", help="Show the browser window.")] = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    no_color: NoColorOpt = False,
    no_fail: NoFailOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Walk the plan's flows like a customer and check every data-layer push."""

    def body() -> None:
        from tracker_check.flows.runner import RunOptions
        from tracker_check.plan.load import load_plan

        if trace not in ("off", "on", "retain-on-failure"):
            raise_usage(f"bad --trace {trace!r}", hint="use off, on or retain-on-failure")
        if base_url is not None and not re.match(r"(?i)(https?|file)://", base_url):
            raise_usage(
                f"bad --base-url {base_url!r}",
                hint="give a full URL, e.g. https://staging.example.com",
            )
        shard_ = parse_shard(shard) if shard else None
        timeout_ms = parse_duration_ms(timeout) if timeout else None
        navigation_ms = parse_duration_ms(navigation_timeout) if navigation_timeout else None
        loaded = load_plan(plan)
        options = RunOptions(
            base_url=base_url,
            workers=workers,
            flows=tuple(flow or ()),
            shard=shard_,
            step_timeout_ms=timeout_ms,
            navigation_timeout_ms=navigation_ms,
            report_dir=report_dir,
            trace=trace,  # type: ignore[arg-type]  # checked above
            browser_path=browser_path,
            connect=connect,
            headless=not headed,
        )
        run_and_report(
            loaded,
            options,
            progress=not quiet and sys.stderr.isatty(),
            serve_dir=serve_dir,
            fmt=fmt,
            output=output,
            no_color=no_color,
            verbose=verbose,
            no_fail=no_fail,
        )

    guarded(body, debug=debug)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("run")(run)
