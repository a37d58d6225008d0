"""Matomo `_paq` command arrays -> Events (sources.matomo) and its argument rules."""

from __future__ import annotations

from typing import Any

import pytest

from tracker_check.models import EventKind
from tracker_check.sources import Normalizer, matomo_rules

UNDEFINED = {"__type": "undefined"}


def paq(normalizer: Normalizer, *records: Any, document: str = "0") -> list[Any]:
    return [normalizer(r, data_layer="_paq", document=document) for r in records]


def test_tracking_calls_are_events_named_by_default_and_config_calls_are_commands() -> None:
    events = paq(
        Normalizer(),
        ["setSiteId", "1"],
        ["enableLinkTracking"],
        ["requireConsent"],
        ["trackPageView", "Home"],
        ["trackEvent", "Video", "Play", "intro", 3],
        ["trackEvent", "Video", ""],
        ["trackGoal", 4, 10.5],
        ["trackSiteSearch", "shoes", False, 12],
        ["Plugin.method", 1],
        [{"__type": "function"}],
        {"__type": "function"},
        "oops",
    )
    assert [(e.name, e.kind, e.source) for e in events] == [
        ("setSiteId", EventKind.COMMAND, "matomo"),
        ("enableLinkTracking", EventKind.COMMAND, "matomo"),
        ("requireConsent", EventKind.COMMAND, "matomo"),
        ("trackPageView", EventKind.EVENT, "matomo"),
        ("Video/Play", EventKind.EVENT, "matomo"),
        ("trackEvent", EventKind.EVENT, "matomo"),  # no action: the command names it
        ("trackGoal", EventKind.EVENT, "matomo"),
        ("trackSiteSearch", EventKind.EVENT, "matomo"),
        ("Plugin.method", EventKind.COMMAND, "matomo"),
        (None, EventKind.FUNCTION, "matomo"),
        (None, EventKind.FUNCTION, "matomo"),
        (None, EventKind.INVALID, "matomo"),
    ]
    assert events[3].parameters == {"customTitle": "Home"}
    assert events[4].parameters == {
        "category": "Video",
        "action": "Play",
        "name": "intro",
        "value": 3,
    }
    assert events[7].parameters == {"keyword": "shoes", "category": False, "resultsCount": 12}


def test_undefined_arguments_are_left_out() -> None:
    [event] = paq(Normalizer(), ["trackEvent", "Video", "Play", UNDEFINED, 5])
    assert event.parameters == {"category": "Video", "action": "Play", "value": 5}


def test_cart_items_accumulate_by_sku_and_an_order_empties_the_cart() -> None:
    events = paq(
        Normalizer(),
        ["addEcommerceItem", "B", "Cap", "Hats", 9.5, 1],
        ["addEcommerceItem", 7, "Sock", "Men", 2, 3],
        ["addEcommerceItem", "A", "Shirt", "Men", 19.99, 2],
        ["addEcommerceItem", "A", "Shirt", "Men", 19.99, 1],  # same SKU: replaced
        ["removeEcommerceItem", "B"],
        ["trackEcommerceCartUpdate", 21.99],
        ["trackEcommerceOrder", "o-1", 21.99, 21.99],
        ["trackEcommerceCartUpdate", 0],
    )
    cart, order, after = events[5], events[6], events[7]
    # a JS object: integer-like keys ("7") first, then insertion order
    assert [i["sku"] for i in cart.parameters["items"]] == ["7", "A"]
    assert cart.parameters["items"][1] == {
        "sku": "A",
        "name": "Shirt",
        "category": "Men",
        "price": 19.99,
        "quantity": 1,
    }
    assert order.parameters["items"] == cart.parameters["items"]
    assert order.parameters["orderId"] == "o-1"
    assert after.parameters["items"] == []


def test_an_order_matomo_does_not_send_keeps_the_cart() -> None:
    events = paq(
        Normalizer(),
        ["addEcommerceItem", "A", "Shirt", "Men", 1, 1],
        ["trackEcommerceOrder", "", 1],  # no id: not sent, cart kept
        ["trackEcommerceOrder", "o-2", 1],
    )
    assert [i["sku"] for i in events[2].parameters["items"]] == ["A"]


def test_custom_dimensions_go_with_later_tracking_requests_per_page() -> None:
    normalizer = Normalizer()
    events = paq(
        normalizer,
        ["trackPageView"],
        ["setCustomDimension", "2", 5],
        ["setCustomDimension", 0, "ignored"],
        ["trackPageView"],
        ["deleteCustomDimension", 2],
        ["trackPageView"],
    )
    assert "dimensions" not in events[0].parameters
    assert events[3].parameters["dimensions"] == {"2": "5"}
    assert "dimensions" not in events[5].parameters
    normalizer(["setCustomDimension", 1, "x"], data_layer="_paq", document="a")
    [other_page] = paq(normalizer, ["trackPageView"], document="b")
    assert "dimensions" not in other_page.parameters


@pytest.mark.parametrize(
    ("record", "arguments"),
    [
        (["trackEvent", "Video", "Play"], []),
        (["trackEvent", "", "Play"], ["category"]),
        (["trackEvent", "Video", "  "], ["action"]),
        (["trackEvent", "Video"], ["action"]),
        (["trackEvent", 1, 2, "n", 1.5], []),
        (["trackEvent", "Video", "Play", "n", "12"], ["value"]),
        (["trackEvent", "Video", "Play", "n", {"__type": "number", "value": "NaN"}], ["value"]),
        (["trackGoal", 3], []),
        (["trackGoal", "3"], []),
        (["trackGoal", "signup"], ["idGoal"]),
        (["trackGoal", 3, "9.99"], ["customRevenue"]),
        (["trackEcommerceOrder", "o1", 10, 9, 1, 0, False], []),
        (["trackEcommerceOrder", "", 10], ["orderId"]),
        (["trackEcommerceOrder", "o1"], ["grandTotal"]),
        (["trackEcommerceOrder", "o1", "10"], ["grandTotal"]),
        (["trackEcommerceOrder", "o1", 10, "9"], ["subTotal"]),
        (["trackEcommerceCartUpdate", 0], []),
        (["trackEcommerceCartUpdate"], ["grandTotal"]),
        (["addEcommerceItem", "A", "Shirt", ["Men", "Tops"], 19.99, 2], []),
        (["addEcommerceItem", "A"], []),  # Matomo defaults the rest
        (["addEcommerceItem", ""], ["sku"]),
        (["addEcommerceItem", "A", 5, "Men", "19.99", "2"], ["name", "price", "quantity"]),
        (["addEcommerceItem", "A", "S", ["a", "b", "c", "d", "e", "f"]], ["category"]),
        (["setEcommerceView", "A", "Shirt", "Men", "x"], ["price"]),
        (["setEcommerceView", False, False, "Men"], []),  # a category page
        (["setCustomDimension", 0, "x"], ["customDimensionId"]),
        (["setSiteId", "x"], []),
    ],
)
def test_argument_rules(record: list[Any], arguments: list[str]) -> None:
    [event] = paq(Normalizer(), record)
    found = matomo_rules.problems(event)
    assert [p.argument for p in found] == arguments
    assert all(p.command == record[0] and p.hint for p in found)
