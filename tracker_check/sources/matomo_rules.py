"""Matomo's documented argument rules, checked on each `_paq` command. Pure.

From the JavaScript tracker's documentation and js/piwik.js:
- `trackEvent`: `category` and `action` must not be empty or only whitespace (the tracker
  drops the event); `value`, when given, must be a number.
- `trackGoal`: the goal id is numeric (a number or a string of digits); a revenue a number.
- `trackEcommerceOrder`: an order needs an `orderId` and a `grandTotal` (else nothing is
  sent); `grandTotal`, `subTotal`, `tax`, `shipping`, `discount` are numbers (`false` means
  "not given" for the optional ones).
- `trackEcommerceCartUpdate`: a numeric `grandTotal`.
- `addEcommerceItem` (each item of a cart or order): a non-empty `sku`; `name` a string
  (`null`/`false`: not given);
  `category` a string or an array of up to 5 strings; `price` and `quantity` numbers. Only
  the SKU is required: the tracker sends "" for a missing name and category, 0 for a missing
  price and 1 for a missing quantity (require them in the plan's schema if you want them).
- `setEcommerceView`: `price` a number, `category` as for items.
- `setCustomDimension`: the id is a positive integer (else the call is ignored).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tracker_check.models import Event
from tracker_check.sources.matomo import command_of, has_length

_DOCS = "https://developer.matomo.org/api-reference/tracking-javascript"


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken argument rule: `argument` is Matomo's name for it."""

    command: str
    argument: str
    message: str
    hint: str


def problems(event: Event) -> list[Problem]:
    command = command_of(event)
    check = _CHECKS.get(command or "")
    if check is None:
        return []
    return list(check(command or "", event.parameters))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _shown(value: Any) -> str:
    if isinstance(value, dict) and "__type" in value:
        return f"a {value['__type']}"
    kind = (
        "a string"
        if isinstance(value, str)
        else "a boolean"
        if isinstance(value, bool)
        else "null"
        if value is None
        else "an array"
        if isinstance(value, list)
        else "an object"
        if isinstance(value, dict)
        else "a number"
    )
    text = json.dumps(value, ensure_ascii=False, default=str)
    text = text if len(text) <= 30 else text[:29] + "…"
    return kind if value is None else f"{kind} ({text})"


def _needs_number(
    command: str,
    params: dict[str, Any],
    arg: str,
    *,
    required: bool = False,
    optional_false: bool = False,
) -> Iterator[Problem]:
    if arg not in params:
        if required:
            yield Problem(
                command,
                arg,
                f"{command} has no `{arg}`: Matomo sends nothing without it",
                f"pass {arg} as a number; see {_DOCS}",
            )
        return
    value = params[arg]
    if _number(value) or (not required and value is None):
        return
    if optional_false and value is False:
        return
    yield Problem(
        command,
        arg,
        f"{command} `{arg}` must be a number, got {_shown(value)}",
        f"pass a JavaScript number, not a string (Number(x) or parseFloat(x)); see {_DOCS}",
    )


def _not_empty(command: str, params: dict[str, Any], arg: str, why: str) -> Iterator[Problem]:
    value = params.get(arg)
    if has_length(value) and not (isinstance(value, str) and not value.strip()):
        return
    if arg not in params:
        got = "is missing"
    elif isinstance(value, str):
        got = "is only whitespace" if value else "is empty"
    else:
        got = f"is {_shown(value)}"
    yield Problem(command, arg, f"{command} `{arg}` {got}: {why}", f"pass a non-empty {arg}")


def _event(command: str, params: dict[str, Any]) -> Iterator[Problem]:
    yield from _not_empty(command, params, "category", "Matomo drops the event")
    yield from _not_empty(command, params, "action", "Matomo drops the event")
    yield from _needs_number(command, params, "value")


def _goal(command: str, params: dict[str, Any]) -> Iterator[Problem]:
    goal = params.get("idGoal")
    numeric = (isinstance(goal, int) and not isinstance(goal, bool)) or (
        isinstance(goal, str) and goal.isascii() and goal.isdigit()
    )
    if not numeric:
        got = "is missing" if "idGoal" not in params else f"is {_shown(goal)}"
        yield Problem(
            command,
            "idGoal",
            f"{command} goal id {got}: it must be numeric",
            "pass the goal's numeric id from Matomo's Goals > Manage page",
        )
    if params.get("customRevenue") not in (None, False, 0, ""):
        yield from _needs_number(command, params, "customRevenue")


def _order(command: str, params: dict[str, Any]) -> Iterator[Problem]:
    yield from _not_empty(command, params, "orderId", "Matomo needs a unique order id")
    yield from _needs_number(command, params, "grandTotal", required=True)
    for arg in ("subTotal", "tax", "shipping", "discount"):
        if params.get(arg) != "":
            yield from _needs_number(command, params, arg, optional_false=True)


def _cart(command: str, params: dict[str, Any]) -> Iterator[Problem]:
    yield from _needs_number(command, params, "grandTotal", required=True)


def _category(command: str, params: dict[str, Any]) -> Iterator[Problem]:
    if "category" not in params:
        return
    value = params["category"]
    if isinstance(value, str) or value is None or value is False:
        return
    if isinstance(value, list) and len(value) <= 5 and all(isinstance(v, str) for v in value):
        return
    yield Problem(
        command,
        "category",
        f"{command} `category` must be a string or up to 5 strings, got {_shown(value)}",
        "pass one category name, or an array of at most 5",
    )


def _item(command: str, params: dict[str, Any]) -> Iterator[Problem]:
    yield from _not_empty(command, params, "sku", "the tracker ignores an item without a SKU")
    if params.get("name") not in (None, False) and not isinstance(params["name"], str):
        yield Problem(
            command,
            "name",
            f"{command} `name` must be a string, got {_shown(params['name'])}",
            "pass the product name as a string",
        )
    yield from _category(command, params)
    yield from _needs_number(command, params, "price")
    yield from _needs_number(command, params, "quantity")


def _view(command: str, params: dict[str, Any]) -> Iterator[Problem]:
    yield from _category(command, params)
    if params.get("price") not in (False, ""):
        yield from _needs_number(command, params, "price")


def _dimension(command: str, params: dict[str, Any]) -> Iterator[Problem]:
    dim = params.get("customDimensionId")
    if (isinstance(dim, int) and not isinstance(dim, bool) and dim > 0) or (
        isinstance(dim, str) and dim.isascii() and dim.isdigit() and int(dim) > 0
    ):
        return
    yield Problem(
        command,
        "customDimensionId",
        f"{command} id must be a positive integer, got {_shown(dim)}: the call is ignored",
        "pass the dimension's id from Matomo's Custom Dimensions page",
    )


_CHECKS = {
    "trackEvent": _event,
    "trackGoal": _goal,
    "trackEcommerceOrder": _order,
    "trackEcommerceCartUpdate": _cart,
    "addEcommerceItem": _item,
    "setEcommerceView": _view,
    "setCustomDimension": _dimension,
}
