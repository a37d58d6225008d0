"""The plan meta-schema (schemas/tracking-plan.v1.schema.json) → plan-error findings. Pure.

Every jsonschema error becomes one finding that names the offending key, points at it (the
key for unknown keys, the value for bad values) and carries a hint: did-you-mean for typos,
the allowed values for enums. The schema's own `x-error` annotations (validator → message)
give wordings for the places where a raw jsonschema message would confuse (durations, steps).
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from tracker_check.models import Finding
from tracker_check.plan.yamlpos import Positions, escape, plan_error

SCHEMA_NAME = "tracking-plan.v1.schema.json"
STEP_EXTRAS = ("expect", "timeout")


@functools.cache
def _validator() -> Any:
    # imported here: jsonschema costs ~0.1 s and only lint needs it
    from jsonschema import Draft202012Validator

    from tracker_check import resources

    return Draft202012Validator(resources.schema(SCHEMA_NAME))


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """`did you mean `x`?` for the closest choice, if any is close."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean `{match[0]}`?" if match else None


@functools.cache
def _fast_validator() -> Any:
    import jsonschema_rs

    from tracker_check import resources

    return jsonschema_rs.Draft202012Validator(resources.schema(SCHEMA_NAME))


def _surely_valid(data: Any) -> bool:
    """The Rust engine's verdict, ~10x quicker to reach than importing `jsonschema`; a test
    holds both engines to the same verdict on every plan of the corpus. Any doubt (a value
    the Rust engine cannot take) goes to the full check."""
    try:
        return bool(_fast_validator().is_valid(data))
    except Exception:
        return False


def schema_findings(data: Any, positions: Positions) -> list[Finding]:
    """Every meta-schema error in `data` as findings (not just the first).

    A valid plan (the common case) is confirmed by jsonschema_rs alone; only an invalid one
    pays for `jsonschema`, whose errors carry what the findings need (paths, validators).
    """
    if _surely_valid(data):
        return []
    found: list[Finding] = []
    for error in _validator().iter_errors(data):
        found.extend(_map(error, positions, data))
    return found


def _tokens(error: Any) -> list[str | int]:
    return list(error.absolute_path)


def _ptr(tokens: Sequence[str | int]) -> str:
    return "".join("/" + escape(str(t)) for t in tokens)


def context(tokens: Sequence[str | int], data: Any = None) -> str:
    """Where in the plan a pointer is, in words: `in step 2 of flow "checkout"`."""
    t = list(tokens)
    if not t:
        return "at the top level"
    head = t[0]
    if len(t) == 1 and head != "settings":
        return "at the top level"
    if head == "events" and len(t) >= 2:
        if len(t) >= 4 and t[2] == "parameters":
            return f"in parameter `{_dotted(t[3:])}` of event `{t[1]}`"
        return f"in event `{t[1]}`"
    if head == "global_parameters" and len(t) >= 2:
        return f"in global parameter `{_dotted(t[1:])}`"
    if head == "definitions" and len(t) >= 2:
        return f"in definition `{_dotted(t[1:])}`"
    if head == "flows" and len(t) >= 2 and isinstance(t[1], int):
        flow = f"flow {t[1] + 1}"
        flows = data.get("flows") if isinstance(data, dict) else None
        if isinstance(flows, list) and t[1] < len(flows) and isinstance(flows[t[1]], dict):
            name = flows[t[1]].get("name")
            if isinstance(name, str):
                flow = f"flow `{name}`"
        if len(t) >= 4 and t[2] == "steps" and isinstance(t[3], int):
            return f"in step {t[3] + 1} of {flow}"
        if len(t) >= 3 and t[2] == "start":
            return f"in the start of {flow}"
        return f"in {flow}"
    if head == "settings":
        return "in settings"
    return f"in `{head}`"


