"""Matomo `_paq` command arrays -> Events (source `matomo`). Pure, stateful per page.

`_paq.push(['trackEvent', 'Video', 'Play', 'intro', 3])` is a command array: the method
name, then its positional arguments (js/piwik.js `apply`). Tracking calls — the commands
that send a request (`TRACKING`) plus `setEcommerceView` — become EVENTs whose parameters
are the arguments by Matomo's own names (`category`, `action`, `name`, `value`, ...;
`undefined` arguments are left out). Everything else (`setSiteId`, `enableLinkTracking`,
`requireConsent`, `addEcommerceItem`, plugin calls `'Plugin.method'`/`'Plugin::method'`) is
a COMMAND; `[function]` or a function pushed by itself is a FUNCTION.

What the tracker keeps between commands is kept here too (`MatomoPage`, one per document):
- ecommerce items from `addEcommerceItem` (keyed by SKU, replaced when the SKU comes again;
  `removeEcommerceItem`, `clearEcommerceCart`), sent as `items` with
  `trackEcommerceCartUpdate` and `trackEcommerceOrder`; a tracked order empties the cart.
- custom dimensions from `setCustomDimension` (`deleteCustomDimension` removes one), sent as
  `dimensions: {"1": "value"}` with every later tracking request.

Default event names: `trackEvent` is `category/action` (`Video/Play`), other tracking calls
their command (`trackPageView`); a plan `match:` rule gives them the plan's name instead.
"""

from __future__ import annotations

import copy
from typing import Any

from tracker_check.models import Event, EventKind

SOURCE = "matomo"
UNDEFINED_TYPE = "undefined"

# tracking calls: command -> argument names (positional, as in js/piwik.js)
TRACKING: dict[str, tuple[str, ...]] = {
    "trackPageView": ("customTitle", "customData"),
    "trackEvent": ("category", "action", "name", "value", "customData"),
    "trackGoal": ("idGoal", "customRevenue", "customData"),
    "trackSiteSearch": ("keyword", "category", "resultsCount", "customData"),
    "trackLink": ("sourceUrl", "linkType", "customData"),
    "trackEcommerceCartUpdate": ("grandTotal",),
    "trackEcommerceOrder": ("orderId", "grandTotal", "subTotal", "tax", "shipping", "discount"),
    "trackContentImpression": ("contentName", "contentPiece", "contentTarget"),
    "trackContentInteraction": (
        "contentInteraction",
        "contentName",
        "contentPiece",
        "contentTarget",
    ),
    "trackAllContentImpressions": (),
    "trackVisibleContentImpressions": ("checkOnScroll", "timeIntervalInMs"),
    "trackContentImpressionsWithinNode": ("domNode",),
    "trackContentInteractionNode": ("domNode", "contentInteraction"),
    "ping": (),
}
# an EVENT that sends nothing itself: the product or category page view it records is sent
# with the next page view, but a plan speaks of it as "the visitor saw the product"
VIEWS: dict[str, tuple[str, ...]] = {"setEcommerceView": ("sku", "name", "category", "price")}
# commands with named arguments that stay commands
COMMANDS: dict[str, tuple[str, ...]] = {
    "addEcommerceItem": ("sku", "name", "category", "price", "quantity"),
    "removeEcommerceItem": ("sku",),
    "setCustomDimension": ("customDimensionId", "value"),
    "deleteCustomDimension": ("customDimensionId",),
}
_NO_DIMENSIONS = frozenset({"setEcommerceView", "trackAllContentImpressions"})


def is_undefined(value: Any) -> bool:
    return isinstance(value, dict) and value.get("__type") == UNDEFINED_TYPE


def is_function(value: Any) -> bool:
    return isinstance(value, dict) and value.get("__type") == "function"


