"""Hand-built RunReports for the reporter tests (flows run, offline validation, hostile values)."""

from __future__ import annotations

from typing import Any

from tracker_check.models import Event, EventKind, Finding, Location, Severity
from tracker_check.plan.model import EventSpec, Expectation, Flow, Plan
from tracker_check.plan.steps import Click, Fill, Goto
from tracker_check.report.model import FlowResult, RunReport, StepResult

E, W = Severity.ERROR, Severity.WARNING
SECRET = "qa+secret@example.com"
PLAN_FILE = "/home/ci/work/shop/tracking-plan.yaml"


def loc(line: int, col: int = 5) -> Location:
    return Location(PLAN_FILE, line, col)


def plan() -> Plan:
    def spec(name: str, line: int, **kw: Any) -> EventSpec:
        return EventSpec(name=name, location=loc(line, 3), **kw)

    events = [
        spec("page_view", 20, kind="micro", stage="attention", weight=1),
        spec("view_item", 24, kind="micro", stage="interest", weight=2),
        spec("newsletter_signup", 28, kind="micro", stage="interest", weight=2),
        spec("add_to_cart", 33, kind="micro", stage="desire", weight=5),
        spec("begin_checkout", 40, kind="micro", stage="desire", weight=3),
        spec("purchase", 44, kind="macro", stage="action", weight=10),
        spec("search", 50, weight=1),
        spec("old_signup", 53, deprecated="use newsletter_signup"),
    ]
    flows = (
        Flow(
            "add to cart",
            (
                Goto("/product/shirt", location=loc(60, 9)),
                Click(
                    "text=In den Warenkorb",
                    expect=(Expectation("add_to_cart"),),
                    location=loc(61, 9),
                ),
                Click(
                    "#newsletter button",
                    expect=(Expectation("newsletter_signup", count=1),),
                    location=loc(63, 9),
                ),
            ),
            location=loc(58, 5),
        ),
        Flow(
            "checkout",
            (Click("#buy", location=loc(70, 9)),),
            location=loc(68, 5),
        ),
        Flow(
            "search",
            (Fill("#q", "shirt", location=loc(75, 9)),),
            location=loc(73, 5),
        ),
        Flow(
            "popup",
            (Click("#popup .close", location=loc(80, 9)),),
            location=loc(78, 5),
        ),
    )
    return Plan(
        events={e.name: e for e in events},
        name="Demo shop",
        base_url="http://127.0.0.1:8765",
        funnel=("attention", "interest", "desire", "action"),
        flows=flows,
        source=PLAN_FILE,
    )


def ev(name: str | None, index: int, flow: str | None, step: int | None, **params: Any) -> Event:
    raw = {"event": name, **params} if name else params
    return Event(
        name=name,
        kind=EventKind.EVENT if name else EventKind.DATA,
        parameters=params,
        index=index,
        url="http://127.0.0.1:8765/product/shirt",
        time=100.0 * (index + 1),
        flow=flow,
        step=step,
        raw=raw,
    )


CART_ITEMS = [{"item_id": "SKU-1", "item_name": "Shirt", "price": "19.99", "quantity": 1}]


