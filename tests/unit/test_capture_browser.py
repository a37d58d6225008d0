"""Browser discovery order, with PATH, the environment and Playwright's cache faked."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tracker_check.capture import browser
from tracker_check.errors import BrowserError


def _exe(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def bare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No browser anywhere: empty PATH, no env var, empty Playwright cache, no fallbacks."""
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.delenv(browser.ENV_VAR, raising=False)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "ms-playwright"))
    monkeypatch.setattr(browser, "FALLBACK_PATHS", (str(tmp_path / "usr-bin-chromium"),))
    return tmp_path


def test_nothing_found_lists_what_was_tried(bare: Path) -> None:
    with pytest.raises(BrowserError) as info:
        browser.find_browser(None)
    line = info.value.one_line()
    assert "no Chromium found" in line
    for tried in ("--browser-path", "TRACKER_CHECK_BROWSER", "ms-playwright", "google-chrome"):
        assert tried in line
    assert "apt install chromium" in line and "playwright install chromium" in line
    assert info.value.exit_code == 3


def test_fallback_absolute_path(bare: Path) -> None:
    fallback = _exe(bare, "usr-bin-chromium")
    assert browser.find_browser(None) == str(fallback)


@pytest.mark.parametrize("name", browser.SYSTEM_NAMES)
def test_each_system_name_on_path(bare: Path, name: str) -> None:
    found = _exe(bare / "bin", name)
    assert browser.find_browser(None) == str(found)


def test_system_names_in_order(bare: Path) -> None:
    _exe(bare / "bin", "google-chrome")
    first = _exe(bare / "bin", "chromium-browser")
    assert browser.find_browser(None) == str(first)


def test_path_beats_fallback(bare: Path) -> None:
    _exe(bare, "usr-bin-chromium")
    on_path = _exe(bare / "bin", "chromium")
    assert browser.find_browser(None) == str(on_path)


def test_playwright_cache_beats_system(bare: Path) -> None:
    _exe(bare / "bin", "chromium")
    _exe(bare / "ms-playwright" / "chromium-1234" / "chrome-linux64", "chrome")
    assert browser.find_browser(None) is None  # None = Playwright's own
    assert browser.launch_options(None) == {}


def test_headless_shell_counts_as_playwright_chromium(bare: Path) -> None:
    _exe(bare / "ms-playwright" / "chromium_headless_shell-1234" / "chrome-linux", "headless_shell")
    assert browser.find_browser(None) is None


def test_env_beats_playwright_and_system(bare: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _exe(bare / "bin", "chromium")
    _exe(bare / "ms-playwright" / "chromium-1234" / "chrome-linux64", "chrome")
    mine = _exe(bare / "custom", "my-chrome")
    monkeypatch.setenv(browser.ENV_VAR, str(mine))
    assert browser.find_browser(None) == str(mine)
    assert browser.launch_options(None) == {"executable_path": str(mine)}


def test_explicit_beats_env(bare: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(browser.ENV_VAR, str(_exe(bare / "custom", "env-chrome")))
    explicit = _exe(bare / "custom", "cli-chrome")
    assert browser.find_browser(str(explicit)) == str(explicit)


def test_explicit_command_name_is_looked_up_on_path(bare: Path) -> None:
    found = _exe(bare / "bin", "chromium")
    assert browser.find_browser("chromium") == str(found)


def test_missing_explicit_browser_is_an_error(bare: Path) -> None:
    with pytest.raises(
        BrowserError, match=r"browser not found: /nope/chrome \(from --browser-path\)"
    ):
        browser.find_browser("/nope/chrome")


def test_missing_env_browser_is_an_error(bare: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(browser.ENV_VAR, "/nope/chrome")
    with pytest.raises(BrowserError, match="from TRACKER_CHECK_BROWSER"):
        browser.find_browser(None)


def test_discovery_does_not_import_playwright() -> None:
    import subprocess
    import sys

    code = (
        "import sys, tracker_check.capture.browser as b, tracker_check.capture.recorder; "
        "print('playwright' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_fallback_must_be_executable(bare: Path) -> None:
    path = bare / "usr-bin-chromium"
    path.write_text("")
    os.chmod(path, 0o644)
    with pytest.raises(BrowserError):
        browser.find_browser(None)


class _FakeChromium:
    """Records `launch` keyword arguments; fails like Playwright when `error` is set."""

    executable_path = "/nonexistent/playwright-chromium"

    def __init__(self, error: str | None = None) -> None:
        self.error = error
        self.calls: list[dict[str, object]] = []

    async def launch(self, **kw: object) -> object:
        self.calls.append(kw)
        if self.error is not None:
            raise RuntimeError(self.error)
        return "browser"


class _FakePlaywright:
    def __init__(self, chromium: _FakeChromium) -> None:
        self.chromium = chromium


def _launch(chromium: _FakeChromium, **kw: object) -> object:
    import asyncio

    return asyncio.run(browser.launch(_FakePlaywright(chromium), **kw))  # type: ignore[arg-type]


def test_channel_replaces_discovery(bare: Path) -> None:
    # no Chromium anywhere: discovery would fail, the channel is Playwright's to find
    chromium = _FakeChromium()
    assert _launch(chromium, channel="chrome", headless=False) == "browser"
    assert chromium.calls == [{"channel": "chrome", "headless": False}]


def test_without_channel_discovery_launches_the_found_executable(bare: Path) -> None:
    found = _exe(bare / "bin", "chromium")
    chromium = _FakeChromium()
    _launch(chromium)
    assert chromium.calls == [{"executable_path": str(found), "headless": True}]


def test_missing_channel_is_one_line_with_an_install_hint(bare: Path) -> None:
    chromium = _FakeChromium(
        "BrowserType.launch: Chromium distribution 'chrome' is not found at "
        '/opt/google/chrome/chrome\nRun "playwright install chrome"'
    )
    with pytest.raises(BrowserError) as info:
        _launch(chromium, channel="chrome")
    assert info.value.exit_code == 3
    assert info.value.one_line() == (
        "cannot start browser channel 'chrome': Chromium distribution 'chrome' is not found at "
        "/opt/google/chrome/chrome (hint: install it (`playwright install chrome`), "
        "or use another channel)"
    )


def test_unknown_channel_lists_the_known_ones(bare: Path) -> None:
    chromium = _FakeChromium('BrowserType.launch: Unsupported chromium channel "nope"')
    with pytest.raises(BrowserError) as info:
        _launch(chromium, channel="nope")
    line = info.value.one_line()
    assert line.startswith(
        "cannot start browser channel 'nope': Unsupported chromium channel \"nope\" "
        "(hint: known channels: chrome, chrome-beta,"
    )
    assert "msedge" in line and "\n" not in line


def test_channel_and_browser_path_together_is_an_error(bare: Path) -> None:
    chromium = _FakeChromium()
    with pytest.raises(BrowserError, match=r"both a browser path \(/x/chrome\) and a channel"):
        _launch(chromium, channel="chrome", browser_path="/x/chrome")
    assert chromium.calls == []
