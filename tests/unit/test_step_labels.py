"""One step numbering everywhere: the steps are numbered 1..n as the YAML lists them and the
flow's `start:` is `start`, in the text, JSON, JUnit, GitHub and HTML reports alike."""

from __future__ import annotations

import json

import pytest

from tracker_check.models import Finding, Location, Severity, step_name, step_phrase
from tracker_check.plan.model import Flow, Plan
from tracker_check.plan.steps import Click
from tracker_check.report.model import FlowResult, RunReport, StepResult
from tracker_check.report.registry import FORMATS, RenderOptions, render

PLAN_FILE = "/ci/plan.yaml"


def report(failed_step: int) -> RunReport:
    """A flow with a start and two steps; the step numbered `failed_step` failed."""
    flow = Flow(
        "buy",
        (
            Click("#size", location=Location(PLAN_FILE, 10, 9)),
            Click("#buy", location=Location(PLAN_FILE, 12, 9)),
        ),
        start="/shop.html",
        location=Location(PLAN_FILE, 8, 5),
    )
    labels = {0: "/shop.html", 1: "click #size", 2: "click #buy"}
    steps = tuple(
        StepResult(
            n, labels[n], "goto" if n == 0 else "click", "failed" if n == failed_step else "passed"
        )
        for n in (0, 1, 2)
    )
    finding = Finding(
        "step-failed",
        Severity.ERROR,
        f"{step_phrase(failed_step, labels[failed_step])} failed: nope",
        flow="buy",
        step=failed_step,
        step_label=labels[failed_step],
    )
    plan = Plan({}, name="labels", flows=(flow,), source=PLAN_FILE)
    result = FlowResult("buy", "failed", 10.0, steps=steps, findings=(finding,))
    return RunReport(plan, flows=(result,), findings=(finding,))


@pytest.mark.parametrize(("number", "name"), [(0, "start"), (2, "step 2")])
def test_every_format_names_the_step_alike(number: int, name: str) -> None:
    assert step_name(number) == name
    r = report(number)
    label = r.findings[0].step_label
    for fmt in FORMATS:
        text = render(fmt, r, RenderOptions())
        if fmt == "json":
            doc = json.loads(text)
            assert doc["findings"][0]["step"] == number
            assert doc["flows"][0]["steps"][number]["index"] == number
        else:
            assert f"{name} {label}" in text.replace("</span> <code>", " ").replace("%2F", "/"), fmt
    github = render("github", r, RenderOptions())
    line = 8 if number == 0 else 12  # the start is the flow's line; step 2 its own
    assert f"file={PLAN_FILE},line={line}," in github


def test_sentences_say_the_start_or_the_step() -> None:
    assert step_phrase(0, "/shop.html") == "the start (/shop.html)"
    assert step_phrase(3, "click #buy") == "step 3 (click #buy)"
