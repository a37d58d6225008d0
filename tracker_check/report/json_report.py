"""The JSON report: a public, versioned contract (schemas/report.v1.schema.json).

Key order is fixed (insertion order, never sorted), so diffs between runs stay readable.
Adding keys is a compatible change; renaming or removing one needs `version: 2`.
"""

from __future__ import annotations

import io
import itertools
import json
import secrets
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

from tracker_check import coverage
from tracker_check.plan.model import Plan
from tracker_check.report._format import clean_output, dump_json
from tracker_check.report.model import FlowResult, RunReport, StepResult
from tracker_check.report.redact import prepare
from tracker_check.report.registry import RenderOptions
from tracker_check.validate.consent import states as consent_states

VERSION = 1


def render(report: RunReport, options: RenderOptions) -> str:
    out = io.BytesIO()
    write(report, options, out)
    return out.getvalue().decode("utf-8")


def write(report: RunReport, options: RenderOptions, out: BinaryIO) -> None:
    """The report, indented by 2, written piece by piece: the top-level `events` and
    `findings` arrays item by item, so a large offline report is never one string."""
    report = prepare(report)
    hole = f"\x00array {secrets.token_hex(16)}\x00"  # stands for an array in the skeleton
    doc = _document(report, events=hole, findings=hole)
    head, middle, tail = clean_output(dump_json(doc, indent=2)).split(json.dumps(hole))
    out.write(head.encode("utf-8"))
    _array(out, (e.to_json() for e in report.events))
    out.write(middle.encode("utf-8"))
    _array(out, (f.to_json() for f in report.findings))
    out.write(tail.encode("utf-8") + b"\n")


_BATCH = 1000  # items encoded together


def _array(out: BinaryIO, items: Iterator[dict[str, Any]]) -> None:
    """`[...]` as it stands at depth 1 of the indented document (items at depth 2)."""
    first = True
    while batch := list(itertools.islice(items, _BATCH)):
        pieces = []
        for item in batch:
            try:
                text = orjson.dumps(item, option=orjson.OPT_INDENT_2)
            except (TypeError, orjson.JSONEncodeError):  # odd leaves: the careful path
                text = clean_output(dump_json(item, indent=2)).encode("utf-8")
            pieces.append(text.replace(b"\n", b"\n    "))
        out.write((b"[\n    " if first else b",\n    ") + b",\n    ".join(pieces))
        first = False
    out.write(b"[]" if first else b"\n  ]")


def to_json(report: RunReport) -> dict[str, Any]:
    """The report as a JSON-shaped dict (secrets redacted). Leaves are as captured: encode it
    with `_format.dump_json`, which makes odd values (NaN, sets, bytes) safe."""
    report = prepare(report)
    return _document(
        report,
        events=[e.to_json() for e in report.events],
        findings=[f.to_json() for f in report.findings],
    )


def _document(report: RunReport, *, events: Any, findings: Any) -> dict[str, Any]:
    plan = report.plan
    summary = summary_json(report, coverage.of_report(report))
    doc: dict[str, Any] = {
        "version": VERSION,
        "status": report.status,
        "error": report.error,
        "plan": {
            "name": plan.name,
            "source": plan.source,
            "version": plan.version,
            "base_url": plan.base_url,
            "events": list(plan.events),
            "flows": [f.name for f in plan.flows],
            "funnel": list(plan.funnel),
        },
        "summary": summary,
        "flows": [_flow(fl, plan) for fl in report.flows],
        "events": events,
        "findings": findings,
        "extras": report.extras,
    }
    return doc


def summary_json(report: RunReport, cov: coverage.Coverage) -> dict[str, Any]:
    """The report's `summary` object, with the coverage already computed for it."""
    summary = report.summary()
    summary["coverage"] = cov.to_json()
    return summary


def _flow(flow: FlowResult, plan: Plan) -> dict[str, Any]:
    spec = plan.flow(flow.name)
    region = plan.consent.region if plan.consent is not None else None
    events = []
    for event, state in zip(flow.events, consent_states(flow.events, region), strict=True):
        item = event.to_json()
        if not state.empty:
            item["consent"] = state.to_json()
        events.append(item)
    return {
        "name": flow.name,
        "status": flow.status,
        "duration_ms": round(flow.duration_ms, 1),
        "steps": [_step(s) for s in flow.steps],
        "events": events,
        "findings": [f.to_json() for f in flow.findings],
        "consent_choice": spec.consent_choice if spec is not None else None,
        "matrix_flow": spec.base_name if spec is not None else None,
    }


def _step(step: StepResult) -> dict[str, Any]:
    return {
        "index": step.index,
        "label": step.label,
        "action": step.action,
        "status": step.status,
        "duration_ms": round(step.duration_ms, 1),
        "event_indexes": list(step.event_indexes),
        "screenshot": step.screenshot,
        "error": step.error,
    }
