"""Plain plan data → Plan: durations, step short forms, expectations, settings."""

from __future__ import annotations

from typing import Any

import pytest

from tracker_check.plan.load import lint_plan_text
from tracker_check.plan.model import Plan, Step
from tracker_check.plan.parse import parse_duration


@pytest.mark.parametrize(
    ("value", "ms"),
    [
        ("5s", 5000),
        ("500ms", 500),
        ("1.5s", 1500),
        ("2m", 120_000),
        ("250", 250),
        (250, 250),
        (0, 0),
        (" 3 s ", 3000),
        ("0.5ms", 0),
    ],
)
def test_durations(value: object, ms: int) -> None:
    assert parse_duration(value) == ms


@pytest.mark.parametrize("value", ["5 seconds", "1.5", 1.5, -1, True, None, "", "s", "5h"])
def test_bad_durations(value: object) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(value)


def plan_of(text: str) -> Plan:
    plan, findings = lint_plan_text(text, "p.yaml")
    assert findings == []
    assert plan is not None
    return plan


EVENTS = "version: 1\nevents:\n  ev: {}\n"


def steps_of(*steps: str) -> tuple[Step, ...]:
    body = "".join(f"      - {s}\n" for s in steps)
    return plan_of(f"{EVENTS}flows:\n  - name: f\n    steps:\n{body}").flows[0].steps


@pytest.mark.parametrize(
    ("yaml_step", "action", "args"),
    [
        ("goto: /cart", "goto", {"url": "/cart"}),
        ('goto: {url: "https://x.test/"}', "goto", {"url": "https://x.test/"}),
        ('click: "#buy"', "click", {"selector": "#buy"}),
        ('click: {selector: "#buy"}', "click", {"selector": "#buy"}),
        ('dblclick: "#d"', "dblclick", {"selector": "#d"}),
        ('hover: "#menu"', "hover", {"selector": "#menu"}),
        ('check: "#t"', "check", {"selector": "#t"}),
        ('uncheck: "#t"', "uncheck", {"selector": "#t"}),
        ('fill: {selector: "#q", value: shoes}', "fill", {"selector": "#q", "value": "shoes"}),
        ('type: {selector: "#q", text: abc}', "type", {"selector": "#q", "text": "abc"}),
        ("press: Enter", "press", {"key": "Enter"}),
        ('press: {key: Tab, selector: "#q"}', "press", {"key": "Tab", "selector": "#q"}),
        ('select: {selector: "#s", value: m}', "select", {"selector": "#s", "value": "m"}),
        (
            'select: {selector: "#s", value: [a, b]}',
            "select",
            {"selector": "#s", "value": ["a", "b"]},
        ),
        ("scroll: 75%", "scroll", {"percent": 75}),
        ("scroll: 12.5%", "scroll", {"percent": 12.5}),
        ("scroll: 40", "scroll", {"percent": 40}),
        ('scroll: "#footer"', "scroll", {"selector": "#footer"}),
        ("wait: {event: ev, timeout: 5s}", "wait", {"event": "ev", "timeout_ms": 5000}),
        ('wait: {selector: "#x"}', "wait", {"selector": "#x"}),
        ("wait: {ms: 500}", "wait", {"ms": 500}),
        ("wait: {ms: 1.5s}", "wait", {"ms": 1500}),
        ("screenshot: after", "screenshot", {"name": "after", "full_page": False}),
        (
            "screenshot: {name: all, full_page: true}",
            "screenshot",
            {"name": "all", "full_page": True},
        ),
    ],
)
def test_step_forms(yaml_step: str, action: str, args: dict[str, Any]) -> None:
    (step,) = steps_of(yaml_step)
    assert (step.action, step.args) == (action, args)
    assert step.location is not None
    assert (step.location.line, step.location.col) == (7, 9)


def test_step_timeout_and_expectations() -> None:
    text = (
        "version: 1\nevents:\n  a: {}\n  b: {}\nflows:\n  - name: f\n    steps:\n"
        '      - click: "#x"\n        timeout: 2s\n        expect: a\n'
        '      - click: "#y"\n        expect:\n          - a\n'
        "          - {event: b, min: 1, max: 2, where: {items.0.id: '${vars.sku}'}}\n"
        "    vars: {sku: SKU-1, n: 3}\n"
    )
    flow = plan_of(text).flows[0]
    first, second = flow.steps
    assert first.timeout_ms == 2000
    assert [e.event for e in first.expect] == ["a"]
    a, b = second.expect
    assert (a.event, a.count, a.min, a.max, a.where) == ("a", None, None, None, {})
    assert (b.event, b.min, b.max, b.where) == ("b", 1, 2, {"items.0.id": "${vars.sku}"})
    assert b.location is not None and b.location.line == 14
    assert flow.vars == {"sku": "SKU-1", "n": "3"}


