"""Is a `pattern` a regular expression every validator accepts? Pure.

JSON Schema patterns are ECMA-262 regexes; tracker-check validates with Python's `jsonschema`
and the Rust `jsonschema_rs`, so a pattern must compile in both. Python's `re` is asked first;
`jsonschema_rs` (~0.1 s to import) only for patterns using syntax beyond the plain core every
dialect shares, which keeps `tracker-check lint` fast on ordinary plans.
"""

from __future__ import annotations

import functools
import re

# plain core: literals, classes, anchors, groups without `(?`, standard escapes, {n}/{n,}/{n,m}
_PORTABLE = re.compile(
    r"""^(?:
        [^\\(){}]
      | \\[dDwWsSbBnrtfv.\\/^$|?*+()\[\]{}\-]
      | \((?!\?)
      | \)
      | \{\d+(?:,\d*)?\}
    )*$""",
    re.VERBOSE,
)


@functools.cache
def pattern_problem(pattern: str) -> str | None:
    """None if `pattern` compiles everywhere, else a short reason."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return str(exc)
    if _PORTABLE.match(pattern):
        return None
    import jsonschema_rs

    try:
        jsonschema_rs.validator_for({"pattern": pattern})
    except jsonschema_rs.ValidationError:
        return "not a valid ECMA-262 regular expression"
    return None
