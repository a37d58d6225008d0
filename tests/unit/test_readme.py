"""The README's promises: generated code table, the two commands, CI runs the test command."""

from __future__ import annotations

from pathlib import Path

from tracker_check.rules import RULES, readme_with_table

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_findings_table_is_generated_from_the_registry() -> None:
    assert readme_with_table(README) == README, "README table stale: run `make docs`"
    for slug in RULES:
        assert f"`{slug}`" in README


def test_readme_quick_start_has_the_two_commands() -> None:
    assert "make demo" in README
    assert "make test" in README


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [ln.strip() for ln in ci.splitlines() if ln.strip() and not ln.startswith("#")]
    assert "make test" in commands
