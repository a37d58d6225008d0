"""The consent matrix in the text and HTML reports; consent fields of the JSON report."""

from __future__ import annotations

import json

import jsonschema

from tracker_check import resources
from tracker_check.plan.lint import lint_text
from tracker_check.report.model import FlowResult, RunReport
from tracker_check.report.registry import RenderOptions, render
from tracker_check.sources.gtm import normalize

PLAN = """\
version: 1
events: {a: {}}
consent:
  choices:
    accept: [{click: "#accept"}]
    deny: [{click: "#deny"}]
flows:
  - {name: checkout, consent: [accept, deny, ignore], start: /, steps: []}
  - {name: signup, consent: [deny], start: /, steps: []}
  - {name: plain, start: /, steps: []}
"""


def report() -> RunReport:
    plan, errors = lint_text(PLAN, "plan.yaml")
    assert plan is not None and not errors
    default = normalize(
        {"__type": "arguments", "items": ["consent", "default", {"ad_storage": "denied"}]},
        index=1,
    )
    events = (normalize({"event": "gtm.js"}, index=0), default)
    status = {"checkout [deny]": "failed"}
    flows = tuple(
        FlowResult(f.name, status.get(f.name, "passed"), 1.0, events=events)  # type: ignore[arg-type]
        for f in plan.flows
    )
    return RunReport(plan=plan, flows=flows)


def test_text_shows_flow_by_choice() -> None:
    out = render("text", report())
    lines = out.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("consent matrix")))
    assert lines[start].split() == ["consent", "matrix", "accept", "deny", "ignore"]
    assert lines[start + 1].split() == ["checkout", "passed", "failed", "passed"]
    assert lines[start + 2].split() == ["signup", "—", "passed", "—"]
    assert not any(line.startswith("plain ") for line in lines[start:])


def test_html_shows_the_matrix() -> None:
    out = render("html", report())
    assert '<section class="consent-matrix">' in out
    assert '<th scope="row">checkout</th><td><span class="badge passed">passed</span>' in out


def test_no_matrix_no_table() -> None:
    r = report()
    plain = RunReport(plan=r.plan, flows=(r.flows[-1],))
    assert "consent matrix" not in render("text", plain)
    assert "consent-matrix" not in render("html", plain)


def test_json_carries_choice_and_the_state_per_event() -> None:
    doc = json.loads(render("json", report(), RenderOptions()))
    flows = {f["name"]: f for f in doc["flows"]}
    assert flows["checkout [deny]"]["consent_choice"] == "deny"
    assert flows["checkout [deny]"]["matrix_flow"] == "checkout"
    assert flows["plain"]["consent_choice"] is None
    first, second = flows["plain"]["events"]
    assert "consent" not in first  # no consent state on the page yet
    assert second["consent"]["purposes"] == {"ad_storage": "denied"}
    assert second["consent"]["default"] is True
    schema = resources.schema("report.v1.schema.json")
    jsonschema.Draft202012Validator(schema).validate(doc)
