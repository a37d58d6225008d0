"""`tracker-check lint`: clean plans, JSON output, unreadable files, colour."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tracker_check.cli.app import app
from tracker_check.cli.lint_core import format_text
from tracker_check.models import Finding, Location, Severity

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "fixtures" / "plans" / "_example" / "plan.yaml"


def lint(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["lint", *args])
    return result.exit_code, result.stdout, result.stderr


def test_clean_plan() -> None:
    code, out, err = lint(str(EXAMPLE))
    assert (code, out, err) == (0, f"{EXAMPLE}: OK — 6 events, 1 flow\n", "")


def test_clean_plan_json() -> None:
    code, out, _ = lint("--format", "json", str(EXAMPLE))
    assert code == 0
    assert json.loads(out) == {
        "version": 1,
        "status": "passed",
        "plan": {"path": str(EXAMPLE), "events": 6, "flows": 1},
        "findings": [],
    }


def test_shipped_plans_are_clean() -> None:
    for plan in [*REPO.glob("fixtures/flows/*.yaml"), REPO / "fixtures/plugin/plan.yaml"]:
        code, out, _ = lint(str(plan))
        assert code == 0, out


def test_errors_in_text(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("version: 1\nevents:\n  a: {kind: mikro, paramters: {}}\n", "utf-8")
    code, out, err = lint("--no-color", str(plan))
    assert code == 2
    assert err == ""
    assert out.splitlines() == [
        f"{plan}:3:13: plan-error: `kind` is `mikro`, not one of micro, macro (in event `a`) "
        "(hint: did you mean `micro`?)",
        f"{plan}:3:20: plan-error: unknown key `paramters` (in event `a`) "
        "(hint: did you mean `parameters`?)",
        f"2 plan errors in {plan}",
    ]


def test_errors_in_json(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("version: 1\nevents:\n  a: {weight: -1}\n", "utf-8")
    code, out, _ = lint("-f", "json", str(plan))
    assert code == 2
    report = json.loads(out)
    assert report["status"] == "error"
    assert report["plan"] == {"path": str(plan)}
    (finding,) = report["findings"]
    assert finding["code"] == "plan-error"
    assert finding["location"] == f"{plan}:3:15"
    assert "`weight` must be at least 0" in finding["message"]


def test_missing_file() -> None:
    code, out, err = lint("no/such/plan.yaml")
    assert code == 2
    assert out == ""
    assert err.startswith("error: plan file not found: no/such/plan.yaml (hint:")
    assert "Traceback" not in err


def test_directory(tmp_path: Path) -> None:
    code, _, err = lint(str(tmp_path))
    assert code == 2
    assert "is a directory" in err


def test_bad_format_is_a_usage_error() -> None:
    code, _, err = lint("--format", "xml", str(EXAMPLE))
    assert code == 2
    assert "xml" in err


def test_color_only_when_asked() -> None:
    finding = Finding(
        "plan-error", Severity.ERROR, "boom", hint="h", location=Location("p.yaml", 1, 2)
    )
    plain = format_text("p.yaml", [finding], "", color=False)
    assert plain == "p.yaml:1:2: plan-error: boom (hint: h)\n1 plan error in p.yaml\n"
    painted = format_text("p.yaml", [finding], "", color=True)
    assert "\x1b[31mplan-error\x1b[0m" in painted
    assert format_text("p.yaml", [], "1 event, 0 flows", color=True).startswith(
        "p.yaml: \x1b[32mOK\x1b[0m"
    )
