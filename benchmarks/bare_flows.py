"""A plan's flows done with plain Playwright: the yardstick `run_overhead.py` compares with.

What a developer would write by hand for the same flows: one browser (found the way
tracker-check finds it), a fresh context per flow (service workers blocked, like tracker-check),
the same steps with Playwright's auto-waiting, and after each step that expects events a wait
until those events are in the page's data layer (`page.wait_for_function`). No capture hook, no
request blocking, no bypass check, no settling, no validation, no report.

It reads the plan's YAML itself (no tracker-check step code), so the two sides share nothing
but the browser binary. Prints one JSON line: {"total_s": ..., "flows": [{"name", "s"}],
"missed": [...]} — expected events it waited for in vain (each costs it the 5 s timeout, so
the benchmark refuses a run with any).

Usage: python benchmarks/bare_flows.py PLAN BASE_URL
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import yaml
from playwright.async_api import Page, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout

ACTIONS = ["goto", "click", "dblclick", "fill", "type", "press", "select", "check", "uncheck"]
ACTIONS += ["hover", "scroll", "wait", "screenshot"]
# the event named `name` is in the page's data layer: a GTM object or gtag arguments
HAS_EVENTS = """names => names.every(n => (window.dataLayer || []).some(i => i && (
  i.event === n || (i[0] === 'event' && i[1] === n))))"""


def executable() -> str | None:
    """The browser tracker-check would use (its discovery, imported only for the path)."""
    from tracker_check.capture.browser import launch_options

    return launch_options().get("executable_path")


def substitute(value: Any, variables: dict[str, str]) -> Any:
    if isinstance(value, str):
        return re.sub(r"\$\{vars\.(\w+)\}", lambda m: variables.get(m.group(1), ""), value)
    if isinstance(value, dict):
        return {k: substitute(v, variables) for k, v in value.items()}
    return value


def expected_names(expect: Any) -> list[str]:
    entries = expect if isinstance(expect, list) else [expect] if expect else []
    names = []
    for e in entries:
        if isinstance(e, str):
            names.append(e)
        elif isinstance(e, dict) and e.get("count") != 0 and e.get("max") != 0:
            names.append(str(e["event"]))
    return names


async def step(page: Page, base: str, action: str, arg: Any, timeout: float, shots: Path) -> None:
    sel = arg.get("selector") if isinstance(arg, dict) else arg
    match action:
        case "goto":
            await page.goto(urljoin(base + "/", str(arg)), wait_until="load")
        case "click":
            await page.locator(sel).first.click(timeout=timeout)
        case "dblclick":
            await page.locator(sel).first.dblclick(timeout=timeout)
        case "fill":
            await page.locator(sel).first.fill(str(arg["value"]), timeout=timeout)
        case "type":
            await page.locator(sel).first.press_sequentially(str(arg["text"]), timeout=timeout)
        case "press":
            await page.locator(sel).first.press(str(arg["key"]), timeout=timeout)
        case "select":
            await page.locator(sel).first.select_option(str(arg["value"]), timeout=timeout)
        case "check":
            await page.locator(sel).first.check(timeout=timeout)
        case "uncheck":
            await page.locator(sel).first.uncheck(timeout=timeout)
        case "hover":
            await page.locator(sel).first.hover(timeout=timeout)
        case "scroll":
            if isinstance(arg, str) and arg.endswith("%"):
                share = float(arg[:-1]) / 100
                await page.evaluate(
                    "s => window.scrollTo(0, (document.body.scrollHeight - innerHeight) * s)",
                    share,
                )
            else:
                await page.locator(sel).first.scroll_into_view_if_needed(timeout=timeout)
        case "wait":
            if "selector" in arg:
                await page.locator(arg["selector"]).first.wait_for(timeout=timeout)
            elif "ms" in arg:
                await page.wait_for_timeout(float(str(arg["ms"]).rstrip("ms")))
            elif "event" in arg:
                await page.wait_for_function(HAS_EVENTS, arg=[arg["event"]], timeout=timeout)
        case "screenshot":
            await page.screenshot(path=str(shots / f"{arg}.png"))


def runs(plan: dict[str, Any]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each flow, once per consent choice it runs under (named like tracker-check's matrix),
    with that choice's banner steps."""
    choices = ((plan.get("consent") or {}).get("choices")) or {}
    out = []
    for flow in plan.get("flows") or []:
        for choice in flow.get("consent") or [None]:
            if choice is None:
                out.append((flow, []))
            else:
                named = {**flow, "name": f"{flow['name']} [{choice}]"}
                out.append((named, list(choices.get(choice) or [])))
    return out


async def main(plan_path: Path, base: str) -> dict[str, Any]:
    plan = yaml.safe_load(plan_path.read_text("utf-8"))
    matched = {
        name for name, spec in (plan.get("events") or {}).items() if (spec or {}).get("match")
    }
    timeout = 5000.0
    out = []
    missed: list[str] = []
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=executable())
            for flow, banner in runs(plan):
                t_flow = time.monotonic()
                context = await browser.new_context(service_workers="block")
                page = await context.new_page()
                variables = {str(k): str(v) for k, v in (flow.get("vars") or {}).items()}
                start = flow.get("start")
                steps = list(flow.get("steps") or [])
                steps[0:0] = banner  # a consent choice's banner steps come right after the start
                if start is not None:
                    url = start if isinstance(start, str) else start["url"]
                    expect = None if isinstance(start, str) else start.get("expect")
                    steps.insert(0, {"goto": url, "expect": expect})
                for s in steps:
                    action = next(a for a in ACTIONS if a in s)
                    arg = substitute(s[action], variables)
                    before = page.url
                    await step(page, base, action, arg, timeout, Path(tmp))
                    # events the plan names by a `match:` rule (Matomo's) fire in the same
                    # step as GTM's; the bare script waits for the GTM names it can see
                    names = [n for n in expected_names(s.get("expect")) if n not in matched]
                    # a click that left the page fired its event on the page that is gone:
                    # without capture there is nothing to wait for
                    if names and (action == "goto" or page.url == before):
                        try:
                            await page.wait_for_function(HAS_EVENTS, arg=names, timeout=timeout)
                        except PlaywrightTimeout:
                            missed.append(f"{flow['name']}: {action} {names}")
                await context.close()
                out.append({"name": flow["name"], "s": time.monotonic() - t_flow})
            await browser.close()
    return {"total_s": time.monotonic() - t0, "flows": out, "missed": missed}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(Path(sys.argv[1]), sys.argv[2].rstrip("/")))))
