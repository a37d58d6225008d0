"""Sentences a marketer can read, built from a failed keyword. Pure."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_TYPE_NAMES = {
    "string": "a string",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}


def pointer(path: tuple[str | int, ...] | list[str | int]) -> str:
    """RFC 6901 JSON pointer ("" for the whole instance)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def display_path(path: tuple[str | int, ...] | list[str | int]) -> str:
    """`ecommerce.items[0].price`; "the event" for the whole parameters object."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the event"


def _json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def describe(value: Any) -> str:
    """`the string "19.99"`, `the number 5`, `null`, `an object`, `a list of 3 items`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"the string {_json(value)}"
    if isinstance(value, int | float):
        return f"the number {_json(value)}"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "an object"
    return _json(value)


def _types(types: Any) -> str:
    names = [types] if isinstance(types, str) else list(types or [])
    return " or ".join(_TYPE_NAMES.get(t, t) for t in names)


def _choices(options: list[Any]) -> str:
    return ", ".join(_json(o) for o in options)


_PHRASES: dict[str, Callable[[Any, str, int | None], str]] = {
    "type": lambda limit, got, size: f"must be {_types(limit)}{got}",
    "enum": lambda limit, got, size: f"must be one of {_choices(limit or [])}{got}",
    "const": lambda limit, got, size: f"must be {_json(limit)}{got}",
    "pattern": lambda limit, got, size: f"must match the pattern {limit}{got}",
    "minimum": lambda limit, got, size: f"must be at least {_json(limit)}{got}",
    "maximum": lambda limit, got, size: f"must be at most {_json(limit)}{got}",
    "exclusiveMinimum": lambda limit, got, size: f"must be greater than {_json(limit)}{got}",
    "exclusiveMaximum": lambda limit, got, size: f"must be less than {_json(limit)}{got}",
    "multipleOf": lambda limit, got, size: f"must be a multiple of {_json(limit)}{got}",
    "minLength": lambda limit, got, size: f"must be at least {limit} characters long, got {size}",
    "maxLength": lambda limit, got, size: f"must be at most {limit} characters long, got {size}",
    "minItems": lambda limit, got, size: f"must have at least {limit} item(s), got {size}",
    "maxItems": lambda limit, got, size: f"must have at most {limit} item(s), got {size}",
    "minProperties": lambda limit, got, size: f"must have at least {limit} field(s), got {size}",
    "maxProperties": lambda limit, got, size: f"must have at most {limit} field(s), got {size}",
    "uniqueItems": lambda limit, got, size: "must not contain the same item twice",
    "format": lambda limit, got, size: f"must be a valid {limit}{got}",
    "falseSchema": lambda limit, got, size: f"is not allowed here{got}",
    "not": lambda limit, got, size: f"must not match {_json(limit)}{got}",
}


def describe_problem(
    path: tuple[str | int, ...], keyword: str, expected: Any, actual: Any, fallback: str
) -> str:
    """`ecommerce.items[0].price must be a number, got the string "19.99"`."""
    where = display_path(path)
    phrase = _PHRASES.get(keyword)
    if phrase is None:
        return f"{where}: {fallback}"
    limit = expected.get(keyword) if isinstance(expected, dict) else None
    size = len(actual) if isinstance(actual, str | list | dict) else None
    return f"{where} {phrase(limit, f', got {describe(actual)}', size)}"
