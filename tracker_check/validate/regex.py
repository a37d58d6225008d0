"""JSON Schema `pattern` dialect: ECMA-262 (with the `u` flag) on both validation engines. Pure.

JSON Schema says `pattern` is an ECMA-262 regular expression, and 2020-12 asks for Unicode
(`u` flag) semantics. Python's `re` (used by `jsonschema`) and the Rust engine inside
`jsonschema_rs` read some patterns differently, so the same event could pass one engine and
fail the other. Each pattern is therefore translated, once, into an equivalent for each
engine (`translate(pattern, "python" | "rust")`), and the schemas handed to the engines are
rewritten with `engine_schema` (the compiled schema users see keeps the ECMA text).

What the translation pins down (all tested in tests/unit/test_validate_regex.py):

- `\\d \\w \\s` and `\\D \\W \\S` (also inside `[...]`): ASCII digits and word characters,
  ECMA's whitespace set (which has U+FEFF and lacks U+0085). Python and Rust make \\d and \\w
  Unicode-aware, so `"١٢٣"` (Arabic-Indic digits) would match `^\\d+$` there.
- `\\b \\B`: ECMA word boundaries are ASCII; both engines' are Unicode (`\\bé`).
- `.`: ECMA excludes every line terminator (\\n \\r U+2028 U+2029); the engines only \\n.
- `$`: end of input only; Python's `$` also matches before a trailing newline.
- `{` that is not a quantifier is a literal (Python reads `a{,2}` as a quantifier, Rust
  rejects `x{`); a lone `}` or `]` too.
- `[]` matches nothing and `[^]` any character (Python and Rust read `]` as a literal).
- `[`, `&&`, `--`, `~~`, `||` inside a class are literals in ECMA (Rust: set operations,
  Python: FutureWarning).
- `[\\b]` is backspace, `\\0` NUL, `\\cJ` a control character, `\\u{1F600}` and surrogate
  pairs `\\uD83D\\uDE00` one code point.
- `(?<name>...)` / `\\k<name>` named groups become Python's `(?P<name>...)` / `(?P=name)`;
  the Rust engine, which refuses `\\k<name>`, gets the group's number instead.

Rejected with PatternError (they are not ECMA-262, or Python cannot express them):
escapes such as `\\A \\Z \\z \\a \\e`, inline flags other than `(?i:...)`/`(?-i:...)`,
and `\\p{...}` Unicode properties (Rust has them, Python's `re` does not). `check_pattern`
also refuses what either engine cannot compile once translated (a variable-width
look-behind in Python, a quantified look-around or a huge repeat in Rust); `EventSchema`
raises PatternError for such a pattern, and `lint` reports it as a plan-error.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Literal

from tracker_check.compile import map_children
from tracker_check.paths import is_index

Dialect = Literal["python", "rust"]

WORD = "A-Za-z0-9_"
DIGIT = "0-9"
SPACE = "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
LINE_TERMINATORS = "\\n\\r\\u2028\\u2029"
_SHORTHANDS = {
    "d": (False, DIGIT),
    "D": (True, DIGIT),
    "w": (False, WORD),
    "W": (True, WORD),
    "s": (False, SPACE),
    "S": (True, SPACE),
}
BOUNDARY = f"(?:(?<=[{WORD}])(?![{WORD}])|(?<![{WORD}])(?=[{WORD}]))"
NOT_BOUNDARY = f"(?:(?<=[{WORD}])(?=[{WORD}])|(?<![{WORD}])(?![{WORD}]))"
_SYNTAX = set("^$\\.*+?()[]{}|/-")
_SIMPLE_ESCAPES = {"t": 9, "n": 10, "v": 11, "f": 12, "r": 13}
_QUANTIFIER = re.compile(r"\{[0-9]+(?:,[0-9]*)?\}")
_GROUP_NAME = re.compile(r"<([A-Za-z_$][A-Za-z0-9_$]*)>")
_HEX = re.compile(r"[0-9A-Fa-f]+")


class PatternError(ValueError):
    """A `pattern` that is not ECMA-262, or that tracker-check cannot run on both engines."""


def _char(code: int, dialect: Dialect) -> str:
    """One code point as an escape both engines read as that literal character."""
    if code > 0xFFFF:
        return f"\\U{code:08X}" if dialect == "python" else f"\\x{{{code:X}}}"
    if code < 0x20 or code > 0x7E:
        return f"\\u{code:04X}"
    ch = chr(code)
    return f"\\{ch}" if ch in "\\]^-[&~|" or ch in ".*+?(){}$/" else ch


class _Translator:
    def __init__(self, pattern: str, dialect: Dialect) -> None:
        self.p, self.d, self.i = pattern, dialect, 0
        self.groups = 0  # capturing groups opened so far
        self.names: dict[str, int] = {}  # group name -> number (Rust has no \\k<name>)

    def fail(self, what: str) -> PatternError:
        return PatternError(f"{what} at position {self.i} of pattern {self.p!r}")

    def run(self) -> str:
        out: list[str] = []
        p = self.p
        while self.i < len(p):
            c = p[self.i]
            if c == "\\":
                out.append(self._escape_outside())
            elif c == "[":
                out.append(self._klass())
            elif c == ".":
                out.append(f"[^{LINE_TERMINATORS}]")
                self.i += 1
            elif c == "$":
                out.append("\\Z" if self.d == "python" else "$")
                self.i += 1
            elif c == "(":
                out.append(self._group())
            elif c == "{":
                m = _QUANTIFIER.match(p, self.i)
                out.append(m.group() if m else "\\{")
                self.i = m.end() if m else self.i + 1
            elif c in "}]":
                out.append("\\" + c)
                self.i += 1
            else:
                out.append(c)
                self.i += 1
        return "".join(out)

    def _group(self) -> str:
        p, i = self.p, self.i
        if not p.startswith("(?", i):
            self.i += 1
            self.groups += 1
            return "("
        for opener in ("(?:", "(?=", "(?!", "(?<=", "(?<!", "(?i:", "(?-i:"):
            if p.startswith(opener, i):
                self.i += len(opener)
                return opener
        m = _GROUP_NAME.match(p, i + 2)
        if m:
            self.i = m.end()
            self.groups += 1
            self.names[m.group(1)] = self.groups
            return f"(?P<{m.group(1)}>" if self.d == "python" else f"(?<{m.group(1)}>"
        raise self.fail("unsupported group or inline flag (ECMA-262 has (?: (?= (?! (?<= (?<!)")

    def _escape_outside(self) -> str:
        p = self.p
        if self.i + 1 >= len(p):
            raise self.fail("pattern ends with a lone backslash")
        e = p[self.i + 1]
        if e in _SHORTHANDS:
            self.i += 2
            negated, body = _SHORTHANDS[e]
            return f"[^{body}]" if negated else f"[{body}]"
        if e in "bB":
            self.i += 2
            return BOUNDARY if e == "b" else NOT_BOUNDARY
        if e in "123456789":
            m = re.compile(r"[0-9]+").match(p, self.i + 1)
            assert m is not None
            self.i = m.end()
            return "\\" + m.group()
        if e == "k":
            m = _GROUP_NAME.match(p, self.i + 2)
            if not m:
                raise self.fail("\\k must name a group: \\k<name>")
            self.i = m.end()
            if m.group(1) not in self.names:
                raise self.fail(f"\\k<{m.group(1)}> names no group opened before it")
            if self.d == "python":
                return f"(?P={m.group(1)})"
            return f"(?:\\{self.names[m.group(1)]})"
        if e in "pP":
            return self._property()
        code = self._char_escape()
        return _char(code, self.d)

    def _property(self) -> str:
        if self.d == "python":
            raise self.fail("Unicode property escapes (\\p{...}) are not supported")
        end = self.p.find("}", self.i)
        if self.p[self.i + 2 : self.i + 3] != "{" or end < 0:
            raise self.fail("\\p needs a {Property}")
        text = self.p[self.i : end + 1]
        self.i = end + 1
        return text

    def _char_escape(self) -> int:
        """A character escape at self.i (backslash included) -> its code point; advances."""
        p, i = self.p, self.i
        e = p[i + 1]
        if e in _SIMPLE_ESCAPES:
            self.i += 2
            return _SIMPLE_ESCAPES[e]
        if e == "0":
            if i + 2 < len(p) and is_index(p[i + 2]):
                raise self.fail("octal escapes are not ECMA-262 (unicode mode)")
            self.i += 2
            return 0
        if e == "c" and i + 2 < len(p) and p[i + 2].isascii() and p[i + 2].isalpha():
            self.i += 3
            return ord(p[i + 2]) % 32
        if e == "x":
            digits = p[i + 2 : i + 4]
            if len(digits) != 2 or not _HEX.fullmatch(digits):
                raise self.fail("\\x needs two hex digits")
            self.i += 4
            return int(digits, 16)
        if e == "u":
            return self._unicode_escape()
        if e in _SYNTAX:
            self.i += 2
            return ord(e)
        raise self.fail(f"\\{e} is not an ECMA-262 escape")

    def _unicode_escape(self) -> int:
        p, i = self.p, self.i
        if p.startswith("{", i + 2):
            end = p.find("}", i + 3)
            digits = p[i + 3 : end] if end > 0 else ""
            if not _HEX.fullmatch(digits) or int(digits, 16) > 0x10FFFF:
                raise self.fail("\\u{...} needs a hex code point up to 10FFFF")
            self.i = end + 1
            return int(digits, 16)
        digits = p[i + 2 : i + 6]
        if len(digits) != 4 or not _HEX.fullmatch(digits):
            raise self.fail("\\u needs four hex digits")
        code = int(digits, 16)
        self.i += 6
        low = p[self.i : self.i + 6]
        if 0xD800 <= code <= 0xDBFF and re.fullmatch(r"\\u[dD][c-fC-F][0-9A-Fa-f]{2}", low):
            self.i += 6  # a surrogate pair is one code point in unicode mode
            return 0x10000 + ((code - 0xD800) << 10) + (int(low[2:], 16) - 0xDC00)
        return code

    def _class_atom(self) -> tuple[str, int | None, tuple[bool, str] | None]:
        """One class member: (text, code point or None, shorthand or None)."""
        p = self.p
        c = p[self.i]
        if c != "\\":
            self.i += 1
            return _char(ord(c), self.d), ord(c), None
        if self.i + 1 >= len(p):
            raise self.fail("pattern ends with a lone backslash")
        e = p[self.i + 1]
        if e in _SHORTHANDS:
            self.i += 2
            return "", None, _SHORTHANDS[e]
        if e == "b":
            self.i += 2
            return _char(8, self.d), 8, None
        if e in "pP":
            text = self._property()
            return text, None, None
        code = self._char_escape()
        return _char(code, self.d), code, None

    def _klass(self) -> str:
        p = self.p
        self.i += 1
        negated = p.startswith("^", self.i)
        if negated:
            self.i += 1
        body: list[str] = []
        negs: list[str] = []
        while True:
            if self.i >= len(p):
                raise self.fail("unterminated character class")
            if p[self.i] == "]":
                self.i += 1
                break
            text, code, short = self._class_atom()
            if short is not None:
                (negs if short[0] else body).append(short[1])
                continue
            if p.startswith("-", self.i) and self.i + 1 < len(p) and p[self.i + 1] != "]":
                self.i += 1
                text2, code2, short2 = self._class_atom()
                if code is None or code2 is None or short2 is not None:
                    raise self.fail("a class range needs single characters at both ends")
                if code > code2:
                    raise self.fail("class range out of order")
                body.append(f"{text}-{text2}")
            else:
                body.append(text)
        return self._emit_class("".join(body), negs, negated)

    def _emit_class(self, body: str, negs: list[str], negated: bool) -> str:
        anything = "(?s:.)" if self.d == "python" else "[\\s\\S]"
        nothing = "(?!)" if self.d == "python" else "[^\\s\\S]"
        if not negs:
            if not body:
                return anything if negated else nothing
            return f"[{'^' if negated else ''}{body}]"
        if not negated:  # [x\D] = x or not-digit
            alternatives = ([f"[{body}]"] if body else []) + [f"[^{n}]" for n in negs]
            return "(?:" + "|".join(alternatives) + ")"
        # [^x\D\S] = not x, and a digit, and a space
        parts = [f"(?![{body}])"] if body else []
        parts += [f"(?=[{n}])" for n in negs[:-1]]
        return "(?:" + "".join(parts) + f"[{negs[-1]}])"


@functools.lru_cache(maxsize=4096)
def translate(pattern: str, dialect: Dialect) -> str:
    """An ECMA-262 `pattern` rewritten so `dialect`'s engine reads it the ECMA way."""
    return _Translator(pattern, dialect).run()


