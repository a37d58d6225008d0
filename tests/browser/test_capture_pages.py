"""One local page per capture scenario (fixtures/capture/), each with its EXACT sequence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tracker_check.models import EventKind

from .conftest import Capture

pytestmark = pytest.mark.browser

Start = Callable[..., Capture]


def test_push_before_any_script(capture: Start) -> None:
    c = capture()
    c.goto("early.html")
    c.wait_events(3)
    assert c.raws() == [
        {"event": "first", "n": 1},
        {"event": "second"},
        {
            "weird": [
                {"__type": "undefined"},
                {"__type": "number", "value": "NaN"},
                {"__type": "number", "value": "Infinity"},
                {"__type": "function", "name": "named"},
                {"__type": "date", "value": "1970-01-01T00:00:00.000Z"},
            ]
        },
    ]
    assert [e.index for e in c.events] == [0, 1, 2]
    assert {e.url for e in c.events} == {c.url("early.html")}
    assert len({e.document for e in c.events}) == 1
    assert all(e.frame_url is None for e in c.events)


def test_or_empty_idiom_twice(capture: Start) -> None:
    c = capture()
    c.goto("or_empty.html")
    assert c.wait_events(2) and c.raws() == [{"event": "a"}, {"event": "b"}]


def test_var_literal_items_are_initial_records(capture: Start) -> None:
    c = capture()
    c.goto("var_literal.html")
    c.wait_events(3)
    assert c.raws() == [{"page_type": "home"}, {"event": "literal"}, {"event": "after"}]
    assert [e.kind for e in c.events] == [EventKind.DATA, EventKind.EVENT, EventKind.EVENT]


def test_reassignment_twice(capture: Start) -> None:
    c = capture()
    c.goto("reassign.html")
    c.wait_events(5)
    assert c.names() == ["a", "b", "c", "d", "e"]
    assert c.page.evaluate("dataLayer.length") == 2  # the page still sees its own arrays


def test_reassignment_with_a_copy_records_only_what_is_new(capture: Start) -> None:
    # `dataLayer = dataLayer.concat([...])` re-assigns the items already captured: recording
    # them again would show a false duplicate-event for every `unique` event
    c = capture()
    c.goto("reassign_copy.html")
    c.wait_events(8)
    assert c.raws() == [
        {"event": "a"},
        {"event": "b"},
        {"event": "c"},
        {"event": "c"},
        {"event": "d"},
        {"event": "c"},
        "tag",
        {"event": "e"},
    ]
    assert c.recorder.check_bypass_sync(c.page) == []  # nothing reached the array unseen
    assert c.page.evaluate("dataLayer.length") == 8  # the page's own array is untouched


def test_an_item_recovered_by_the_bypass_check_is_not_recorded_again_by_a_copy(
    capture: Start,
) -> None:
    c = capture()
    c.goto("blank.html")
    c.page.evaluate("window.dataLayer = []; dataLayer[0] = {event: 'by_index'}")
    [finding] = c.recorder.check_bypass_sync(c.page)
    assert finding.code == "capture-bypassed"
    c.page.evaluate("dataLayer = dataLayer.concat([{event: 'after'}])")
    c.wait_events(2)
    assert c.names() == ["by_index", "after"]


def test_the_sync_bypass_check_gives_up_on_a_busy_page(
    capture: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sync API's check has the async one's deadline: a page busy in a minute-long script
    is given up on (no answer, no finding) instead of hanging the test for that minute."""
    import time

    from tracker_check.capture import recorder as recorder_module

    monkeypatch.setattr(recorder_module, "BYPASS_CHECK_S", 0.5)
    c = capture()
    c.goto("blank.html")
    c.page.evaluate("window.dataLayer = []; dataLayer[0] = {event: 'by_index'}")
    c.page.evaluate("setTimeout(() => { const t = Date.now(); while (Date.now() - t < 60000) {} })")
    c.page.wait_for_timeout(200)  # the timer starts the busy loop once this call is answered
    t0 = time.monotonic()
    assert c.recorder.check_bypass_sync(c.page) == []  # the item by index stays unseen
    assert time.monotonic() - t0 < 30  # far below the minute the page is busy


def test_a_page_breaking_weakmap_weakset_and_set_methods_is_still_captured(capture: Start) -> None:
    c = capture()
    c.goto("hostile_builtins.html")
    c.wait_events(3)
    assert c.names() == ["a", "b", "c"]
    assert c.recorder.check_bypass_sync(c.page) == []


def test_custom_data_layer_name(capture: Start) -> None:
    c = capture(("myLayer",))
    c.goto("custom_name.html")
    c.wait_events(2)
    assert c.names() == ["custom", "custom2"]
    assert {e.data_layer for e in c.events} == {"myLayer"}


