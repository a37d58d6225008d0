"""`tracker-check lint` on the corpus of broken plans: exit 2, exact lines, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracker_check.cli.app import app

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "fixtures" / "plans" / "invalid"
CASES = sorted(CORPUS.glob("*.yaml"))


def expected_lines(case: Path) -> list[str]:
    text = case.with_suffix(".expected").read_text("utf-8")
    return [f"{case}:{line}" for line in text.splitlines() if line.strip()]


def no_traceback(*outputs: str) -> None:
    for out in outputs:
        assert "Traceback" not in out
        assert "internal error" not in out


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 30
    assert all(c.with_suffix(".expected").is_file() for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_plan(case: Path) -> None:
    result = CliRunner().invoke(app, ["lint", "--no-color", str(case)])
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    expected = expected_lines(case)
    assert expected, "an .expected file must list at least one error"
    n = len(expected)
    assert lines == [*expected, f"{n} plan error{'s' if n != 1 else ''} in {case}"]


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_plan_json(case: Path) -> None:
    result = CliRunner().invoke(app, ["lint", "--format", "json", str(case)])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["version"] == 1
    assert report["status"] == "error"
    assert [f"{f['location']}: {f['code']}" for f in report["findings"]] == [
        line.split(": plan-error:")[0] + ": plan-error" for line in expected_lines(case)
    ]
    assert all(f["severity"] == "error" for f in report["findings"])


@pytest.mark.parametrize(
    "name", ["01-tab-indent", "09-alias-bomb", "17-parameter-keyword-typo", "07-empty-file"]
)
def test_subprocess(name: str) -> None:
    case = CORPUS / f"{name}.yaml"
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "tracker_check", "lint", str(case)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        check=False,
    )
    no_traceback(proc.stdout, proc.stderr)
    assert proc.returncode == 2
    assert proc.stdout.splitlines()[:-1] == expected_lines(case)
    assert proc.stderr == ""
