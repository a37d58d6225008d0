"""The real Matomo tracker and Adobe Client Data Layer (fixtures/vendor/), pushes before and
after each library loads and replaces `push` or the layer itself: EXACT records, in order."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import Capture, CaptureHandler

pytestmark = pytest.mark.browser

Start = Callable[..., Capture]

FN = {"__type": "function", "name": ""}


def test_matomo_paq_before_and_after_matomo_js_replaces_it(capture: Start) -> None:
    c = capture(("_paq",))
    c.goto("vendor_matomo.html")
    expected = [
        ["setTrackerUrl", c.url("matomo.php")],
        ["setSiteId", "1"],
        ["setCustomDimension", 1, "gold"],
        ["trackPageView"],
        ["trackEvent", "Video", "Play", "intro", 1],
        ["trackEvent", "Video", "Pause"],
        ["addEcommerceItem", "SKU1", "Shirt", "Apparel", 19.99, 2],
        ["trackEcommerceOrder", "O-1", 39.98],
        ["trackSiteSearch", "shirts"],
        [FN],
        ["trackGoal", 3],
    ]
    c.wait_events(len(expected))
    assert c.raws() == expected
    assert {e.data_layer for e in c.events} == {"_paq"}
    # matomo.js really ran: the array became its proxy, function pushes run on the tracker
    assert c.page.evaluate("[arrayBefore, arrayAfter, trackerThis]") == [True, False, "1"]
    c.page.click("#later")
    c.wait_events(len(expected) + 1)
    assert c.raws()[-1] == ["trackEvent", "CTA", "click"]
    assert c.recorder.check_bypass_sync(c.page) == []
    # its requests were answered here, never on the internet
    c.wait_for(lambda: any("e_c=CTA" in hit for hit in CaptureHandler.tracked))


def test_adobe_client_data_layer_before_and_after_it_replaces_push(capture: Start) -> None:
    c = capture(("adobeDataLayer",))
    c.goto("vendor_acdl.html")
    expected = [
        # before the library: four plain array pushes
        {"page": {"pageInfo": {"pageName": "home"}}},
        {"event": "cmp:show", "eventInfo": {"path": "component.c1"}},
        FN,
        {"on": "cmp:click", "handler": {"__type": "function", "name": "handler"}},
        # while it loads it pushes those four again (not new records) and runs the function
        {"event": "from_function"},
        # after: through its own push, which never calls the one it replaced
        {"event": "cmp:click", "eventInfo": {"id": "btn"}},
        {"component": {"c1": {"title": "Hi"}}},
        {"event": "video:start"},
        {"event": "cmp:loaded"},
        {"event": "from_listener"},  # pushed by its listener while ACDL handles cmp:loaded
    ]
    # (ACDL 3.0.1 drops a pushed `{on: ...}` item without registering it, with or without the
    # hook: no "clicked" is ever pushed; it is recorded as pushed all the same)
    c.wait_events(len(expected))
    assert c.raws() == expected
    assert c.recorder.check_bypass_sync(c.page) == []
    # the library works as without the hook: its state, and push returns what it returns
    state = c.page.evaluate("state")
    assert state["page"] == {"pageInfo": {"pageName": "home"}}
    assert state["component"] == {"c1": {"title": "Hi"}}
    returned, length = c.page.evaluate("pushResult")
    assert returned == length


def test_ceddl_digital_data_object_is_captured_as_snapshots_when_it_changed(
    capture: Start,
) -> None:
    c = capture(("digitalData",))
    c.goto("ceddl.html")
    page = {"pageInfo": {"pageName": "home"}}
    cart = {"cartID": "c-1", "price": {"basePrice": 10}}
    c.wait_events(2)
    assert c.raws() == [
        {"page": page, "event": []},  # at DOMContentLoaded, before the page's listeners
        {"page": page, "event": [], "cart": cart},  # at load
    ]
    # the page's load listener added an event after our load snapshot: the check sees it once
    assert c.recorder.check_bypass_sync(c.page) == []
    assert c.raws()[2:] == [
        {"page": page, "event": [{"eventInfo": {"eventName": "loaded"}}], "cart": cart}
    ]
    assert c.recorder.check_bypass_sync(c.page) == []
    assert len(c.events) == 3
    assert {e.data_layer for e in c.events} == {"digitalData"}


def test_mtm_is_a_gtm_like_array(capture: Start) -> None:
    c = capture(("_mtm",))
    c.goto("blank.html")
    c.page.evaluate(
        """() => {
        var _mtm = window._mtm = window._mtm || [];
        _mtm.push({"mtm.startTime": 1, event: "mtm.Start"});
        _mtm.push({event: "video_start", video: "intro"});
    }"""
    )
    c.wait_events(2)
    assert c.raws() == [
        {"mtm.startTime": 1, "event": "mtm.Start"},
        {"event": "video_start", "video": "intro"},
    ]