def test_two_data_layers(capture: Start) -> None:
    c = capture(("dataLayer", "myLayer"))
    c.goto("custom_name.html")
    c.wait_events(3)
    assert [(e.data_layer, e.name) for e in c.events] == [
        ("myLayer", "custom"),
        ("dataLayer", "default"),
        ("myLayer", "custom2"),
    ]


def test_gtag_arguments(capture: Start) -> None:
    c = capture()
    c.goto("gtag_args.html")
    c.wait_events(5)
    got = [(e.kind, e.name, e.source, e.parameters) for e in c.events]
    assert got == [
        (EventKind.COMMAND, "consent", "gtag", {"ad_storage": "denied"}),
        (EventKind.COMMAND, "js", "gtag", {}),
        (EventKind.COMMAND, "config", "gtag", {"send_page_view": False}),
        (EventKind.COMMAND, "set", "gtag", {"tier": "gold"}),
        (EventKind.EVENT, "purchase", "gtag", {"value": 9.5, "currency": "EUR"}),
    ]
    assert c.events[1].raw == {
        "__type": "arguments",
        "items": ["js", {"__type": "date", "value": "1970-01-01T00:00:00.000Z"}],
    }
    assert c.events[3].args == ("user_properties", {"tier": "gold"})


def test_plain_array_gtag(capture: Start) -> None:
    c = capture()
    c.goto("gtag_array.html")
    c.wait_events(2)
    first, second = c.events
    assert (first.kind, first.name, first.parameters) == (
        EventKind.GTAG_ARRAY,
        "sign_up",
        {"method": "email"},
    )
    assert first.raw == ["event", "sign_up", {"method": "email"}]
    assert (second.kind, second.name, second.args) == (EventKind.COMMAND, "items.push", (4,))


def test_push_then_location_href(capture: Start) -> None:
    c = capture()
    c.goto("nav_href.html")
    with c.page.expect_navigation():
        c.page.click("#go")
    c.wait_events(2)
    assert c.raws() == [{"event": "cta_click"}, {"event": "landed", "search": "?from=href"}]
    assert c.events[0].url == c.url("nav_href.html")
    assert c.events[1].url == c.url("landing.html?from=href")
    assert c.events[0].document != c.events[1].document


def test_native_link_click(capture: Start) -> None:
    c = capture()
    c.goto("link_click.html")
    with c.page.expect_navigation():
        c.page.click("#link")
    c.wait_events(2)
    assert c.raws() == [
        {"event": "link_click", "link_url": c.url("landing.html?from=link")},
        {"event": "landed", "search": "?from=link"},
    ]


def test_get_form(capture: Start) -> None:
    c = capture()
    c.goto("get_form.html")
    with c.page.expect_navigation():
        c.page.click("#send")
    c.wait_events(2)
    assert c.raws() == [
        {"event": "search", "search_term": "shirts"},
        {"event": "landed", "search": "?q=shirts"},
    ]


def test_form_submit_post(capture: Start) -> None:
    c = capture()
    c.goto("post_form.html")
    with c.page.expect_navigation():
        c.page.click("#send")
    c.wait_events(2)
    assert c.raws() == [
        {"event": "generate_lead", "form_id": "f"},
        {"event": "post_received", "email": "a@example.test"},
    ]
    assert c.events[1].url == c.url("post-echo")


def test_set_timeout_pushes(capture: Start) -> None:
    c = capture()
    c.goto("timeout.html")
    c.wait_events(3)
    assert c.names() == ["now", "later", "much_later"]
    times = [e.time for e in c.events]
    assert times == sorted(times)


def test_ecommerce_null_then_items(capture: Start) -> None:
    c = capture()
    c.goto("ecommerce_null.html")
    c.wait_events(4)
    assert [(e.kind, e.name, e.parameters.get("ecommerce", "-")) for e in c.events] == [
        (EventKind.DATA, None, None),
        (
            EventKind.EVENT,
            "view_item_list",
            {"items": [{"item_id": "A", "price": 1}, {"item_id": "B", "price": 2}]},
        ),
        (EventKind.DATA, None, None),
        (EventKind.EVENT, "add_to_cart", {"items": [{"item_id": "B", "price": 2, "quantity": 1}]}),
    ]


