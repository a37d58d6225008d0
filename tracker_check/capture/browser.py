"""Find, launch or connect to a Chromium, and open capture-ready contexts.

Discovery order (first hit wins):
1. an explicit path (`--browser-path`), else the `TRACKER_CHECK_BROWSER` environment variable;
2. Playwright's own Chromium, if `playwright install chromium` put one on disk;
3. a system Chromium / Chrome on PATH (`chromium`, `chromium-browser`, `google-chrome`,
   `google-chrome-stable`), then well-known absolute paths (`/usr/bin/chromium`).
Nothing found is a `BrowserError` (exit 3) that lists what was tried and how to install one.
A `channel` (`chrome`, `msedge`, ...: an installed branded browser Playwright knows by name)
replaces discovery: Playwright finds it, and a missing one is a `BrowserError` too.
Playwright is imported lazily: `lint` and `validate` never pay for it.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker_check.errors import BrowserError

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Playwright

ENV_VAR = "TRACKER_CHECK_BROWSER"
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FALLBACK_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium")
INSTALL_HINT = (
    "install one: `apt install chromium` on Debian/Ubuntu, or `playwright install chromium` "
    "elsewhere; or pass --browser-path / set TRACKER_CHECK_BROWSER"
)
CHANNELS = (
    "chrome", "chrome-beta", "chrome-dev", "chrome-canary",
    "msedge", "msedge-beta", "msedge-dev", "msedge-canary", "chromium",
)  # fmt: skip


def _resolve(candidate: str, source: str) -> str:
    """An explicitly named browser must exist: a path, or a command on PATH."""
    found = shutil.which(candidate)
    if found:
        return found
    if Path(candidate).is_file():
        return candidate
    raise BrowserError(
        f"browser not found: {candidate} (from {source})",
        hint="give the full path of a Chromium executable",
    )


def _playwright_cache() -> Path:
    env = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if env and env != "0":
        return Path(env)
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "ms-playwright"
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", home)) / "ms-playwright"
    return home / ".cache" / "ms-playwright"


def playwright_chromium_installed() -> bool:
    """Whether `playwright install chromium` left a browser on disk (no driver started).

    `launch()` double-checks with `playwright.chromium.executable_path` once it has a driver.
    """
    root = _playwright_cache()
    patterns = (
        "chromium-*/chrome-*/chrome",
        "chromium-*/chrome-*/chrome.exe",
        "chromium-*/chrome-mac*/Chromium.app",
        "chromium_headless_shell-*/chrome-*/headless_shell",
        "chromium_headless_shell-*/chrome-*/headless_shell.exe",
    )
    return any(any(root.glob(p)) for p in patterns) if root.is_dir() else False


def system_browser() -> str | None:
    for name in SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    for path in FALLBACK_PATHS:
        if Path(path).is_file() and os.access(path, os.X_OK):
            return path
    return None


def _tried() -> str:
    return (
        f"--browser-path, ${ENV_VAR}, Playwright's Chromium in {_playwright_cache()}, "
        f"{', '.join(SYSTEM_NAMES)} on PATH, {', '.join(FALLBACK_PATHS)}"
    )


def find_browser(explicit: str | None = None) -> str | None:
    """The Chromium executable to launch; None means Playwright's own. BrowserError if none."""
    if explicit:
        return _resolve(explicit, "--browser-path")
    env = os.environ.get(ENV_VAR)
    if env:
        return _resolve(env, ENV_VAR)
    if playwright_chromium_installed():
        return None
    found = system_browser()
    if found:
        return found
    raise BrowserError(f"no Chromium found (tried {_tried()})", hint=INSTALL_HINT)


def launch_options(explicit: str | None = None) -> dict[str, Any]:
    """Launch arguments for Playwright (e.g. pytest-playwright's `browser_type_launch_args`)."""
    path = find_browser(explicit)
    return {"executable_path": path} if path else {}


async def launch(
    playwright: Playwright,
    *,
    browser_path: str | None = None,
    connect: str | None = None,
    headless: bool = True,
    channel: str | None = None,
) -> Browser:
    """Connect to a Playwright browser server (`connect`), or launch a local Chromium: the
    installed branded browser `channel` names, else the one discovery finds."""
    if connect:
        try:
            return await playwright.chromium.connect(connect)
        except Exception as exc:
            raise BrowserError(
                f"cannot connect to the browser server at {connect}: {_first_line(exc)}",
                hint="start one with `playwright run-server` (same Playwright version)",
            ) from None
    if channel:
        return await _launch_channel(playwright, channel, browser_path, headless)
    path = find_browser(browser_path)
    if path is None and not Path(playwright.chromium.executable_path).exists():
        # the cache held some other build than the one this Playwright expects
        path = system_browser()
        if path is None:
            raise BrowserError(f"no Chromium found (tried {_tried()})", hint=INSTALL_HINT)
    try:
        if path:
            return await playwright.chromium.launch(executable_path=path, headless=headless)
        return await playwright.chromium.launch(headless=headless)
    except Exception as exc:
        raise BrowserError(
            f"cannot start Chromium{f' at {path}' if path else ''}: {_first_line(exc)}",
            hint=INSTALL_HINT,
        ) from None


async def _launch_channel(
    playwright: Playwright, channel: str, browser_path: str | None, headless: bool
) -> Browser:
    if browser_path:
        raise BrowserError(
            f"both a browser path ({browser_path}) and a channel ({channel}) were given",
            hint="choose one: the path of a Chromium executable, or an installed channel",
        )
    try:
        return await playwright.chromium.launch(channel=channel, headless=headless)
    except Exception as exc:
        reason = _first_line(exc).removeprefix("BrowserType.launch: ")
        if channel in CHANNELS:
            hint = f"install it (`playwright install {channel}`), or use another channel"
        else:
            hint = f"known channels: {', '.join(CHANNELS)}"
        raise BrowserError(
            f"cannot start browser channel {channel!r}: {reason}", hint=hint
        ) from None


async def new_context(browser: Browser, **kw: Any) -> BrowserContext:
    """A fresh context; service workers are blocked so every request is seen and routable."""
    kw.setdefault("service_workers", "block")
    return await browser.new_context(**kw)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    for line in text.splitlines():
        line = line.strip()
        if line and not set(line) <= {"=", "-", " "}:
            return line
    return type(exc).__name__
