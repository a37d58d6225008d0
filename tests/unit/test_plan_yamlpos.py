"""Safe YAML with positions: pointers, duplicate keys, syntax errors, aliases, booleans."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker_check.models import Location
from tracker_check.plan.yamlpos import MAX_NODES, load_yaml, pointer


def loc(line: int, col: int) -> Location:
    return Location("p.yaml", line, col)


def test_positions_of_keys_and_values() -> None:
    doc = load_yaml("a: 1\nb:\n  c: [x, {d: y}]\n  'e/f': ~\n", "p.yaml")
    assert doc.data == {"a": 1, "b": {"c": ["x", {"d": "y"}], "e/f": None}}
    assert doc.findings == ()
    pos = doc.positions
    assert pos.key("/a") == loc(1, 1)
    assert pos.value("/a") == loc(1, 4)
    assert pos.key("/b/c") == loc(3, 3)
    assert pos.value("/b/c/0") == loc(3, 7)
    assert pos.key("/b/c/1/d") == loc(3, 11)
    assert pos.value("/b/c/1/d") == loc(3, 14)
    assert pos.key("/b/e~1f") == loc(4, 3)
    # a list item has no key: key() falls back to its value
    assert pos.key("/b/c/0") == loc(3, 7)
    # unknown pointers fall back to the nearest parent that exists
    assert pos.value("/b/c/9/zz") == loc(3, 6)
    assert pos.key("/nothing") == loc(1, 1)


def test_pointer_escapes() -> None:
    assert pointer("events", "a/b", "x~y", 0) == "/events/a~1b/x~0y/0"


def test_duplicate_keys_are_errors_at_the_second_key() -> None:
    doc = load_yaml("events:\n  a: {}\n  b: {}\n  a: {kind: micro}\n", "p.yaml")
    (f,) = doc.findings
    assert f.code == "plan-error"
    assert f.location == loc(4, 3)
    assert f.message == "duplicate key `a` (first defined on line 2)"
    assert doc.data == {"events": {"a": {}, "b": {}}}  # the first one is kept


@pytest.mark.parametrize(
    ("text", "where", "words", "hint"),
    [
        ("a:\n\tb: 1\n", (2, 1), "tab character", "spaces, not tabs"),
        ('a: "abc\nb: 2\n', (1, 4), "quoted scalar", "close the quote"),
        ("a: [1, 2\nb: 2\n", (2, 2), "flow sequence", "close the bracket"),
        ("a:\n  b: 1\n c: 2\n", (3, 2), "did not find expected key", "indentation"),
        ("a: 1\n---\nb: 2\n", (2, 1), "single document", "one YAML document"),
    ],
)
def test_syntax_errors(text: str, where: tuple[int, int], words: str, hint: str) -> None:
    doc = load_yaml(text, "p.yaml")
    assert doc.data is None
    (f,) = doc.findings
    assert (f.location.line, f.location.col) == where if f.location else False
    assert f.message.startswith("invalid YAML: ")
    assert words in f.message
    assert f.hint is not None
    assert hint in f.hint


def test_yaml12_booleans() -> None:
    doc = load_yaml("a: off\nb: no\nc: yes\nd: true\ne: False\nf: NO\n", "p.yaml")
    assert doc.data == {"a": "off", "b": "no", "c": "yes", "d": True, "e": False, "f": "NO"}


def test_scalars_and_keys() -> None:
    doc = load_yaml("1: one\nn: ~\nf: 1.5\nd: 2024-01-01\ns: '5'\n", "p.yaml")
    assert doc.data == {"1": "one", "n": None, "f": 1.5, "d": "2024-01-01", "s": "5"}


def test_aliases_and_merge_keys() -> None:
    text = "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\nl: &l [1]\nm: *l\n"
    doc = load_yaml(text, "p.yaml")
    assert doc.data == {"base": {"x": 1, "y": 2}, "c": {"y": 3, "x": 1}, "l": [1], "m": [1]}
    assert doc.findings == ()
    assert doc.positions.key("/c/x") == loc(1, 11)  # where the merged key was written


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    doc = load_yaml("\n".join(lines) + "\n", "p.yaml")
    assert doc.data is None
    (f,) = doc.findings
    assert f"over {MAX_NODES} nodes" in f.message


def test_recursive_alias_is_refused() -> None:
    doc = load_yaml("a: &a\n  b: *a\n", "p.yaml")
    (f,) = doc.findings
    assert "recursive alias" in f.message


def test_unsafe_tags_are_not_constructed() -> None:
    doc = load_yaml("a: !!python/object/apply:os.system [echo hi]\n", "p.yaml")
    assert doc.data == {"a": ["echo hi"]}
    (f,) = doc.findings
    assert "unsupported YAML tag !!python/object/apply:os.system" in f.message


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    doc = load_yaml("a: " + "[" * 5000 + "]" * 5000 + "\n", "p.yaml")
    assert doc.data is None
    assert len(doc.findings) == 1


def test_empty_document() -> None:
    doc = load_yaml("# only a comment\n", "p.yaml")
    assert (doc.data, doc.findings) == (None, ())


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#\t\n ,?1")), max_size=60))
def test_any_text_gives_data_or_findings_never_an_exception(text: str) -> None:
    doc = load_yaml(text, "p.yaml")
    for f in doc.findings:
        assert f.location is not None
        assert f.location.line >= 1
        assert f.location.col >= 1