def test_gtm_style_wrapper_and_event_callback(capture: Start) -> None:
    c = capture()
    c.goto("gtm_wrapper.html")
    c.wait_events(7)
    assert c.names() == [
        "gtm.js",
        "before_gtm",
        "after_gtm",
        "with_callback",
        "callback_fired",
        "x1",
        "x2",
    ]
    assert c.events[3].parameters["eventCallback"] == {
        "__type": "function",
        "name": "eventCallback",
    }
    assert c.events[4].parameters == {"container": "GTM-TEST"}
    # the page's own wrapper saw everything, and push still returns the new length
    processed = c.page.evaluate("processed")
    assert processed == c.names()
    assert c.page.evaluate("pushResults") == [3, 4, 7]


def test_csp_script_src_self(capture: Start) -> None:
    c = capture()
    c.goto("csp/index.html")
    c.wait_events(1)
    assert c.raws() == [{"event": "csp_page", "inline_ran": False}]


def test_iframe(capture: Start) -> None:
    c = capture()
    c.goto("iframe.html")
    c.wait_events(2)
    by_name = {e.name: e for e in c.events}
    assert sorted(by_name) == ["in_frame", "in_parent"]
    parent, child = by_name["in_parent"], by_name["in_frame"]
    assert (parent.url, parent.frame_url) == (c.url("iframe.html"), None)
    assert (child.url, child.frame_url) == (c.url("iframe.html"), c.url("frame_child.html"))
    assert parent.document != child.document


def test_window_open_popup(capture: Start) -> None:
    c = capture()
    c.goto("popup.html")
    with c.context.expect_page() as popup_info:
        c.page.click("#open")
    popup = popup_info.value
    popup.wait_for_load_state()
    c.wait_events(2)
    assert c.raws() == [{"event": "open_popup"}, {"event": "in_popup", "via": "open"}]
    assert c.events[1].url == c.url("popup_child.html?via=open")
    assert c.events[1].frame_url is None


def test_target_blank_tab(capture: Start) -> None:
    c = capture()
    c.goto("popup.html")
    with c.context.expect_page() as tab_info:
        c.page.click("#blank")
    tab_info.value.wait_for_load_state()
    c.wait_events(2)
    assert c.raws() == [{"event": "open_tab"}, {"event": "in_popup", "via": "blank"}]
    assert c.events[1].url == c.url("popup_child.html?via=blank")


def test_bypass_by_index_and_by_a_push_defined_over_ours(capture: Start) -> None:
    c = capture()
    c.goto("bypass.html")
    c.wait_events(1)
    assert c.names() == ["pushed"]
    findings = c.recorder.check_bypass_sync(c.page)
    assert [(f.code, f.actual, f.event_index) for f in findings] == [
        ("capture-bypassed", [{"event": "by_index"}], 1)
    ]
    assert c.names() == ["pushed", "by_index"]
    assert c.recorder.recovered == {1}
    # reported once: a second check finds nothing new
    assert c.recorder.check_bypass_sync(c.page) == []
    # a push assigned with `=` that does not chain (as ACDL's) is still captured, once
    c.page.click("#replace")
    c.wait_events(3)
    assert c.recorder.check_bypass_sync(c.page) == []
    assert c.names() == ["pushed", "by_index", "unchained"]
    # one defined over ours with Object.defineProperty is not: the check recovers its item
    c.page.click("#define")
    findings = c.recorder.check_bypass_sync(c.page)
    assert [f.actual for f in findings] == [[{"event": "defined_over"}]]
    assert c.names() == ["pushed", "by_index", "unchained", "defined_over"]
    assert c.recorder.recovered == {1, 3}


def test_no_bypass_on_a_clean_page(capture: Start) -> None:
    c = capture()
    c.goto("gtm_wrapper.html")
    c.wait_events(7)
    assert c.recorder.check_bypass_sync(c.page) == []


def test_beforeunload_pushes_are_delivered(capture: Start) -> None:
    c = capture()
    c.goto("beforeunload.html")
    with c.page.expect_navigation():
        c.page.click("#away")
    c.wait_events(3)
    assert c.names() == ["arrived", "leaving", "landed"]
    assert c.events[1].url == c.url("beforeunload.html")


def test_request_blocking(capture: Start) -> None:
    c = capture(block_requests=("*/blocked/*",))
    c.goto("blocking.html")
    c.wait_events(1)
    assert c.raws() == [{"event": "allowed_script_ran", "blocked_ran": False}]
    assert c.recorder.blocked_requests == [c.url("blocked/analytics.js")]


def test_attribution_and_on_event(capture: Start) -> None:
    seen: list[Any] = []
    c = capture(on_event=seen.append)
    c.recorder.set_attribution("checkout", 2)
    c.goto("or_empty.html")
    c.wait_events(2)
    assert [(e.flow, e.step) for e in c.events] == [("checkout", 2), ("checkout", 2)]
    assert seen == c.events
    assert c.recorder.last_event_time > 0
