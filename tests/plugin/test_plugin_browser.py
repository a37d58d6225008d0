"""The plugin end to end: custom tests with `datalayer` + `assert_tracking`, plan flows as items,
JUnit, `-k`, xdist, browser discovery, conftest overrides. Real Chromium, pytester subprocesses
(each scenario group shares one inner run: they cost seconds each)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def junit_cases(path: Path) -> dict[str, ET.Element]:
    """JUnit testcases by `classname::name`."""
    root = ET.parse(path).getroot()
    return {f"{c.get('classname')}::{c.get('name')}": c for c in root.iter("testcase")}


FAILED = [
    "test_shop.py::test_tracking_invalid[chromium]",
    "test_shop.py::test_tracking_missing[chromium]",
]


def test_custom_tests_and_plan_flows_in_one_run(
    project: pytest.Pytester, shop_url: str, plugin_fixtures: Path
) -> None:
    shutil.copy(plugin_fixtures / "inner" / "test_shop.py", project.path / "test_shop.py")
    result = project.runpytest_subprocess(
        "--tracking-plan", "plan.yaml", "--tracker-base-url", shop_url,
        "--junitxml", "junit.xml", "-rA",
    )  # fmt: skip
    result.assert_outcomes(passed=5, failed=4)
    out = result.stdout.str()
    # plan flows are items with their own node ids, passing and failing
    result.stdout.fnmatch_lines(
        [
            "PASSED plan.yaml::add to cart",
            "FAILED plan.yaml::add to cart broken*",
            "FAILED plan.yaml::wishlist*",
            *(f"FAILED {nodeid.replace('[', '[[]')}*" for nodeid in FAILED),
        ],
        consecutive=False,
    )
    for name in ("test_tracking_ok", "test_tracking_late_count"):
        assert f"PASSED test_shop.py::{name}[chromium]" in out
    # failures read like the CLI text report: codes, the step, expected and actual
    result.stdout.fnmatch_lines(
        [
            "*_ test_tracking_invalid[[]chromium[]] _*",
            "invalid-parameter: add_to_cart: ecommerce.value must be a number, *",
            "Plugin shop · plan.yaml",
            "*error   invalid-parameter: add_to_cart: ecommerce.value must be a number, *",
            "*test_tracking_invalid[[]chromium[]] › step 1 · event #1",
            "*pointer:  /ecommerce/value",
            '*actual:   "19.99"',
            "*_ test_tracking_missing[[]chromium[]] _*",
            "*error   missing-event: expected event add_to_wishlist did not fire*",
            "*test_tracking_missing[[]chromium[]] › step 1 assert_tracking",
        ],
        consecutive=False,
    )
    # pytest's own JUnit carries the findings in the failure message of flows and tests
    cases = junit_cases(project.path / "junit.xml")
    assert cases.keys() >= {"plan.yaml::add to cart", "plan.yaml::wishlist"}
    assert cases["plan.yaml::add to cart"].find("failure") is None
    broken = cases["plan.yaml::add to cart broken"].find("failure")
    assert broken is not None
    assert "invalid-parameter" in (broken.get("message") or "")
    assert "invalid-parameter" in (broken.text or "")
    wishlist = cases["plan.yaml::wishlist"].find("failure")
    assert wishlist is not None and "missing-event" in (wishlist.get("message") or "")
    invalid = cases["test_shop::test_tracking_invalid[chromium]"].find("failure")
    assert invalid is not None and "invalid-parameter" in (invalid.text or "")


def test_k_selection_under_xdist(
    project: pytest.Pytester, shop_url: str, plugin_fixtures: Path
) -> None:
    shutil.copy(plugin_fixtures / "inner" / "test_shop.py", project.path / "test_shop.py")
    result = project.runpytest_subprocess(
        "--tracking-plan", "plan.yaml", "--tracker-base-url", shop_url,
        "-n", "2", "-k", "cart or tracking_ok", "-rA",
    )  # fmt: skip
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*2 workers*"])
    out = result.stdout.str()
    assert "PASSED plan.yaml::add to cart" in out
    assert "FAILED plan.yaml::add to cart broken" in out
    assert "PASSED test_shop.py::test_tracking_ok[chromium]" in out
    assert "wishlist" not in out


def test_conftest_launch_args_win_over_discovery(project: pytest.Pytester) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("needs a system Chromium on PATH")
    # the root conftest builds on the plugin's arguments (its "super" fixture) ...
    project.makeconftest(
        """
        import pytest

        @pytest.fixture(scope="session")
        def browser_type_launch_args(browser_type_launch_args):
            return {**browser_type_launch_args, "args": ["--js-flags=--expose-gc"]}
        """
    )
    project.makepyfile(
        test_root="""
        from tracker_check.capture.browser import launch_options

        def test_root(browser_type_launch_args, page):
            assert browser_type_launch_args == {
                **launch_options(), "args": ["--js-flags=--expose-gc"]
            }
            # the browser really started with the conftest's flag
            assert page.evaluate("typeof gc") == "function"
        """
    )
    # ... and a nested conftest replaces them outright: a user's fixture always wins (only the
    # value is checked there: the session's browser was already launched by test_root)
    sub = project.mkpydir("sub")
    (sub / "conftest.py").write_text(
        "import pytest\n\n"
        '@pytest.fixture(scope="session")\n'
        "def browser_type_launch_args():\n"
        f'    return {{"executable_path": {chromium!r}, "args": ["--lang=fr-FR"]}}\n'
    )
    (sub / "test_sub.py").write_text(
        "def test_sub(browser_type_launch_args):\n"
        f'    assert browser_type_launch_args == {{"executable_path": {chromium!r}, '
        '"args": ["--lang=fr-FR"]}\n'
    )
    result = project.runpytest_subprocess("-v")
    result.assert_outcomes(passed=2)


def test_flow_items_honour_browser_channel(project: pytest.Pytester, shop_url: str) -> None:
    # no branded browser here: an unknown channel shows the option reached the items' launch,
    # as one line per item (the launch failure is remembered, not retried per flow)
    result = project.runpytest_subprocess(
        "--tracking-plan", "plan.yaml", "--tracker-base-url", shop_url,
        "--browser-channel", "nonexistent-channel", "-k", "cart",
    )  # fmt: skip
    result.assert_outcomes(failed=2)
    line = (
        "cannot start browser channel 'nonexistent-channel': "
        'Unsupported chromium channel "nonexistent-channel" (hint: known channels: chrome, *'
    )
    result.stdout.fnmatch_lines(
        ["*_ flow: add to cart _*", line, "*_ flow: add to cart broken _*", line],
        consecutive=False,
    )
    out = result.stdout.str()
    assert "Traceback" not in out and "BrowserError" not in out
    # without the option, discovery finds the Chromium as before
    result = project.runpytest_subprocess(
        "--tracking-plan", "plan.yaml", "--tracker-base-url", shop_url, "plan.yaml::add to cart"
    )
    result.assert_outcomes(passed=1)