def flows_report() -> RunReport:
    cart = (
        ev(None, 0, "add to cart", 1, page_type="product"),
        ev("page_view", 1, "add to cart", 1, page_type="product"),
        ev("view_item", 2, "add to cart", 1, ecommerce={"currency": "EUR", "items": CART_ITEMS}),
        ev(
            "add_to_cart",
            3,
            "add to cart",
            1,
            ecommerce={"currency": "EUR", "value": 19.99, "items": CART_ITEMS},
            debug_id="x1",
        ),
    )
    cart_findings = (
        Finding(
            "unexpected-parameter",
            W,
            "parameter 'debug_id' is not in the plan",
            flow="add to cart",
            step=2,
            step_label="click text=In den Warenkorb",
            event="add_to_cart",
            event_index=3,
            pointer="/debug_id",
            actual="x1",
            hint="add it to the plan or remove it from the push",
        ),
        Finding(
            "missing-event",
            E,
            "expected event 'newsletter_signup' did not fire within 5 s",
            flow="add to cart",
            step=3,
            step_label="click #newsletter button",
            event="newsletter_signup",
            expected={"event": "newsletter_signup", "count": 1},
            hint="check the button's click handler",
        ),
        Finding(
            "invalid-parameter",
            E,
            "'19.99' is not of type 'number'",
            flow="add to cart",
            step=2,
            step_label="click text=In den Warenkorb",
            event="add_to_cart",
            event_index=3,
            pointer="/ecommerce/items/0/price",
            expected={"type": "number"},
            actual="19.99",
            hint="send prices as numbers, not strings",
        ),
    )
    checkout = (
        ev("begin_checkout", 0, "checkout", 1),
        ev("purchase", 1, "checkout", 1, ecommerce={"transaction_id": "T-1", "value": 19.99}),
        ev("purchase", 2, "checkout", 1, ecommerce={"transaction_id": "T-1", "value": 19.99}),
    )
    dup = Finding(
        "duplicate-event",
        E,
        "purchase with ecommerce.transaction_id 'T-1' was already seen (event #1)",
        flow="checkout",
        step=1,
        step_label="click #buy",
        event="purchase",
        event_index=2,
        pointer="/ecommerce/transaction_id",
        actual="T-1",
    )
    search = (
        ev("old_signup", 0, "search", 1, email=SECRET),
        ev("search", 1, "search", 1, search_term="shirt"),
    )
    deprecated = Finding(
        "deprecated-event",
        W,
        f"'old_signup' is deprecated: use newsletter_signup (sent by {SECRET})",
        flow="search",
        step=1,
        step_label="fill #q",
        event="old_signup",
        event_index=0,
    )
    popup_fail = Finding(
        "step-failed",
        E,
        "locator '#popup .close' not found within 5 s",
        flow="popup",
        step=1,
        step_label="click #popup .close",
        screenshot="screenshots/popup-step1.png",
        url="http://127.0.0.1:8765/?email=qa%2Bsecret%40example.com",
    )
    run_level = Finding(
        "page-error",
        W,
        "Uncaught TypeError: dataLayer.push is not a function",
        url="http://127.0.0.1:8765/cart",
    )
    flows = (
        FlowResult(
            "add to cart",
            "failed",
            1234.5,
            steps=(
                StepResult(1, "goto /product/shirt", "goto", "passed", 400.0, (0, 1, 2)),
                StepResult(2, "click text=In den Warenkorb", "click", "passed", 300.0, (3,)),
                StepResult(3, "click #newsletter button", "click", "failed", 5000.0, ()),
            ),
            events=cart,
            findings=cart_findings,
        ),
        FlowResult(
            "checkout",
            "failed",
            800.0,
            steps=(StepResult(1, "click #buy", "click", "passed", 800.0, (0, 1, 2)),),
            events=checkout,
            findings=(dup,),
        ),
        FlowResult(
            "search",
            "passed",
            450.0,
            steps=(StepResult(1, "fill #q", "fill", "passed", 450.0, (0, 1)),),
            events=search,
            findings=(deprecated,),
        ),
        FlowResult(
            "popup",
            "failed",
            5100.0,
            steps=(
                StepResult(
                    1,
                    "click #popup .close",
                    "click",
                    "failed",
                    5100.0,
                    screenshot="screenshots/popup-step1.png",
                    error="locator '#popup .close' not found within 5 s",
                ),
            ),
            findings=(popup_fail,),
        ),
    )
    return RunReport(
        plan=plan(),
        flows=flows,
        findings=(*cart_findings, dup, deprecated, popup_fail, run_level),
        duration_ms=7634.5,
        extras={"secrets": [SECRET], "started_at": "2026-01-02T03:04:05", "blocked_requests": 2},
    )


def passing_report() -> RunReport:
    full = flows_report()
    flow = FlowResult(
        "checkout",
        "passed",
        812.3,
        steps=(StepResult(1, "click #buy", "click", "passed", 812.3, (0, 1)),),
        events=full.flows[1].events[:2],
    )
    return RunReport(
        plan=plan(), flows=(flow,), duration_ms=812.3, extras={"started_at": "2026-01-02T03:04:05"}
    )


def offline_report() -> RunReport:
    """`tracker-check validate events.json`: no flows, events in the report itself."""
    events = (
        ev("page_view", 0, None, None, page_type="home"),
        ev("add_to_cart", 1, None, None, ecommerce={"currency": "eur", "items": []}),
        ev("purchse", 2, None, None),
        ev("page_view", 3, None, None, page_type="listing"),
    )
    findings = (
        Finding(
            "invalid-parameter",
            E,
            "'eur' does not match '^[A-Z]{3}$'",
            event="add_to_cart",
            event_index=1,
            pointer="/ecommerce/currency",
            expected={"pattern": "^[A-Z]{3}$"},
            actual="eur",
        ),
        Finding(
            "missing-parameter",
            E,
            "'value' is a required property",
            event="add_to_cart",
            event_index=1,
            pointer="/ecommerce",
        ),
        Finding(
            "unplanned-event",
            E,
            "event 'purchse' is not in the plan",
            event="purchse",
            event_index=2,
            hint="did you mean 'purchase'?",
        ),
    )
    return RunReport(plan=plan(), findings=findings, events=events, duration_ms=42.0)


XSS = (
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "</script><script>window.__xss=1</script>",
)


def hostile_report() -> RunReport:
    """Values a hostile or broken page can push: markup, control characters, U+2028."""
    params = {
        "item_name": XSS[0],
        "promo": XSS[1],
        "note": XSS[2] + "\u2028\u2029",
        "ctrl": "bell\x07 nul\x00 esc\x1b lone\ud800",
        '"><svg onload=alert(1)>': "key",
    }
    events = (ev("add_to_cart", 0, "xss", 0, **params),)
    finding = Finding(
        "invalid-parameter",
        E,
        f"bad item_name {XSS[0]} & {XSS[1]}",
        flow="xss",
        step=1,
        step_label="click <b>buy</b>",
        event="add_to_cart",
        event_index=0,
        pointer="/item_name",
        expected={"maxLength": 10},
        actual=XSS[2],
        hint="a, b: c%d\r\ne",
    )
    flow = FlowResult(
        "xss",
        "failed",
        10.0,
        steps=(StepResult(1, "click <b>buy</b>", "click", "passed", 10.0, (0,)),),
        events=events,
        findings=(finding,),
    )
    return RunReport(plan=plan(), flows=(flow,), findings=(finding,), duration_ms=10.0)
