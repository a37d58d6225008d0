"""ECMA-262 `pattern` semantics on both engines (tracker_check.validate.regex).

CASES holds (pattern, subject, result of `new RegExp(pattern, "u").test(subject)`), the answer
of a real ECMA-262 engine (Node.js); `test_cases_agree_with_node` re-checks them when node is
installed. Most rows are places where Python's `re` or jsonschema_rs's Rust engine differ
from ECMA-262 when handed the pattern untranslated.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import jsonschema
import jsonschema_rs
import pytest

from tracker_check.validate.regex import (
    PatternError,
    check_pattern,
    engine_schema,
    schema_patterns,
    translate,
)

CASES = [
    ("^\\d+$", "123", True),
    ("^\\d+$", "١٢٣", False),
    ("^\\D$", "١", True),
    ("^\\w+$", "é", False),
    ("^\\w+$", "abc_9", True),
    ("^\\W$", "é", True),
    ("^\\s$", "\ufeff", True),
    ("^\\s$", "\x85", False),
    ("^\\s$", "\xa0", True),
    ("^\\S$", "\x85", True),
    ("^a$", "a\n", False),
    ("^a$", "a", True),
    ("^.$", "\r", False),
    ("^.$", "\u2028", False),
    ("^.$", "\n", False),
    ("^.$", "x", True),
    ("^.$", "😀", True),
    ("\\bé", " é", False),
    ("\\bx", " x", True),
    ("a\\Bé", "aé", False),
    ("^[\\d]$", "١", False),
    ("^[\\d]$", "7", True),
    ("^[a\\D]$", "١", True),
    ("^[a\\D]$", "5", False),
    ("^[^\\D]$", "١", False),
    ("^[^\\D]$", "5", True),
    ("^[^a\\D\\S]$", " ", False),
    ("^[^a\\D]$", "a", False),
    ("^\\/$", "/", True),
    ("^[a&&b]+$", "&", True),
    ("^[[a]+$", "[", True),
    ("^[a-c--]+$", "-", True),
    ("^[]$", "a", False),
    ("^[^]$", "\n", True),
    ("^[\\b]$", "\x08", True),
    ("^\\0$", "\x00", True),
    ("^\\cJ$", "\n", True),
    ("^\\u0041$", "A", True),
    ("^\\u{1F600}$", "😀", True),
    ("^\\uD83D\\uDE00$", "😀", True),
    ("^(?<x>a)\\k<x>$", "aa", True),
    ("^(?<x>a)\\k<x>$", "ab", False),
    ("(?<=a)b", "ab", True),
    ("(?<!a)b", "ab", False),
    ("^(a)\\1$", "aa", True),
    ("^[A-Z]{3}$", "EUR", True),
    ("^[A-Z]{3}$", "EURO", False),
    ("^[A-Z]{3}$", "EUR\n", False),
    ("^\\x41$", "A", True),
    ("^a|b$", "xb", True),
    ("^(?:ab)+$", "abab", True),
    ("^\\.$", ".", True),
    ("^\\.$", "a", False),
    ("^[.]$", "a", False),
    ("^[$]$", "$", True),
    ("^\\$$", "$", True),
    ("^[\\w-]+$", "a-b", True),
    ("^[\\s\\S]$", "\n", True),
    ("^[^\\n]$", "\r", True),
]
# Annex B leniency tracker-check keeps (a `u`-mode engine rejects these; browsers without
# the flag read them as literals, and so do we)
LITERAL_BRACES = [("^a{,2}$", "a{,2}", True), ("^a{,2}$", "aa", False), ("^x{$", "x{", True)]


def rust_matches(pattern: str, subject: str) -> bool:
    schema = engine_schema({"type": "string", "pattern": pattern}, "rust")
    return bool(jsonschema_rs.validator_for(schema).is_valid(subject))


def python_matches(pattern: str, subject: str) -> bool:
    schema = engine_schema({"type": "string", "pattern": pattern}, "python")
    return bool(jsonschema.Draft202012Validator(schema).is_valid(subject))


@pytest.mark.parametrize(("pattern", "subject", "ecma"), CASES + LITERAL_BRACES)
def test_both_engines_match_like_ecma(pattern: str, subject: str, ecma: bool) -> None:
    assert python_matches(pattern, subject) is ecma
    assert rust_matches(pattern, subject) is ecma


@pytest.mark.parametrize(
    ("pattern", "subject"),
    [
        (r"^\d+$", "١٢٣"),  # Python: Unicode digits
        (r"^\w+$", "é"),  # Python: Unicode word characters
        (r"^a$", "a\n"),  # Python: `$` before a trailing newline
        (r"^.$", "\r"),  # Python: `.` matches \r
        (r"\bé", " é"),  # Python: Unicode word boundary
    ],
)
def test_the_differences_are_real_without_translation(pattern: str, subject: str) -> None:
    """Guards the table: untranslated, Python's re disagrees with ECMA-262 on these."""
    ecma = dict(((p, s), e) for p, s, e in CASES)[(pattern, subject)]
    assert (re.search(pattern, subject) is not None) is not ecma