def _dotted(tokens: Sequence[str | int]) -> str:
    """Inside a parameter fragment: its dotted property path (`ecommerce.items.0.price`)."""
    parts = [str(tokens[0])]
    for prev, token in itertools.pairwise(tokens):
        if prev in ("properties", "patternProperties") and isinstance(token, str):
            parts.append(token)
        elif token == "items":
            parts.append("0")
    # the last token is often the keyword itself (`type`, `items`), not a property
    if tokens[-1] == "items" and len(tokens) > 1:
        parts.pop()
    return ".".join(parts)


def _key_name(tokens: Sequence[str | int]) -> str:
    """The name of the thing at the pointer: its key, or `item N of key` for list items."""
    if not tokens:
        return "plan"
    last = tokens[-1]
    if isinstance(last, int):
        parent = next((str(t) for t in reversed(tokens) if isinstance(t, str)), "list")
        return f"item {last + 1} of {parent}"
    return str(last)


def _is_step(tokens: Sequence[str | int]) -> bool:
    return len(tokens) == 4 and tokens[0] == "flows" and tokens[2] == "steps"


def _is_fragment(schema: dict[str, Any]) -> bool:
    return "optional" in schema.get("properties", {})


def _custom(error: Any, tokens: Sequence[str | int]) -> str | None:
    messages = error.schema.get("x-error") if isinstance(error.schema, dict) else None
    if isinstance(messages, dict) and error.validator in messages:
        return str(messages[error.validator]).format(key=_key_name(tokens))
    return None


def _type_name(value: Any) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "null": "empty",
}


def _map(error: Any, pos: Positions, data: Any) -> Iterator[Finding]:
    tokens = _tokens(error)
    ptr = _ptr(tokens)
    where = context(tokens, data)
    key = _key_name(tokens)
    v = error.validator
    if v == "additionalProperties":
        yield from _unknown_keys(error, tokens, pos, where)
        return
    if v in ("anyOf", "oneOf"):
        branch = _matching_branch(error)
        if branch is not None:
            for inner in branch:
                yield from _map(inner, pos, data)
            return
    custom = _custom(error, tokens)
    if v == "required":
        missing = [r for r in error.validator_value if r not in error.instance]
        for name in missing:
            if not tokens:
                message = f"plan is missing `{name}`"
            elif isinstance(tokens[-1], int):  # a list item: a flow, an expectation
                message = f"missing `{name}` ({where})"
            else:
                message = f"`{key}` is missing `{name}` ({where})"
            yield plan_error(message, pos.key(ptr), _required_hint(name))
        return
    if v == "enum":
        allowed = [str(a) for a in error.validator_value]
        hint = (
            did_you_mean(str(error.instance), allowed) if isinstance(error.instance, str) else None
        )
        yield plan_error(
            f"`{key}` is `{error.instance}`, not one of {', '.join(allowed)} ({where})",
            pos.value(ptr),
            hint or f"allowed: {', '.join(allowed)}",
        )
        return
    if custom:
        hint = None
        enum = error.schema.get("x-enum")
        if enum and isinstance(error.instance, str):
            hint = did_you_mean(error.instance, enum)
        yield plan_error(f"{custom} ({where})", pos.value(ptr), hint)
        return
    yield plan_error(_generic(error, key, where), pos.value(ptr), _generic_hint(error))


def _matching_branch(error: Any) -> list[Any] | None:
    """For anyOf/oneOf: the errors of the one branch whose JSON type fits the instance.

    Reporting that branch's own errors (an unknown key inside `{selector: ...}`, a typo in an
    enum) beats a vague "matches none of the forms", unless the branch only fails as a whole.
    """
    branches = error.validator_value
    fitting = [i for i, b in enumerate(branches) if _type_fits(b, error.instance)]
    if len(fitting) != 1:
        return None
    inner = [e for e in error.context if e.relative_schema_path[0] == fitting[0]]
    if not inner:
        return None
    here = list(error.absolute_path)
    specific = [
        e
        for e in inner
        if list(e.absolute_path) != here
        or e.validator in ("additionalProperties", "required", "enum")
    ]
    return specific or None


