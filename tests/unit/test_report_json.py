"""The JSON report: the versioned contract, its schema, key order and safe values."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import report_snapshot as snapshot
from report_samples import (
    PLAN_FILE,
    SECRET,
    ev,
    flows_report,
    hostile_report,
    offline_report,
    passing_report,
)

from tracker_check import coverage
from tracker_check.report import json_report
from tracker_check.report.model import RunReport
from tracker_check.report.registry import RenderOptions

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schemas" / "report.v1.schema.json"
SAMPLES = {
    "flows": flows_report,
    "offline": offline_report,
    "passing": passing_report,
    "hostile": hostile_report,
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def render(report: RunReport) -> str:
    return json_report.render(report, RenderOptions())


def test_flows_snapshot() -> None:
    snapshot.check(
        "json_flows.json", snapshot.normalize(render(flows_report()), {PLAN_FILE: "<plan>"})
    )


def test_offline_snapshot() -> None:
    snapshot.check(
        "json_offline.json", snapshot.normalize(render(offline_report()), {PLAN_FILE: "<plan>"})
    )


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_reports_validate_against_schema(
    name: str, validator: jsonschema.Draft202012Validator
) -> None:
    doc = json.loads(render(SAMPLES[name]()))
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_schema_rejects_a_drifted_report(validator: jsonschema.Draft202012Validator) -> None:
    doc = json.loads(render(flows_report()))
    doc["findings"][0]["severity"] = "fatal"
    del doc["summary"]["coverage"]["score"]
    doc["flows"][0]["surprise"] = 1
    assert len(list(validator.iter_errors(doc))) == 3


def test_top_level_key_order_is_the_contract() -> None:
    doc = json.loads(render(flows_report()))
    assert list(doc) == [
        "version", "status", "error", "plan", "summary", "flows", "events", "findings", "extras",
    ]  # fmt: skip
    assert list(doc["plan"]) == [
        "name",
        "source",
        "version",
        "base_url",
        "events",
        "flows",
        "funnel",
    ]
    assert list(doc["flows"][0]) == [
        "name", "status", "duration_ms", "steps", "events", "findings",
        "consent_choice", "matrix_flow",
    ]  # fmt: skip
    assert doc["version"] == 1


def test_output_is_indented_utf8_text() -> None:
    out = render(flows_report())
    assert out.startswith('{\n  "version": 1,\n')
    assert out.endswith("}\n")
    assert "Warenkorb" in out and "›" not in out  # no escapes for non-ASCII...
    assert "•••" in out  # ...the mask is written as is


def test_summary_carries_the_coverage_computed_once() -> None:
    report = flows_report()
    doc = json.loads(render(report))
    expected = coverage.compute(report.plan, report.all_events(), report.findings).to_json()
    assert doc["summary"]["coverage"] == json.loads(json.dumps(expected))
    assert doc["summary"]["coverage"]["score"] == round(7 / 24, 4)
    assert doc["summary"]["errors"] == 4 and doc["summary"]["warnings"] == 3


def test_secrets_are_masked_and_the_list_dropped() -> None:
    out = render(flows_report())
    assert SECRET not in out
    assert "qa%2Bsecret%40example.com" not in out
    assert '"secrets"' not in out
    doc = json.loads(out)
    assert doc["extras"] == {"started_at": "2026-01-02T03:04:05", "blocked_requests": 2}
    assert doc["flows"][2]["events"][0]["parameters"]["email"] == "•••"


def test_non_json_values_are_made_safe(validator: jsonschema.Draft202012Validator) -> None:
    odd: dict[Any, Any] = {
        "nan": math.nan,
        "inf": -math.inf,
        "tags": {"b", "a"},
        "blob": b"\xff\x00ok",
        "path": Path("a/b.png"),
        3: "int key",
        "obj": object(),
        "lone": "x\ud800y",
    }
    report = dataclasses.replace(
        offline_report(), events=(ev("page_view", 0, None, None, **{"p": odd}),)
    )
    out = render(report)
    out.encode("utf-8")  # no lone surrogates either
    p = json.loads(out, parse_constant=pytest.fail)["events"][0]["parameters"]["p"]
    assert p["nan"] is None and p["inf"] is None  # as JSON.stringify writes them
    assert p["tags"] == ["a", "b"]
    assert p["blob"] == "\ufffd\x00ok"
    assert p["path"] == "a/b.png"
    assert p["3"] == "int key"
    assert p["obj"].startswith("<object object at")
    assert p["lone"] == "x\ufffdy"
    assert not list(validator.iter_errors(json.loads(out)))


def test_error_status() -> None:
    report = dataclasses.replace(passing_report(), error="site unreachable: http://127.0.0.1:9")
    doc = json.loads(render(report))
    assert doc["status"] == "error" and doc["error"] == "site unreachable: http://127.0.0.1:9"


def test_schema_ships_as_package_data() -> None:
    from tracker_check.resources import schema

    assert schema("report.v1.schema.json") == json.loads(SCHEMA_FILE.read_text("utf-8"))