def test_rust_engine_follows_ecma_where_engines_have_differed() -> None:
    """Our translation for jsonschema_rs gives ECMA-262 results on the cases where some
    jsonschema-rs releases did not (`.` vs CR, Unicode-aware \\b), whatever the release."""
    assert not rust_matches("^.$", "\r")
    assert not rust_matches("\\bé", " é")
    assert rust_matches("^.$", "a")
    assert rust_matches("\\ba", " a")


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_cases_agree_with_node() -> None:
    script = (
        "const c = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(c.map(([p, s]) => new RegExp(p, 'u').test(s))));"
    )
    data = json.dumps([[p, s] for p, s, _ in CASES])
    out = subprocess.run(
        ["node", "-e", script], input=data, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == [e for _, _, e in CASES]


@pytest.mark.parametrize(
    "pattern",
    [r"\A", r"\Z", r"a\z", r"(?P<x>a)", r"(?x)a", r"\k<nope>", "[a", "a\\", r"\u12", r"[z-a]"],
)
def test_non_ecma_patterns_are_rejected(pattern: str) -> None:
    with pytest.raises(PatternError):
        translate(pattern, "python")
    assert check_pattern(pattern) is not None


def test_unicode_properties_work_in_rust_only() -> None:
    assert rust_matches(r"^\p{Lu}$", "É")
    with pytest.raises(PatternError, match="Unicode property"):
        translate(r"^\p{Lu}$", "python")
    assert check_pattern(r"\p{L}") is not None


def test_check_pattern_accepts_ecma() -> None:
    assert check_pattern(r"^[A-Z]{3}$") is None
    assert check_pattern(r"^(?<y>\d{4})-\k<y>$") is None


def test_engine_schema_rewrites_patterns_only_in_schema_positions() -> None:
    schema = {
        "properties": {"zip": {"pattern": r"^\d{5}$"}},
        "patternProperties": {r"^x_\d$": {"type": "string"}},
        "enum": [{"pattern": r"\d"}],
        "items": {"anyOf": [{"pattern": "."}]},
    }
    out = engine_schema(schema, "python")
    assert out["properties"]["zip"]["pattern"] == "^[0-9]{5}\\Z"
    assert list(out["patternProperties"]) == ["^x_[0-9]\\Z"]
    assert out["enum"] == [{"pattern": r"\d"}]
    assert out["items"]["anyOf"][0]["pattern"] != "."
    assert schema["properties"]["zip"]["pattern"] == r"^\d{5}$"  # input untouched


def test_pattern_properties_use_ecma_semantics() -> None:
    schema = {"type": "object", "patternProperties": {r"^n\d$": {"type": "integer"}}}
    bad = {"n١": "not an int"}  # "١" is no ECMA digit: the key is not matched, so any value
    assert jsonschema.Draft202012Validator(engine_schema(schema, "python")).is_valid(bad)
    assert jsonschema_rs.validator_for(engine_schema(schema, "rust")).is_valid(bad)
    assert not jsonschema_rs.validator_for(engine_schema(schema, "rust")).is_valid({"n1": "x"})


@pytest.mark.parametrize(
    ("pattern", "engine"),
    [("(?<=ab+)c", "Python's re"), ("x{4294967296}", "Python's re"), ("(?=a)*", "jsonschema_rs")],
)
def test_check_pattern_asks_both_engines(pattern: str, engine: str) -> None:
    translate(pattern, "python")  # valid ECMA-262 syntax ...
    problem = check_pattern(pattern)  # ... that one engine cannot compile
    assert problem is not None and engine in problem


def test_schema_patterns_finds_patterns_in_schema_positions_only() -> None:
    schema = {
        "properties": {"a": {"pattern": "^a$"}, "pattern": {"type": "string"}},
        "patternProperties": {"^k": {"items": {"pattern": "^i$"}}},
        "enum": [{"pattern": "no"}],
        "$defs": {"d": {"allOf": [{"pattern": "^d$"}]}},
    }
    assert sorted(schema_patterns(schema)) == ["^a$", "^d$", "^i$", "^k"]
