"""Property tests over every fixture plan's compiled schemas.

(a) generated valid events pass; (b) each single mutation yields exactly its code at its
pointer; (c) differential: jsonschema_rs and Python jsonschema (both given the pattern
translation) agree on every verdict and on the set of error locations.

The instance generator below understands the JSON Schema the fixture plans use (types,
enum/const, pattern, lengths, ranges, items, required, dependentRequired, anyOf of
`required` branches, $ref).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import jsonschema_rs
from hypothesis import HealthCheck, assume, given, settings

from tracker_check.plan.load import load_plan
from tracker_check.validate.engine import EventSchema
from tracker_check.validate.events import Validator
from tracker_check.validate.regex import translate

CASES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "plans"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "expected.json").is_file())
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TRICKY = ["١٢٣٤٥", "12345\n", "EUR\n", "Café", "a\rb", "\u2028", "x" * 3, "", "é", "A_1", "EUR"]


@functools.cache
def schemas() -> list[tuple[str, EventSchema]]:
    out = []
    for case in CASES:
        validator = Validator(load_plan(case / "plan.yaml"))
        for name in sorted(validator.plan.events):
            out.append((f"{case.name}:{name}", validator.schema(name)))
    return out


def resolve(schema: Any, root: dict[str, Any]) -> Any:
    while isinstance(schema, dict) and "$ref" in schema:
        node: Any = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema = node
    return schema


JSON_LEAVES = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=3)


def instances(schema: Any, root: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values valid under `schema`."""
    schema = resolve(schema, root)
    if schema is True or schema == {}:
        return JSON_LEAVES
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind is None:
        kind = "object" if "properties" in schema or "required" in schema else None
    if isinstance(kind, list):
        return st.one_of([instances({**schema, "type": k}, root, depth) for k in kind])
    if kind == "object":
        return _objects(schema, root, depth)
    if kind == "array":
        low = schema.get("minItems", 0)
        high = min(schema.get("maxItems", low + 3), low + 3 if depth < 3 else low)
        return st.lists(
            instances(schema.get("items", {}), root, depth + 1), min_size=low, max_size=high
        )
    if kind == "string":
        low, high = schema.get("minLength", 0), schema.get("maxLength", 12)
        if "pattern" in schema:
            rx = translate(schema["pattern"], "python")
            return st.from_regex(rx).filter(lambda s: low <= len(s) <= high)
        return st.text(min_size=low, max_size=high)
    if kind in ("number", "integer"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", -1000) + 1)
        high = schema.get("maximum", schema.get("exclusiveMaximum", 1000) - 1)
        if kind == "integer":
            return st.integers(int(low), int(high))
        return st.floats(low, high, allow_nan=False) | st.integers(int(low) + 1, int(high))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    return JSON_LEAVES


def _objects(schema: dict[str, Any], root: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    props: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    branches = [b.get("required", []) for b in schema.get("anyOf", [])]

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        must = set(required)
        if branches:
            must |= set(draw(st.sampled_from(branches)))
        keys = [k for k in props if k in must or (depth < 4 and draw(st.booleans()))]
        keys += sorted(must - set(props))
        for trigger, deps in schema.get("dependentRequired", {}).items():
            if trigger in keys:
                keys += [d for d in deps if d not in keys]
        return {k: draw(instances(props.get(k, {}), root, depth + 1)) for k in keys}

    return build()


def sites(schema: Any, value: Any, root: dict[str, Any], path: tuple[Any, ...] = ()) -> list[Any]:
    """(path, schema, parent-required?) for every value in an instance."""
    schema = resolve(schema, root)
    out = [(path, schema)]
    if isinstance(value, dict) and isinstance(schema, dict):
        for key, child in value.items():
            out += sites(schema.get("properties", {}).get(key, {}), child, root, (*path, key))
    elif isinstance(value, list) and isinstance(schema, dict):
        for i, child in enumerate(value):
            out += sites(schema.get("items", {}), child, root, (*path, i))
    return out


def pointer(path: tuple[Any, ...]) -> str:
    return "".join(f"/{p}" for p in path)


def put(instance: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy: Any = dict(instance) if isinstance(instance, dict) else list(instance)
    copy[path[0]] = put(instance[path[0]], path[1:], value)
    return copy


def drop(instance: Any, path: tuple[Any, ...], key: str) -> Any:
    if not path:
        return {k: v for k, v in instance.items() if k != key}
    copy: Any = dict(instance) if isinstance(instance, dict) else list(instance)
    copy[path[0]] = drop(instance[path[0]], path[1:], key)
    return copy


SCHEMAS = st.sampled_from(range(10_000)).map(lambda i: schemas()[i % len(schemas())])


@SETTINGS
@given(data=st.data())
def test_generated_valid_events_pass(data: st.DataObject) -> None:
    label, schema = data.draw(SCHEMAS)
    instance = data.draw(instances(schema.schema, schema.schema), label=label)
    assert schema.is_valid(instance), (label, instance, schema.violations(instance))
    assert schema.violations(instance) == []


def _wrong_type(kind: str) -> Any:
    return {
        "string": 12,
        "number": "12",
        "integer": "12",
        "boolean": "yes",
        "object": [1],
        "array": {"a": 1},
        "null": 0,
    }[kind]


@SETTINGS
@given(data=st.data())
def test_each_single_mutation_yields_its_code_and_pointer(data: st.DataObject) -> None:
    label, schema = data.draw(SCHEMAS)
    root = schema.schema
    instance = data.draw(instances(root, root), label=label)
    candidates: list[tuple[str, Any, str]] = []
    for path, sub in sites(root, instance, root):
        if not isinstance(sub, dict):
            continue
        value = _at(instance, path)
        for key in sub.get("required", []):
            if isinstance(value, dict) and key in value:
                candidates.append(("drop", (path, key), "missing-parameter"))
        kind = sub.get("type")
        if isinstance(kind, str) and path:
            candidates.append(("put", (path, _wrong_type(kind)), "invalid-parameter"))
        if "enum" in sub and path:
            candidates.append(("put", (path, "not-in-the-enum-✗"), "invalid-parameter"))
        if "pattern" in sub and path:
            bad = data.draw(st.sampled_from(TRICKY), label="bad string")
            if not re.search(translate(sub["pattern"], "python"), bad):
                candidates.append(("put", (path, bad), "invalid-parameter"))
        if "minimum" in sub and path:
            candidates.append(("put", (path, sub["minimum"] - 1), "invalid-parameter"))
        if "maximum" in sub and path:
            candidates.append(("put", (path, sub["maximum"] + 1), "invalid-parameter"))
    assume(candidates)
    how, args, code = data.draw(st.sampled_from(candidates), label="mutation")
    if how == "drop":
        path, key = args
        mutated, where = drop(instance, path, key), (*path, key)
    else:
        path, value = args
        mutated, where = put(instance, path, value), path
    found = {(v.code, v.pointer) for v in schema.violations(mutated)}
    assert found == {(code, pointer(where))}, (label, how, args)


def _at(instance: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        instance = instance[part]
    return instance


def rust_errors(schema: EventSchema, instance: Any) -> set[tuple[Any, ...]]:
    out = set()
    for e in schema.rust.iter_errors(instance):
        keyword = e.kind.name
        if isinstance(e.kind, jsonschema_rs.ValidationErrorKind.Required):
            keyword = "dependentRequired" if e.schema_path[-1] == "dependentRequired" else keyword
        out.add((tuple(e.instance_path), keyword))
    return out


def python_errors(schema: EventSchema, instance: Any) -> set[tuple[Any, ...]]:
    return {(tuple(e.absolute_path), e.validator) for e in schema.python.iter_errors(instance)}


@SETTINGS
@given(data=st.data())
def test_both_engines_agree(data: st.DataObject) -> None:
    label, schema = data.draw(SCHEMAS)
    root = schema.schema
    instance = data.draw(instances(root, root), label=label)
    spots = [p for p, _ in sites(root, instance, root) if p]
    if spots and data.draw(st.booleans()):
        spot = data.draw(st.sampled_from(spots))
        junk = data.draw(
            st.sampled_from(TRICKY) | JSON_LEAVES | st.floats(allow_nan=False) | st.just([])
        )
        instance = put(instance, spot, junk)
    verdict = schema.is_valid(instance)
    assert verdict == schema.python.is_valid(instance), (label, instance)
    assert rust_errors(schema, instance) == python_errors(schema, instance), (label, instance)
    assert verdict == (not rust_errors(schema, instance))


def test_the_generators_cover_every_fixture_schema() -> None:
    assert len(schemas()) >= 30
