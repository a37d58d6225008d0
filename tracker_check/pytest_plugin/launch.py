"""Browser discovery for pytest-playwright: its `page` starts a system Chromium out of the box.

pytest-playwright launches `playwright.chromium` with its `browser_type_launch_args` fixture.
Where no Playwright-downloaded browser exists (a distribution's Chromium only), that launch fails;
this plugin adds the discovered `executable_path` to those arguments.

Why this module is a plugin of its own, registered from `pytest_configure`: fixtures of two
plugins with the same name resolve by registration order (the later one wins), and the order in
which pytest loads entry-point plugins is not defined. Registered at configure time, after every
entry point and `-p` plugin, this override always sits on top of pytest-playwright's fixture and
requests it as its "super" fixture. Conftest fixtures are parsed after all plugins, so a user's
conftest `browser_type_launch_args` still wins (and may request ours to keep discovery).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import pytest

PLUGIN_NAME = "tracker_check.launch"

# the user chose the browser: leave the launch to Playwright
_USER_CHOICE = ("channel", "executable_path")


def discovered_launch_args(
    base: Mapping[str, Any], browser_name: str | None, *, connected: bool = False
) -> dict[str, Any]:
    """`base` plus the discovered `executable_path`, unless the user chose a browser."""
    args = dict(base)
    if connected or browser_name not in (None, "chromium"):
        return args
    if any(args.get(key) for key in _USER_CHOICE):
        return args
    from tracker_check.capture.browser import launch_options
    from tracker_check.errors import BrowserError

    try:
        found = launch_options(None)
    except BrowserError:
        return args  # nothing discovered: Playwright's own error says what to install
    for key, value in found.items():
        args.setdefault(key, value)
    return args


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any],
    browser_name: str | None,
    connect_options: dict[str, Any] | None,
    request: pytest.FixtureRequest,
) -> dict[str, Any]:
    """pytest-playwright's launch arguments plus the discovered Chromium (see the module doc)."""
    base = dict(browser_type_launch_args)
    # indirect parametrization reaches the most specific fixture: keep honouring it
    param = getattr(request, "param", None)
    if isinstance(param, Mapping):
        base.update(param)
    return discovered_launch_args(base, browser_name, connected=bool(connect_options))


def register(config: pytest.Config) -> None:
    """Install the override when pytest-playwright is active (not under `-p no:playwright`)."""
    manager = config.pluginmanager
    if manager.has_plugin("playwright") and not manager.has_plugin(PLUGIN_NAME):
        # this module is the plugin: its only fixture is the override above
        manager.register(sys.modules[__name__], PLUGIN_NAME)
