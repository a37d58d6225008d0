"""Pure pieces of the plugin: `expect` entries and the launch-argument rules."""

from __future__ import annotations

from typing import Any

import pytest

from tracker_check.plan.model import Expectation
from tracker_check.pytest_plugin.assertions import to_expectations
from tracker_check.pytest_plugin.launch import discovered_launch_args


def test_expect_entries_become_expectations() -> None:
    got = to_expectations(
        ["page_view", {"event": "add_to_cart", "min": 1, "max": 2, "where": {"a.b": 1}}],
        where={"page_type": "product"},
    )
    assert got == (
        Expectation("page_view", where={"page_type": "product"}),
        Expectation("add_to_cart", min=1, max=2, where={"a.b": 1}),
    )
    assert to_expectations("purchase", None) == (Expectation("purchase"),)
    assert to_expectations(None, {"x": 1}) == ()
    assert to_expectations([{"event": "x", "count": 0}], None)[0].bounds_count


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (3, "event names or {event: name, ...} dicts"),
        ({"name": "x"}, "event names or {event: name, ...} dicts"),
        ({"event": "x", "times": 2}, "unknown key(s) ['times']"),
        ({"event": "x", "count": -1}, "integers ≥ 0"),
        ({"event": "x", "count": True}, "integers ≥ 0"),
        ({"event": "x", "count": 1, "max": 2}, "either count or min/max"),
    ],
)
def test_bad_expect_entries_fail_clearly(entry: Any, message: str) -> None:
    with pytest.raises(pytest.fail.Exception) as info:
        to_expectations([entry], None)
    assert message in str(info.value)
    assert str(info.value).startswith("assert_tracking: ")


@pytest.fixture
def found(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> str:
    """Discovery pinned to a fake executable (TRACKER_CHECK_BROWSER wins over the rest)."""
    exe = tmp_path / "chrome"
    exe.write_text("")
    monkeypatch.setenv("TRACKER_CHECK_BROWSER", str(exe))
    return str(exe)


def test_discovery_fills_in_the_executable(found: str) -> None:
    assert discovered_launch_args({"headless": False}, "chromium") == {
        "headless": False,
        "executable_path": found,
    }
    assert discovered_launch_args({}, None) == {"executable_path": found}


@pytest.mark.parametrize(
    ("base", "engine", "connected"),
    [
        ({"channel": "chrome"}, "chromium", False),  # --browser-channel
        ({"executable_path": "/opt/chrome"}, "chromium", False),  # the user's own executable
        ({}, "firefox", False),  # --browser firefox: not ours to find
        ({}, "chromium", True),  # connect_options: a remote browser
    ],
)
def test_user_choices_are_left_alone(
    found: str, base: dict[str, Any], engine: str, connected: bool
) -> None:
    assert discovered_launch_args(base, engine, connected=connected) == base


def test_nothing_discovered_leaves_the_launch_to_playwright(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tracker_check.capture import browser

    monkeypatch.delenv("TRACKER_CHECK_BROWSER", raising=False)
    monkeypatch.setattr(browser, "playwright_chromium_installed", lambda: False)
    monkeypatch.setattr(browser, "system_browser", lambda: None)
    assert discovered_launch_args({"slow_mo": 1}, "chromium") == {"slow_mo": 1}
