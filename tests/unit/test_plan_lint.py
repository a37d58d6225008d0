"""Lint details: meta-schema mapping, hints, and the checks beyond the schema."""

from __future__ import annotations

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker_check import resources
from tracker_check.models import Finding
from tracker_check.plan.lint import lint_text


def errors(text: str) -> list[Finding]:
    plan, found = lint_text(text, "p.yaml")
    assert plan is None
    assert found
    return found


def one(text: str) -> Finding:
    (f,) = errors(text)
    assert f.code == "plan-error"
    return f


def at(f: Finding) -> tuple[int, int]:
    assert f.location is not None
    return f.location.line, f.location.col


def clean(text: str) -> None:
    plan, found = lint_text(text, "p.yaml")
    assert found == []
    assert plan is not None


def test_meta_schema_is_valid_draft_2020_12() -> None:
    schema = resources.schema("tracking-plan.v1.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    for name in ("event", "flow", "step", "fragment"):
        assert schema["$defs"][name]["additionalProperties"] is False


@pytest.mark.parametrize(
    ("text", "where", "hint"),
    [
        ("version: 1\nevnts: {}\nevents: {}\n", (2, 1), "did you mean `events`?"),
        ("version: 1\nsettings: {setle: 1s}\nevents: {}\n", (2, 12), "did you mean `settle`?"),
        ("version: 1\nevents:\n  a: {stge: x}\n", (3, 7), "did you mean `stage`?"),
        (
            "version: 1\nevents:\n  a: {parameters: {p: {maxLenght: 3}}}\n",
            (3, 24),
            "did you mean `maxLength`?",
        ),
        (
            "version: 1\nevents: {}\nflows:\n  - {name: f, steps: [], expct: {}}\n",
            (4, 26),
            "did you mean `expect`?",
        ),
        (
            "version: 1\nevents: {a: {}}\nflows:\n  - {name: f, steps: [{hovr: x}]}\n",
            (4, 24),
            "did you mean `hover`?",
        ),
        (
            "version: 1\nevents: {}\nflows:\n  - {name: f, steps: [], expect: {forbidd: []}}\n",
            (4, 35),
            "did you mean `forbid`?",
        ),
    ],
)
def test_typos_get_did_you_mean(text: str, where: tuple[int, int], hint: str) -> None:
    f = one(text)
    assert at(f) == where
    assert f.hint == hint


def test_unknown_fragment_keyword_without_a_close_match() -> None:
    f = one("version: 1\nevents:\n  a: {parameters: {p: {banana: 1}}}\n")
    assert f.message == "unknown JSON Schema keyword `banana` (in parameter `p` of event `a`)"
    assert f.hint is not None and "x-" in f.hint


def test_x_annotations_are_allowed_in_fragments_and_at_the_top() -> None:
    clean("version: 1\nx-owner: web team\nevents:\n  a: {parameters: {p: {x-ga4: dim1}}}\n")


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        ("kind: mega", "allowed: micro, macro"),
        ("scope: modell", "did you mean `model`?"),
        ("additional_parameters: Warn", "did you mean `warn`?"),
    ],
)
def test_enum_hints(line: str, hint: str) -> None:
    f = one(f"version: 1\nevents:\n  a:\n    {line}\n")
    assert f.hint == hint
    assert at(f)[0] == 4


def test_settings_policies() -> None:
    f = one("version: 1\nsettings: {page_errors: fatal}\nevents: {}\n")
    assert f.hint == "allowed: error, warn, ignore"
    assert at(f) == (2, 25)


def test_every_error_is_reported_and_sorted() -> None:
    found = errors(
        "version: 3\nevents:\n  b: {weight: -1, kind: x}\n  a: {stage: s, unique: [q]}\n"
        "flows:\n  - {name: f, steps: [{click: '#x', expect: [nope]}]}\n"
        "  - {name: f, steps: []}\n"
    )
    assert [at(f) for f in found] == sorted(at(f) for f in found)
    text = "\n".join(f.message for f in found)
    for needle in (
        "`version` must be 1",
        "`weight` must be at least 0",
        "`kind` is `x`",
        "unknown stage `s`",
        "`unique` path `q`",
        "event `nope`",
        "duplicate flow name `f`",
    ):
        assert needle in text
    assert len(found) == 7


def test_stage_without_funnel() -> None:
    f = one("version: 1\nevents:\n  a: {stage: desire}\n")
    assert f.hint == "list the ordered stages under `funnel:` at the top level"


