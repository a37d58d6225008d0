"""`tracker-check run`: --serve, exit codes 0/1/2/3, --no-fail, JSON output, report dir."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracker_check.cli.app import app
from tracker_check.cli.run_cmd import parse_duration_ms, parse_shard
from tracker_check.errors import UsageError

FLOWS = Path(__file__).resolve().parents[2] / "fixtures" / "flows"
SITE = str(FLOWS / "site")
PLAN = str(FLOWS / "expect.yaml")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["run", *args])
    return result.exit_code, result.stdout, result.stderr


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again on exit: nothing listens there


# -- without a browser ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ms"), [("5s", 5000), ("500ms", 500), ("1.5s", 1500), ("2m", 120000), ("250", 250)]
)
def test_parse_duration(text: str, ms: int) -> None:
    assert parse_duration_ms(text) == ms


def test_parse_shard() -> None:
    assert parse_shard("2/4") == (2, 4)
    for bad in ("0/2", "3/2", "1-2", "x"):
        with pytest.raises(UsageError):
            parse_shard(bad)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shard", "3/2"], "error: bad --shard '3/2' (hint: use i/n with 1 <= i <= n"),
        (["--timeout", "soon"], "error: bad duration 'soon' (hint: write e.g. 5s, 500ms or 2m)"),
        (["--trace", "maybe"], "error: bad --trace 'maybe'"),
        (["--flow", "nothing*"], "error: --flow nothing* matches no flow (hint: flows in the"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    code, out, err = invoke(PLAN, "--serve", SITE, *args)
    assert code == 2
    assert out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_missing_plan_exits_2() -> None:
    code, _, err = invoke(str(FLOWS / "no-such-plan.yaml"))
    assert code == 2 and "plan file not found" in err


# -- with a browser ---------------------------------------------------------------------------


@pytest.mark.browser
def test_passing_flow_exits_0_with_serve() -> None:
    code, out, err = invoke(PLAN, "--serve", SITE, "--flow", "ok name*", "-q", "--no-color")
    assert code == 0, err
    assert "ok name and where" in out
    assert err == ""  # no progress line when stderr is not a terminal


@pytest.mark.browser
def test_failing_flow_exits_1_and_no_fail_exits_0() -> None:
    args = [PLAN, "--serve", SITE, "--flow", "bad forbid", "--format", "json"]
    code, out, _ = invoke(*args)
    assert code == 1
    code_no_fail, out_no_fail, _ = invoke(*args, "--no-fail")
    assert code_no_fail == 0
    for text in (out, out_no_fail):
        assert json.loads(text)["status"] == "failed"


@pytest.mark.browser
def test_json_report_shape(tmp_path: Path) -> None:
    output = tmp_path / "report.json"
    code, out, _ = invoke(
        PLAN, "--serve", SITE, "--flow", "ok counts", "--flow", "bad value*", "-f", "json",
        "-o", str(output),
    )  # fmt: skip
    assert code == 1 and out == ""
    report = json.loads(output.read_text("utf-8"))
    assert report["version"] == 1 and report["status"] == "failed"
    assert {"plan", "summary", "flows", "findings"} <= report.keys()
    assert [f["name"] for f in report["flows"]] == ["bad value mismatch", "ok counts"]  # plan order
    flow = report["flows"][0]
    assert {"name", "status", "duration_ms", "steps", "events", "findings"} <= flow.keys()
    assert flow["status"] == "failed"
    [finding] = [f for f in report["findings"] if f["severity"] == "error"]
    assert {"code", "severity", "message", "flow", "step", "event", "event_index", "pointer"} <= (
        finding.keys()
    )
    assert (finding["code"], finding["flow"], finding["step"], finding["pointer"]) == (
        "value-mismatch",
        "bad value mismatch",
        1,
        "/ecommerce/items/0/item_id",
    )


@pytest.mark.browser
def test_unreachable_site_exits_3_with_one_line() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    code, _, err = invoke(PLAN, "--base-url", url, "--flow", "ok counts", "-f", "json")
    assert code == 3
    [line] = err.splitlines()
    assert line.startswith("error: site unreachable: net::ERR_CONNECTION_REFUSED")
    assert url in line


@pytest.mark.browser
def test_a_port_chromium_refuses_is_an_unreachable_site() -> None:
    # port 9 (discard) is on Chromium's unsafe list: it never connects, so exit 3, one line
    code, _, err = invoke(
        PLAN, "--base-url", "http://127.0.0.1:9", "--flow", "ok counts", "-f", "json"
    )
    assert code == 3
    [line] = err.splitlines()
    assert line.startswith("error: site unreachable: net::ERR_UNSAFE_PORT")


@pytest.mark.browser
def test_no_browser_exits_3() -> None:
    code, _, err = invoke(
        PLAN, "--serve", SITE, "--browser-path", "/nonexistent/chromium", "-f", "json"
    )
    assert code == 3
    assert err.startswith("error: browser not found: /nonexistent/chromium")


@pytest.mark.browser
def test_report_dir_keeps_failure_screenshots_and_traces(tmp_path: Path) -> None:
    report_dir = tmp_path / "artifacts"
    code, out, _ = invoke(
        str(FLOWS / "faults.yaml"), "--serve", SITE, "--flow", "missing selector",
        "--flow", "still runs", "--report-dir", str(report_dir),
        "--trace", "retain-on-failure", "-f", "json",
    )  # fmt: skip
    assert code == 1
    report = json.loads(out)
    [failed] = [f for f in report["findings"] if f["code"] == "step-failed"]
    assert (report_dir / failed["screenshot"]).is_file()
    traces = sorted(p.name for p in (report_dir / "traces").iterdir())
    assert traces == ["0001-missing-selector.zip"]  # the passing flow's trace was dropped
    # --report-dir also writes the HTML report there, with the failure screenshot embedded
    page = (report_dir / "index.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") or page.lower().startswith("<!doctype html>")
    assert "step-failed" in page and "data:image/png;base64," in page


def test_unusable_report_dir_and_bad_base_url_are_usage_errors(tmp_path: Path) -> None:
    # checked before any browser starts: one line, exit 2, nothing run
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("x")
    code, out, err = invoke(PLAN, "--serve", SITE, "--report-dir", str(a_file))
    assert (code, out) == (2, "")
    assert err.startswith(f"error: cannot use --report-dir {a_file}: ")
    code, out, err = invoke(PLAN, "--base-url", "notaurl")
    assert (code, out) == (2, "")
    assert err.startswith("error: bad --base-url 'notaurl' (hint: give a full URL")
