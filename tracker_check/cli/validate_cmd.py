"""`tracker-check validate PLAN EVENTS` (offline) and `tracker-check schema PLAN`."""

from __future__ import annotations

import difflib
import gc
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker_check.cli.common import (
    DebugOpt,
    Format,
    FormatOpt,
    NoColorOpt,
    NoFailOpt,
    OutputOpt,
    VerboseOpt,
    err,
    finish,
    guarded,
    raise_usage,
    write_report,
)

if TYPE_CHECKING:
    from tracker_check.plan.model import Plan
    from tracker_check.report.model import RunReport


class RecordsMode(StrEnum):
    auto = "auto"
    page = "page"
    standalone = "standalone"


PlanArg = Annotated[Path, typer.Argument(help="The tracking plan (YAML).", show_default=False)]
EventsArg = Annotated[
    Path,
    typer.Argument(
        help="Captured pushes: JSON Lines, a JSON array, or `tracker-check record` output.",
        show_default=False,
    ),
]
EventOpt = Annotated[
    str | None, typer.Option("--event", "-e", help="Print only this event's schema.")
]


def _load(path: Path) -> Plan:
    from tracker_check.plan.load import load_plan

    return load_plan(path)


RecordsOpt = Annotated[
    RecordsMode,
    typer.Option(
        "--records",
        help=(
            "How the records relate: `page` — one page's data layer (the GTM data model "
            "carries from push to push); `standalone` — each record stands alone (an export "
            "of events from many sessions); `auto` — decided from the file."
        ),
    ),
]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        help="Processes for a large file of standalone records (default: the CPU count).",
        show_default=False,
    ),
]
IncludeEventsOpt = Annotated[
    bool,
    typer.Option(
        "--include-events",
        help="Embed every event in the report (default: findings only; memory grows).",
    ),
]


def run_offline(
    plan: Plan,
    events: Path,
    *,
    records: str = "auto",
    jobs: int = 1,
    keep_events: bool = True,
) -> RunReport:
    """Validate an EVENTS file against a loaded plan (library call; see `offline`)."""
    from tracker_check.offline import validate_file

    return validate_file(
        plan,
        events,
        records=records,  # type: ignore[arg-type]
        jobs=jobs,
        keep_events=keep_events,
    )


def validate(
    plan: PlanArg,
    events: EventsArg,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    records: RecordsOpt = RecordsMode.auto,
    jobs: JobsOpt = None,
    include_events: IncludeEventsOpt = False,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
    no_fail: NoFailOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Validate recorded data-layer pushes against the plan, without a browser."""

    def body() -> None:
        from tracker_check.offline import default_jobs, validate_file

        report = validate_file(
            _load(plan),
            events,
            records=records.value,
            jobs=default_jobs() if jobs is None else jobs,
            keep_events=include_events,
            note=lambda line: err(f"note: {line}"),
        )
        # a report of 100k findings holds millions of objects that stay until exit: keep
        # the cyclic collector from walking them again and again while rendering
        gc.freeze()
        try:
            write_report(report, fmt, output, no_color=no_color, verbose=verbose)
        finally:
            gc.unfreeze()
        finish(report, no_fail=no_fail)

    guarded(body, debug=debug)


def schema(plan: PlanArg, event: EventOpt = None, debug: DebugOpt = False) -> None:
    """Print the JSON Schemas compiled from the plan (all events, or one)."""

    def body() -> None:
        from tracker_check.compile import compile_event, compile_plan

        the_plan = _load(plan)
        if event is None:
            result = compile_plan(the_plan)
        elif event in the_plan.events:
            result = compile_event(the_plan, event)
        else:
            close = difflib.get_close_matches(event, list(the_plan.events), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "see the plan's `events:`"
            raise_usage(f"event {event!r} is not in the plan", hint=hint)
        sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

    guarded(body, debug=debug)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("validate")(validate)
    app.command("schema")(schema)
