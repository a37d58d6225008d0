"""Data-driven cases: fixtures/plans/<case>/{plan.yaml, events.jsonl|events.json, expected.json}.

Each case runs through the same code path as `tracker-check validate` (load_plan, then
`run_offline`: eventsio + Validator). expected.json lists {code, severity, event, event_index,
pointer} of every finding, compared as a sorted list.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tracker_check.cli.validate_cmd import run_offline
from tracker_check.plan.load import load_plan
from tracker_check.rules import RULES

CASES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "plans"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "expected.json").is_file())
KEYS = ("code", "severity", "event", "event_index", "pointer")
EVENT_LEVEL_CODES = {
    "unplanned-event",
    "missing-parameter",
    "invalid-parameter",
    "unexpected-parameter",
    "deprecated-event",
    "duplicate-event",
    "gtag-array-command",
    "stale-model-data",
    "consent",
}


def events_file(case: Path) -> Path:
    jsonl = case / "events.jsonl"
    return jsonl if jsonl.exists() else case / "events.json"


def _key(f: dict[str, Any]) -> str:
    return json.dumps(f, sort_keys=True)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path) -> None:
    report = run_offline(load_plan(case / "plan.yaml"), events_file(case))
    got = sorted(({k: getattr(f, k) for k in KEYS} for f in report.findings), key=_key)
    for f in got:
        f["severity"] = str(f["severity"])
    expected = sorted(json.loads((case / "expected.json").read_text("utf-8")), key=_key)
    assert got == expected
    assert len(report.events) > 0


def test_there_are_enough_cases_and_every_event_level_code_is_covered() -> None:
    assert len(CASES) >= 25
    seen = {
        f["code"] for case in CASES for f in json.loads((case / "expected.json").read_text("utf-8"))
    }
    assert seen >= EVENT_LEVEL_CODES
    assert seen <= set(RULES)
