"""`${env.NAME}` and `${vars.NAME}` substitution in a typed step's text fields and `where` values.

Env values are secrets (passwords, test accounts): every one substituted is remembered so
reporters can redact it. Flow `vars` may themselves use `${env.X}`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from tracker_check.plan.model import Expectation
from tracker_check.plan.steps import COMMON_FIELDS, StepBase

S = TypeVar("S", bound=StepBase)

_VAR = re.compile(r"\$\{(env|vars)\.([A-Za-z_][A-Za-z0-9_]*)\}")


class UnknownVariable(Exception):
    def __init__(self, ref: str, hint: str) -> None:
        super().__init__(f"unknown variable {ref}")
        self.ref = ref
        self.hint = hint


class Variables:
    """Resolves references for one flow; `secrets` collects the env values used."""

    def __init__(self, flow_vars: Mapping[str, Any], environ: Mapping[str, str]) -> None:
        self._vars = dict(flow_vars)
        self._env = environ
        self.secrets: set[str] = set()

    def _value(self, space: str, name: str, depth: int = 0) -> str:
        if space == "env":
            if name not in self._env:
                raise UnknownVariable(
                    f"${{env.{name}}}", f"set the environment variable {name} before the run"
                )
            value = self._env[name]
            if value:
                self.secrets.add(value)
            return value
        if name not in self._vars:
            known = ", ".join(sorted(self._vars)) or "none"
            raise UnknownVariable(
                f"${{vars.{name}}}", f"define {name} under the flow's vars: (defined: {known})"
            )
        raw = self._vars[name]
        if isinstance(raw, str) and depth < 5:  # vars may use env (never vars loops)
            return _VAR.sub(lambda m: self._value(m[1], m[2], depth + 1), raw)
        return str(raw)

    def sub(self, value: Any) -> Any:
        """`value` with every reference replaced (strings, lists and dicts, recursively)."""
        if isinstance(value, str):
            return _VAR.sub(lambda m: self._value(m[1], m[2]), value) if "${" in value else value
        if isinstance(value, list):
            return [self.sub(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.sub(v) for v in value)
        if isinstance(value, dict):
            return {k: self.sub(v) for k, v in value.items()}
        return value

    def step(self, step: S) -> S:
        """`step` with every reference in its own text fields and its `expect`'s `where`
        values replaced; the same object when it has none."""
        changes: dict[str, object] = {}
        for f in dataclasses.fields(step):
            if f.name in COMMON_FIELDS:
                continue
            value = getattr(step, f.name)
            if isinstance(value, str | tuple):
                new = self.sub(value)
                if new != value:
                    changes[f.name] = new
        if any(x.where for x in step.expect):
            changes["expect"] = tuple(self.expectation(x) for x in step.expect)
        return dataclasses.replace(step, **changes) if changes else step  # type: ignore[arg-type]

    def expectation(self, x: Expectation) -> Expectation:
        return dataclasses.replace(x, where=self.sub(x.where)) if x.where else x
