"""Any sequence of push / multi-argument push / reassignment / copy / navigation is captured
whole and in order. One browser page for the whole run keeps 200 examples fast; the example
count comes from a settings profile (`capture-ci` by default, `capture-nightly` for the long
run — see benchmarks/capture_throughput.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser

from tracker_check.capture.recorder import Recorder

from .conftest import Capture

pytestmark = pytest.mark.browser

settings.register_profile(
    "capture-ci",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "capture-nightly", parent=settings.get_profile("capture-ci"), max_examples=5000
)
PROFILE = settings.get_profile(os.environ.get("TRACKER_CHECK_CAPTURE_PROFILE", "capture-ci"))

# JSON values that survive the trip unchanged: no -0.0/NaN, numbers inside JS's safe range, no
# lone surrogates, and no "__"-prefixed keys (they would look like serialization markers)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    # an integral double beyond 2**53 comes back as a Python int (JS has one number type)
    | st.floats(min_value=-(2.0**53), max_value=2.0**53).filter(lambda f: str(f) != "-0.0")
    | st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
)
keys = st.text(st.characters(blacklist_categories=("Cs",)), max_size=6).filter(
    lambda k: not k.startswith("__")
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=8,
)
events = st.builds(
    lambda name, params: {"event": name, **params},
    st.sampled_from(["page_view", "add_to_cart", "purchase", "gtm.dom", "x"]),
    st.dictionaries(keys.filter(lambda k: k != "event"), values, max_size=3),
)
items = events | values
operations = st.lists(
    st.tuples(
        st.sampled_from(["push", "push", "push", "reassign", "copy", "navigate"]),
        st.lists(items, min_size=0, max_size=4),
    ),
    min_size=1,
    max_size=8,
)

APPLY = """([op, items, next]) => {
    if (op === "reassign") { window.dataLayer = items; return; }
    if (op === "copy") { window.dataLayer = (window.dataLayer || []).concat(items); return; }
    window.dataLayer = window.dataLayer || [];
    window.dataLayer.push(...items);
    if (op === "navigate") location.href = next;
}"""


@pytest.fixture(scope="module")
def shared(browser: Browser, capture_site: str) -> Iterator[Capture]:
    context = browser.new_context(service_workers="block")
    recorder = Recorder()
    recorder.attach_sync(context)
    page = context.new_page()
    yield Capture(context, page, recorder, capture_site)
    context.close()


@PROFILE
@given(ops=operations)
def test_any_operation_sequence_is_captured_whole_and_in_order(
    shared: Capture, ops: list[tuple[str, list[Any]]]
) -> None:
    c = shared
    c.goto("blank.html?start")
    start = len(c.events)
    expected: list[Any] = []
    current: list[Any] = []  # the page's array as the model sees it
    documents = 1
    for n, (op, batch) in enumerate(ops):
        if op == "copy":
            # a copy records what is new, and the primitives again (only objects are known
            # by identity)
            expected.extend(x for x in current if not isinstance(x, dict | list))
        expected.extend(batch)
        current = batch if op == "reassign" else [] if op == "navigate" else current + batch
        if op == "navigate":
            target = c.url(f"blank.html?n={n}")
            with c.page.expect_navigation(url=target):
                c.page.evaluate(APPLY, [op, batch, target])
            documents += 1
        else:
            c.page.evaluate(APPLY, [op, batch, None])
    c.wait_for(lambda: len(c.events) - start >= len(expected))
    c.quiesce()
    got = c.events[start:]
    assert [e.raw for e in got] == expected
    assert [e.index for e in got] == list(range(start, start + len(expected)))
    assert len({e.document for e in got}) <= documents
