"""Lint of the consent matrix and the `privacy:` section, beyond the meta-schema. Pure.

- a flow's `consent:` choices name `ignore` or a choice under `consent.choices`;
- `when:` of an expectation and the keys of `expect_by_consent` name one of the flow's
  choices (and only matrix flows have them);
- a matrix flow's expanded names (`checkout [deny]`) do not clash with another flow's name;
- `consent.choices` steps are checked like flow steps; `privacy.patterns` compile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from tracker_check.models import Finding
from tracker_check.plan.expand import matrix_name
from tracker_check.plan.metaschema import did_you_mean
from tracker_check.plan.model import IGNORE_CHOICE
from tracker_check.plan.yamlpos import Positions, escape, plan_error
from tracker_check.validate.regex import check_pattern

StepCheck = Callable[[dict[str, Any], str], Iterator[Finding]]
EventCheck = Callable[[Any, str, str], Iterator[Finding]]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _names(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [v for v in _list(value) if isinstance(v, str)]


def consent_findings(
    data: dict[str, Any], pos: Positions, step: StepCheck, event: EventCheck
) -> Iterator[Finding]:
    consent = _dict(data.get("consent"))
    banner = _dict(consent.get("choices"))
    for name, steps in banner.items():
        for j, s in enumerate(_list(steps)):
            if isinstance(s, dict):
                yield from step(s, f"/consent/choices/{escape(str(name))}/{j}")
    for name, pattern in _dict(_dict(data.get("privacy")).get("patterns")).items():
        if isinstance(pattern, str):
            problem = check_pattern(pattern)
            if problem:
                yield plan_error(
                    f"invalid regular expression in `privacy.patterns.{name}`: {problem}",
                    pos.value(f"/privacy/patterns/{escape(str(name))}"),
                    "patterns are ECMA-262 regular expressions, e.g. ^DE[0-9]{9}$",
                )
    flows = [f for f in _list(data.get("flows")) if isinstance(f, dict)]
    plain_names = {f.get("name") for f in flows if not f.get("consent")}
    for i, flow in enumerate(flows):
        yield from _flow(flow, f"/flows/{i}", banner, plain_names, pos, event)


def _flow(
    flow: dict[str, Any],
    base: str,
    banner: dict[str, Any],
    plain_names: set[Any],
    pos: Positions,
    event: EventCheck,
) -> Iterator[Finding]:
    choices = _names(flow.get("consent"))
    known = [*banner, IGNORE_CHOICE]
    raw = flow.get("consent")
    for j, choice in enumerate(choices):
        if choice not in known:
            at = f"{base}/consent/{j}" if isinstance(raw, list) else f"{base}/consent"
            yield plan_error(
                f"consent choice `{choice}` is not described under `consent.choices`",
                pos.value(at),
                did_you_mean(choice, known)
                or "add `consent: {choices: {" + choice + ": [steps]}}`, or use `ignore`",
            )
        expanded = matrix_name(str(flow.get("name")), choice)
        if expanded in plain_names:
            yield plan_error(
                f"flow `{flow.get('name')}` under `{choice}` is named `{expanded}`, like "
                "another flow",
                pos.value(f"{base}/name"),
                "rename one of them",
            )
    by_consent = _dict(flow.get("expect_by_consent"))
    for choice, spec in by_consent.items():
        at = f"{base}/expect_by_consent/{escape(str(choice))}"
        if choice not in choices:
            yield _not_a_choice(str(choice), choices, pos, at, key=True)
        for key in ("sequence", "forbid"):
            for k, name in enumerate(_list(_dict(spec).get(key))):
                yield from event(name, f"{at}/{key}/{k}", f"`expect_by_consent.{choice}`")
    steps = _list(flow.get("steps"))
    start = flow.get("start")
    places = [(s, f"{base}/steps/{j}") for j, s in enumerate(steps) if isinstance(s, dict)]
    if isinstance(start, dict):
        places.append((start, f"{base}/start"))
    for holder, at in places:
        expect = holder.get("expect")
        for k, item in enumerate(_list(expect)):
            if isinstance(item, dict) and "when" in item:
                for m, choice in enumerate(_names(item.get("when"))):
                    if choice not in choices:
                        where = f"{at}/expect/{k}/when"
                        if isinstance(item.get("when"), list):
                            where += f"/{m}"
                        yield _not_a_choice(choice, choices, pos, where)


def _not_a_choice(
    choice: str, choices: list[str], pos: Positions, at: str, *, key: bool = False
) -> Finding:
    place = pos.key(at) if key else pos.value(at)
    if not choices:
        return plan_error(
            f"`{choice}`: only a flow with `consent: [choices]` has expectations per choice",
            place,
            "add `consent: [accept, deny]` to the flow",
        )
    return plan_error(
        f"`{choice}` is not one of this flow's consent choices ({', '.join(choices)})",
        place,
        did_you_mean(choice, choices) or "list it in the flow's `consent:`",
    )
