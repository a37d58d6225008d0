"""The reporter registry: format name -> render function. Modules load lazily."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tracker_check.report.model import RunReport


@dataclass(frozen=True, slots=True)
class RenderOptions:
    color: bool = False
    verbose: bool = False
    report_dir: Path | None = None  # where screenshots live (html embeds them)


Reporter = Callable[[RunReport, RenderOptions], str]
Writer = Callable[[RunReport, RenderOptions, BinaryIO], None]

# format -> "module:function"
_REPORTERS: dict[str, str] = {
    "text": "tracker_check.report.text:render",
    "json": "tracker_check.report.json_report:render",
    "junit": "tracker_check.report.junit:render",
    "github": "tracker_check.report.github:render",
    "html": "tracker_check.report.html:render",
}

# formats that write UTF-8 straight to a stream, piece by piece (a report of 100k findings
# is never one string in memory); the others are written from `render`'s text
_WRITERS: dict[str, str] = {
    "json": "tracker_check.report.json_report:write",
}

FORMATS: tuple[str, ...] = tuple(_REPORTERS)


def reporter(fmt: str) -> Reporter:
    module, func = _REPORTERS[fmt].split(":")
    render: Reporter = getattr(importlib.import_module(module), func)
    return render


def render(fmt: str, report: RunReport, options: RenderOptions | None = None) -> str:
    return reporter(fmt)(report, options or RenderOptions())


def write(fmt: str, report: RunReport, options: RenderOptions, out: BinaryIO) -> None:
    """The report as UTF-8 on `out`: the same bytes as `render(...).encode()`."""
    spec = _WRITERS.get(fmt)
    if spec is None:
        out.write(render(fmt, report, options).encode("utf-8"))
        return
    module, func = spec.split(":")
    writer: Writer = getattr(importlib.import_module(module), func)
    writer(report, options, out)
