"""Plan -> JSON Schema compilation (tracker_check.compile)."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from tracker_check.compile import DRAFT_2020_12, compile_event, compile_plan, ga4_definitions
from tracker_check.errors import PlanError
from tracker_check.plan.model import EventSpec, Plan, Settings

ITEM = {
    "type": "object",
    "required": ["item_id", "price"],
    "properties": {"item_id": {"type": "string"}, "price": {"type": "number"}},
}


def plan_with(*events: EventSpec, **kw: Any) -> Plan:
    return Plan(events={e.name: e for e in events}, **kw)


def test_parameters_then_globals_required_unless_optional() -> None:
    plan = plan_with(
        EventSpec(
            "add_to_cart",
            parameters={
                "value": {"type": "number"},
                "coupon": {"type": "string", "optional": True},
            },
            description="Click on the cart button",
        ),
        global_parameters={"page_type": {"enum": ["home"]}, "user_id": {"optional": True}},
        name="Shop",
    )
    schema = compile_event(plan, "add_to_cart")
    assert schema["$schema"] == DRAFT_2020_12
    assert "$id" not in schema
    assert schema["title"] == "add_to_cart"
    assert schema["description"] == "Click on the cart button (tracking plan 'Shop')"
    assert list(schema["properties"]) == ["value", "coupon", "page_type", "user_id"]
    assert schema["required"] == ["page_type", "value"]
    assert schema["properties"]["coupon"] == {"type": "string"}
    assert schema["properties"]["user_id"] == {}
    jsonschema.Draft202012Validator.check_schema(schema)


def test_event_parameter_wins_over_a_global_of_the_same_name() -> None:
    plan = plan_with(
        EventSpec("landing", parameters={"page_type": {"const": "landing"}}),
        global_parameters={"page_type": {"enum": ["home", "cart"]}},
    )
    assert compile_event(plan, "landing")["properties"] == {"page_type": {"const": "landing"}}


@pytest.mark.parametrize(
    ("setting", "override", "closed"),
    [
        ("error", None, True),
        ("warn", None, True),
        ("ignore", None, False),
        ("ignore", "error", True),
        ("error", "ignore", False),
        ("warn", "warn", True),
    ],
)
def test_additional_properties_follow_the_effective_policy(
    setting: Any, override: Any, closed: bool
) -> None:
    plan = plan_with(
        EventSpec("e", additional_parameters=override),
        settings=Settings(additional_parameters=setting),
    )
    schema = compile_event(plan, "e")
    assert ("additionalProperties" in schema) is closed
    if closed:
        assert schema["additionalProperties"] is False


def test_optional_is_stripped_everywhere_and_leaves_nested_required() -> None:
    nested = {
        "type": "object",
        "required": ["id", "location"],
        "properties": {
            "id": {"type": "string"},
            "location": {"type": "string", "optional": True},
            "deep": {
                "type": "object",
                "required": ["x"],
                "properties": {"x": {"optional": True, "type": "integer"}},
            },
        },
    }
    plan = plan_with(
        EventSpec("signup", parameters={"form": nested, "x": {"$ref": "#/definitions/d"}}),
        definitions={
            "d": {"type": "object", "required": ["a"], "properties": {"a": {"optional": True}}}
        },
    )
    schema = compile_event(plan, "signup")
    assert "optional" not in json.dumps(schema)
    form = schema["properties"]["form"]
    assert form["required"] == ["id"]
    assert form["properties"]["deep"]["required"] == []
    assert schema["$defs"]["d"]["required"] == []
    assert schema["required"] == ["form", "x"]
    # the plan's own objects are not modified
    assert nested["properties"]["location"] == {"type": "string", "optional": True}  # type: ignore[index]


def test_optional_inside_enum_values_is_data_not_a_marker() -> None:
    plan = plan_with(EventSpec("e", parameters={"p": {"const": {"optional": True}}}))
    assert compile_event(plan, "e")["properties"]["p"] == {"const": {"optional": True}}


def test_plan_definitions_are_copied_into_defs_and_refs_rewritten() -> None:
    plan = plan_with(
        EventSpec(
            "add_to_cart",
            parameters={
                "items": {"type": "array", "items": {"$ref": "#/definitions/item"}},
                "first_price": {"$ref": "#/definitions/item/properties/price"},
            },
        ),
        EventSpec("other", parameters={"a": {"type": "string"}}),
        definitions={"item": ITEM, "unused": {"type": "null"}},
    )
    schema = compile_event(plan, "add_to_cart")
    assert schema["properties"]["items"]["items"] == {"$ref": "#/$defs/item"}
    assert schema["properties"]["first_price"] == {"$ref": "#/$defs/item/properties/price"}
    assert schema["$defs"] == {"item": ITEM}
    assert "$defs" not in compile_event(plan, "other")
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid({"items": [{"item_id": "a", "price": 1}], "first_price": 2})
    assert not validator.is_valid({"items": [{"item_id": "a"}], "first_price": 2})


def test_recursive_definitions_terminate() -> None:
    node = {
        "type": "object",
        "properties": {
            "children": {"type": "array", "items": {"$ref": "#/definitions/node"}},
            "other": {"$ref": "#/definitions/leaf"},
        },
    }
    plan = plan_with(
        EventSpec("tree", parameters={"root": {"$ref": "#/definitions/node"}}),
        definitions={"node": node, "leaf": {"$ref": "#/definitions/node"}},
    )
    schema = compile_event(plan, "tree")
    assert sorted(schema["$defs"]) == ["leaf", "node"]
    assert schema["$defs"]["node"]["properties"]["children"]["items"] == {"$ref": "#/$defs/node"}
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid({"root": {"children": [{"children": [{"other": {}}]}]}})
    assert not validator.is_valid({"root": {"children": [{"children": [5]}]}})


def test_ga4_refs_pull_the_definition_and_its_dependencies() -> None:
    plan = plan_with(
        EventSpec(
            "purchase", parameters={"ecommerce": {"$ref": "ga4#/definitions/purchase_ecommerce"}}
        )
    )
    schema = compile_event(plan, "purchase")
    assert schema["properties"]["ecommerce"] == {"$ref": "#/$defs/ga4.purchase_ecommerce"}
    assert list(schema["$defs"]) == sorted(schema["$defs"])
    assert {"ga4.purchase_ecommerce", "ga4.items", "ga4.item", "ga4.currency"} <= set(
        schema["$defs"]
    )
    assert schema["$defs"]["ga4.items"]["items"] == {"$ref": "#/$defs/ga4.item"}
    assert "#/definitions" not in json.dumps(schema)
    jsonschema.Draft202012Validator.check_schema(schema)


def test_ga4_and_plan_definitions_with_the_same_name_do_not_collide() -> None:
    plan = plan_with(
        EventSpec(
            "e",
            parameters={
                "mine": {"$ref": "#/definitions/item"},
                "google": {"$ref": "ga4#/definitions/item"},
            },
        ),
        definitions={"item": {"type": "string"}},
    )
    defs = compile_event(plan, "e")["$defs"]
    assert defs["item"] == {"type": "string"}
    assert defs["ga4.item"]["type"] == "object"


def test_deprecated_events_are_marked() -> None:
    plan = plan_with(EventSpec("old_signup", deprecated="use sign_up"))
    assert compile_event(plan, "old_signup")["deprecated"] is True


@pytest.mark.parametrize("ref", ["#/definitions/nope", "ga4#/definitions/nope"])
def test_dangling_refs_are_plan_errors(ref: str) -> None:
    plan = plan_with(EventSpec("e", parameters={"p": {"$ref": ref}}))
    with pytest.raises(PlanError) as info:
        compile_event(plan, "e")
    assert info.value.findings[0].code == "plan-error"
    assert ref in info.value.findings[0].message


def test_compile_plan_is_deterministic_and_sorted() -> None:
    plan = plan_with(
        EventSpec(
            "zeta", parameters={"b": {"$ref": "#/definitions/b"}, "a": {"$ref": "#/definitions/a"}}
        ),
        EventSpec("alpha"),
        definitions={"b": {"type": "string"}, "a": {"type": "number"}},
    )
    first = json.dumps(compile_plan(plan))
    assert first == json.dumps(compile_plan(plan))
    schemas = compile_plan(plan)
    assert list(schemas) == ["alpha", "zeta"]
    assert list(schemas["zeta"]["$defs"]) == ["a", "b"]


def test_every_ga4_definition_is_a_valid_schema() -> None:
    defs = ga4_definitions()
    expected = {
        "item",
        "items",
        "purchase_ecommerce",
        "refund_ecommerce",
        "view_item_list_ecommerce",
        "select_item_ecommerce",
        "add_payment_info_ecommerce",
        "sign_up_params",
        "file_download_params",
        "video_complete_params",
        "form_submit_params",
    }
    assert expected <= set(defs)
    for name in defs:
        plan = plan_with(EventSpec("e", parameters={"p": {"$ref": f"ga4#/definitions/{name}"}}))
        jsonschema.Draft202012Validator.check_schema(compile_event(plan, "e"))


def test_ga4_purchase_rules() -> None:
    plan = plan_with(
        EventSpec(
            "purchase", parameters={"ecommerce": {"$ref": "ga4#/definitions/purchase_ecommerce"}}
        )
    )
    v = jsonschema.Draft202012Validator(compile_event(plan, "purchase"))
    good = {"transaction_id": "T1", "currency": "EUR", "value": 3, "items": [{"item_id": "A"}]}
    assert v.is_valid({"ecommerce": good})
    assert not v.is_valid({"ecommerce": {**good, "transaction_id": ""}})
    assert not v.is_valid({"ecommerce": {k: x for k, x in good.items() if k != "currency"}})
    assert v.is_valid(
        {"ecommerce": {k: x for k, x in good.items() if k not in ("currency", "value")}}
    )
    assert not v.is_valid({"ecommerce": {**good, "items": [{"price": 3}]}})
    assert v.is_valid({"ecommerce": {**good, "items": [{"item_name": "Shirt", "quantity": 2}]}})
    assert not v.is_valid({"ecommerce": {**good, "items": [{"item_id": "A", "quantity": 1.5}]}})
    assert not v.is_valid({"ecommerce": {**good, "items": [{"item_id": "A"}] * 201}})
