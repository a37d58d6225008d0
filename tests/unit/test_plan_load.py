"""Loading plans from files: the spec's example, errors all at once, unreadable files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_check.errors import PlanError, UsageError
from tracker_check.models import Location
from tracker_check.plan.load import lint_plan_text, load_plan
from tracker_check.plan.model import DEFAULT_BLOCK_REQUESTS, Settings

EXAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "plans" / "_example" / "plan.yaml"


def test_spec_example_loads() -> None:
    plan = load_plan(EXAMPLE)
    assert plan.version == 1
    assert plan.name == "Demo shop"
    assert plan.base_url == "http://127.0.0.1:8765"
    assert plan.data_layers == ("dataLayer",)
    assert plan.funnel == ("attention", "interest", "desire", "action")
    assert plan.source == str(EXAMPLE)
    assert plan.settings.unplanned_events == "error"
    assert plan.settings.block_requests == (
        "*://*.google-analytics.com/*",
        "*://*.googletagmanager.com/*",
    )
    assert set(plan.global_parameters) == {"page_type"}
    assert plan.definitions["item"]["required"] == ["item_id", "item_name", "price", "quantity"]


def test_spec_example_events() -> None:
    plan = load_plan(EXAMPLE)
    assert list(plan.events) == [
        "add_to_cart",
        "newsletter_signup",
        "purchase",
        "old_signup",
        "view_item",
        "video_start",
    ]
    cart = plan.events["add_to_cart"]
    assert (cart.kind, cart.stage, cart.weight) == ("micro", "desire", 5.0)
    assert cart.additional_parameters == "error"
    assert cart.parameters["coupon"] == {"type": "string", "optional": True}
    assert cart.location == Location(str(EXAMPLE), 29, 3)
    purchase = plan.events["purchase"]
    assert purchase.unique == ("ecommerce.transaction_id",)
    assert purchase.parameters == {"ecommerce": {"$ref": "ga4#/definitions/purchase_ecommerce"}}
    assert plan.events["old_signup"].deprecated == "use sign_up"
    assert plan.events["video_start"].parameters == {}
    assert plan.events["video_start"].deprecated is None


def test_spec_example_flow() -> None:
    (flow,) = load_plan(EXAMPLE).flows
    assert flow.name == "add to cart"
    assert flow.start == "/product/shirt"
    assert [(s.action, s.args) for s in flow.steps] == [
        ("click", {"selector": "text=In den Warenkorb"}),
        ("fill", {"selector": "#email", "value": "${env.TEST_EMAIL}"}),
        ("click", {"selector": "#newsletter button"}),
        ("goto", {"url": "/cart"}),
        ("scroll", {"percent": 75}),
        ("wait", {"event": "video_start", "timeout_ms": 5000}),
    ]
    assert [e.event for e in flow.steps[0].expect] == ["add_to_cart"]
    signup = flow.steps[2].expect[0]
    assert (signup.event, signup.count, signup.where) == (
        "newsletter_signup",
        1,
        {"form_location": "footer"},
    )
    assert flow.sequence == ("view_item", "add_to_cart")
    assert flow.forbid == ("purchase",)


def test_defaults_for_a_minimal_plan() -> None:
    plan, findings = lint_plan_text("version: 1\nevents:\n  page_view: {}\n", "p.yaml")
    assert findings == []
    assert plan is not None
    assert plan.settings == Settings()
    assert plan.settings.block_requests == DEFAULT_BLOCK_REQUESTS
    assert plan.flows == ()
    assert plan.data_layers == ("dataLayer",)


def test_all_errors_at_once(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(
        "version: 1\nsetings: {}\nevents:\n  a:\n    kind: mikro\n    wieght: 2\n", "utf-8"
    )
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert [(f.location.line, f.location.col) for f in info.value.findings if f.location] == [
        (2, 1),
        (5, 11),
        (6, 5),
    ]
    assert all(f.code == "plan-error" for f in info.value.findings)


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="plan file not found"):
        load_plan(tmp_path / "nope.yaml")


def test_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a directory"):
        load_plan(tmp_path)


def test_non_utf8_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"version: 1\nname: \xff\xfe\n")
    with pytest.raises(UsageError, match="not UTF-8"):
        load_plan(path)
