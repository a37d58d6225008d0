"""The demo plan end to end in Chromium: the good shop is spotless, the broken shop reports
exactly the codes `fixtures/shop-broken/expected.json` lists for each flow — nothing more."""

from __future__ import annotations

import re

import pytest

from tracker_check import coverage
from tracker_check.report.model import RunReport, exit_code
from tracker_check.report.registry import RenderOptions, render

from .demo_runs import REPO, DemoRuns, demo_fixture, describe, expected_codes  # noqa: F401

pytestmark = pytest.mark.browser


def plan_flow_names(report: RunReport) -> list[str]:
    return [f.name for f in report.plan.flows]


def test_expected_json_lists_every_flow_of_the_plan(demo: DemoRuns) -> None:
    assert sorted(expected_codes()) == sorted(plan_flow_names(demo.broken))


# ---- the good shop -------------------------------------------------------------------------


def test_good_shop_runs_every_flow_and_passes(demo: DemoRuns) -> None:
    report = demo.good
    assert report.error is None, f"the run did not complete: {report.error}"
    assert [f.name for f in report.flows] == plan_flow_names(report)
    failed = {f.name: f.status for f in report.flows if f.status != "passed"}
    assert failed == {}, f"flows did not pass: {failed}\n{describe(report.findings)}"
    assert report.status == "passed"
    assert exit_code(report) == 0


def test_good_shop_has_zero_findings(demo: DemoRuns) -> None:
    report = demo.good
    assert report.findings == (), f"the good shop reported:\n{describe(report.findings)}"
    for flow in report.flows:
        assert flow.findings == (), f"{flow.name}:\n{describe(flow.findings)}"
        assert flow.events, f"{flow.name} captured no event"
        skipped = [s.label for s in flow.steps if s.status != "passed"]
        assert skipped == [], f"{flow.name}: steps not passed: {skipped}"


def test_good_shop_covers_the_whole_funnel(demo: DemoRuns) -> None:
    report = demo.good
    cov = coverage.compute(report.plan, report.all_events(), report.findings)
    not_verified = {e.name: e.state for e in cov.events if e.state != "verified"}
    assert not_verified == {}, f"events not verified: {not_verified}"
    assert cov.score == 1.0
    assert cov.total_weight > 0
    assert {s.name: s.score for s in cov.stages} == {s: 1.0 for s in report.plan.funnel}
    # every planned (non-deprecated) event counted
    live = [e.name for e in report.plan.events.values() if e.deprecated is None]
    assert [e.name for e in cov.events] == live


# ---- the broken shop -----------------------------------------------------------------------


def test_broken_shop_run_completes_and_fails(demo: DemoRuns) -> None:
    report = demo.broken
    assert report.error is None, f"the run did not complete: {report.error}"
    assert [f.name for f in report.flows] == plan_flow_names(report)
    assert report.status == "failed"
    assert exit_code(report) == 1


@pytest.mark.parametrize("flow", sorted(expected_codes()))
def test_broken_shop_flow_reports_exactly_the_expected_codes(demo: DemoRuns, flow: str) -> None:
    report = demo.broken
    want = expected_codes()[flow]
    result = next(f for f in report.flows if f.name == flow)
    got = {f.code for f in result.findings}
    assert got == want, (
        f"flow {flow!r}: expected codes {sorted(want)}, got {sorted(got)}\n"
        f"missing: {sorted(want - got)} · extra: {sorted(got - want)}\n"
        f"findings:\n{describe(result.findings)}"
    )
    # the run-level list holds the same findings for this flow
    in_run = {f.code for f in report.findings if f.flow == flow}
    assert in_run == want, f"run-level findings of {flow!r}:\n{describe(report.findings)}"
    assert result.status == ("failed" if want else "passed"), describe(result.findings)


def test_broken_shop_has_no_extra_codes_at_run_level(demo: DemoRuns) -> None:
    report = demo.broken
    want = set().union(*expected_codes().values())
    got = {f.code for f in report.findings}
    assert got == want, (
        f"extra: {sorted(got - want)} · missing: {sorted(want - got)}\n{describe(report.findings)}"
    )
    names = set(plan_flow_names(report))
    loose = [f for f in report.findings if f.flow not in names]
    assert loose == [], f"findings outside any flow:\n{describe(loose)}"
    assert set(report.summary()["by_code"]) == want


_DURATION = re.compile(r"\((\d+(\.\d+)?) (s|ms)\)")


def _normalized(text: str) -> list[str]:
    text = text.replace(str(REPO), "…")
    return [_DURATION.sub("(…)", line).rstrip() for line in text.splitlines()]


def readme_sample(name: str) -> list[str]:
    readme = (REPO / "README.md").read_text("utf-8")
    marker = f"<!-- sample: {name} -->\n```\n"
    assert marker in readme, f"README has no `{name}` sample"
    block = readme.split(marker, 1)[1].split("```", 1)[0]
    return _normalized(block)


def assert_sample_matches(sample: list[str], rendered: list[str]) -> None:
    """The README block is the real output: its first and last lines are the output's, and
    each run of lines between `...` appears in the output in that order."""
    segments: list[list[str]] = [[]]
    for line in sample:
        if line == "...":
            segments.append([])
        else:
            segments[-1].append(line)
    assert rendered[: len(segments[0])] == segments[0]
    assert rendered[-len(segments[-1]) :] == segments[-1]
    at = 0
    for seg in segments:
        for start in range(at, len(rendered) - len(seg) + 1):
            if rendered[start : start + len(seg)] == seg:
                at = start + len(seg)
                break
        else:
            raise AssertionError("README sample lines not in the output:\n" + "\n".join(seg))


@pytest.mark.parametrize("which", ["demo", "demo --broken"])
def test_readme_samples_are_what_the_demo_prints(demo: DemoRuns, which: str) -> None:
    report = demo.broken if which.endswith("--broken") else demo.good
    rendered = _normalized(render("text", report, RenderOptions(color=False)))
    assert_sample_matches(readme_sample(which), rendered)
