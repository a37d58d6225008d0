"""The demo shop's tracking plan and its broken twin: structure, coverage and freshness.

Browser runs of these flows live in tests/browser; here everything is static and fast.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from tracker_check.plan.load import load_plan
from tracker_check.plan.model import STEP_ACTIONS
from tracker_check.rules import RULES

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SHOP = FIXTURES / "shop"
BROKEN = FIXTURES / "shop-broken"
PLAN = SHOP / "plan.yaml"

# The micro-conversions the demo must show, each with the event(s) a flow has to expect.
MICRO_CONVERSIONS = {
    "add to cart": {"add_to_cart"},
    "newsletter": {"newsletter_signup"},
    "download": {"file_download"},
    "video": {"video_start", "video_progress"},
    "filter": {"filter_apply"},
    "share": {"share"},
    "scroll depth": {"scroll_depth"},
    "size chart": {"size_chart_open"},
    "wishlist": {"add_to_wishlist"},
    "more info": {"more_info_click"},
    "signup form": {"form_start", "form_step", "sign_up"},
    "cart remove": {"remove_from_cart"},
    "checkout": {"begin_checkout", "add_shipping_info", "add_payment_info", "purchase"},
}


@pytest.fixture(scope="module")
def plan() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(PLAN.read_text("utf-8"))
    return data


@pytest.fixture(scope="module")
def make_broken() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_broken", FIXTURES / "make_broken.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_broken"] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


def expected_events(flow: dict[str, Any]) -> set[str]:
    """Events a flow asserts on: step `expect`, `wait: {event}` and flow `sequence`."""
    names: set[str] = set(flow.get("expect", {}).get("sequence", []))
    for step in flow["steps"]:
        for entry in step.get("expect", []):
            bounded_to_zero = isinstance(entry, dict) and entry.get("count") == 0
            if not bounded_to_zero:
                names.add(entry if isinstance(entry, str) else entry["event"])
        wait = step.get("wait")
        if isinstance(wait, dict) and "event" in wait:
            names.add(wait["event"])
    return names


def test_plan_loads_clean() -> None:
    loaded = load_plan(PLAN)
    assert len(loaded.flows) == 14  # 13 flows, one of them under two consent choices
    assert [f.name for f in loaded.flows if f.consent_choice] == [
        "scroll depth [accept]",
        "scroll depth [deny]",
    ]
    assert loaded.events["purchase"].unique == ("ecommerce.transaction_id",)
    assert loaded.settings.consent == "required"


def test_every_live_event_is_described_and_staged(plan: dict[str, Any]) -> None:
    funnel = plan["funnel"]
    assert funnel == ["attention", "interest", "desire", "action"]
    for name, event in plan["events"].items():
        if "deprecated" in event:
            continue
        assert event.get("description"), name
        assert event.get("kind") in ("micro", "macro"), name
        assert event.get("stage") in funnel, name
        assert event.get("weight", 0) > 0, name
    assert {n for n, e in plan["events"].items() if e.get("kind") == "macro"} == {
        "purchase",
        "sign_up",
    }
    assert set(funnel) == {e["stage"] for e in plan["events"].values() if "stage" in e}


def test_every_planned_event_is_expected_by_some_flow(plan: dict[str, Any]) -> None:
    live = {n for n, e in plan["events"].items() if "deprecated" not in e}
    covered = set().union(*(expected_events(f) for f in plan["flows"]))
    assert live - covered == set()
    assert covered - set(plan["events"]) == set()  # flows only name planned events


@pytest.mark.parametrize("conversion", sorted(MICRO_CONVERSIONS))
def test_every_micro_conversion_has_a_flow(plan: dict[str, Any], conversion: str) -> None:
    needed = MICRO_CONVERSIONS[conversion]
    assert any(needed <= expected_events(f) for f in plan["flows"]), conversion


def test_steps_use_only_spec_step_forms(plan: dict[str, Any]) -> None:
    names = [f["name"] for f in plan["flows"]]
    assert len(names) == len(set(names))
    used: set[str] = set()
    for flow in plan["flows"]:
        for step in flow["steps"]:
            actions = [k for k in step if k not in ("expect", "timeout")]
            assert len(actions) == 1 and actions[0] in STEP_ACTIONS, (flow["name"], step)
            used.add(actions[0])
    assert used == set(STEP_ACTIONS)  # the demo exercises every step form


def test_checkout_flow_lands_with_an_affiliate_and_asserts_it_on_purchase(
    plan: dict[str, Any],
) -> None:
    flow = next(f for f in plan["flows"] if f["name"] == "checkout with affiliate")
    assert flow["start"] == "/?utm_source=partner&aff_id=A123"
    assert flow["vars"]["aff_id"] == "A123"
    purchase = next(
        e
        for s in flow["steps"]
        for e in s.get("expect", [])
        if isinstance(e, dict) and e["event"] == "purchase"
    )
    assert purchase["count"] == 1
    assert purchase["where"]["aff_id"] == "${vars.aff_id}"
    assert flow["expect"]["sequence"][-1] == "purchase"
    assert plan["events"]["purchase"]["unique"] == ["ecommerce.transaction_id"]


def test_ga4_refs_name_existing_definitions(plan: dict[str, Any]) -> None:
    ga4 = json.loads((FIXTURES.parent / "schemas" / "ga4.v1.json").read_text("utf-8"))
    refs = re.findall(r"ga4#/definitions/([A-Za-z0-9_]+)", PLAN.read_text("utf-8"))
    assert refs
    assert set(refs) - set(ga4["definitions"]) == set()


def test_broken_site_is_up_to_date(make_broken: ModuleType, tmp_path: Path) -> None:
    fresh = tmp_path / "site"
    make_broken.build(fresh)
    assert make_broken.differences(fresh, BROKEN) == [], "run: python fixtures/make_broken.py"


def test_broken_site_differs_only_by_the_regressions(make_broken: ModuleType) -> None:
    changed = set(make_broken.differences(SHOP, BROKEN))
    regressed = {r.file for r in make_broken.REGRESSIONS}
    assert changed == regressed | {"plan.yaml", "EXPECTED.md", "expected.json"}


def test_expected_json_covers_every_flow_with_registered_codes(plan: dict[str, Any]) -> None:
    expected = json.loads((BROKEN / "expected.json").read_text("utf-8"))
    assert list(expected["flows"]) == [f.name for f in load_plan(PLAN).flows]  # matrix expanded
    failing = {name for name, codes in expected["flows"].items() if codes}
    assert failing == {r["flow"] for r in expected["regressions"]}
    assert len(expected["regressions"]) == len(failing) == 8  # one flow per regression
    for codes in expected["flows"].values():
        assert set(codes) <= set(RULES)
    by_name = {r["name"]: set(r["codes"]) for r in expected["regressions"]}
    assert by_name["add-to-cart-renamed"] == {"missing-event"}
    assert by_name["price-as-string"] == {"invalid-parameter"}
    assert by_name["purchase-twice"] == {"duplicate-event", "count-mismatch"}
    assert by_name["ecommerce-reset-dropped"] == {"stale-model-data"}
    assert by_name["newsletter-gtag-array"] == {"gtag-array-command", "missing-event"}
    assert by_name["filter-debug-parameter"] == {"unexpected-parameter"}
    assert by_name["matomo-value-string"] == {"matomo-argument"}
    assert by_name["cookie-after-deny"] == {"consent-cookie"}


def test_a_regression_that_no_longer_matches_fails_loudly(
    make_broken: ModuleType, tmp_path: Path
) -> None:
    stale = make_broken.Regression(
        name="gone",
        title="",
        file="assets/cart.js",
        old="this text is not in the shop",
        new="",
        flow="remove from cart",
        codes=(),
        why="",
    )
    with pytest.raises(SystemExit, match="found 0 times"):
        make_broken.build(tmp_path / "site", (stale,))


def test_shop_makes_no_external_requests() -> None:
    # only the SVG namespace may name another host; it is an identifier, never fetched
    pattern = re.compile(r"(?:https?:)?//(?!www\.w3\.org/2000/svg)[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
    for path in SHOP.rglob("*"):
        if path.suffix in (".html", ".js", ".css"):
            text = path.read_text("utf-8")
            assert not pattern.search(text), f"{path.relative_to(SHOP)}: {pattern.search(text)}"


def test_consent_default_is_the_first_thing_every_page_pushes() -> None:
    head = (SHOP / "assets" / "head.js").read_text("utf-8")
    first_call = re.search(r"^(gtag|dataLayer\.push)\(.*$", head, re.M)
    assert first_call and first_call.group(0).startswith("gtag('consent', 'default'")
    for page in SHOP.glob("*.html"):
        scripts = re.findall(r"<script[^>]*>", page.read_text("utf-8"))
        assert scripts[0] == '<script src="/assets/head.js">', page.name


def test_every_page_has_a_planned_page_type(plan: dict[str, Any]) -> None:
    allowed = set(plan["global_parameters"]["page_type"]["enum"])
    for page in SHOP.glob("*.html"):
        found = re.search(r'<body data-page-type="([a-z]+)">', page.read_text("utf-8"))
        assert found and found.group(1) in allowed, page.name
