"""`tracker-check record URL`: JSON Lines out, read back by `validate`'s reader; exit 3 lines."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracker_check.cli.app import app

CAPTURE = Path(__file__).resolve().parents[2] / "fixtures" / "capture"


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["record", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_no_browser_is_exit_3_with_one_line() -> None:
    code, out, err = invoke(
        "http://127.0.0.1:9/", env={"TRACKER_CHECK_BROWSER": "/nonexistent/chrome"}
    )
    assert (code, out) == (3, "")
    assert err == (
        "error: browser not found: /nonexistent/chrome (from TRACKER_CHECK_BROWSER) "
        "(hint: give the full path of a Chromium executable)\n"
    )


def test_not_a_url_is_a_usage_error() -> None:
    code, _, err = invoke("example")
    assert code == 2
    assert err.startswith("error: not a URL: example (hint:")


@pytest.mark.browser
def test_unreachable_site_is_exit_3_with_one_line() -> None:
    url = f"http://127.0.0.1:{closed_port()}/"
    code, out, err = invoke(url)
    assert (code, out) == (3, "")
    assert err == (
        f"error: cannot load {url}: net::ERR_CONNECTION_REFUSED "
        "(hint: is the site running and reachable?)\n"
    )


@pytest.mark.browser
def test_records_round_trip_through_the_validate_reader(
    static_server: Callable[..., str], tmp_path: Path
) -> None:
    from tracker_check.eventsio import read_events

    base = static_server(CAPTURE)
    out = tmp_path / "events.jsonl"
    code, stdout, err = invoke(f"{base}/gtm_wrapper.html", "--wait-ms", "200", "-o", str(out))
    assert (code, stdout) == (0, "")
    assert err == f"recorded 7 record(s) from 1 document(s), 0 request(s) blocked -> {out}\n"
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [line["$record"] for line in lines] == [1] * 7
    assert [line["name"] for line in lines] == [
        "gtm.js",
        "before_gtm",
        "after_gtm",
        "with_callback",
        "callback_fired",
        "x1",
        "x2",
    ]
    assert lines[3]["raw"]["eventCallback"] == {"__type": "function", "name": "eventCallback"}
    back = list(read_events(out))
    assert [(e.name, e.kind, e.url, e.document) for e in back] == [
        (line["name"], line["kind"], line["url"], line["document"]) for line in lines
    ]


@pytest.mark.browser
def test_custom_data_layer_to_stdout(static_server: Callable[..., str]) -> None:
    base = static_server(CAPTURE)
    code, stdout, err = invoke(
        f"{base}/custom_name.html", "--data-layer", "myLayer", "--wait-ms", "100", "-q"
    )
    assert (code, err) == (0, "")
    lines = [json.loads(line) for line in stdout.splitlines()]
    assert [(r["data_layer"], r["name"]) for r in lines] == [
        ("myLayer", "custom"),
        ("myLayer", "custom2"),
    ]


@pytest.mark.browser
def test_bypass_is_reported_and_recovered(static_server: Callable[..., str]) -> None:
    base = static_server(CAPTURE)
    code, stdout, err = invoke(f"{base}/bypass.html", "--wait-ms", "100", "-q")
    assert code == 0
    assert (
        err == "error: capture-bypassed: 1 item(s) reached dataLayer without push (array index 1)\n"
    )
    assert [json.loads(line)["raw"] for line in stdout.splitlines()] == [
        {"event": "pushed"},
        {"event": "by_index"},
    ]
