"""The handler that turns the runner's events into the `RunReport` every reporter reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tracker_check.flows.events import FlowFinished, RunEvent, RunFinished
from tracker_check.models import Finding
from tracker_check.plan.model import Plan
from tracker_check.report.model import FlowResult, RunReport


class ReportCollector:
    """Collects judged flows (in plan order, as FlowFinished arrives) and the run's end."""

    def __init__(self, plan: Plan, extras: Mapping[str, Any]) -> None:
        self.plan = plan
        self.extras = dict(extras)  # fixed before the run: base_url, workers, shard, ...
        self.results: list[FlowResult] = []
        self.findings: list[Finding] = []
        self.secrets: set[str] = set()
        self.blocked: set[str] = set()
        self.traces: dict[str, str] = {}
        self.duration_ms = 0.0
        self.error: str | None = None

    def __call__(self, event: RunEvent) -> None:
        if isinstance(event, FlowFinished):
            self.results.append(event.result)
            self.findings.extend(event.result.findings)
            self.secrets |= event.secrets
            self.blocked.update(event.blocked_requests)
            if event.trace:
                self.traces[event.result.name] = event.trace
        elif isinstance(event, RunFinished):
            self.duration_ms, self.error = event.duration_ms, event.error

    def report(self, artifacts_dir: str | None = None) -> RunReport:
        extras: dict[str, Any] = {
            "secrets": sorted(self.secrets),
            "blocked_requests": sorted(self.blocked),
            **self.extras,
        }
        if self.traces:
            extras["traces"] = self.traces
        if artifacts_dir is not None:
            extras["artifacts_dir"] = artifacts_dir
        return RunReport(
            plan=self.plan,
            flows=tuple(self.results),
            findings=tuple(self.findings),
            duration_ms=self.duration_ms,
            error=self.error,
            extras=extras,
        )
