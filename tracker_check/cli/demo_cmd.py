"""`tracker-check demo`: audit the bundled demo shop with its bundled plan.

The shop and plan ship inside the wheel (`tracker_check.demo`), so this works from any
directory after `pip install`. `--broken` serves the variant with six release regressions.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

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
    guarded,
)
from tracker_check.cli.run_cmd import BrowserPathOpt, ReportDirOpt, WorkersOpt, run_and_report


def demo_site(broken: bool) -> tuple[Path, Path]:
    """(plan file, site folder) of the bundled demo, from the wheel or the checkout."""
    from tracker_check.resources import folder

    root = folder("tracker_check.demo")
    return root / "shop" / "plan.yaml", root / ("shop-broken" if broken else "shop")


def demo(
    broken: Annotated[
        bool, typer.Option("--broken", help="Audit the release with eight tracking regressions.")
    ] = False,
    workers: WorkersOpt = 2,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    report_dir: ReportDirOpt = None,
    browser_path: BrowserPathOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    no_color: NoColorOpt = False,
    no_fail: NoFailOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Serve the bundled demo shop on 127.0.0.1 and audit it with its tracking plan."""

    def body() -> None:
        from tracker_check.flows.runner import RunOptions
        from tracker_check.plan.load import load_plan

        plan_file, site = demo_site(broken)
        if not quiet:
            which = "broken release (eight regressions)" if broken else "shop"
            err(f"tracker-check demo: {which} at {site}, plan {plan_file}")
        options = RunOptions(
            workers=workers,
            report_dir=report_dir,
            browser_path=browser_path,
        )
        run_and_report(
            load_plan(plan_file),
            options,
            progress=not quiet and sys.stderr.isatty(),
            serve_dir=site,
            fmt=fmt,
            output=output,
            no_color=no_color,
            verbose=verbose,
            no_fail=no_fail,
        )

    guarded(body, debug=debug)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
