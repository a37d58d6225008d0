"""Plan -> one self-contained Draft 2020-12 JSON Schema per planned event. Pure.

The schema of an event describes its parameters object (the push without `event`). Rules:

- `properties` are the event's own parameters in plan order, then the `global_parameters`
  the event does not define itself (an event's own definition of a name wins).
- Every listed top-level parameter and global is `required` unless its fragment says
  `optional: true`. `required` lists are sorted.
- `optional` is the plan's marker, not JSON Schema: it is stripped everywhere. Inside nested
  fragments (and definitions) a property marked `optional: true` is also removed from its
  parent object's `required` list: the plan's explicit word wins over a `required` written
  next to it. Nested properties are never made required implicitly; nested objects follow
  their own `required`.
- Parameters a `match:` rule compares (`category: Video` -> `category`) are allowed even
  when not listed: the rule has checked them.
- `additionalProperties: false` is set at the top level when the effective policy (the
  event's `additional_parameters`, else `settings.additional_parameters`) is `error` or
  `warn` (the validator reports `warn` at warning severity) and omitted for `ignore`.
- `#/definitions/X` refs point at the plan's `definitions`: each definition reached (also
  through other definitions, recursion included) is copied once into `$defs/X` and the ref
  is rewritten to `#/$defs/X`. `ga4#/definitions/X` refs pull the built-in GA4 definition
  (schemas/ga4.v1.json) and what it references into `$defs/ga4.X`.
- `$schema`, `title` (the event name) and `description` are set, `$id` is not; a deprecated
  event carries `deprecated: true`. `$defs` keys are sorted, so output is deterministic.

A ref to a missing definition raises PlanError (plan-error); lint reports it earlier.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NoReturn
from urllib.parse import unquote

from tracker_check.errors import PlanError
from tracker_check.models import Finding, Location
from tracker_check.plan.model import EventSpec, Plan
from tracker_check.plan.schemawalk import SUBSCHEMA_LIST, SUBSCHEMA_MAP, SUBSCHEMA_ONE
from tracker_check.rules import rule

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
GA4_PREFIX = "ga4."
GA4_SCHEMA = "ga4.v1.json"

_ONE = SUBSCHEMA_ONE
_MAP = (*SUBSCHEMA_MAP, "$defs", "definitions")  # compiling also rewrites definitions
_LIST = SUBSCHEMA_LIST


def map_children(schema: dict[str, Any], fn: Callable[[Any], Any]) -> dict[str, Any]:
    """A copy of `schema` with `fn` applied to each direct subschema.

    Only schema positions are visited: `enum`, `const`, `default` or `examples` values that
    happen to look like schemas are left alone.
    """
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _ONE and isinstance(value, dict | bool):
            out[key] = fn(value)
        elif key == "items" and isinstance(value, list):  # pre-2020 tuple form
            out[key] = [fn(v) for v in value]
        elif key in _MAP and isinstance(value, dict):
            out[key] = {k: fn(v) for k, v in value.items()}
        elif key in _LIST and isinstance(value, list):
            out[key] = [fn(v) for v in value]
        else:
            out[key] = value
    return out


def _fold(node: Any, on_ref: Callable[[str], str]) -> Any:
    """Plan fragment -> standard JSON Schema: drop `optional`, fix `required`, rewrite refs."""
    if node is None:
        return {}
    if not isinstance(node, dict):
        return node
    out = map_children(node, lambda child: _fold(child, on_ref))
    out.pop("optional", None)
    ref = out.get("$ref")
    if isinstance(ref, str):
        out["$ref"] = on_ref(ref)
    props, required = node.get("properties"), node.get("required")
    if isinstance(props, dict) and isinstance(required, list):
        optional = {k for k, v in props.items() if isinstance(v, dict) and v.get("optional")}
        if optional:
            out["required"] = [r for r in required if r not in optional]
    return out


def _is_optional(fragment: Any) -> bool:
    return isinstance(fragment, dict) and fragment.get("optional") is True


def _pointer_name(ref_tail: str) -> tuple[str, str]:
    """'X/properties/y' -> ('X', '/properties/y'), unescaping the definition name."""
    name, _, rest = ref_tail.partition("/")
    name = unquote(name).replace("~1", "/").replace("~0", "~")
    return name, f"/{rest}" if rest else ""


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


@functools.cache
def ga4_definitions() -> dict[str, Any]:
    """The built-in GA4 definitions (schemas/ga4.v1.json `definitions`)."""
    from tracker_check import resources  # importlib.resources read of packaged data

    defs: dict[str, Any] = resources.schema(GA4_SCHEMA)["definitions"]
    return defs


class _Collector:
    """Definitions reached from one event's schema, copied once each (recursion-safe)."""

    def __init__(self, plan: Plan, event: str, location: Location | None) -> None:
        self.plan, self.event, self.location = plan, event, location
        self.defs: dict[str, Any] = {}
        self._pending: list[tuple[str, str, Any]] = []  # ($defs key, origin, raw fragment)

    def rewrite(self, ref: str, origin: str = "plan") -> str:
        if ref.startswith("#/definitions/"):
            source = origin
            tail = ref[len("#/definitions/") :]
        elif ref.startswith("ga4#/definitions/"):
            source = "ga4"
            tail = ref[len("ga4#/definitions/") :]
        else:
            return ref  # other refs (e.g. "#/$defs/...") are the author's business
        name, rest = _pointer_name(tail)
        table = ga4_definitions() if source == "ga4" else self.plan.definitions
        if name not in table:
            self._fail(ref, source)
        # no clash: lint refuses plan definition names that start with GA4_PREFIX
        key = f"{GA4_PREFIX}{name}" if source == "ga4" else name
        if key not in self.defs:
            self.defs[key] = None  # reserved: a recursive ref does not queue it again
            self._pending.append((key, source, table[name]))
        return f"#/$defs/{_escape(key)}{rest}"

    def drain(self) -> dict[str, Any]:
        while self._pending:
            key, source, raw = self._pending.pop()
            self.defs[key] = _fold(raw, functools.partial(self.rewrite, origin=source))
        return {k: self.defs[k] for k in sorted(self.defs)}

    def _fail(self, ref: str, source: str) -> NoReturn:
        where = "built-in GA4 schemas" if source == "ga4" else "plan definitions"
        raise PlanError(
            [
                Finding(
                    "plan-error",
                    rule("plan-error").severity,
                    f"event {self.event!r}: $ref {ref!r} names nothing in the {where}",
                    event=self.event,
                    location=self.location,
                    hint="define it under `definitions:` or fix the name",
                )
            ]
        )


