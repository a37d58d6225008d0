"""`tracker-check lint` without typer (cli/hot): the same command, started fast.

The hot route must accept exactly the options the typer command declares, print exactly
what the typer route prints, leave everything unusual to typer, and import neither typer
(pydantic) nor jsonschema for a valid plan."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from tracker_check.cli.app import app
from tracker_check.cli.hot import LINT_OPTIONS, parse_lint, run_hot

REPO = Path(__file__).resolve().parents[2]
GOOD = REPO / "fixtures" / "shop" / "plan.yaml"
INVALID = REPO / "fixtures" / "plans" / "invalid"
BAD = sorted(INVALID.glob("*.yaml"))[0]


def test_the_hot_parser_knows_exactly_the_typer_commands_options() -> None:
    command = typer.main.get_command(app).commands["lint"]  # type: ignore[attr-defined]
    declared = {opt for p in command.params for opt in p.opts if opt.startswith("-")}
    assert declared == set(LINT_OPTIONS)


@pytest.mark.parametrize(
    "args",
    [
        [str(GOOD)],
        [str(BAD)],
        [str(GOOD), "--format", "json"],
        ["--format=json", str(BAD)],
        ["-fjson", str(GOOD)],
        ["-f", "text", "--no-color", str(BAD)],
        ["--debug", "--", str(GOOD)],
        [str(REPO / "no-such-plan.yaml")],
    ],
)
def test_both_routes_print_the_same(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code = run_hot(["lint", *args])
    hot = capsys.readouterr()
    typer_run = CliRunner().invoke(app, ["lint", *args])
    assert code == typer_run.exit_code
    assert (hot.out, hot.err) == (typer_run.stdout, typer_run.stderr)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        [str(GOOD), "--verbose"],
        [str(GOOD), "--format", "xml"],
        [str(GOOD), "--format"],
        [str(GOOD), str(GOOD)],
        [str(GOOD), "--no-color=yes"],
        [""],
    ],
)
def test_anything_unusual_is_left_to_typer(args: list[str]) -> None:
    assert parse_lint(args) is None
    assert run_hot(["lint", *args]) is None
    assert run_hot(["validate", *args]) is None


def test_lint_of_a_valid_plan_imports_neither_typer_nor_jsonschema() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['tracker-check', 'lint', sys.argv[1]]\n"
        "from tracker_check.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules}"
        " & {'typer', 'click', 'pydantic', 'jsonschema', 'rich', 'playwright'})\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(GOOD)], capture_output=True, text=True, check=False
    )
    assert done.stderr.strip().splitlines()[-1] == "0 []", done.stderr
    assert "OK" in done.stdout