def test_settings() -> None:
    plan = plan_of(
        "version: 1\nsettings:\n  unplanned_events: ignore\n  additional_parameters: error\n"
        "  block_requests: []\n  timeout: 2s\n  settle: 100ms\n  consent: required\n"
        "  page_errors: error\nevents: {}\n"
    )
    s = plan.settings
    assert (s.unplanned_events, s.additional_parameters, s.block_requests) == (
        "ignore",
        "error",
        (),
    )
    assert (s.step_timeout_ms, s.settle_ms, s.consent, s.page_errors) == (
        2000,
        100,
        "required",
        "error",
    )


def test_settle_is_auto_unless_a_duration_is_given() -> None:
    default = plan_of("version: 1\nevents: {}\n").settings
    assert (default.settle_ms, default.settle_cap_ms) == (None, 2000)
    auto = plan_of("version: 1\nsettings: {settle: auto, settle_cap: 3s}\nevents: {}\n")
    assert (auto.settings.settle_ms, auto.settings.settle_cap_ms) == (None, 3000)
    fixed = plan_of("version: 1\nsettings: {settle: 500ms}\nevents: {}\n").settings
    assert fixed.settle_ms == 500


def test_consent_off_is_the_string_off() -> None:
    assert plan_of("version: 1\nsettings: {consent: off}\nevents: {}\n").settings.consent == "off"


def test_event_keys() -> None:
    plan = plan_of(
        "version: 1\nfunnel: [a]\nevents:\n"
        "  e1:\n    description: d\n    kind: macro\n    stage: a\n    weight: 2.5\n"
        "    additional_parameters: ignore\n    unique: [x]\n    scope: model\n"
        "    parameters: {x: {type: string}}\n"
        "  e2: {deprecated: true}\n  e3: {deprecated: false}\n  e4:\n"
    )
    e1 = plan.events["e1"]
    assert (e1.description, e1.kind, e1.stage, e1.weight) == ("d", "macro", "a", 2.5)
    assert (e1.additional_parameters, e1.unique, e1.scope) == ("ignore", ("x",), "model")
    assert e1.parameters == {"x": {"type": "string"}}
    assert plan.events["e2"].deprecated == ""
    assert plan.events["e3"].deprecated is None
    assert plan.events["e4"].parameters == {}
    assert plan.events["e4"].weight == 1.0


def test_data_layers_and_flow_fields() -> None:
    plan = plan_of(
        "version: 1\ndata_layers: [dataLayer, _mtm]\nevents: {ev: {}}\nflows:\n"
        "  - name: f\n    start: /p\n    steps: []\n"
        "    expect: {sequence: [ev], forbid: [gtm.dom]}\n"
    )
    assert plan.data_layers == ("dataLayer", "_mtm")
    flow = plan.flows[0]
    assert (flow.start, flow.steps, flow.sequence, flow.forbid) == ("/p", (), ("ev",), ("gtm.dom",))
    assert plan.flow("f") is flow


def test_steps_are_typed_once_with_their_labels() -> None:
    from tracker_check.plan import steps as st

    got = steps_of(
        'click: "#buy"',
        'fill: {selector: "#q", value: shoes}',
        "wait: {event: ev, timeout: 5s}",
        "scroll: 75%",
        'select: {selector: "#s", value: [a, b]}',
        "press: Enter",
    )
    assert [type(s) for s in got] == [st.Click, st.Fill, st.Wait, st.Scroll, st.Select, st.Press]
    click, fill, wait, scroll, select, press = got
    assert (click.selector, fill.selector, fill.value) == ("#buy", "#q", "shoes")
    assert (wait.event, wait.wait_timeout_ms, wait.acts, click.acts) == ("ev", 5000, False, True)
    assert (scroll.percent, scroll.selector, select.value) == (75, None, ("a", "b"))
    assert (press.key, press.selector) == ("Enter", None)
    assert [s.label for s in got] == [
        "click #buy",
        "fill #q",
        "wait ev",
        "scroll 75",
        "select #s",
        "press Enter",
    ]
