"""The plugin without a browser: options, registration, plan items, plan errors, import cost."""

from __future__ import annotations

import subprocess
import sys

import pytest

# Imported here so in-process pytester runs share these modules: pytester restores sys.modules
# after each run, and a YAML loader re-imported mid-session no longer knows its own node classes.
import tracker_check.plan.load  # noqa: F401

USES_DATALAYER = """
def test_uses_datalayer(datalayer):
    pass
"""


def test_options_in_their_own_group(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "tracker-check (analytics tracking checks):",
            "*--tracking-plan=PATH*",
            "*--tracker-base-url=URL*",
        ]
    )
    result.stdout.fnmatch_lines(["*tracking_plan (string):*", "*tracker_base_url (string):*"])


def test_flows_are_items_only_where_the_plan_is_collected(project: pytest.Pytester) -> None:
    project.makepyfile(test_unit="def test_one():\n    pass\n")
    flows = ["plan.yaml::add to cart", "plan.yaml::add to cart broken", "plan.yaml::wishlist"]
    # no paths given: the plan joins the default collection
    result = project.runpytest("--tracking-plan", "plan.yaml", "--collect-only", "-q")
    result.stdout.fnmatch_lines([*flows, "test_unit.py::test_one"])
    # named paths are respected: no flows unless the plan is one of them
    result = project.runpytest("--tracking-plan", "plan.yaml", "test_unit.py", "--co", "-q")
    assert "plan.yaml" not in result.stdout.str()
    result = project.runpytest("--tracking-plan", "plan.yaml", "plan.yaml::wishlist", "--co", "-q")
    result.stdout.fnmatch_lines(["plan.yaml::wishlist", "1 test collected*"])
    # -k and the tracking_flow marker select among flows and tests
    result = project.runpytest(
        "--tracking-plan", "plan.yaml", "-k", "not broken", "-m", "tracking_flow", "--co"
    )  # fmt: skip
    result.stdout.fnmatch_lines(
        [
            "*<FlowItem add to cart>*",
            "*<FlowItem wishlist>*",
            "*2/4 tests collected (2 deselected)*",
        ]
    )


def test_ini_plan_and_disabling_the_plugin(project: pytest.Pytester) -> None:
    project.makefile(".ini", pytest="[pytest]\ntracking_plan = plan.yaml\n")
    project.makepyfile(test_dl=USES_DATALAYER)
    result = project.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(
        ["plan.yaml::add to cart", "test_dl.py::test_uses_datalayer[[]chromium[]]"]
    )
    result = project.runpytest("-p", "no:tracker_check", "-W", "ignore::pytest.PytestConfigWarning")
    # no flow items, and the fixtures are gone
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'datalayer' not found*"])
    assert "plan.yaml" not in result.stdout.str()


def test_plan_errors_name_the_place(project: pytest.Pytester) -> None:
    pytester = project
    pytester.makefile(
        ".yaml",
        bad="version: 1\nevents:\n  add_to_cart:\n    kind: mikro\n",
    )
    pytester.makepyfile(test_plan="def test_plan(tracking_plan):\n    pass\n")
    # collected: a collection error, no traceback
    result = pytester.runpytest("--tracking-plan", "bad.yaml")
    result.stdout.fnmatch_lines(
        ["*ERROR collecting bad.yaml*", "invalid tracking plan bad.yaml:", "*bad.yaml:4:*"]
    )
    assert "Traceback" not in result.stdout.str()
    # requested by a fixture only: the test fails with the same lines
    result = pytester.runpytest("--tracking-plan", "bad.yaml", "test_plan.py")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*invalid tracking plan bad.yaml:", "*bad.yaml:4:*"])
    # no plan at all
    result = pytester.runpytest("test_plan.py")
    result.stdout.fnmatch_lines(["*no tracking plan configured: pass --tracking-plan PATH*"])
    # a plan file that does not exist: the run stops before collecting anything
    result = pytester.runpytest("--tracking-plan", "missing.yaml", "test_plan.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: tracking plan not found: missing.yaml (from --tracking-plan)"]
    )


def test_importing_the_plugin_does_not_import_playwright() -> None:
    code = (
        "import sys, tracker_check.pytest_plugin\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('playwright', 'jsonschema', 'jsonschema_rs', 'yaml', 'typer')]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
