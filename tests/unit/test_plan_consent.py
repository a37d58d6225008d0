"""The plan's consent/privacy sections: parsing, lint and the consent matrix (plan/expand)."""

from __future__ import annotations

from tracker_check.plan.lint import lint_text
from tracker_check.plan.model import Plan

MATRIX = """\
version: 1
events:
  view_item: {}
  add_to_cart: {consent: [analytics_storage]}
consent:
  region: DE
  cookies: {"_hj*": analytics_storage}
  choices:
    accept: [{click: "#accept"}]
    deny: [{click: "#deny"}, {wait: {ms: 10}}]
flows:
  - name: checkout
    consent: [accept, deny, ignore]
    start: {url: /shop, expect: [{event: view_item, when: accept}]}
    steps:
      - click: "#buy"
        expect:
          - view_item
          - {event: add_to_cart, when: [accept]}
    expect:
      sequence: [view_item, add_to_cart]
      forbid: [view_item]
    expect_by_consent:
      deny: {sequence: [view_item], forbid: [add_to_cart]}
    storage:
      cookies: [{name: consent, value: "yes"}]
      local_storage: {cmp: granted}
  - name: plain
    steps: [{goto: /x}]
"""


def parsed(text: str) -> Plan:
    plan, errors = lint_text(text, "plan.yaml")
    assert not errors, [f"{e.location}: {e.message}" for e in errors]
    assert plan is not None
    return plan


def errors_of(text: str) -> list[str]:
    _, errors = lint_text(text, "plan.yaml")
    return [f"{e.location.line}:{e.location.col} {e.message}" for e in errors if e.location]


def test_matrix_expands_one_flow_per_choice_in_order() -> None:
    plan = parsed(MATRIX)
    names = [f.name for f in plan.flows]
    assert names == ["checkout [accept]", "checkout [deny]", "checkout [ignore]", "plain"]
    accept, deny, ignore, plain = plan.flows
    assert [s.label for s in accept.steps] == ["click #accept", "click #buy"]
    assert [s.action for s in deny.steps] == ["click", "wait", "click"]
    assert [s.label for s in ignore.steps] == ["click #buy"]
    assert (accept.consent_choice, accept.base_name) == ("accept", "checkout")
    assert plain.consent_choice is None and plain.name == "plain"


def test_expectations_per_choice() -> None:
    accept, deny, ignore, _ = parsed(MATRIX).flows
    assert [x.event for x in accept.steps[-1].expect] == ["view_item", "add_to_cart"]
    assert [x.event for x in deny.steps[-1].expect] == ["view_item"]
    assert [x.event for x in accept.start_expect] == ["view_item"]
    assert deny.start_expect == ()
    assert deny.sequence == ("view_item",) and deny.forbid == ("view_item", "add_to_cart")
    assert ignore.sequence == ("view_item", "add_to_cart") and ignore.forbid == ("view_item",)


def test_consent_section_storage_and_event_purposes_parse() -> None:
    plan = parsed(MATRIX)
    assert plan.consent is not None
    assert plan.consent.region == "DE" and plan.consent.mode == "auto"
    assert plan.consent.cookies == (("_hj*", "analytics_storage"),)
    assert plan.events["add_to_cart"].consent == ("analytics_storage",)
    storage = plan.flows[0].storage
    assert storage is not None
    assert [(c.name, c.value, c.path) for c in storage.cookies] == [("consent", "yes", "/")]
    assert storage.local_storage == (("cmp", "granted"),)


def test_privacy_section_parses_with_defaults() -> None:
    plan = parsed("version: 1\nevents: {}\n")
    assert plan.privacy.pii == "error" and plan.consent is None
    plan = parsed(
        "version: 1\nevents: {}\nprivacy:\n  pii: warn\n  allow: [user_data.*]\n"
        "  patterns: {customer_no: '^K[0-9]{6}$'}\n"
    )
    assert plan.privacy.allow == ("user_data.*",)
    assert plan.privacy.patterns == (("customer_no", "^K[0-9]{6}$"),)


def test_lint_unknown_choice_with_place_and_hint() -> None:
    text = MATRIX.replace("consent: [accept, deny, ignore]", "consent: [accept, denny]")
    _, errors = lint_text(text, "plan.yaml")
    [e] = [e for e in errors if "`denny` is not described" in e.message]
    assert e.location is not None and (e.location.line, e.location.col) == (13, 23)
    assert e.hint is not None and "deny" in e.hint


def test_lint_when_and_expect_by_consent_name_the_flows_choices() -> None:
    text = MATRIX.replace("when: [accept]", "when: [acept]").replace(
        "      deny: {sequence", "      nope: {sequence"
    )
    got = errors_of(text)
    assert any("`acept` is not one of this flow's consent choices" in g for g in got)
    assert any("`nope` is not one of" in g for g in got)


def test_lint_when_on_a_flow_without_consent() -> None:
    text = (
        "version: 1\nevents: {a: {}}\nflows:\n  - name: f\n    steps:\n"
        "      - goto: /\n        expect: [{event: a, when: accept}]\n"
    )
    assert any("only a flow with `consent: [choices]`" in g for g in errors_of(text))


def test_lint_meta_schema_purpose_and_pattern() -> None:
    text = (
        "version: 1\nevents: {a: {consent: [analytic_storage]}}\n"
        "privacy: {patterns: {x: '(?P<n>a)'}}\n"
    )
    got = errors_of(text)
    assert any(g.startswith("2:") for g in got), got
    assert any("privacy.patterns.x" in g for g in got), got


def test_lint_banner_steps_are_checked_like_flow_steps() -> None:
    text = "version: 1\nevents: {}\nconsent:\n  choices:\n    accept: [{expect: [a]}]\n"
    got = errors_of(text)
    assert any("step has no action" in g for g in got), got
