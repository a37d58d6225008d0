"""`lint` and the validator agree on every regular expression (one check: regex.check_pattern).

A plan whose patterns lint accepts must build a `Validator`, and a pattern lint refuses must
also be refused by the `Validator` (as a plan-error) — for `pattern` values and for
`patternProperties` keys alike.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tracker_check.errors import PlanError
from tracker_check.plan.lint import lint_text
from tracker_check.plan.model import EventSpec, Plan
from tracker_check.validate import Validator

WHERE = ["pattern", "patternProperties"]


def fragment(pattern: str, where: str) -> dict[str, Any]:
    if where == "pattern":
        return {"type": "string", "pattern": pattern}
    return {"type": "object", "patternProperties": {pattern: {"type": "integer"}}}


def lint_accepts(pattern: str, where: str) -> bool:
    # JSON is YAML: the pattern reaches lint exactly as written (checked below)
    param = json.dumps(fragment(pattern, where))
    text = f"version: 1\nevents:\n  e:\n    parameters:\n      p: {param}\n"
    plan, findings = lint_text(text, "p.yaml")
    assert all(f.code == "plan-error" for f in findings)
    if plan is None:
        assert findings, "lint refused the plan without saying why"
        return False
    assert plan.events["e"].parameters["p"] == fragment(pattern, where)
    return True


def validator_builds(pattern: str, where: str) -> bool:
    spec = EventSpec("e", parameters={"p": fragment(pattern, where)})
    try:
        Validator(Plan(events={"e": spec}))
    except PlanError as exc:
        [finding] = exc.findings
        assert finding.code == "plan-error"
        assert finding.hint
        return False
    return True


ACCEPTED = [
    "^[A-Z]{3}$",
    r"^\d+(\.\d{1,2})?$",
    "^(home|cart)$",
    r"^[\w.-]+@[\w-]+\.\w+$",
    "a{2,}",
    r"^(?<y>\d{4})-\k<y>$",  # ECMA named groups: refused by the old Python-only lint
    "(?<name>x)",
    "a{,3}",  # literal braces, as ECMA's web-compat grammar reads them
    "(?<=ab)c",
    "(?i:abc)",
    r"[\b]\0\cJ\u{1F600}",
    "[]|[^]",
]
REFUSED = [
    r"\A",  # accepted by the old lint, refused by the validator
    r"\Z",
    r"^[A-Z]{3}\Z",
    "(?P<name>x)",  # Python's spelling of a named group
    "(?x)a",
    "[A-Z",
    "(a",
    "*a",
    r"a\1",
    r"^\p{L}+$",
    "(?<=ab+)c",  # Python's re: look-behind must be fixed-width
    "(?=a)*",  # the Rust engine: no quantified look-around
    "(x{1000}){1000}",  # the Rust engine: too large once compiled
    "x{4294967296}",  # Python's re: OverflowError, not re.error
]


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("pattern", ACCEPTED)
def test_accepted_by_lint_and_validator(pattern: str, where: str) -> None:
    assert lint_accepts(pattern, where)
    assert validator_builds(pattern, where)


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("pattern", REFUSED)
def test_refused_by_lint_and_validator(pattern: str, where: str) -> None:
    assert not lint_accepts(pattern, where)
    assert not validator_builds(pattern, where)


def test_lint_names_the_place_and_the_reason() -> None:
    text = "version: 1\nevents:\n  e:\n    parameters:\n      p: {pattern: '(?=a)*'}\n"
    _, [finding] = lint_text(text, "p.yaml")
    assert finding.location is not None
    assert (finding.location.line, finding.location.col) == (5, 20)
    assert "jsonschema_rs" in finding.message and "(?=a)*" in finding.message
    assert finding.hint and "ECMA-262" in finding.hint


TOKENS = [
    "a", "b", "-", "é", ".", "^", "$", "|", "*", "+", "?", "*?", "{2}", "{1,3}", "{,2}", "{",
    "}", "(", ")", "(?:", "(?=", "(?!", "(?<=", "(?<!", "(?<n>", "(?P<n>", "(?i:", "(?x)",
    "[", "]", "[^", "\\", r"\d", r"\w", r"\s", r"\b", r"\B", r"\1", r"\k<n>", r"\A", r"\Z",
    r"\p{L}", r"\u0041", r"\x41", r"\cJ", r"\.", r"\-",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=8).map("".join), st.sampled_from(WHERE))
@example(r"\A", "pattern")
@example("(?<n>a)", "pattern")
@example("(?=a)*", "patternProperties")
def test_lint_accepts_exactly_what_the_validator_builds(pattern: str, where: str) -> None:
    assert lint_accepts(pattern, where) == validator_builds(pattern, where)
