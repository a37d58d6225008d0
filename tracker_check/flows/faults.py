"""The findings a flow raises itself (not the validator's): a step that failed, an event a
`wait` step waited for in vain, an uncaught page error."""

from __future__ import annotations

from tracker_check.flows.steps import StepFault, one_line
from tracker_check.models import Finding, Location, Severity, step_phrase
from tracker_check.plan.model import Policy
from tracker_check.rules import rule


def step_failed(
    flow: str,
    number: int,
    label: str,
    fault: StepFault,
    *,
    crashed: bool,
    location: Location | None,
    url: str | None,
    screenshot: str | None,
) -> Finding:
    # the crash event may only arrive while the screenshot is attempted
    message = crashed_message(fault, crashed)
    selector = f" ({fault.selector})" if fault.selector else ""
    return Finding(
        "step-failed",
        rule("step-failed").severity,
        f"{step_phrase(number, label)} failed{selector}: {message}",
        flow=flow,
        step=number,
        step_label=label,
        hint=fault.hint,
        location=location,
        url=url,
        screenshot=screenshot,
        actual=fault.selector,
    )


def crashed_message(fault: StepFault, crashed: bool) -> str:
    return f"page crashed ({fault.message})" if crashed else fault.message


def waited_in_vain(flow: str, number: int, label: str, name: str, timeout_ms: float) -> Finding:
    return Finding(
        "missing-event",
        rule("missing-event").severity,
        f"waited {timeout_ms:g} ms for event {name}; it did not fire",
        flow=flow,
        step=number,
        step_label=label,
        event=name,
        expected=name,
        hint="check the element's selector and the code that pushes the event",
    )


def page_error(
    flow: str, number: int, label: str, policy: Policy, name: str, message: str
) -> Finding | None:
    """An uncaught exception in the page, per `settings.page_errors` (None: ignored)."""
    if policy == "ignore":
        return None
    return Finding(
        "page-error",
        Severity.ERROR if policy == "error" else Severity.WARNING,
        f"uncaught {name or 'Error'}: {one_line(message)}",
        flow=flow,
        step=number,
        step_label=label,
    )
