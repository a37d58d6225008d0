"""lint confirms a valid plan with jsonschema_rs alone (fast start) and asks `jsonschema` only
for an invalid one: both engines must give the same verdict on every plan we have."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tracker_check import resources
from tracker_check.plan import metaschema
from tracker_check.plan.yamlpos import load_yaml

REPO = Path(__file__).resolve().parents[2]
PLANS = sorted(
    {*REPO.glob("fixtures/**/plan.yaml"), *(REPO / "fixtures" / "plans" / "invalid").glob("*.yaml")}
)


@pytest.mark.parametrize("path", PLANS, ids=[str(p.relative_to(REPO)) for p in PLANS])
def test_both_engines_agree_on_the_plan(path: Path) -> None:
    doc = load_yaml(path.read_text("utf-8"), str(path))
    if doc.findings:  # not YAML we could read: no meta-schema check happens
        return
    full = Draft202012Validator(resources.schema(metaschema.SCHEMA_NAME))
    assert metaschema._surely_valid(doc.data) == full.is_valid(doc.data)


def test_the_corpus_has_both_verdicts() -> None:
    verdicts = set()
    for path in PLANS:
        doc = load_yaml(path.read_text("utf-8"), str(path))
        if not doc.findings:
            verdicts.add(metaschema._surely_valid(doc.data))
    assert verdicts == {True, False}
    assert len(PLANS) > 80
