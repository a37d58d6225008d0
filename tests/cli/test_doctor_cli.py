"""`tracker-check doctor`: the browser a run would use, checked the way a run checks it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def doctor(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tracker_check", "doctor"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.mark.browser
def test_a_stale_playwright_build_in_the_cache_is_not_reported_as_usable(tmp_path: Path) -> None:
    import os

    stale = tmp_path / "chromium-0001" / "chrome-linux" / "chrome"
    stale.parent.mkdir(parents=True)
    stale.write_text("")
    env = {**os.environ, "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path)}
    env.pop("TRACKER_CHECK_BROWSER", None)
    done = doctor(env)
    # discovery sees "Playwright's own"; doctor checks the exact build and falls back
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("browser: /")
    assert "0001" not in done.stdout


def test_a_missing_explicit_browser_is_exit_3() -> None:
    import os

    done = doctor({**os.environ, "TRACKER_CHECK_BROWSER": "/nonexistent/chrome"})
    assert done.returncode == 3
    assert done.stderr.startswith("error: browser not found: /nonexistent/chrome")
