"""Plain plan data (from yamlpos) → `Plan`. Pure.

`parse_plan` expects data that passed lint (`tracker_check.plan.lint`): it normalizes the
short forms (`click: "#x"`, `scroll: 75%`, `expect: [name]`, `timeout: 5s`) but does not
re-explain shape errors. Should malformed data reach it anyway, it raises `PlanError` with
the place rather than a `KeyError`.
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any, NoReturn

from tracker_check.errors import PlanError
from tracker_check.plan.expand import expand_consent
from tracker_check.plan.model import (
    DEFAULT_BLOCK_REQUESTS,
    STEP_ACTIONS,
    EventSpec,
    Expectation,
    Flow,
    Plan,
    Settings,
    Step,
)
from tracker_check.plan.parse_consent import by_consent, consent, privacy, storage
from tracker_check.plan.steps import (
    SELECTOR_STEPS,
    Fill,
    Goto,
    Press,
    Screenshot,
    Scroll,
    Select,
    Type,
    Wait,
)
from tracker_check.plan.yamlpos import Positions, escape, plan_error
from tracker_check.sources.layers import infer_kind

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, None: 1}  # no unit: milliseconds, like integers


def parse_duration(value: object) -> int:
    """`5s`, `1.5s`, `500ms`, `2m` or an integer (milliseconds) → milliseconds.

    The same forms as the CLI's `--timeout`. Raises ValueError for anything else (a YAML
    float such as 1.5 has no unit and is ambiguous, so it is refused).
    """
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"negative duration: {value}")
        return value
    if isinstance(value, str):
        m = _DURATION.match(value)
        if m and (m.group(2) or "." not in m.group(1)):
            ms = float(m.group(1)) * _UNIT_MS[m.group(2)]
            if not math.isfinite(ms):  # 400 digits: float() gives inf, round() would raise
                raise ValueError("duration too large")
            return round(ms)
    raise ValueError(f"not a duration: {value!r} (write e.g. 5s, 1.5s, 500ms or 500)")


class _Parser:
    def __init__(self, positions: Positions) -> None:
        self.pos = positions

    def fail(self, ptr: str, message: str) -> NoReturn:
        raise PlanError([plan_error(message, self.pos.key(ptr), "run `tracker-check lint`")])

    def mapping(self, value: Any, ptr: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(ptr, "expected a mapping")
        return value

    def strings(self, value: Any, ptr: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(ptr, "expected a list of strings")
        return tuple(value)

    def duration(self, value: Any, ptr: str) -> int:
        try:
            return parse_duration(value)
        except ValueError as exc:
            self.fail(ptr, str(exc))

    def plan(self, data: Any) -> Plan:
        data = self.mapping(data, "")
        events = self.mapping(data.get("events"), "/events")
        flows = data.get("flows") or []
        if not isinstance(flows, list):
            self.fail("/flows", "expected a list of flows")
        layers = self.layers(data.get("data_layers", ["dataLayer"]))
        return Plan(
            events={
                str(name): self.event(str(name), spec, f"/events/{escape(str(name))}")
                for name, spec in events.items()
            },
            version=int(data.get("version", 1)),
            name=str(data.get("name") or ""),
            base_url=data.get("base_url"),
            data_layers=tuple(layers),
            layer_kinds=layers,
            funnel=self.strings(data.get("funnel"), "/funnel"),
            settings=self.settings(self.mapping(data.get("settings"), "/settings")),
            global_parameters=dict(
                self.mapping(data.get("global_parameters"), "/global_parameters")
            ),
            definitions=dict(self.mapping(data.get("definitions"), "/definitions")),
            flows=tuple(self.flow(f, f"/flows/{i}") for i, f in enumerate(flows)),
            source=self.pos.source,
            consent=None if data.get("consent") is None else consent(self, data["consent"]),
            privacy=privacy(self, self.mapping(data.get("privacy"), "/privacy")),
        )

    def layers(self, value: Any) -> dict[str, str]:
        """`data_layers`: names, or `{name, kind}` -> name -> kind (inferred when not set)."""
        if not isinstance(value, list):
            value = [value]
        out: dict[str, str] = {}
        for i, item in enumerate(value):
            if isinstance(item, str):
                out[item] = infer_kind(item)
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                out[item["name"]] = str(item.get("kind") or infer_kind(item["name"]))
            else:
                self.fail(f"/data_layers/{i}", "expected a layer name or {name, kind}")
        return out

    def steps(self, value: Any, ptr: str) -> tuple[Step, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(ptr, "expected a list of steps")
        return tuple(self.step(s, f"{ptr}/{i}") for i, s in enumerate(value))

    def settings(self, s: dict[str, Any]) -> Settings:
        d = Settings()
        block = s.get("block_requests")
        return Settings(
            unplanned_events=s.get("unplanned_events", d.unplanned_events),
            additional_parameters=s.get("additional_parameters", d.additional_parameters),
            block_requests=DEFAULT_BLOCK_REQUESTS
            if block is None
            else self.strings(block, "/settings/block_requests"),
            step_timeout_ms=self.duration(s["timeout"], "/settings/timeout")
            if "timeout" in s
            else d.step_timeout_ms,
            navigation_timeout_ms=self.duration(
                s["navigation_timeout"], "/settings/navigation_timeout"
            )
            if "navigation_timeout" in s
            else d.navigation_timeout_ms,
            settle_ms=self.duration(s["settle"], "/settings/settle")
            if s.get("settle", "auto") != "auto"
            else None,
            settle_cap_ms=self.duration(s["settle_cap"], "/settings/settle_cap")
            if "settle_cap" in s
            else d.settle_cap_ms,
            consent=s.get("consent", d.consent),
            page_errors=s.get("page_errors", d.page_errors),
        )

    def event(self, name: str, value: Any, ptr: str) -> EventSpec:
        e = self.mapping(value, ptr)
        deprecated = e.get("deprecated")
        if deprecated is True:
            note: str | None = ""
        elif deprecated is False or deprecated is None:
            note = None
        else:
            note = str(deprecated)
        return EventSpec(
            name=name,
            parameters=dict(self.mapping(e.get("parameters"), f"{ptr}/parameters")),
            description=e.get("description"),
            kind=e.get("kind"),
            stage=e.get("stage"),
            weight=float(e.get("weight", 1.0)),
            additional_parameters=e.get("additional_parameters"),
            unique=self.strings(e.get("unique"), f"{ptr}/unique"),
            deprecated=note,
            scope=e.get("scope", "push"),
            location=self.pos.key(ptr),
            match=tuple(dict(m) for m in e.get("match") or () if isinstance(m, dict)),
            consent=self.strings(e.get("consent"), f"{ptr}/consent"),
        )

    def flow(self, value: Any, ptr: str) -> Flow:
        f = self.mapping(value, ptr)
        steps = f.get("steps") or []
        if not isinstance(steps, list):
            self.fail(f"{ptr}/steps", "expected a list of steps")
        expect = self.mapping(f.get("expect"), f"{ptr}/expect")
        start = f.get("start")
        start_expect: tuple[Expectation, ...] = ()
        start_timeout: int | None = None
        if isinstance(start, dict):  # the long form: {url, expect, timeout}
            long = self.mapping(start, f"{ptr}/start")
            start = str(long.get("url", ""))
            start_expect = self.expectations(long.get("expect"), f"{ptr}/start/expect")
            if long.get("timeout") is not None:
                start_timeout = self.duration(long["timeout"], f"{ptr}/start/timeout")
        return Flow(
            name=str(f.get("name", "")),
            steps=tuple(self.step(s, f"{ptr}/steps/{i}") for i, s in enumerate(steps)),
            start=start,
            start_expect=start_expect,
            start_timeout_ms=start_timeout,
            vars={str(k): str(v) for k, v in self.mapping(f.get("vars"), f"{ptr}/vars").items()},
            sequence=self.strings(expect.get("sequence"), f"{ptr}/expect/sequence"),
            forbid=self.strings(expect.get("forbid"), f"{ptr}/expect/forbid"),
            location=self.pos.value(ptr),
            consent=self.strings(f.get("consent"), f"{ptr}/consent"),
            storage=storage(self, f.get("storage"), f"{ptr}/storage"),
            expect_by_consent=by_consent(
                self, f.get("expect_by_consent"), f"{ptr}/expect_by_consent"
            ),
        )

    def step(self, value: Any, ptr: str) -> Step:
        s = self.mapping(value, ptr)
        actions = [k for k in s if k in STEP_ACTIONS]
        if len(actions) != 1:
            self.fail(ptr, "a step needs exactly one action")
        action = actions[0]
        timeout = s.get("timeout")
        return dataclasses.replace(
            self.typed(action, s[action], f"{ptr}/{action}"),
            expect=self.expectations(s.get("expect"), f"{ptr}/expect"),
            timeout_ms=None if timeout is None else self.duration(timeout, f"{ptr}/timeout"),
            location=self.pos.value(ptr),
        )

    def typed(self, action: str, value: Any, ptr: str) -> Step:
        """The action's YAML value (short scalar form or mapping) → its typed step."""
        scalar = isinstance(value, str | int | float) and not isinstance(value, bool)
        m: dict[str, Any] = {} if scalar else self.mapping(value, ptr)

        def text(key: str, default: str | None = None) -> str:
            v = m.get(key, default)
            if v is None:
                self.fail(f"{ptr}", f"`{action}` needs `{key}`")
            return str(v)

        def maybe(key: str) -> str | None:
            return None if m.get(key) is None else str(m[key])

        if action == "goto":
            return Goto(str(value) if scalar else text("url"))
        if action in SELECTOR_STEPS:
            return SELECTOR_STEPS[action](str(value) if scalar else text("selector"))
        if action == "press":
            return Press(str(value)) if scalar else Press(text("key"), maybe("selector"))
        if action == "scroll":
            if scalar:
                percent, selector = _scroll_target(value)
                return Scroll(percent, selector)
            percent = m.get("percent")
            if isinstance(percent, str):
                percent = _scroll_target(percent)[0]
            return Scroll(percent, maybe("selector"))
        if action == "screenshot":
            if scalar:
                return Screenshot(str(value))
            return Screenshot(str(m.get("name", "")), bool(m.get("full_page", False)))
        if action == "wait":
            return Wait(
                event=maybe("event"),
                selector=maybe("selector"),
                ms=None if "ms" not in m else self.duration(m["ms"], f"{ptr}/ms"),
                wait_timeout_ms=None
                if m.get("timeout") is None
                else self.duration(m["timeout"], f"{ptr}/timeout"),
            )
        if action == "fill":
            return Fill(text("selector"), text("value", ""))
        if action == "type":
            return Type(text("selector"), str(m.get("text", m.get("value", ""))))
        if action == "select":
            v = m.get("value", "")
            return Select(text("selector"), tuple(map(str, v)) if isinstance(v, list) else str(v))
        self.fail(ptr, f"unknown step action {action}")

    def expectations(self, value: Any, ptr: str) -> tuple[Expectation, ...]:
        if value is None:
            return ()
        items = [value] if isinstance(value, str | dict) else value
        if not isinstance(items, list):
            self.fail(ptr, "expected a list of event names or {event, ...}")
        return tuple(self.expectation(v, f"{ptr}/{i}") for i, v in enumerate(items))

    def expectation(self, value: Any, ptr: str) -> Expectation:
        if isinstance(value, str):
            return Expectation(event=value, location=self.pos.value(ptr))
        e = self.mapping(value, ptr)
        if not isinstance(e.get("event"), str):
            self.fail(ptr, "an expectation needs `event`")
        return Expectation(
            event=e["event"],
            count=e.get("count"),
            min=e.get("min"),
            max=e.get("max"),
            where=dict(self.mapping(e.get("where"), f"{ptr}/where")),
            location=self.pos.value(ptr),
            when=self.strings(e.get("when"), f"{ptr}/when"),
        )


def _scroll_target(value: str | int | float) -> tuple[int | float | None, str | None]:
    """`75%` or 75 → (percent, None); anything else is a selector to scroll into view."""
    if isinstance(value, int | float):
        return value, None
    text = value.strip()
    if text.endswith("%"):
        try:
            number = float(text[:-1])
        except ValueError:
            return None, value
        return (int(number) if number.is_integer() else number), None
    return None, value


def parse_plan(data: Any, positions: Positions) -> Plan:
    """Plain data that passed lint → `Plan` (positions give each spec its `location`)."""
    return expand_consent(_Parser(positions).plan(data))
