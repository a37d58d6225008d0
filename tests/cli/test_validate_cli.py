"""`tracker-check validate PLAN EVENTS` and `tracker-check schema PLAN`: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tracker_check.cli.app import app

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "fixtures" / "plans"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def case(name: str) -> tuple[str, str]:
    folder = CASES / name
    events = folder / "events.jsonl"
    return str(folder / "plan.yaml"), str(events if events.exists() else folder / "events.json")


def test_clean_events_exit_0() -> None:
    code, out, err = run("validate", "--format", "json", *case("nested_items_valid"))
    assert code == 0, err
    report = json.loads(out)
    assert report["status"] == "passed"
    assert report["findings"] == []
    assert report["summary"]["events"] == 4


def test_error_findings_exit_1_and_json_carries_them() -> None:
    code, out, _ = run("validate", "-f", "json", *case("nested_items_invalid_type"))
    assert code == 1
    report = json.loads(out)
    assert report["status"] == "failed"
    [finding] = report["findings"]
    assert {k: finding[k] for k in ("code", "severity", "event", "event_index", "pointer")} == {
        "code": "invalid-parameter",
        "severity": "error",
        "event": "add_to_cart",
        "event_index": 0,
        "pointer": "/ecommerce/items/1/price",
    }
    assert finding["message"] == (
        'add_to_cart: ecommerce.items[1].price must be a number, got the string "19.99"'
    )
    assert (finding["expected"], finding["actual"]) == ({"type": "number"}, "19.99")


def test_warnings_only_exit_0() -> None:
    code, out, _ = run("validate", "-f", "json", *case("policy_warn"))
    assert code == 0
    assert [f["severity"] for f in json.loads(out)["findings"]] == ["warning"]


def test_no_fail_exits_0_with_errors() -> None:
    code, _, _ = run("validate", "--no-fail", "-f", "json", *case("policy_error"))
    assert code == 0
    assert run("validate", "-f", "json", *case("policy_error"))[0] == 1


def test_text_report_and_output_file(tmp_path: Path) -> None:
    code, out, _ = run("validate", "--no-color", *case("deprecated_event"))
    assert code == 1
    assert "old_signup is deprecated: use sign_up" in out
    assert "\x1b[" not in out
    target = tmp_path / "out" / "report.json"
    code, out, _ = run("validate", "-f", "json", "-o", str(target), *case("deprecated_event"))
    assert (code, out) == (1, "")
    assert json.loads(target.read_text("utf-8"))["summary"]["by_code"] == {
        "deprecated-event": 2,
        "missing-parameter": 1,
    }


def test_bad_events_file_exit_2_with_place(tmp_path: Path) -> None:
    bad = tmp_path / "events.jsonl"
    bad.write_text('{"event": "a"}\n{"event" "b"}\n', encoding="utf-8")
    plan, _ = case("nested_items_valid")
    code, out, err = run("validate", plan, str(bad))
    assert (code, out) == (2, "")
    assert err == (
        f"error: {bad}:2:10: invalid JSON: Expecting ':' delimiter (hint: each line must be "
        "one JSON value (a data-layer push); use a JSON array for multi-line files)\n"
    )


def test_missing_plan_exit_2() -> None:
    code, out, err = run("validate", "nope.yaml", case("nested_items_valid")[1])
    assert (code, out) == (2, "")
    assert err.startswith("error: plan file not found: nope.yaml")


def test_invalid_plan_exit_2(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "version: 1\nevents:\n  a:\n    parameters: {x: {$ref: '#/definitions/nope'}}\n"
    )
    code, out, err = run("validate", str(plan), case("nested_items_valid")[1])
    assert (code, out) == (2, "")
    assert "plan-error" in err


def test_schema_prints_every_event() -> None:
    plan, _ = case("ga4_params_ref")
    code, out, _ = run("schema", plan)
    assert code == 0
    schemas = json.loads(out)
    assert list(schemas) == ["login", "search", "video_progress"]
    assert schemas["login"]["title"] == "login"
    assert schemas["login"]["$defs"]["ga4.login_params"]["properties"]["method"] == {
        "type": "string",
        "description": "The method used (e.g. Google, email).",
    }


def test_schema_of_one_event() -> None:
    plan, _ = case("optional_parameters")
    code, out, _ = run("schema", plan, "--event", "add_to_cart")
    assert code == 0
    schema = json.loads(out)
    assert schema["required"] == ["ecommerce"]
    assert schema["properties"]["coupon"] == {"type": "string"}
    assert schema["$defs"]["item"]["required"] == ["item_id", "item_name", "price", "quantity"]


def test_schema_unknown_event_exit_2_with_did_you_mean() -> None:
    plan, _ = case("ga4_params_ref")
    code, out, err = run("schema", plan, "--event", "logn")
    assert (code, out) == (2, "")
    assert err == "error: event 'logn' is not in the plan (hint: did you mean 'login'?)\n"
