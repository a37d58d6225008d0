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
    return {
        "dl": "dataLayer",
        "kind": "push",
        "href": "http://127.0.0.1/p",
        "t": 0,
        "item": item,
        **kw,
    }


def msg(*records: dict[str, Any], frame: bool = False, **kw: Any) -> str:
    return json.dumps({"v": 1, "doc": "d1", "frame": frame, "records": list(records), **kw})


class FakePage:
    url = "http://127.0.0.1/top"


def test_batch_becomes_events_in_order() -> None:
    seen: list[Any] = []
    r = Recorder(on_event=seen.append)
    r._on_batch({}, msg(rec({"event": "a"}), rec({"x": 1})))
    assert [(e.index, e.name, e.kind, e.document) for e in r.events] == [
        (0, "a", EventKind.EVENT, "d1"),
        (1, None, EventKind.DATA, "d1"),
    ]
    assert seen == r.events
    assert r.last_event_time > 0


def test_frame_records_carry_page_and_frame_url() -> None:
    r = Recorder()
    r._on_batch({"page": FakePage()}, msg(rec({"event": "f"}), frame=True))
    (event,) = r.events
    assert (event.url, event.frame_url) == ("http://127.0.0.1/top", "http://127.0.0.1/p")


def test_attribution_stamps_later_events_only() -> None:
    r = Recorder()
    r._on_batch({}, msg(rec({"event": "before"})))
    r.set_attribution("checkout", 1)
    r._on_batch({}, msg(rec({"event": "after"})))
    assert [(e.flow, e.step) for e in r.events] == [(None, None), ("checkout", 1)]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("not json", "not JSON"),
        ("{}", "v: missing"),
        ("42", "message: expected an object, got int"),
        (json.dumps([1, "x"]), "message: expected an object, got an array"),
        (msg(rec({"event": "a"}), v=2), "v: version 2, this tracker-check reads 1"),
        (msg(rec({"event": "a"}, t="soon")), "records[0].t: expected a number, got a string"),
        (12, "expected JSON text, got int"),
    ],
)
def test_a_malformed_message_is_a_capture_error_finding_never_a_crash(
    payload: object, reason: str
) -> None:
    r = Recorder()
    r.set_attribution("checkout", 2)
    r._on_batch({"page": FakePage()}, payload)
    assert r.events == []
    # handed over with the next bypass check, once
    [finding] = r._bypass_findings([], FakePage.url)
    assert (finding.code, finding.flow, finding.step, finding.url) == (
        "capture-error",
        "checkout",
        2,
        "http://127.0.0.1/top",
    )
    assert finding.message.startswith("a capture message from the page could not be read: ")
    assert reason in finding.message
    assert r._bypass_findings([], FakePage.url) == []


def test_check_answers_use_the_same_typed_parsing() -> None:
    r = Recorder()
    r._on_batch({}, msg(rec({"event": "pushed"})))
    check = {
        "dl": "dataLayer",
        "href": "http://127.0.0.1/p",
        "t": 5,
        "missed": [{"index": 1, "item": {"event": "by_index"}}],
    }
    snapshot = rec({"page": {"pageName": "home"}}, dl="digitalData", kind="snapshot")
    answers: list[tuple[object, str]] = [
        (msg(snapshot, checks=[check]), "http://127.0.0.1/p"),
        (None, "about:blank"),  # a frame without the hook
        ('{"v": 1}', "http://127.0.0.1/bad"),
    ]
    findings = r._bypass_findings(answers, "http://127.0.0.1/p")
    assert [f.code for f in findings] == ["capture-bypassed", "capture-error"]
    assert findings[0].actual == [{"event": "by_index"}]
    assert [(e.data_layer, e.raw) for e in r.events] == [
        ("dataLayer", {"event": "pushed"}),
        ("digitalData", {"page": {"pageName": "home"}}),
        ("dataLayer", {"event": "by_index"}),
    ]
    assert r.recovered == {2}


def test_custom_data_layer_routes_through_sources() -> None:
    r = Recorder(("myLayer",))
    r._on_batch({}, msg(rec({"event": "m"}, dl="myLayer")))
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
