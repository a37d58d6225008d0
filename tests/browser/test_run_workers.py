"""`--connect`: flows run in a browser a Playwright server launched."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker_check.capture.browser import find_browser
from tracker_check.flows.runner import RunOptions, run_plan
from tracker_check.plan.load import load_plan

pytestmark = pytest.mark.browser

FLOWS = Path(__file__).resolve().parents[2] / "fixtures" / "flows"
SITE = FLOWS / "site"
PLAN = FLOWS / "expect.yaml"


@pytest.fixture
def browser_server() -> Iterator[str]:
    """`playwright run-server` on 127.0.0.1; yields its ws:// endpoint.

    The server launches the browser itself; Playwright's own Chromium is not installed here,
    so the client names the executable in the `launch-options` query parameter, which the
    server honours only with `--unsafe`.
    """
    cli = Path(sys.executable).parent / "playwright"
    proc = subprocess.Popen(
        [str(cli), "run-server", "--port", "0", "--host", "127.0.0.1", "--unsafe"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        start_new_session=True,  # `playwright` is a wrapper that starts node: stop the group
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # blocks until the server listens
        match = re.search(r"ws://127\.0\.0\.1:\d+/", line)
        assert match, line
        options = json.dumps({"executablePath": find_browser(None) or ""})
        yield f"{match[0]}?launch-options={urllib.parse.quote(options)}"
    finally:
        # the group holds the wrapper and node, and node outlives SIGTERM: kill the group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def test_connect_runs_flows_in_a_remote_browser(browser_server: str) -> None:
    report = run_plan(
        load_plan(PLAN),
        RunOptions(connect=browser_server, flows=("ok name and where", "bad forbid")),
        serve_dir=SITE,
    )
    assert report.error is None
    assert [(f.name, f.status) for f in report.flows] == [
        ("ok name and where", "passed"),
        ("bad forbid", "failed"),
    ]
    assert [f.code for f in report.findings if f.severity.value == "error"] == ["forbidden-event"]


def test_connect_to_nothing_is_a_browser_error() -> None:
    report = run_plan(
        load_plan(PLAN),
        RunOptions(connect="ws://127.0.0.1:9/", flows=("ok counts",)),
        serve_dir=SITE,
    )
    assert report.error is not None and "cannot connect" in report.error
    assert report.status == "error"