def effective_policy(plan: Plan, spec: EventSpec) -> str:
    """The additional-parameters policy of an event: its override, else the plan setting."""
    return spec.additional_parameters or plan.settings.additional_parameters


def compile_event(plan: Plan, name: str) -> dict[str, Any]:
    """The JSON Schema of event `name`'s parameters (KeyError for an unplanned name)."""
    spec = plan.events[name]
    collect = _Collector(plan, name, spec.location)
    properties: dict[str, Any] = {}
    required: list[str] = []
    merged = dict(spec.parameters)
    for key, fragment in plan.global_parameters.items():
        merged.setdefault(key, fragment)
    for key, fragment in merged.items():
        properties[key] = _fold(fragment, collect.rewrite)
        if not _is_optional(fragment):
            required.append(key)
    for key in _matched_parameters(spec):
        properties.setdefault(key, {})  # the `match:` rule already checked its value
    description = spec.description or f"Parameters of the {name!r} event"
    if plan.name:
        description += f" (tracking plan {plan.name!r})"
    schema: dict[str, Any] = {
        "$schema": DRAFT_2020_12,
        "title": name,
        "description": description,
        "type": "object",
        "properties": properties,
        "required": sorted(required),
    }
    # a `scope: model` event is checked against the whole merged data model, which holds
    # everything pushed on the page so far (`{ecommerce: null}` included): its other keys
    # are not this event's extra parameters
    if effective_policy(plan, spec) != "ignore" and spec.scope != "model":
        schema["additionalProperties"] = False
    if spec.deprecated is not None:
        schema["deprecated"] = True
    defs = collect.drain()
    if defs:
        schema["$defs"] = defs
    return schema


def _matched_parameters(spec: EventSpec) -> list[str]:
    """Top-level parameters a `match:` rule compares (`category` of `category: Video`)."""
    keys = (str(key).split(".")[0] for rule in spec.match for key in rule)
    return [key for key in keys if key not in ("source", "event", "command")]


def compile_plan(plan: Plan) -> dict[str, dict[str, Any]]:
    """Every planned event's schema, by event name (sorted)."""
    return {name: compile_event(plan, name) for name in sorted(plan.events)}
