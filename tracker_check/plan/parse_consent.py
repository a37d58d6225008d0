"""The plan's consent parts → model values: `consent:`, `privacy:`, a flow's `storage` and
`expect_by_consent`. Pure; called by `parse._Parser` (docs/consent.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracker_check.plan.model import (
    V2_PURPOSES,
    ChoiceExpect,
    ConsentSpec,
    PrivacySpec,
    Storage,
    StoredCookie,
)
from tracker_check.plan.yamlpos import escape

if TYPE_CHECKING:
    from tracker_check.plan.parse import _Parser as Parser


def consent(p: Parser, value: Any) -> ConsentSpec:
    c = p.mapping(value, "/consent")
    choices = p.mapping(c.get("choices"), "/consent/choices")
    deny = c.get("deny_purposes")
    return ConsentSpec(
        mode=c.get("mode", "auto"),
        region=c.get("region"),
        deny_purposes=V2_PURPOSES if deny is None else p.strings(deny, "/consent/deny_purposes"),
        cookies=pairs(p, c.get("cookies"), "/consent/cookies"),
        collectors=pairs(p, c.get("collectors"), "/consent/collectors"),
        choices={
            str(name): p.steps(steps, f"/consent/choices/{escape(str(name))}")
            for name, steps in choices.items()
        },
        location=p.pos.key("/consent"),
    )


def privacy(p: Parser, section: dict[str, Any]) -> PrivacySpec:
    return PrivacySpec(
        pii=section.get("pii", "error"),
        allow=p.strings(section.get("allow"), "/privacy/allow"),
        patterns=pairs(p, section.get("patterns"), "/privacy/patterns"),
    )


def pairs(p: Parser, value: Any, ptr: str) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in p.mapping(value, ptr).items())


def storage(p: Parser, value: Any, ptr: str) -> Storage | None:
    if value is None:
        return None
    s = p.mapping(value, ptr)
    cookies = s.get("cookies") or []
    if not isinstance(cookies, list):
        p.fail(f"{ptr}/cookies", "expected a list of cookies")
    out = []
    for i, c in enumerate(cookies):
        c = p.mapping(c, f"{ptr}/cookies/{i}")
        out.append(
            StoredCookie(
                name=str(c.get("name", "")),
                value=str(c.get("value", "")),
                domain=c.get("domain"),
                path=str(c.get("path", "/")),
            )
        )
    local = p.mapping(s.get("local_storage"), f"{ptr}/local_storage")
    return Storage(tuple(out), tuple((str(k), str(v)) for k, v in local.items()))


def by_consent(p: Parser, value: Any, ptr: str) -> dict[str, ChoiceExpect]:
    out = {}
    for choice, e in p.mapping(value, ptr).items():
        e = p.mapping(e, f"{ptr}/{escape(str(choice))}")
        seq = e.get("sequence")
        out[str(choice)] = ChoiceExpect(
            sequence=None if seq is None else p.strings(seq, f"{ptr}/{choice}/sequence"),
            forbid=p.strings(e.get("forbid"), f"{ptr}/{choice}/forbid"),
        )
    return out
