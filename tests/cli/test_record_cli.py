"""`tracker-check record URL`: JSON Lines out, read back by `validate`'s reader; exit 3 lines."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracker_check.cli.app import app
from tracker_check.models import Finding
from tracker_check.serve import QuietHandler, serve

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


# --- record --flow ---------------------------------------------------------------------------

TINY_PLAN = """\
version: 1
name: Tiny shop
settings:
  settle: 100ms
events:
  page_view:
    parameters:
      page_type: {type: string}
  purchase:
    parameters:
      value: {type: number}
flows:
  - name: buy
    start: /
    steps:
      - click: "#buy"
        expect: [purchase]
"""
TINY_PAGE = """<!doctype html>
<html><body>
<script>
  window.dataLayer = window.dataLayer || [];
  dataLayer.push({event: "page_view", page_type: "home"});
</script>
<button id="buy" onclick="dataLayer.push({event: 'purchase', value: '12'});
                          dataLayer.push({event: 'mystery'})">Buy</button>
</body></html>
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """plan.yaml (flow `buy`: start at /, click #buy) and site/index.html under tmp_path."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text(TINY_PAGE, encoding="utf-8")
    (tmp_path / "plan.yaml").write_text(TINY_PLAN, encoding="utf-8")
    return tmp_path


def test_flow_without_plan_is_a_usage_error() -> None:
    code, out, err = invoke("--flow", "buy")
    assert (code, out) == (2, "")
    assert err == (
        "error: --flow needs --plan "
        "(hint: tracker-check record --flow 'buy' --plan tracking-plan.yaml)\n"
    )


def test_nothing_to_record_is_a_usage_error() -> None:
    code, out, err = invoke()
    assert (code, out) == (2, "")
    assert err.startswith("error: nothing to record: give a URL, or --flow NAME with --plan PLAN")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("http://127.0.0.1:9/", "--base-url", "http://127.0.0.1:9/"),
            "error: --base-url needs --flow (hint:",
        ),
        (("--flow", "buy", "--wait-ms", "10"), "error: --wait-ms applies to recording a URL"),
        (
            ("http://127.0.0.1:9/", "--flow", "buy", "--base-url", "http://127.0.0.1:9/"),
            "error: give the base URL once: URL or --base-url",
        ),
        (("--flow", "buy", "--base-url", "shop.local"), "error: not a URL: shop.local (hint:"),
    ],
)
def test_bad_combinations_are_one_line_usage_errors(
    tiny: Path, args: tuple[str, ...], message: str
) -> None:
    code, out, err = invoke(*args, "--plan", str(tiny / "plan.yaml"))
    assert (code, out) == (2, "")
    assert err.startswith(message) and err.count("\n") == 1


def test_unknown_flow_suggests_the_closest(tiny: Path) -> None:
    code, out, err = invoke("--flow", "bye", "--plan", str(tiny / "plan.yaml"))
    assert (code, out) == (2, "")
    assert err == "error: flow 'bye' is not in the plan (hint: did you mean 'buy'?)\n"
    code, _, err = invoke("--flow", "checkout", "--plan", str(tiny / "plan.yaml"))
    assert code == 2
    assert err == "error: flow 'checkout' is not in the plan (hint: flows in the plan: buy)\n"


def test_flow_with_no_browser_is_exit_3_with_one_line(tiny: Path) -> None:
    code, out, err = invoke(
        "--flow", "buy", "--plan", str(tiny / "plan.yaml"), "--base-url", "http://127.0.0.1:9/",
        env={"TRACKER_CHECK_BROWSER": "/nonexistent/chrome"},
    )  # fmt: skip
    assert (code, out) == (3, "")
    assert err == (
        "error: browser not found: /nonexistent/chrome (from TRACKER_CHECK_BROWSER) "
        "(hint: give the full path of a Chromium executable)\n"
    )


@pytest.mark.browser
def test_flow_on_unreachable_site_is_exit_3_with_one_line(tiny: Path, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    out_file = tmp_path / "out.jsonl"
    code, out, err = invoke(
        url, "--flow", "buy", "--plan", str(tiny / "plan.yaml"), "-o", str(out_file)
    )
    assert (code, out) == (3, "")
    assert err.startswith("error: site unreachable: ") and err.count("\n") == 1
    assert "ERR_CONNECTION_REFUSED" in err and url in err
    assert not out_file.exists()


@pytest.mark.browser
def test_flow_records_round_trip_to_the_same_findings(
    static_server: Callable[..., str], tiny: Path, tmp_path: Path
) -> None:
    from tracker_check.cli.validate_cmd import run_offline
    from tracker_check.eventsio import read_events
    from tracker_check.flows.runner import RunOptions, run_plan
    from tracker_check.plan.load import load_plan

    base = static_server(tiny / "site")
    plan_file = str(tiny / "plan.yaml")
    out = tmp_path / "buy.jsonl"
    code, stdout, err = invoke(
        "--flow", "buy", "--plan", plan_file, "--base-url", base, "-o", str(out)
    )  # fmt: skip
    # a failing flow still records: findings on stderr, exit 0
    assert (code, stdout) == (0, "")
    assert err.splitlines() == [
        "error: invalid-parameter: buy › step 1: "
        'purchase: value must be a number, got the string "12"',
        "error: unplanned-event: buy › step 1: mystery is not in the tracking plan",
        f"recorded 3 record(s) from flow 'buy' (2 step(s), failed), 0 request(s) blocked -> {out}",
    ]
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [(r["$record"], r["name"], r["flow"], r["step"]) for r in lines] == [
        (1, "page_view", "buy", 0),
        (1, "purchase", "buy", 1),
        (1, "mystery", "buy", 1),
    ]
    # the attribution survives the validate reader
    back = list(read_events(out))
    assert [(e.name, e.flow, e.step, e.index) for e in back] == [
        ("page_view", "buy", 0, 0),
        ("purchase", "buy", 1, 1),
        ("mystery", "buy", 1, 2),
    ]

    # the same event-level findings as a run of the flow and as `validate` of the file
    def event_level(findings: Iterable[Finding]) -> list[tuple[object, ...]]:
        return sorted(
            (f.code, f.severity, f.event_index, f.flow, f.step, f.message)
            for f in findings
            if f.event_index is not None
        )

    plan = load_plan(plan_file)
    run = run_plan(plan, RunOptions(base_url=base, flows=("buy",)))
    offline = run_offline(plan, out)
    assert event_level(offline.findings) == event_level(run.findings)
    assert [f[0] for f in event_level(run.findings)] == ["invalid-parameter", "unplanned-event"]
    # and through the CLI: validate fails on the recorded invalid parameter
    result = CliRunner().invoke(app, ["validate", plan_file, str(out), "-f", "json"])
    assert result.exit_code == 1
    codes = sorted(f["code"] for f in json.loads(result.stdout)["findings"])
    assert codes == ["invalid-parameter", "unplanned-event"]


class _ErrorHandler(QuietHandler):
    """Answers every page with 503, after a data-layer push (an error page that tracks)."""

    def do_GET(self) -> None:
        body = b"<script>dataLayer = [{event: 'error_page'}]</script>down"
        self.send_response(503, "Service Unavailable")
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.browser
def test_a_404_page_is_exit_3_naming_the_status(static_server: Callable[..., str]) -> None:
    url = f"{static_server(CAPTURE)}/no-such-page.html"
    code, out, err = invoke(url, "--wait-ms", "50")
    assert code == 3
    assert out == ""  # the 404 page pushed nothing
    assert err.splitlines()[-1] == (
        f"error: {url} answered HTTP 404 File not found "
        "(hint: record a page that loads (is the URL right, and the site up?))"
    )


@pytest.mark.browser
def test_a_5xx_page_is_exit_3_and_its_pushes_are_still_written(tmp_path: Path) -> None:
    with serve(tmp_path, handler=_ErrorHandler) as base:
        code, out, err = invoke(f"{base}/shop.html", "--wait-ms", "50")
    assert code == 3
    assert [json.loads(line)["name"] for line in out.splitlines()] == ["error_page"]
    assert "recorded 1 record(s) from 1 document(s) (HTTP 503)" in err
    assert err.splitlines()[-1].startswith(f"error: {base}/shop.html answered HTTP 503 Service")
