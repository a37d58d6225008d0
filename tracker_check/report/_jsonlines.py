"""Pretty-printed JSON that knows which JSON pointer each line shows (for highlighting).

`json.dumps(indent=2)` gives the text but not where a value sits, and a finding's pointer
(`/ecommerce/items/0/price`) has to light up the line that holds it. Pure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tracker_check.report._format import jsonable


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    pointer: str  # JSON pointer of the value that starts (or closes) on this line


def escape_token(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def pretty_lines(value: Any) -> list[Line]:
    """`value` as indent-2 JSON, one Line per output line (matches json.dumps(indent=2))."""
    return _lines(jsonable(value), "", 0, "")


def _lines(value: Any, pointer: str, depth: int, prefix: str) -> list[Line]:
    pad = "  " * depth
    if isinstance(value, dict) and value:
        out = [Line(f"{pad}{prefix}{{", pointer)]
        items = list(value.items())
        for i, (k, v) in enumerate(items):
            key = json.dumps(k, ensure_ascii=False) + ": "
            child = _lines(v, f"{pointer}/{escape_token(k)}", depth + 1, key)
            out += _comma(child, i < len(items) - 1)
        return [*out, Line(f"{pad}}}", pointer)]
    if isinstance(value, list) and value:
        out = [Line(f"{pad}{prefix}[", pointer)]
        for i, v in enumerate(value):
            out += _comma(_lines(v, f"{pointer}/{i}", depth + 1, ""), i < len(value) - 1)
        return [*out, Line(f"{pad}]", pointer)]
    return [Line(f"{pad}{prefix}{json.dumps(value, ensure_ascii=False)}", pointer)]


def _comma(lines: list[Line], more: bool) -> list[Line]:
    if more:
        last = lines[-1]
        lines[-1] = Line(last.text + ",", last.pointer)
    return lines


def target_lines(lines: list[Line], pointer: str) -> set[int]:
    """Indexes of the lines to highlight for `pointer`: its value's first line, else the
    nearest enclosing value that exists (a missing parameter points at its parent object)."""
    wanted = pointer
    while True:
        hits = {i for i, line in enumerate(lines) if line.pointer == wanted}
        if hits:
            return {min(hits)}
        if not wanted:
            return set()
        wanted = wanted.rsplit("/", 1)[0]
