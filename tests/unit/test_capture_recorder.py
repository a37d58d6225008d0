"""The Recorder's pure parts: records -> Events, attribution, URL globs. No browser."""

from __future__ import annotations

import fnmatch
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker_check.capture.recorder import Recorder, glob_to_regex, hook_script
from tracker_check.models import EventKind
from tracker_check.plan.model import DEFAULT_BLOCK_REQUESTS


def rec(item: Any, **kw: Any) -> dict[str, Any]:
    base = {"dl": "dataLayer", "seq": 0, "doc": "d1", "href": "http://127.0.0.1/p", "frame": False}
    return {**base, "t": 0, "item": item, **kw}


class FakePage:
    url = "http://127.0.0.1/top"


def test_batch_becomes_events_in_order() -> None:
    seen: list[Any] = []
    r = Recorder(on_event=seen.append)
    r._on_batch({}, json.dumps([rec({"event": "a"}), rec({"x": 1}, seq=1)]))
    assert [(e.index, e.name, e.kind) for e in r.events] == [
        (0, "a", EventKind.EVENT),
        (1, None, EventKind.DATA),
    ]
    assert seen == r.events
    assert r.last_event_time > 0


def test_frame_records_carry_page_and_frame_url() -> None:
    r = Recorder()
    r._on_batch({"page": FakePage()}, json.dumps([rec({"event": "f"}, frame=True)]))
    (event,) = r.events
    assert (event.url, event.frame_url) == ("http://127.0.0.1/top", "http://127.0.0.1/p")


def test_attribution_stamps_later_events_only() -> None:
    r = Recorder()
    r._on_batch({}, json.dumps([rec({"event": "before"})]))
    r.set_attribution("checkout", 1)
    r._on_batch({}, json.dumps([rec({"event": "after"})]))
    assert [(e.flow, e.step) for e in r.events] == [(None, None), ("checkout", 1)]


@pytest.mark.parametrize("payload", ["not json", "{}", "42", json.dumps([1, "x"])])
def test_malformed_payloads_are_ignored(payload: str) -> None:
    r = Recorder()
    r._on_batch({}, payload)
    assert r.events == []


def test_custom_data_layer_routes_through_sources() -> None:
    r = Recorder(("myLayer",))
    r._on_batch({}, json.dumps([rec({"event": "m"}, dl="myLayer")]))
    assert r.events[0].data_layer == "myLayer"


def test_hook_script_is_configured() -> None:
    script = hook_script(["dataLayer", "_mtm"])
    assert "__TRACKER_CHECK_CONFIG__" not in script
    assert '{"names": ["dataLayer", "_mtm"], "binding": "__trackerCheckEmit"}' in script


@pytest.mark.parametrize(
    ("url", "blocked"),
    [
        ("https://www.google-analytics.com/g/collect?v=2", True),
        ("https://region1.analytics.google.com/g/collect", True),
        ("https://www.googletagmanager.com/gtm.js?id=GTM-X", True),
        ("https://stats.g.doubleclick.net/j/collect", True),
        ("http://127.0.0.1:8000/shop.html", False),
        ("https://googletagmanager.com.example.org/", False),
    ],
)
def test_default_block_list(url: str, blocked: bool) -> None:
    assert any(glob_to_regex(g).match(url) for g in DEFAULT_BLOCK_REQUESTS) is blocked


globs = st.text(alphabet="ab*?.:/[]!-", max_size=8)
urls = st.text(alphabet="ab.:/-[]!", max_size=10)


@given(glob=globs, url=urls)
def test_glob_matches_like_fnmatchcase(glob: str, url: str) -> None:
    assert bool(glob_to_regex(glob).match(url)) == fnmatch.fnmatchcase(url, glob)