def test_refs() -> None:
    clean(
        "version: 1\ndefinitions:\n  item: {type: object, properties: {id: {type: string}}}\n"
        "  tree:\n    type: object\n"
        "    properties: {kids: {type: array, items: {$ref: '#/definitions/tree'}}}\n"
        "events:\n  a:\n    parameters:\n"
        "      item: {$ref: '#/definitions/item'}\n"
        "      id: {$ref: '#/definitions/item/properties/id'}\n"
        "      tree: {$ref: '#/definitions/tree'}\n"
        "      ecommerce: {$ref: 'ga4#/definitions/purchase_ecommerce'}\n"
        "      one: {$ref: 'ga4#/definitions/item'}\n"
    )
    f = one("version: 1\nevents:\n  a: {parameters: {x: {$ref: 'ga4#/definitions/itme'}}}\n")
    assert f.hint == "did you mean `item`?"
    assert at(f) == (3, 30)
    f = one(
        "version: 1\ndefinitions: {item: {type: object}}\n"
        "events:\n  a: {parameters: {x: {$ref: '#/definitions/item/properties/id'}}}\n"
    )
    assert "has no `properties`" in f.message


def test_refs_inside_definitions_and_globals_are_checked() -> None:
    found = errors(
        "version: 1\nglobal_parameters: {g: {$ref: '#/definitions/nope'}}\n"
        "definitions: {d: {allOf: [{$ref: '#/definitions/nada'}]}}\nevents: {}\n"
    )
    assert [at(f) for f in found] == [(2, 31), (3, 34)]


def test_pattern_properties_keys_are_checked() -> None:
    f = one("version: 1\nevents:\n  a: {parameters: {p: {patternProperties: {'[': {}}}}}\n")
    assert "patternProperties" in f.message


@pytest.mark.parametrize(
    "path",
    [
        "ecommerce.transaction_id",
        "ecommerce.items.0.item_id",
        "ecommerce.items",
        "order.id",
        "order.lines.3.sku",
        "page_type",
    ],
)
def test_unique_paths_that_exist(path: str) -> None:
    clean(
        "version: 1\nglobal_parameters: {page_type: {type: string}}\n"
        "definitions:\n  line: {type: object, properties: {sku: {type: string}}}\n"
        "events:\n  purchase:\n    unique: [" + path + "]\n    parameters:\n"
        "      ecommerce: {$ref: 'ga4#/definitions/purchase_ecommerce'}\n"
        "      order:\n        allOf:\n          - {properties: {id: {type: string}}}\n"
        "          - {properties: {lines: {type: array, items: {$ref: '#/definitions/line'}}}}\n"
    )


@pytest.mark.parametrize(
    ("path", "message", "hint"),
    [
        (
            "ecommerce.transaction",
            "`ecommerce` defines no `transaction`",
            "did you mean `transaction_id`?",
        ),
        (
            "ecommerce.items.0.itemid",
            "`ecommerce.items.0` defines no `itemid`",
            "did you mean `item_id`?",
        ),
        ("order_id", "no parameter `order_id`", "list it under the event's `parameters:`"),
    ],
)
def test_unique_paths_that_do_not(path: str, message: str, hint: str) -> None:
    f = one(
        "version: 1\nevents:\n  purchase:\n    unique: [" + path + "]\n    parameters:\n"
        "      ecommerce: {$ref: 'ga4#/definitions/purchase_ecommerce'}\n"
    )
    assert message in f.message
    assert f.hint == hint
    assert at(f) == (4, 14)


def test_flow_event_names_allow_gtm_internals() -> None:
    clean(
        "version: 1\nevents: {a: {}}\nflows:\n  - name: f\n    steps:\n"
        "      - {goto: /, expect: [gtm.js]}\n      - wait: {event: gtm.load}\n"
        "    expect: {sequence: [gtm.dom, a], forbid: [gtm.click]}\n"
    )


def test_wait_needs_exactly_one_kind() -> None:
    found = errors(
        "version: 1\nevents: {a: {}}\nflows:\n  - name: f\n    steps:\n"
        "      - wait: {timeout: 1s}\n      - wait: {ms: 5, selector: x}\n"
    )
    assert [f.message.split(" (")[0] for f in found] == [
        "`wait` needs event, selector or ms",
        "`wait` takes one of event, selector or ms, not selector and ms",
    ]


def test_variables() -> None:
    clean(
        "version: 1\nevents: {a: {}}\nflows:\n  - name: f\n    vars: {sku: '${env.SKU}'}\n"
        "    start: /p/${vars.sku}\n    steps:\n"
        "      - {fill: {selector: '#e', value: '${env.EMAIL}'}}\n"
        "      - {click: x, expect: [{event: a, where: {id: '${vars.sku}'}}]}\n"
    )
    f = one(
        "version: 1\nevents: {a: {}}\nflows:\n  - name: f\n    steps:\n"
        "      - {click: x, expect: [{event: a, where: {id: '${vars.sku}'}}]}\n"
    )
    assert f.message == "${vars.sku}: the flow has no var `sku` (in step 1 of flow `f`)"
    assert f.hint == "define `sku` under the flow's `vars:`"