@functools.lru_cache(maxsize=4096)
def check_pattern(pattern: str) -> str | None:
    """None when `pattern` works on both engines, else a one-line reason.

    The one answer to "can tracker-check use this pattern?": `lint` asks it for every
    `pattern` and `patternProperties` key, and `EventSchema` refuses a schema holding a
    pattern it rejects, so a plan that lints clean always builds a `Validator`. Each
    engine compiles its translation: Python's `re` refuses e.g. variable-width
    look-behinds, the Rust engine e.g. quantified look-arounds and very large repeats.
    """
    try:
        python = translate(pattern, "python")
        rust = translate(pattern, "rust")
    except PatternError as exc:
        return str(exc)
    try:
        re.compile(python)
    except (re.error, OverflowError, RecursionError) as exc:
        # re.error's own position is in the translation, not in the user's pattern
        reason = exc.msg if isinstance(exc, re.error) else str(exc)
        return f"{reason} (Python's re) in pattern {pattern!r}"
    import jsonschema_rs  # ~0.1 s to import: only `lint` of a plan with patterns pays it here

    try:
        jsonschema_rs.validator_for({"pattern": rust})
    except ValueError:
        return (
            f"the Rust engine (jsonschema_rs) cannot compile pattern {pattern!r} "
            "(too large once compiled, or a quantifier on a look-around)"
        )
    return None


def schema_patterns(schema: Any) -> list[str]:
    """Every `pattern` and `patternProperties` key in `schema`, in schema positions only."""
    found: list[str] = []

    def visit(node: Any) -> Any:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                found.append(node["pattern"])
            props = node.get("patternProperties")
            if isinstance(props, dict):
                found.extend(props)
            map_children(node, visit)
        return node

    visit(schema)
    return found


def engine_schema(schema: Any, dialect: Dialect) -> Any:
    """A copy of `schema` whose `pattern`s and `patternProperties` keys use `dialect`."""
    if not isinstance(schema, dict):
        return schema
    out = map_children(schema, lambda child: engine_schema(child, dialect))
    if isinstance(out.get("pattern"), str):
        out["pattern"] = translate(out["pattern"], dialect)
    props = out.get("patternProperties")
    if isinstance(props, dict):
        out["patternProperties"] = {translate(k, dialect): v for k, v in props.items()}
    return out