def has_length(value: Any) -> bool:
    """js/piwik.js `isNumberOrHasLength`: a number, or a string that is not empty."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or (isinstance(value, str) and len(value) > 0)


def named(names: tuple[str, ...], args: tuple[Any, ...]) -> dict[str, Any]:
    return {n: v for n, v in zip(names, args, strict=False) if not is_undefined(v)}


def command_of(event: Event) -> str | None:
    """The Matomo command of an Event from `_paq` (its name may be the plan's)."""
    raw = event.raw
    if isinstance(raw, list) and raw and isinstance(raw[0], str):
        return raw[0]
    return None


class MatomoPage:
    """The tracker's state on one page: the cart and the custom dimensions."""

    __slots__ = ("dimensions", "items")

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.dimensions: dict[str, str] = {}

    def normalize(self, raw: Any, meta: dict[str, Any]) -> Event:
        if is_function(raw):
            return Event(None, EventKind.FUNCTION, {}, source=SOURCE, **meta)
        if not isinstance(raw, list) or not raw:
            return Event(None, EventKind.INVALID, {}, source=SOURCE, **meta)
        head, args = raw[0], tuple(raw[1:])
        if is_function(head):
            return Event(None, EventKind.FUNCTION, {}, source=SOURCE, args=args, **meta)
        if not isinstance(head, str) or not head:
            return Event(None, EventKind.INVALID, {}, source=SOURCE, args=args, **meta)
        if head in TRACKING or head in VIEWS:
            params = named(TRACKING.get(head) or VIEWS[head], args)
            self._attach(head, params)
            name = _default_name(head, params)
            return Event(name, EventKind.EVENT, params, source=SOURCE, args=args, **meta)
        params = named(COMMANDS.get(head, ()), args)
        self._command(head, params)
        return Event(head, EventKind.COMMAND, params, source=SOURCE, args=args, **meta)

    def _attach(self, command: str, params: dict[str, Any]) -> None:
        if command in ("trackEcommerceCartUpdate", "trackEcommerceOrder"):
            params["items"] = [copy.deepcopy(item) for item in _js_order(self.items)]
            # String(orderId).length, as the tracker tests it: an absent id is "undefined"
            order_id = _js_string(params["orderId"]) if "orderId" in params else "undefined"
            sent = "grandTotal" in params and (
                command == "trackEcommerceCartUpdate" or len(order_id) > 0
            )
            if command == "trackEcommerceOrder" and sent:
                self.items = {}
        if self.dimensions and command in TRACKING and command not in _NO_DIMENSIONS:
            params["dimensions"] = dict(self.dimensions)

    def _command(self, command: str, params: dict[str, Any]) -> None:
        sku = params.get("sku")
        if command == "addEcommerceItem" and has_length(sku):
            item = {"sku": _js_string(sku)}
            item.update({k: copy.deepcopy(v) for k, v in params.items() if k != "sku"})
            self.items[_js_string(sku)] = item
        elif command == "removeEcommerceItem" and has_length(sku):
            self.items.pop(_js_string(sku), None)
        elif command == "clearEcommerceCart":
            self.items = {}
        elif command in ("setCustomDimension", "deleteCustomDimension"):
            dim = _positive_int(params.get("customDimensionId"))
            if dim is None:
                return
            if command == "deleteCustomDimension":
                self.dimensions.pop(str(dim), None)
            else:
                value = params.get("value", "")
                self.dimensions[str(dim)] = value if isinstance(value, str) else _js_string(value)


def _default_name(command: str, params: dict[str, Any]) -> str:
    if command == "trackEvent":
        category, action = params.get("category"), params.get("action")
        if has_length(category) and has_length(action):
            return f"{_js_string(category)}/{_js_string(action)}"
    return command


def _js_order(items: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """A JS object's key order: integer-like keys ascending first, then insertion order."""
    index_keys = sorted((k for k in items if _array_index(k)), key=int)
    return [items[k] for k in index_keys] + [v for k, v in items.items() if not _array_index(k)]


def _array_index(key: str) -> bool:
    return key.isascii() and key.isdigit() and (key == "0" or not key.startswith("0"))


def _js_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _positive_int(value: Any) -> int | None:
    """JS `parseInt(value, 10) > 0`, for what pages really pass (numbers, digit strings)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = int(value)
    elif isinstance(value, str):
        digits = value.strip()
        sign = digits[:1] in "+-" and digits[:1] != ""
        body = digits[1:] if sign else digits
        lead = len(body) - len(body.lstrip("0123456789"))
        if lead == 0:
            return None
        number = int(body[:lead]) * (-1 if digits.startswith("-") else 1)
    else:
        return None
    return number if number > 0 else None
