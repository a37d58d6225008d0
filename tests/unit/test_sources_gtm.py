"""Raw records as the hook serializes them -> Events (sources.normalize / sources.gtm)."""

from __future__ import annotations

from typing import Any

import pytest

from tracker_check import sources
from tracker_check.models import EventKind
from tracker_check.sources import gtm


def args(*items: Any) -> dict[str, Any]:
    return {"__type": "arguments", "items": list(items)}


@pytest.mark.parametrize(
    ("raw", "kind", "name", "params", "source"),
    [
        ({"event": "purchase", "value": 1}, EventKind.EVENT, "purchase", {"value": 1}, "gtm"),
        ({"page_type": "home"}, EventKind.DATA, None, {"page_type": "home"}, "gtm"),
        ({"event": ""}, EventKind.DATA, None, {}, "gtm"),
        ({"ecommerce": None}, EventKind.DATA, None, {"ecommerce": None}, "gtm"),
        (
            args("event", "login", {"method": "sso"}),
            EventKind.EVENT,
            "login",
            {"method": "sso"},
            "gtag",
        ),
        (args("event", "login"), EventKind.EVENT, "login", {}, "gtag"),
        (args("event"), EventKind.INVALID, None, {}, "gtag"),
        (
            args("config", "G-1", {"debug_mode": True}),
            EventKind.COMMAND,
            "config",
            {"debug_mode": True},
            "gtag",
        ),
        (
            args("consent", "update", {"ad_storage": "granted"}),
            EventKind.COMMAND,
            "consent",
            {"ad_storage": "granted"},
            "gtag",
        ),
        # a Date marker as the last argument is not a parameter object
        (
            args("js", {"__type": "date", "value": "1970-01-01T00:00:00.000Z"}),
            EventKind.COMMAND,
            "js",
            {},
            "gtag",
        ),
        (args("event", "x", {"__type": "undefined"}), EventKind.EVENT, "x", {}, "gtag"),
        (args(), EventKind.INVALID, None, {}, "gtag"),
        (args(42), EventKind.INVALID, None, {}, "gtag"),
        (
            ["event", "sign_up", {"method": "email"}],
            EventKind.GTAG_ARRAY,
            "sign_up",
            {"method": "email"},
            "gtm",
        ),
        (["config", "G-1"], EventKind.GTAG_ARRAY, None, {}, "gtm"),
        (["event", "x", {"__type": "undefined"}], EventKind.GTAG_ARRAY, "x", {}, "gtm"),
        (["items.push", 4], EventKind.COMMAND, "items.push", {}, "gtm"),
        ([1, 2], EventKind.INVALID, None, {}, "gtm"),
        ([], EventKind.INVALID, None, {}, "gtm"),
        ({"__type": "function", "name": "f"}, EventKind.FUNCTION, None, {}, "gtm"),
        ({"__type": "undefined"}, EventKind.INVALID, None, {}, "gtm"),
        (None, EventKind.INVALID, None, {}, "gtm"),
        (7, EventKind.INVALID, None, {}, "gtm"),
        ("text", EventKind.INVALID, None, {}, "gtm"),
    ],
)
def test_normalize(raw: Any, kind: EventKind, name: str | None, params: Any, source: str) -> None:
    event = sources.normalize(raw, index=3, url="http://127.0.0.1/x", document="d1")
    assert (event.kind, event.name, event.parameters, event.source) == (kind, name, params, source)
    assert (event.index, event.url, event.document, event.raw) == (
        3,
        "http://127.0.0.1/x",
        "d1",
        raw,
    )


def test_command_args_are_kept() -> None:
    event = sources.normalize(args("set", "user.id", "u1"))
    assert (event.name, event.args) == ("set", ("user.id", "u1"))
    assert sources.normalize(["a.b.splice", 0, 1]).args == (0, 1)


def test_file_arrays_are_gtag_arguments() -> None:
    event = gtm.normalize(["event", "login", {"method": "sso"}], arrays_are_arguments=True)
    assert (event.kind, event.source) == (EventKind.EVENT, "gtag")


def test_unknown_data_layer_uses_the_gtm_adapter() -> None:
    assert sources.infer_kind("myLayer") == "gtm"
    event = sources.normalize({"event": "x"}, data_layer="myLayer")
    assert (event.data_layer, event.source) == ("myLayer", "gtm")


def test_meta_fields_pass_through() -> None:
    event = sources.normalize(
        {"event": "x"}, data_layer="dl", frame_url="http://127.0.0.1/f", time=12.5
    )
    assert (event.data_layer, event.frame_url, event.time) == ("dl", "http://127.0.0.1/f", 12.5)
