"""Walking the plan's JSON Schema fragments: subschemas, `$ref` targets, dotted paths. Pure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from tracker_check.paths import is_index
from tracker_check.plan.metaschema import did_you_mean
from tracker_check.plan.yamlpos import escape

# keywords holding one subschema / a name → subschema map / a list of subschemas
SUBSCHEMA_ONE = (  # shared with compile.py: one table of where subschemas live
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
)
SUBSCHEMA_MAP = ("properties", "patternProperties", "dependentSchemas")
SUBSCHEMA_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_BRANCHES = ("allOf", "anyOf", "oneOf")
_MAX_REFS = 32  # a path through more refs than this is a ref loop


def fragments(frag: Any, ptr: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Every schema mapping in `frag` with its pointer; `enum`/`const`/`default` values skipped."""
    if not isinstance(frag, dict):
        return
    yield frag, ptr
    for key in SUBSCHEMA_ONE:
        yield from fragments(frag.get(key), f"{ptr}/{key}")
    for key in SUBSCHEMA_MAP:
        sub = frag.get(key)
        if isinstance(sub, dict):
            for name, value in sub.items():
                yield from fragments(value, f"{ptr}/{key}/{escape(str(name))}")
    for key in SUBSCHEMA_LIST:
        sub = frag.get(key)
        if isinstance(sub, list):
            for i, value in enumerate(sub):
                yield from fragments(value, f"{ptr}/{key}/{i}")


def _unescape(token: str) -> str:
    return unquote(token).replace("~1", "/").replace("~0", "~")


def ref_target(ref: str) -> tuple[str, str, list[str]] | None:
    """`#/definitions/X/properties/y` → ("plan", "X", ["properties", "y"]); `ga4#/...` → "ga4".

    None for any other form (the meta-schema rejects those).
    """
    for prefix, space in (("#/definitions/", "plan"), ("ga4#/definitions/", "ga4")):
        if ref.startswith(prefix):
            name, *rest = ref[len(prefix) :].split("/")
            return (space, _unescape(name), [_unescape(t) for t in rest]) if name else None
    return None


def follow(schema: Any, tokens: list[str]) -> tuple[Any, str | None]:
    """The value at JSON pointer `tokens` in `schema`, or (None, the first missing token)."""
    for token in tokens:
        if isinstance(schema, dict) and token in schema:
            schema = schema[token]
        elif isinstance(schema, list) and is_index(token) and int(token) < len(schema):
            schema = schema[int(token)]
        else:
            return None, token
    return schema, None


class _Resolver:
    def __init__(self, definitions: dict[str, Any], ga4: dict[str, Any]) -> None:
        self.defs = {"plan": definitions, "ga4": ga4}

    def resolve(self, schema: Any, space: str) -> tuple[Any, str]:
        """Follow `$ref`s; `space` says which document a `#/definitions/X` ref points into."""
        for _ in range(_MAX_REFS):
            if not isinstance(schema, dict) or not isinstance(schema.get("$ref"), str):
                return schema, space
            target = ref_target(schema["$ref"])
            if target is None:
                return None, space
            # inside the GA4 document, `#/definitions/X` means GA4's own definitions
            space = "ga4" if target[0] == "ga4" or space == "ga4" else "plan"
            schema, _ = follow(self.defs[space].get(target[1]), target[2])
        return None, space

    def children(self, schema: Any, segment: str, space: str) -> tuple[list[Any], list[str]]:
        """Subschemas `segment` leads to (through allOf/anyOf/oneOf), and the names seen."""
        schema, space = self.resolve(schema, space)
        if not isinstance(schema, dict):
            return [], []
        found: list[Any] = []
        names: list[str] = []
        props = schema.get("properties")
        if isinstance(props, dict):
            names.extend(str(k) for k in props)
            if segment in props:
                found.append((props[segment], space))
        if is_index(segment):
            prefix = schema.get("prefixItems")
            if isinstance(prefix, list) and int(segment) < len(prefix):
                found.append((prefix[int(segment)], space))
            elif isinstance(schema.get("items"), dict):
                found.append((schema["items"], space))
        for key in _BRANCHES:
            for branch in schema.get(key) or []:
                sub, sub_names = self.children(branch, segment, space)
                found.extend(sub)
                names.extend(sub_names)
        return found, names


def path_problem(
    path: str, params: dict[str, Any], definitions: dict[str, Any], ga4: dict[str, Any]
) -> tuple[str, str] | None:
    """None if some parameter schema defines dotted `path`, else (problem, hint).

    A numeric segment indexes an array (its `items` / `prefixItems`), like `where` paths.
    """
    first, *rest = path.split(".")
    if first not in params:
        hint = did_you_mean(first, params) or "list it under the event's `parameters:`"
        return f"no parameter `{first}`", hint
    resolver = _Resolver(definitions, ga4)
    current: list[Any] = [(params[first], "plan")]
    walked = first
    for segment in rest:
        found: list[Any] = []
        names: list[str] = []
        for schema, space in current:
            sub, sub_names = resolver.children(schema, segment, space)
            found.extend(sub)
            names.extend(sub_names)
        if not found:
            hint = did_you_mean(segment, names) or f"define `{segment}` under `properties:`"
            return f"`{walked}` defines no `{segment}`", hint
        current = found
        walked = f"{walked}.{segment}"
    return None
