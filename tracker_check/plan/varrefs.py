"""`${env.NAME}` / `${vars.NAME}` references in a flow, checked before any run. Pure.

`${vars.X}` must name one of the flow's `vars`; anything else written as `${...}` is a typo
(`${var.X}`, `${ENV.X}`), since only `env` and `vars` are substituted. Env values are only
known at run time, so `${env.X}` is checked there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tracker_check.models import Finding
from tracker_check.paths import is_index
from tracker_check.plan.metaschema import context, did_you_mean
from tracker_check.plan.yamlpos import Positions, escape, plan_error

_REF = re.compile(r"\$\{([^}]*)\}")
_VALID = re.compile(r"^(env|vars)\.([A-Za-z_][A-Za-z0-9_]*)$")


def _strings(value: Any, ptr: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield value, ptr
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{ptr}/{i}")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{ptr}/{escape(str(k))}")


def variable_findings(flow: dict[str, Any], base: str, pos: Positions) -> Iterator[Finding]:
    flow_vars = flow.get("vars") if isinstance(flow.get("vars"), dict) else {}
    assert isinstance(flow_vars, dict)
    places = [(flow.get("start"), f"{base}/start"), (flow.get("steps"), f"{base}/steps")]
    places.append((flow_vars, f"{base}/vars"))
    for value, ptr in places:
        for text, at in _strings(value, ptr):
            for m in _REF.finditer(text):
                yield from _check(m.group(1), m.group(0), flow, pos, at)


def _where(flow: dict[str, Any], ptr: str) -> str:
    tokens: list[str | int] = [int(t) if is_index(t) else t for t in ptr.split("/")[1:]]
    return context(tokens, {"flows": [flow] * (int(tokens[1]) + 1)})


def _check(
    inner: str, ref: str, flow: dict[str, Any], pos: Positions, ptr: str
) -> Iterator[Finding]:
    flow_vars = flow.get("vars") if isinstance(flow.get("vars"), dict) else {}
    assert isinstance(flow_vars, dict)
    m = _VALID.match(inner.strip())
    if not m:
        yield plan_error(
            f"unknown variable reference {ref} ({_where(flow, ptr)})",
            pos.value(ptr),
            "write ${env.NAME} for an environment variable or ${vars.NAME} for a flow var",
        )
        return
    if m.group(1) == "vars" and m.group(2) not in flow_vars:
        name = m.group(2)
        hint = did_you_mean(name, [str(k) for k in flow_vars]) or (
            f"define `{name}` under the flow's `vars:`"
        )
        yield plan_error(
            f"{ref}: the flow has no var `{name}` ({_where(flow, ptr)})", pos.value(ptr), hint
        )
