"""The consent matrix: one flow per consent choice. Pure.

A flow with `consent: [accept, deny, ignore]` becomes one `Flow` per choice, named
`checkout [deny]`, in the order written. Each runs the banner's steps for its choice (the
plan's `consent.choices.<choice>`; `ignore` has none: the user never answers) right after
the start, so they are steps 1..k and the flow's own steps follow. Expectations per choice:
an expectation with `when: [accept]` is kept only under those choices, and the flow's
`expect_by_consent.<choice>` replaces `sequence` (when given) and adds to `forbid`.
Flows without `consent:` are unchanged.
"""

from __future__ import annotations

import dataclasses

from tracker_check.plan.model import Expectation, Flow, Plan, Step


def matrix_name(flow: str, choice: str) -> str:
    return f"{flow} [{choice}]"


def expand_consent(plan: Plan) -> Plan:
    """`plan` with each matrix flow replaced by its flows per choice."""
    if not any(f.consent for f in plan.flows):
        return plan
    choices = plan.consent.choices if plan.consent is not None else {}
    flows: list[Flow] = []
    for flow in plan.flows:
        if not flow.consent:
            flows.append(flow)
            continue
        flows.extend(for_choice(flow, choice, choices.get(choice, ())) for choice in flow.consent)
    return dataclasses.replace(plan, flows=tuple(flows))


def for_choice(flow: Flow, choice: str, banner: tuple[Step, ...]) -> Flow:
    """`flow` as run under one consent `choice`, the banner's steps after the start."""
    steps = tuple(_kept_step(s, choice) for s in flow.steps)
    if flow.start is None and steps and steps[0].action == "goto":
        steps = (steps[0], *banner, *steps[1:])  # the first goto is the start
    else:
        steps = (*banner, *steps)
    extra = flow.expect_by_consent.get(choice)
    sequence = flow.sequence
    forbid = flow.forbid
    if extra is not None:
        if extra.sequence is not None:
            sequence = extra.sequence
        forbid = tuple(dict.fromkeys((*forbid, *extra.forbid)))
    return dataclasses.replace(
        flow,
        name=matrix_name(flow.name, choice),
        steps=steps,
        start_expect=_kept(flow.start_expect, choice),
        sequence=sequence,
        forbid=forbid,
        consent=(),
        consent_choice=choice,
        base_name=flow.name,
        expect_by_consent={},
    )


def _kept(expects: tuple[Expectation, ...], choice: str) -> tuple[Expectation, ...]:
    return tuple(x for x in expects if not x.when or choice in x.when)


def _kept_step(step: Step, choice: str) -> Step:
    kept = _kept(step.expect, choice)
    return step if len(kept) == len(step.expect) else dataclasses.replace(step, expect=kept)
