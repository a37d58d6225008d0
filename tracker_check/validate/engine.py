"""One compiled event schema, checked fast; violations explained only for invalid events. Pure.

The fast path is `jsonschema_rs` (`is_valid`, built once per schema and reused). Only an
invalid instance is walked again with `iter_errors` to build `Violation`s. Python's
`jsonschema` runs only to pick the most relevant branch of a failed `anyOf`/`oneOf`
(`best_match`). Both engines get the schema with patterns translated to their dialect
(`regex.engine_schema`), so they agree with ECMA-262 and with each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jsonschema
import jsonschema_rs
from jsonschema.exceptions import best_match

from tracker_check.validate.messages import describe_problem, display_path, pointer
from tracker_check.validate.regex import (
    PatternError,
    check_pattern,
    engine_schema,
    schema_patterns,
)

Path = tuple[str | int, ...]

MISSING = "missing-parameter"
INVALID = "invalid-parameter"
UNEXPECTED = "unexpected-parameter"


@dataclass(frozen=True, slots=True)
class Violation:
    """One reason an instance breaks its schema. `code` is a finding code."""

    code: str
    path: Path  # to the offending value (for a missing key: to where it should be)
    keyword: str  # the JSON Schema keyword that failed
    expected: Any
    actual: Any
    message: str  # readable, without the event name

    @property
    def pointer(self) -> str:
        return pointer(self.path)


def _resolve(schema: Any, path: list[str | int]) -> Any:
    node = schema
    for part in path:
        node = node[part]
    return node


class EventSchema:
    """A compiled event schema with its two engines (the Python one built on demand)."""

    __slots__ = ("_python", "is_valid", "name", "rust", "schema")

    def __init__(self, name: str, schema: dict[str, Any]) -> None:
        self.name = name
        self.schema = schema  # ECMA patterns, as `tracker-check schema` prints it
        for pattern in schema_patterns(schema):  # the Python engine compiles them only later
            problem = check_pattern(pattern)
            if problem:
                raise PatternError(problem)
        self.rust = jsonschema_rs.validator_for(engine_schema(schema, "rust"))
        self.is_valid = self.rust.is_valid  # bound once: the hot path is one call
        self._python: Any = None

    @property
    def python(self) -> Any:
        if self._python is None:
            self._python = jsonschema.Draft202012Validator(engine_schema(self.schema, "python"))
        return self._python

    def violations(self, instance: Any) -> list[Violation]:
        """Every violation of an invalid instance, in a stable order ([] when valid)."""
        found: list[Violation] = []
        for error in self.rust.iter_errors(instance):
            found.extend(self._explain(error, instance))
        found.sort(key=lambda v: (_sort_key(v.path), v.code, v.keyword))
        return found

    def _explain(self, error: Any, root: Any) -> list[Violation]:
        kind = error.kind
        path: Path = tuple(error.instance_path)
        keyword = kind.name
        if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
            triggers: list[str] = []
            if error.schema_path[-1:] == ["dependentRequired"]:
                deps = _resolve(self.schema, list(error.schema_path))
                triggers = _triggers(deps, kind.property, error.instance)
            return [_missing(path, kind.property, triggers)]
        if isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
            code = UNEXPECTED if not path else INVALID
            return [_unexpected(code, path, key, error.instance) for key in kind.unexpected]
        if isinstance(kind, jsonschema_rs.ValidationErrorKind.AnyOf | _ONE_OF):
            return self._best_branch(path, kind, root, error)
        expected = self._expected(error, keyword)
        return [
            Violation(
                INVALID,
                path,
                keyword,
                expected,
                error.instance,
                describe_problem(path, keyword, expected, error.instance, error.message),
            )
        ]

    def _expected(self, error: Any, keyword: str) -> Any:
        if keyword == "falseSchema":
            return False
        try:  # the keyword's value as written (ECMA pattern, not the engine's translation)
            return {keyword: _resolve(self.schema, list(error.schema_path))}
        except (KeyError, IndexError, TypeError):
            return {keyword: None}

    def _best_branch(self, path: Path, kind: Any, root: Any, error: Any) -> list[Violation]:
        branches: list[list[Any]] = list(kind.context)
        required = [[e for e in b if e.kind.name == "required"] for b in branches]
        only_required = all(r and len(r) == len(b) for r, b in zip(required, branches, strict=True))
        if branches and only_required:
            # "item_id or item_name": every way to pass only lacks keys
            names = [e.kind.property for r in required for e in r if tuple(e.instance_path) == path]
            if names:
                options = list(dict.fromkeys(names))
                return [
                    Violation(
                        MISSING,
                        (*path, options[0]),
                        "required",
                        {"anyOf": [{"required": [n]} for n in options]},
                        None,
                        f"{display_path(path)} needs one of: {', '.join(options)}",
                    )
                ]
        leaf = self._python_best(path, root)
        if leaf is not None:
            return self._explain_python(leaf)
        expected = self._expected(error, kind.name)
        message = describe_problem(path, kind.name, expected, error.instance, error.message)
        return [Violation(INVALID, path, kind.name, expected, error.instance, message)]

    def _python_best(self, path: Path, root: Any) -> Any:
        for error in self.python.iter_errors(root):
            if tuple(error.absolute_path) == path and error.validator in ("anyOf", "oneOf"):
                return best_match(error.context) if error.context else None
        return None

    def _explain_python(self, error: Any) -> list[Violation]:
        path: Path = tuple(error.absolute_path)
        keyword = str(error.validator)
        if keyword in ("required", "dependentRequired"):
            value, instance = error.validator_value, error.instance
            if keyword == "required":
                missing = [k for k in value if k not in instance]
                return [_missing(path, k, []) for k in missing]
            missing = sorted({k for ks in value.values() for k in ks if k not in instance})
            return [_missing(path, k, _triggers(value, k, instance)) for k in missing]
        expected = {keyword: error.validator_value}
        message = describe_problem(path, keyword, expected, error.instance, error.message)
        return [Violation(INVALID, path, keyword, expected, error.instance, message)]


_ONE_OF = (
    jsonschema_rs.ValidationErrorKind.OneOfNotValid
    | jsonschema_rs.ValidationErrorKind.OneOfMultipleValid
)


def _triggers(deps: Any, key: str, instance: Any) -> list[str]:
    """The present properties whose `dependentRequired` entry lists `key`."""
    if not isinstance(deps, dict) or not isinstance(instance, dict):
        return []
    return sorted(t for t, names in deps.items() if t in instance and key in names)


def _missing(path: Path, key: str, triggers: list[str]) -> Violation:
    where = f"{display_path(path)}." if path else ""
    message = f"{where}{key} is missing"
    if triggers:
        message += f" (required when {' and '.join(triggers)} is set)"
    return Violation(MISSING, (*path, key), "required", {"required": [key]}, None, message)


def _unexpected(code: str, path: Path, key: str, instance: Any) -> Violation:
    value = instance.get(key) if isinstance(instance, dict) else None
    where = f"{display_path(path)}." if path else ""
    message = f"{where}{key} is not in the tracking plan"
    return Violation(code, (*path, key), "additionalProperties", None, value, message)


def _sort_key(path: Path) -> tuple[tuple[int, str], ...]:
    return tuple((0, f"{p:09d}") if isinstance(p, int) else (1, p) for p in path)
