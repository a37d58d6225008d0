"""`tracker-check validate PLAN EVENTS` (offline) and `tracker-check schema PLAN`."""

from __future__ import annotations

import difflib
import json
import sys
import time
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
    finish,
    guarded,
    raise_usage,
    write_report,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tracker_check.models import Event
    from tracker_check.plan.model import Plan
    from tracker_check.report.model import RunReport

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


def run_offline(plan: Plan, events: Path) -> RunReport:
    """Validate an EVENTS file against a loaded plan: the library call behind `validate`."""
    from tracker_check.eventsio import read_events
    from tracker_check.report.model import RunReport
    from tracker_check.validate.events import Validator

    started = time.perf_counter()
    validator = Validator(plan)
    seen: list[Event] = []

    def tap() -> Iterator[Event]:
        for event in read_events(events):
            seen.append(event)
            yield event

    findings = validator.check_all(tap())
    return RunReport(
        plan,
        findings=tuple(findings),
        events=tuple(seen),
        duration_ms=(time.perf_counter() - started) * 1000,
    )


def validate(
    plan: PlanArg,
    events: EventsArg,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    no_color: NoColorOpt = False,
    verbose: VerboseOpt = False,
    no_fail: NoFailOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Validate recorded data-layer pushes against the plan, without a browser."""

    def body() -> None:
        report = run_offline(_load(plan), events)
        write_report(report, fmt, output, no_color=no_color, verbose=verbose)
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
