"""Lint a plan: YAML, the meta-schema, then the checks a schema cannot express. Pure.

`lint_text` reports every problem at once, sorted by line and column, each a `plan-error`
finding at the offending key (or value). Only a plan without errors is parsed into a `Plan`.
The semantic checks read raw data that may also have failed the meta-schema, so each guards
its own types rather than trusting the shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tracker_check.compile import GA4_PREFIX, ga4_definitions
from tracker_check.errors import PlanError
from tracker_check.models import Finding
from tracker_check.paths import is_index
from tracker_check.plan.layers_lint import layer_findings
from tracker_check.plan.lint_consent import consent_findings
from tracker_check.plan.metaschema import context, did_you_mean, schema_findings
from tracker_check.plan.model import STEP_ACTIONS, Plan
from tracker_check.plan.parse import parse_plan
from tracker_check.plan.schemawalk import follow, fragments, path_problem, ref_target
from tracker_check.plan.varrefs import variable_findings
from tracker_check.plan.yamlpos import Positions, escape, load_yaml, plan_error
from tracker_check.validate.regex import check_pattern

_PATTERN_HINT = (
    "patterns are ECMA-262 and must compile on both engines: no \\p{..}, \\A, \\Z, (?P<..>) "
    "or (?x), only fixed-width look-behinds; e.g. ^[A-Z]{3}$"
)


def lint_text(text: str, source: str) -> tuple[Plan | None, list[Finding]]:
    """Every plan-error in `text`, sorted; the parsed Plan when there are none."""
    doc = load_yaml(text, source)
    findings = list(doc.findings)
    data, pos = doc.data, doc.positions
    if data is None:
        if not findings:
            findings.append(
                plan_error(
                    "the plan is empty", pos.key(""), "start with `version: 1` and `events:`"
                )
            )
    elif not isinstance(data, dict):
        findings.append(
            plan_error(
                "a plan must be a mapping (version, events, flows, ...)",
                pos.value(""),
                "start with `version: 1` and `events:`",
            )
        )
    else:
        findings.extend(lint_data(data, pos))
    findings = _sorted_unique(findings)
    if findings:
        return None, findings
    try:
        return parse_plan(data, pos), []
    except PlanError as exc:  # lint should have caught it; still never a traceback
        return None, list(exc.findings)


def lint_data(data: dict[str, Any], pos: Positions) -> list[Finding]:
    """Meta-schema errors plus semantic checks for a plan already loaded from YAML."""
    found = schema_findings(data, pos)
    found.extend(_Checks(data, pos, ga4_definitions()).run())
    return found


def _sorted_unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for f in findings:
        key = (f.location, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return sorted(out, key=lambda f: (f.location.line, f.location.col) if f.location else (0, 0))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class _Checks:
    def __init__(self, data: dict[str, Any], pos: Positions, ga4: dict[str, Any]) -> None:
        self.data = data
        self.pos = pos
        self.ga4 = ga4
        self.events = _dict(data.get("events"))
        self.definitions = _dict(data.get("definitions"))

    def run(self) -> Iterator[Finding]:
        yield from self.definition_names()
        yield from self.stages()
        yield from self.schemas()
        yield from self.uniques()
        yield from self.flows()
        yield from layer_findings(self.data, self.pos)
        yield from consent_findings(self.data, self.pos, self._step, self._event_ref)

    def definition_names(self) -> Iterator[Finding]:
        # compiled schemas hold built-in GA4 definitions as `$defs/ga4.NAME`, next to the
        # plan's own `$defs/NAME`: a plan name starting `ga4.` would overwrite one of them
        for name in self.definitions:
            if name.startswith(GA4_PREFIX):
                yield plan_error(
                    f"definition name `{name}` starts with `{GA4_PREFIX}`, which is reserved",
                    self.pos.key(f"/definitions/{escape(name)}"),
                    f"rename it; use `ga4#/definitions/{name[len(GA4_PREFIX) :]}` for the "
                    "built-in GA4 definition",
                )

    def stages(self) -> Iterator[Finding]:
        funnel = [s for s in _list(self.data.get("funnel")) if isinstance(s, str)]
        for name, spec in self.events.items():
            stage = _dict(spec).get("stage")
            if not isinstance(stage, str) or stage in funnel:
                continue
            hint = did_you_mean(stage, funnel) or (
                f"add it to `funnel` (now: {', '.join(funnel)})"
                if funnel
                else "list the ordered stages under `funnel:` at the top level"
            )
            yield plan_error(
                f"unknown stage `{stage}` in event `{name}` (not in `funnel`)",
                self.pos.value(f"/events/{escape(name)}/stage"),
                hint,
            )

    def _all_fragments(self) -> Iterator[tuple[Any, str]]:
        for name, frag in _dict(self.data.get("global_parameters")).items():
            yield from fragments(frag, f"/global_parameters/{escape(name)}")
        for name, frag in self.definitions.items():
            yield from fragments(frag, f"/definitions/{escape(name)}")
        for event, spec in self.events.items():
            base = f"/events/{escape(event)}/parameters"
            for name, frag in _dict(_dict(spec).get("parameters")).items():
                yield from fragments(frag, f"{base}/{escape(name)}")

    def schemas(self) -> Iterator[Finding]:
        """Dangling `$ref`s, and patterns the validator refuses (`regex.check_pattern`)."""
        for frag, ptr in self._all_fragments():
            ref = frag.get("$ref")
            if isinstance(ref, str):
                yield from self._ref(ref, f"{ptr}/$ref")
            pattern = frag.get("pattern")
            if isinstance(pattern, str):
                problem = check_pattern(pattern)
                if problem:
                    yield plan_error(
                        f"invalid regular expression in `pattern`: {problem}",
                        self.pos.value(f"{ptr}/pattern"),
                        _PATTERN_HINT,
                    )
            for key in _dict(frag.get("patternProperties")):
                problem = check_pattern(key)
                if problem:
                    yield plan_error(
                        f"invalid regular expression in `patternProperties`: {problem}",
                        self.pos.key(f"{ptr}/patternProperties/{escape(key)}"),
                        _PATTERN_HINT,
                    )

    def _ref(self, ref: str, ptr: str) -> Iterator[Finding]:
        target = ref_target(ref)
        if target is None:
            return  # malformed refs fail the meta-schema's pattern already
        space, name, rest = target
        defs = self.ga4 if space == "ga4" else self.definitions
        where = "the built-in GA4 schemas" if space == "ga4" else "`definitions`"
        if name not in defs:
            hint = did_you_mean(name, defs) or (
                "add it under `definitions:`" if space != "ga4" else "see docs/plan-format.md"
            )
            yield plan_error(
                f"`$ref` {ref}: no definition `{name}` in {where}", self.pos.value(ptr), hint
            )
            return
        found, missing = follow(defs[name], rest)
        if found is None:
            yield plan_error(
                f"`$ref` {ref}: definition `{name}` has no `{missing}` at that place",
                self.pos.value(ptr),
                "the part after the name is a JSON pointer into the definition",
            )

    def uniques(self) -> Iterator[Finding]:
        globals_ = _dict(self.data.get("global_parameters"))
        for event, spec in self.events.items():
            spec = _dict(spec)
            params = {**globals_, **_dict(spec.get("parameters"))}
            for i, path in enumerate(_list(spec.get("unique"))):
                if not isinstance(path, str) or not path:
                    continue
                problem = path_problem(path, params, self.definitions, self.ga4)
                if problem:
                    yield plan_error(
                        f"`unique` path `{path}` of event `{event}`: {problem[0]}",
                        self.pos.value(f"/events/{escape(event)}/unique/{i}"),
                        problem[1],
                    )

    def _event_ref(self, name: Any, ptr: str, role: str) -> Iterator[Finding]:
        if not isinstance(name, str) or name in self.events or name.startswith(("gtm.", "mtm.")):
            return
        hint = did_you_mean(name, self.events) or f"define `{name}` under `events:`"
        where = context([t for t in _tokens(ptr)], self.data)
        yield plan_error(
            f"{role} names event `{name}`, which the plan does not define ({where})",
            self.pos.value(ptr),
            hint,
        )

    def flows(self) -> Iterator[Finding]:
        first_line: dict[str, int] = {}
        for i, flow in enumerate(_list(self.data.get("flows"))):
            if not isinstance(flow, dict):
                continue
            base = f"/flows/{i}"
            name = flow.get("name")
            if isinstance(name, str):
                if name in first_line:
                    yield plan_error(
                        f"duplicate flow name `{name}` (first on line {first_line[name]})",
                        self.pos.value(f"{base}/name"),
                        "flow names identify results and test ids; make them unique",
                    )
                else:
                    first_line[name] = self.pos.value(f"{base}/name").line
            expect = _dict(flow.get("expect"))
            for key, role in (("sequence", "`sequence`"), ("forbid", "`forbid`")):
                for j, event in enumerate(_list(expect.get(key))):
                    yield from self._event_ref(event, f"{base}/expect/{key}/{j}", role)
            start = flow.get("start")
            if isinstance(start, dict):
                yield from self._expect(start.get("expect"), f"{base}/start", f"{base}/start")
            for j, step in enumerate(_list(flow.get("steps"))):
                if isinstance(step, dict):
                    yield from self._step(step, f"{base}/steps/{j}")
            yield from variable_findings(flow, base, self.pos)

    def _step(self, step: dict[str, Any], ptr: str) -> Iterator[Finding]:
        actions = [k for k in step if k in STEP_ACTIONS]
        where = context(_tokens(ptr), self.data)
        if not actions and all(k in ("expect", "timeout") for k in step):
            yield plan_error(
                f"step has no action ({where})",
                self.pos.value(ptr),
                f"add one of: {', '.join(STEP_ACTIONS)}",
            )
        if len(actions) > 1:
            yield plan_error(
                f"step has {len(actions)} actions ({', '.join(actions)}); one per step ({where})",
                self.pos.key(f"{ptr}/{escape(actions[1])}"),
                "split it into separate steps",
            )
        wait = step.get("wait")
        if isinstance(wait, dict):
            kinds = [k for k in ("event", "selector", "ms") if k in wait]
            if len(kinds) > 1:
                yield plan_error(
                    f"`wait` takes one of event, selector or ms, not {' and '.join(kinds)} "
                    f"({where})",
                    self.pos.key(f"{ptr}/wait/{kinds[1]}"),
                    "split it into separate wait steps",
                )
            elif not kinds and wait:
                yield plan_error(
                    f"`wait` needs event, selector or ms ({where})",
                    self.pos.value(f"{ptr}/wait"),
                    "e.g. wait: {event: video_start, timeout: 5s}",
                )
            yield from self._event_ref(wait.get("event"), f"{ptr}/wait/event", "`wait`")
        yield from self._expect(step.get("expect"), ptr, ptr)

    def _expect(self, expect: Any, ptr: str, place: str) -> Iterator[Finding]:
        """A step's (or the long-form start's) `expect` under `ptr`."""
        where = context(_tokens(place), self.data)
        items = [expect] if isinstance(expect, str | dict) else _list(expect)
        for k, item in enumerate(items):
            at = f"{ptr}/expect" if not isinstance(expect, list) else f"{ptr}/expect/{k}"
            if isinstance(item, str):
                yield from self._event_ref(item, at, "`expect`")
            elif isinstance(item, dict):
                yield from self._event_ref(item.get("event"), f"{at}/event", "`expect`")
                yield from self._counts(item, at, where)

    def _counts(self, item: dict[str, Any], ptr: str, where: str) -> Iterator[Finding]:
        if "count" in item and ("min" in item or "max" in item):
            other = "min" if "min" in item else "max"
            yield plan_error(
                f"expectation has both `count` and `{other}` ({where})",
                self.pos.key(f"{ptr}/{other}"),
                "use `count` for an exact number, or `min`/`max` for a range",
            )
        lo, hi = item.get("min"), item.get("max")
        if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
            yield plan_error(
                f"expectation has `min` {lo} greater than `max` {hi} ({where})",
                self.pos.value(f"{ptr}/min"),
                "swap them",
            )


def _tokens(ptr: str) -> list[str | int]:
    out: list[str | int] = []
    for raw in ptr.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        out.append(int(token) if is_index(token) else token)
    return out
