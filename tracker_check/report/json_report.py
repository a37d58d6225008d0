"""The JSON report: a public, versioned contract (schemas/report.v1.schema.json).

Key order is fixed (insertion order, never sorted), so diffs between runs stay readable.
Adding keys is a compatible change; renaming or removing one needs `version: 2`.
"""

from __future__ import annotations

from typing import Any

from tracker_check import coverage
from tracker_check.report._format import clean_output, dump_json
from tracker_check.report.model import FlowResult, RunReport, StepResult
from tracker_check.report.redact import prepare
from tracker_check.report.registry import RenderOptions

VERSION = 1


def render(report: RunReport, options: RenderOptions) -> str:
    return clean_output(dump_json(to_json(report), indent=2)) + "\n"


def to_json(report: RunReport) -> dict[str, Any]:
    """The report as a JSON-shaped dict (secrets redacted). Leaves are as captured: encode it
    with `_format.dump_json`, which makes odd values (NaN, sets, bytes) safe."""
    report = prepare(report)
    plan = report.plan
    summary = summary_json(report, coverage.compute(plan, report.all_events(), report.findings))
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
        "flows": [_flow(fl) for fl in report.flows],
        "events": [e.to_json() for e in report.events],
        "findings": [f.to_json() for f in report.findings],
        "extras": report.extras,
    }
    return doc


def summary_json(report: RunReport, cov: coverage.Coverage) -> dict[str, Any]:
    """The report's `summary` object, with the coverage already computed for it."""
    summary = report.summary()
    summary["coverage"] = cov.to_json()
    return summary


def _flow(flow: FlowResult) -> dict[str, Any]:
    return {
        "name": flow.name,
        "status": flow.status,
        "duration_ms": round(flow.duration_ms, 1),
        "steps": [_step(s) for s in flow.steps],
        "events": [e.to_json() for e in flow.events],
        "findings": [f.to_json() for f in flow.findings],
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
