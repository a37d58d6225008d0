"""One compiled schema -> Violations and readable messages (tracker_check.validate.engine)."""

from __future__ import annotations

from typing import Any

import pytest

from tracker_check.compile import compile_event
from tracker_check.plan.model import EventSpec, Plan
from tracker_check.validate.engine import EventSchema
from tracker_check.validate.messages import describe, display_path, pointer

ITEM = {
    "type": "object",
    "required": ["item_id", "price"],
    "properties": {
        "item_id": {"type": "string", "minLength": 1},
        "price": {"type": "number", "minimum": 0},
        "size": {"enum": ["S", "M", "L"]},
    },
}


def schema_for(parameters: dict[str, Any], **kw: Any) -> EventSchema:
    plan = Plan(
        events={"add_to_cart": EventSpec("add_to_cart", parameters=parameters)},
        definitions={"item": ITEM},
        **kw,
    )
    return EventSchema("add_to_cart", compile_event(plan, "add_to_cart"))


ECOMMERCE = {
    "ecommerce": {
        "type": "object",
        "required": ["currency", "items"],
        "properties": {
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "items": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/item"}},
        },
    }
}


def test_valid_instance_has_no_violations() -> None:
    s = schema_for(ECOMMERCE)
    ok = {"ecommerce": {"currency": "EUR", "items": [{"item_id": "A", "price": 1}]}}
    assert s.is_valid(ok)
    assert s.violations(ok) == []


def test_wrong_type_in_nested_item() -> None:
    s = schema_for(ECOMMERCE)
    bad = {"ecommerce": {"currency": "EUR", "items": [{"item_id": "A", "price": "19.99"}]}}
    [v] = s.violations(bad)
    assert v.code == "invalid-parameter"
    assert v.pointer == "/ecommerce/items/0/price"
    assert v.expected == {"type": "number"}
    assert v.actual == "19.99"
    assert v.message == 'ecommerce.items[0].price must be a number, got the string "19.99"'


def test_missing_nested_key_points_at_the_key() -> None:
    s = schema_for(ECOMMERCE)
    [v] = s.violations({"ecommerce": {"currency": "EUR", "items": [{"price": 1}]}})
    assert (v.code, v.pointer) == ("missing-parameter", "/ecommerce/items/0/item_id")
    assert v.message == "ecommerce.items[0].item_id is missing"


def test_pattern_expected_is_the_ecma_text_not_the_translation() -> None:
    s = schema_for({"zip": {"type": "string", "pattern": r"^\d{5}$"}})
    [v] = s.violations({"zip": "١٢٣٤٥"})
    assert v.expected == {"pattern": r"^\d{5}$"}
    assert v.message == r'zip must match the pattern ^\d{5}$, got the string "١٢٣٤٥"'


def test_top_level_additional_property_is_unexpected_nested_is_invalid() -> None:
    s = schema_for(
        {"a": {"type": "object", "additionalProperties": False, "properties": {"x": {}}}}
    )
    found = {(v.code, v.pointer) for v in s.violations({"a": {"x": 1, "y": 2}, "debug": True})}
    assert found == {("unexpected-parameter", "/debug"), ("invalid-parameter", "/a/y")}


def test_every_violation_is_reported_in_a_stable_order() -> None:
    s = schema_for(ECOMMERCE)
    bad = {"ecommerce": {"currency": "eur", "items": [{"price": -1, "size": "XL"}, {}]}}
    found = [(v.code, v.pointer) for v in s.violations(bad)]
    assert found == [
        ("invalid-parameter", "/ecommerce/currency"),
        ("missing-parameter", "/ecommerce/items/0/item_id"),
        ("invalid-parameter", "/ecommerce/items/0/price"),
        ("invalid-parameter", "/ecommerce/items/0/size"),
        ("missing-parameter", "/ecommerce/items/1/item_id"),
        ("missing-parameter", "/ecommerce/items/1/price"),
    ]
    assert found == [(v.code, v.pointer) for v in s.violations(bad)]


def test_anyof_of_required_becomes_one_missing_parameter() -> None:
    s = schema_for({"ecommerce": {"$ref": "ga4#/definitions/view_item_ecommerce"}})
    [v] = s.violations({"ecommerce": {"items": [{"price": 1}]}})
    assert (v.code, v.pointer) == ("missing-parameter", "/ecommerce/items/0/item_id")
    assert v.message == "ecommerce.items[0] needs one of: item_id, item_name"


def test_dependent_required_names_the_trigger() -> None:
    s = schema_for({"ecommerce": {"$ref": "ga4#/definitions/view_item_ecommerce"}})
    [v] = s.violations({"ecommerce": {"value": 5, "items": [{"item_id": "A"}]}})
    assert (v.code, v.pointer) == ("missing-parameter", "/ecommerce/currency")
    assert v.message == "ecommerce.currency is missing (required when value is set)"


def test_oneof_uses_python_best_match_for_the_leaf() -> None:
    s = schema_for(
        {"v": {"oneOf": [{"type": "string", "minLength": 3}, {"type": "integer", "minimum": 5}]}}
    )
    [v] = s.violations({"v": 2})
    assert v.code == "invalid-parameter"
    assert v.pointer == "/v"
    assert v.keyword in {"type", "minimum"}


@pytest.mark.parametrize(
    ("fragment", "value", "message"),
    [
        ({"enum": ["a", "b"]}, "c", 'p must be one of "a", "b", got the string "c"'),
        ({"const": 1}, 2, "p must be 1, got the number 2"),
        ({"minimum": 1}, 0, "p must be at least 1, got the number 0"),
        ({"exclusiveMaximum": 10}, 10, "p must be less than 10, got the number 10"),
        ({"maxLength": 2}, "abc", "p must be at most 2 characters long, got 3"),
        ({"maxItems": 1}, [1, 2], "p must have at most 1 item(s), got 2"),
        ({"type": "integer"}, 1.5, "p must be a whole number, got the number 1.5"),
        ({"type": ["string", "null"]}, True, "p must be a string or null, got true"),
        ({"uniqueItems": True}, [1, 1], "p must not contain the same item twice"),
        ({"multipleOf": 2}, 3, "p must be a multiple of 2, got the number 3"),
    ],
)
def test_messages_a_marketer_can_read(fragment: dict[str, Any], value: Any, message: str) -> None:
    [v] = schema_for({"p": fragment}).violations({"p": value})
    assert v.message == message
    assert v.actual == value


def test_pointer_and_display_path_escape_and_format() -> None:
    assert pointer(("a/b", "c~d", 0)) == "/a~1b/c~0d/0"
    assert pointer(()) == ""
    assert display_path(("ecommerce", "items", 3, "price")) == "ecommerce.items[3].price"
    assert display_path(()) == "the event"
    assert describe({"a": 1}) == "an object"
    assert describe([1]) == "a list of 1 item"
    assert describe(None) == "null"
