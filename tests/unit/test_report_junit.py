"""The JUnit reporter: valid against the Jenkins junit-10 structure, escaping, counts."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import report_snapshot as snapshot
import xmlschema
from report_samples import (
    PLAN_FILE,
    SECRET,
    XSS,
    flows_report,
    hostile_report,
    offline_report,
    passing_report,
)

from tracker_check.report import junit
from tracker_check.report.model import FlowResult, RunReport, StepResult
from tracker_check.report.registry import RenderOptions

XSD = Path(__file__).resolve().parents[1] / "data" / "junit-10.xsd"
SAMPLES = {
    "flows": flows_report,
    "offline": offline_report,
    "passing": passing_report,
    "hostile": hostile_report,
}


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def render(report: RunReport) -> str:
    return junit.render(report, RenderOptions())


def test_flows_snapshot() -> None:
    snapshot.check(
        "junit_flows.xml", snapshot.normalize(render(flows_report()), {PLAN_FILE: "<plan>"})
    )


def test_offline_snapshot() -> None:
    snapshot.check(
        "junit_offline.xml", snapshot.normalize(render(offline_report()), {PLAN_FILE: "<plan>"})
    )


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_valid_against_junit_xsd(name: str, schema: xmlschema.XMLSchema) -> None:
    schema.validate(render(SAMPLES[name]()))


def test_xsd_rejects_wrong_shape(schema: xmlschema.XMLSchema) -> None:
    # a testcase without a name and a testsuite without `tests`: the schema must catch both
    assert not schema.is_valid(
        '<testsuites><testsuite name="x" failures="0" errors="0"/></testsuites>'
    )
    bad = (
        '<testsuites><testsuite name="x" tests="1" failures="0" errors="0">'
        "<testcase/></testsuite></testsuites>"
    )
    assert not schema.is_valid(bad)


def _suite(report: RunReport) -> ET.Element:
    suite = ET.fromstring(render(report)).find("testsuite")
    assert suite is not None
    return suite


def test_one_testcase_per_flow_with_consistent_counts() -> None:
    suite = _suite(flows_report())
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["add to cart", "checkout", "search", "popup", "(run)"]
    assert {c.get("classname") for c in cases} == {"Demo shop"}
    assert suite.get("tests") == str(len(cases)) == "5"
    assert suite.get("failures") == str(len(suite.findall("testcase/failure"))) == "3"
    assert suite.get("errors") == "0" and suite.get("skipped") == "0"
    assert suite.get("time") == "7.635" and suite.get("timestamp") == "2026-01-02T03:04:05"
    failure = cases[0].find("failure")
    assert failure is not None
    assert failure.get("type") == "invalid-parameter"  # the best match names the case
    assert "missing-event" in (failure.text or "") and "invalid-parameter" in (failure.text or "")
    out = cases[2].find("system-out")
    assert out is not None and "deprecated-event" in (out.text or "")  # warnings do not fail


def test_offline_has_one_testcase_per_event_name() -> None:
    cases = _suite(offline_report()).findall("testcase")
    assert [c.get("name") for c in cases] == ["page_view", "add_to_cart", "purchse"]
    assert [c.find("failure") is not None for c in cases] == [False, True, True]


def test_hostile_text_is_escaped_and_stripped() -> None:
    xml = render(hostile_report())
    assert "\x07" not in xml and "\x00" not in xml and "\x1b" not in xml
    suite = _suite(hostile_report())
    failure = suite.find("testcase/failure")
    assert failure is not None
    assert XSS[0] in (failure.get("message") or "")  # round-trips as text, not markup
    assert "<script>" not in xml


def test_flow_that_could_not_complete_is_an_error() -> None:
    flow = FlowResult(
        "broken",
        "error",
        5.0,
        steps=(StepResult(0, "goto /", "goto", "failed", 5.0, error="net::ERR"),),
    )
    report = dataclasses.replace(passing_report(), flows=(flow,), error="site down")
    suite = _suite(report)
    assert suite.get("errors") == "1"
    error = suite.find("testcase/error")
    assert error is not None and error.get("message") == "net::ERR"


def test_run_error_without_flows_is_reported() -> None:
    report = dataclasses.replace(passing_report(), flows=(), error="no browser")
    suite = _suite(report)
    assert suite.get("tests") == "1" and suite.get("errors") == "1"


def test_skipped_flow() -> None:
    flow = FlowResult(
        "later", "failed", 0.0, steps=(StepResult(0, "click #a", "click", "skipped"),)
    )
    suite = _suite(dataclasses.replace(passing_report(), flows=(flow,)))
    assert suite.get("skipped") == "1" and suite.find("testcase/skipped") is not None


def test_secrets_masked() -> None:
    assert SECRET not in render(flows_report())


def test_timestamp_from_epoch_and_default() -> None:
    report = dataclasses.replace(passing_report(), extras={"started_at": 0})
    assert _suite(report).get("timestamp") == "1970-01-01T00:00:00"
    report = dataclasses.replace(passing_report(), extras={})
    assert len(_suite(report).get("timestamp") or "") == 19