def test_empty_and_non_mapping_plans() -> None:
    assert one("").message == "the plan is empty"
    assert one("just text\n").message.startswith("a plan must be a mapping")
    assert at(one("\n\n- 1\n")) == (3, 1)


def test_wrong_shapes_never_crash_the_semantic_checks() -> None:
    for text in [
        "version: 1\nevents: []\nflows: {}\n",
        "version: 1\nevents: {a: 1, b: [x]}\nflows: [1, [2], {steps: 3}]\n",
        "version: 1\nevents: {a: {parameters: [1], unique: {x: 1}, stage: 3}}\nfunnel: 7\n",
        "version: 1\nevents: {}\nflows: [{name: f, steps: [{wait: 3, expect: {event: 1}}]}]\n",
        "version: 1\nevents: {}\ndefinitions: {d: [1]}\nglobal_parameters: {g: 1}\n",
    ]:
        assert errors(text)


def test_docs_name_every_key_of_the_meta_schema() -> None:
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "plan-format.md").read_text("utf-8")
    schema = resources.schema("tracking-plan.v1.schema.json")
    defs = schema["$defs"]
    places = [
        schema,
        schema["properties"]["settings"],
        defs["event"],
        defs["flow"],
        defs["step"],
        defs["flow"]["properties"]["expect"],
    ]
    keys = {k for place in places for k in place["properties"]}
    missing = sorted(k for k in keys if f"`{k}" not in docs)
    assert missing == []


_WORDS = [
    "version",
    "events",
    "flows",
    "steps",
    "expect",
    "wait",
    "event",
    "parameters",
    "unique",
    "stage",
    "funnel",
    "definitions",
    "$ref",
    "#/definitions/a",
    "ga4#/definitions/item",
    "pattern",
    "properties",
    "items",
    "click",
    "vars",
    "name",
    "a",
    "sequence",
    "${vars.a}",
    "count",
    "min",
    "max",
    "global_parameters",
    "settings",
    "timeout",
    "[",
    "(?<x>a)",
]
_SCALARS = st.one_of(st.sampled_from(_WORDS), st.integers(-2, 3), st.booleans(), st.none())
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(_WORDS), inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(_WORDS), _DATA, max_size=6))
def test_lint_never_raises_on_any_shape(data: dict[str, object]) -> None:
    import yaml

    plan, found = lint_text(yaml.safe_dump(data), "p.yaml")
    assert (plan is None) == bool(found)
    for f in found:
        assert f.code == "plan-error"
        assert f.location is not None


START_FLOW = (
    "version: 1\nevents:\n  view_item_list: {}\nflows:\n  - name: f\n"
    "    start: {start}\n    steps: []\n"
)


def test_start_long_form_is_a_url_with_expect_and_timeout() -> None:
    from tracker_check.plan.load import lint_plan_text

    text = START_FLOW.replace(
        "{start}", "{url: /shop.html, expect: [{event: view_item_list, count: 1}], timeout: 10s}"
    )
    clean(text)
    plan, _ = lint_plan_text(text, "plan.yaml")
    assert plan is not None
    [flow] = plan.flows
    assert (flow.start, flow.start_timeout_ms) == ("/shop.html", 10_000)
    assert [(x.event, x.count) for x in flow.start_expect] == [("view_item_list", 1)]


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("{expect: [view_item_list]}", "url"),
        ("{url: /x, expect: [view_itm_list]}", "the start of flow `f`"),
        ("{url: /x, wait: 3}", "wait"),
    ],
)
def test_bad_long_form_start_is_a_plan_error(start: str, message: str) -> None:
    f = one(START_FLOW.replace("{start}", start))
    assert f.code == "plan-error" and message in f.message + (f.hint or "")
    assert f.location is not None and f.location.line == 6


def test_settle_is_auto_or_a_duration() -> None:
    clean("version: 1\nsettings: {settle: auto, settle_cap: 3s}\nevents: {}\n")
    clean("version: 1\nsettings: {settle: 500ms}\nevents: {}\n")
    bad = one("version: 1\nsettings: {settle: often}\nevents: {}\n")
    assert at(bad) == (2, 20)
    assert "`settle` must be `auto` or a duration like 500ms" in bad.message
    cap = one("version: 1\nsettings: {settle_cap: soon}\nevents: {}\n")
    assert "must be a duration" in cap.message