def _type_fits(schema: Any, value: Any) -> bool:
    if not isinstance(schema, dict) or "type" not in schema:
        return True
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return any(_is_type(value, t) for t in types)


def _is_type(value: Any, t: str) -> bool:
    if t == "object":
        return isinstance(value, dict)
    if t == "array":
        return isinstance(value, list)
    if t == "string":
        return isinstance(value, str)
    if t == "boolean":
        return isinstance(value, bool)
    if t == "null":
        return value is None
    if isinstance(value, bool):
        return False
    if t == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    return isinstance(value, int | float)  # number


def _unknown_keys(
    error: Any, tokens: list[str | int], pos: Positions, where: str
) -> Iterator[Finding]:
    schema = error.schema
    allowed = list(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    extras = [
        k for k in error.instance if k not in allowed and not any(p.search(k) for p in patterns)
    ]
    for extra in extras:
        loc = pos.key(_ptr([*tokens, extra]))
        hint = did_you_mean(extra, allowed)
        if _is_step(tokens) and extra not in STEP_EXTRAS:
            yield plan_error(
                f"unknown step action `{extra}` ({where})",
                loc,
                hint or f"actions: {', '.join(k for k in allowed if k not in STEP_EXTRAS)}",
            )
            continue
        if hint is None:
            if _is_fragment(schema):
                hint = "not a JSON Schema keyword (prefix your own annotations with `x-`)"
            elif len(tokens) == 2 and tokens[0] == "events":
                hint = f"event keys: {', '.join(allowed)}; parameters go under `parameters:`"
            else:
                hint = f"allowed keys: {', '.join(allowed)}"
        what = "JSON Schema keyword" if _is_fragment(schema) else "key"
        yield plan_error(f"unknown {what} `{extra}` ({where})", loc, hint)


def _required_hint(name: str) -> str | None:
    return {
        "version": "start the plan with `version: 1`",
        "events": "list the planned events under `events:` (`events: {}` for none)",
        "steps": "a flow needs `steps:` (a list of actions)",
        "name": "give the flow a `name:`",
        "event": "write {event: NAME, ...}",
    }.get(name)


def _generic(error: Any, key: str, where: str) -> str:
    v, value, inst = error.validator, error.validator_value, error.instance
    if v == "type":
        types = value if isinstance(value, list) else [value]
        wanted = " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in types)
        return f"`{key}` must be {wanted}, not {_type_name(inst)} ({where})"
    if v == "minimum":
        return f"`{key}` must be at least {value}, not {inst} ({where})"
    if v == "maximum":
        return f"`{key}` must be at most {value}, not {inst} ({where})"
    if v == "exclusiveMinimum":
        return f"`{key}` must be greater than {value}, not {inst} ({where})"
    if v == "minLength":
        return f"`{key}` must not be empty ({where})"
    if v == "minItems":
        return f"`{key}` needs at least {value} item(s) ({where})"
    if v == "minProperties":
        return f"`{key}` must not be empty ({where})"
    if v == "uniqueItems":
        return f"`{key}` lists the same value twice ({where})"
    if v == "pattern":
        return f"`{key}` value `{inst}` does not match {value} ({where})"
    if v == "const":
        return f"`{key}` must be {value!r} ({where})"
    return f"`{key}`: {error.message} ({where})"


def _numeric(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str)


def _generic_hint(error: Any) -> str | None:
    if error.validator == "type":
        wanted = (
            error.validator_value
            if isinstance(error.validator_value, list)
            else [error.validator_value]
        )
        if "array" in wanted:
            return "write a list: [a, b], or one `- item` per line"
        if "object" in wanted:
            return "write a mapping: {key: value}, or one `key: value` per line"
        if {"number", "integer"} & set(wanted) and _numeric(error.instance):
            return "write the number without quotes"
        return None
    if error.validator == "pattern" and "A-Za-z_$" in str(error.validator_value):
        return "a data layer is the name of a global JavaScript array, e.g. dataLayer"
    if error.validator == "uniqueItems":
        return "remove the repeated entry"
    return None
