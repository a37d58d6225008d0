"""docs/findings.md is generated from the rule registry; every spec code is registered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker_check.models import Severity
from tracker_check.rules import RULES, findings_markdown, rule

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO.parent / "shared" / "spec" / "plan-v1.md"

# The spec's list (plan-v1.md, "Finding codes"): stable, part of the JSON contract.
SPEC_CODES = [
    *("missing-event", "unplanned-event", "missing-parameter", "invalid-parameter"),
    *("unexpected-parameter", "deprecated-event", "duplicate-event", "count-mismatch"),
    *("sequence", "forbidden-event", "value-mismatch", "gtag-array-command"),
    *("stale-model-data", "consent", "step-failed", "page-error", "capture-bypassed"),
    "plan-error",
]


def test_findings_doc_is_current() -> None:
    doc = (REPO / "docs" / "findings.md").read_text("utf-8")
    assert doc == findings_markdown(), (
        "docs/findings.md is stale: python -m tracker_check.rules > docs/findings.md"
    )


def test_every_spec_code_is_registered() -> None:
    missing = [c for c in SPEC_CODES if c not in RULES]
    assert not missing


def test_spec_list_matches_the_spec_file() -> None:
    if not SPEC.exists():
        pytest.skip("shared/spec is not beside this checkout")
    text = SPEC.read_text("utf-8")
    body = text.split("## Finding codes", 1)[1].split("\n", 1)[1]  # skip the heading line
    section = body.split("\n\n", 1)[0]
    assert re.findall(r"[a-z][a-z-]+[a-z]", section) == SPEC_CODES


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_is_documented(code: str) -> None:
    r = rule(code)
    assert r.slug == code
    assert isinstance(r.severity, Severity)
    assert r.summary.endswith(".") and len(r.summary) < 100
    assert len(r.doc) > 40
    assert f"\n## {code}\n" in findings_markdown()
