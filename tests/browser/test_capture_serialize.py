"""Whatever the page pushes becomes a JSON value or a tagged marker, never an exception."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import Capture

pytestmark = pytest.mark.browser

Start = Callable[..., Capture]


def test_values_that_are_not_json(capture: Start) -> None:
    c = capture()
    c.goto("serialize.html")
    c.wait_events(6)
    values = c.events[0].raw
    depth: object = {"__type": "depth"}
    for _ in range(23):
        depth = {"d": depth}
    assert values == {
        "event": "values",
        "fn": {"__type": "function", "name": "named"},
        "anon": {"__type": "function", "name": "anon"},
        "arrow": {"__type": "function", "name": "arrow"},
        "node": {"__type": "node", "name": "HTML"},
        "win": {"__type": "window"},
        "cycle": {"name": "loop", "self": {"__type": "cycle"}},
        "shared": [{"v": 1}, {"v": 1}],  # the same object twice is not a cycle
        "args": {"__type": "arguments", "items": [1, "two"]},
        "date": {"__type": "date", "value": "1970-01-01T00:00:00.000Z"},
        "bad_date": {"__type": "date", "value": None},
        "undef": {"__type": "undefined"},
        "nan": {"__type": "number", "value": "NaN"},
        "inf": {"__type": "number", "value": "Infinity"},
        "ninf": {"__type": "number", "value": "-Infinity"},
        "big": {"__type": "bigint", "value": "12345678901234567890"},
        "map": {"__type": "map", "entries": [["k", 1]]},
        "set": {"__type": "set", "items": [1, "a"]},
        "sym": {"__type": "symbol", "description": "s"},
        "throwing": {"ok": 1, "bad": {"__type": "thrown", "message": "boom"}},
        "deep": depth,
        "sparse": [1, {"__type": "hole"}, 3],
        "re": {"__type": "regexp", "value": "/ab+c/i"},
        "err": {"__type": "error", "name": "TypeError", "message": "bad thing"},
    }
    # multi-argument push: one record per argument, in order; empty push: none
    assert c.raws()[1:] == [
        {"__type": "undefined"},
        None,
        7,
        "text",
        {"__type": "function", "name": "named"},
    ]
    # push still returns the array's new length
    assert c.page.evaluate("results") == [1, 5, 5]


def test_hostile_objects_never_throw_into_the_page(capture: Start) -> None:
    c = capture()
    c.goto("blank.html")
    result = c.page.evaluate(
        """() => {
        window.dataLayer = [];
        const proxy = new Proxy({}, {ownKeys() { throw new Error("no keys"); }});
        const tag = {get [Symbol.toStringTag]() { throw new Error("no tag"); }};
        return [dataLayer.push({event: "hostile", proxy, tag}), dataLayer.length];
    }"""
    )
    assert result == [1, 1]
    c.wait_events(1)
    assert c.raws() == [
        {
            "event": "hostile",
            "proxy": {"__type": "thrown", "message": "no keys"},
            "tag": {"__type": "thrown", "message": "no tag"},
        }
    ]


def test_gtag_arguments_shape_matches_the_source_adapter(capture: Start) -> None:
    c = capture()
    c.goto("blank.html")
    c.page.evaluate(
        """() => {
        window.dataLayer = [];
        function gtag() { dataLayer.push(arguments); }
        gtag("event", "login", {method: "sso", callback: function cb() {}});
    }"""
    )
    c.wait_events(1)
    (event,) = c.events
    assert event.raw == {
        "__type": "arguments",
        "items": [
            "event",
            "login",
            {"method": "sso", "callback": {"__type": "function", "name": "cb"}},
        ],
    }
    assert (event.name, event.source, event.parameters["method"]) == ("login", "gtag", "sso")


def test_proto_keys_and_huge_shared_graphs(capture: Start) -> None:
    c = capture()
    c.goto("serialize.html")
    c.wait_events(6)
    before = len(c.events)
    c.page.evaluate(
        """() => {
            dataLayer.push(JSON.parse('{"event": "proto", "__proto__": {"polluted": 1}}'));
            // {a: o, b: o} nested 30 deep: 2^30 paths, each level the same object twice
            let o = {leaf: 1};
            for (let i = 0; i < 30; i++) o = {a: o, b: o};
            window.__ret = dataLayer.push({event: "shared", tree: o});
        }"""
    )
    c.wait_events(before + 2)
    proto, shared = c.events[before].raw, c.events[before + 1].raw
    assert proto == {"event": "proto", "__proto__": {"polluted": 1}}  # the key is kept
    # serialization stops at its budget with a marker instead of freezing the page
    text = repr(shared)
    assert "'__type': 'truncated'" in text
    assert c.page.evaluate("window.__ret") is not None  # push still returned normally
