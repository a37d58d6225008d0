r"""Capture speed: pushes/s reaching Python, and the hook's cost per page load.

    .venv/bin/python benchmarks/capture_throughput.py [--events 10000] [--reps 200]

1. Throughput: one page pushes N GA4 ecommerce events (a) in one task and (b) spread over
   100 tasks; we time from the start of the pushes until the Recorder holds all N.
   Target: >= 10,000 events/s.
   (c) is (a) in a page that first replaced JSON.stringify and added Array.prototype.toJSON:
   every send then puts Playwright's globals back for the call (hook.js `swapIn`).
2. Hook overhead: `page.goto` of a small page that pushes one event, in a context with the
   Recorder attached vs a bare context, interleaved, many repetitions; median of each.
   Target: <= 10 ms extra per page.
3. Hook cost itself: the time hook.js takes to run in a fresh page (performance.now() around
   evaluating it), median of the repetitions — what every navigation and frame pays.

The nightly-sized property run of the capture (tests/browser/test_capture_hypothesis.py):

    TRACKER_CHECK_CAPTURE_PROFILE=capture-nightly \
        .venv/bin/pytest tests/browser/test_capture_hypothesis.py

runs 5,000 random push / multi-argument push / reassign / navigate sequences (~10 min).
Everything is served on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

from playwright.async_api import async_playwright

from tracker_check.capture.browser import launch, new_context
from tracker_check.capture.recorder import Recorder, hook_script
from tracker_check.serve import serve

PAGE = """<!doctype html><html><head><title>bench</title>
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({event: "page_view"});</script>
</head><body>bench</body></html>"""

GA4_PUSH = """(n) => {
  const t0 = performance.now();
  const item = (i) => ({item_id: "SKU_" + i, item_name: "Shirt " + i, item_brand: "Acme",
    item_category: "Apparel", price: 19.99 + (i % 7), quantity: 1 + (i % 3), index: i % 10});
  for (let i = 0; i < n; i++) {
    dataLayer.push({ecommerce: null});
    dataLayer.push({event: "add_to_cart", ecommerce: {currency: "EUR", value: 19.99,
      items: [item(i), item(i + 1)]}});
  }
  return performance.now() - t0;
}"""

HOSTILE = """() => {
  JSON.stringify = function () { throw new Error("poisoned"); };
  Array.prototype.toJSON = function () { return "[array]"; };
}"""

GA4_SPREAD = """([n, tasks]) => new Promise((done) => {
  let busy = 0;
  const per = Math.ceil(n / tasks); let sent = 0;
  const tick = () => {
    const t0 = performance.now();
    for (let i = 0; i < per && sent < n; i++, sent++) {
      dataLayer.push({event: "view_item", ecommerce: {currency: "EUR", value: 1,
        items: [{item_id: "SKU_" + sent, item_name: "x", price: 1, quantity: 1}]}});
    }
    busy += performance.now() - t0;
    if (sent < n) setTimeout(tick, 0); else done(busy);
  };
  tick();
})"""


async def wait_count(recorder: Recorder, n: int, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while len(recorder.events) < n:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(recorder.events)} of {n} events arrived")
        await asyncio.sleep(0.001)


async def throughput(browser, base: str, n: int) -> None:  # type: ignore[no-untyped-def]
    for label, script, arg, expected in (
        ("one task ", GA4_PUSH, n // 2, n),  # n/2 loops x 2 pushes (clear + event)
        ("100 tasks", GA4_SPREAD, [n, 100], n),
        ("one task, JSON poisoned", GA4_PUSH, n // 2, n),
    ):
        context = await new_context(browser)
        recorder = Recorder()
        await recorder.attach(context)
        page = await context.new_page()
        await page.goto(f"{base}/bench.html")
        await wait_count(recorder, 1)
        if "poisoned" in label:
            await page.evaluate(HOSTILE)
        start_count = len(recorder.events)
        t0 = time.perf_counter()
        in_page = await page.evaluate(script, arg)
        await wait_count(recorder, start_count + expected)
        dt = time.perf_counter() - t0
        got = len(recorder.events) - start_count
        print(
            f"throughput ({label}): {got} events in {dt * 1000:.0f} ms = {got / dt:,.0f} events/s"
            f" (of which {in_page:.0f} ms pushing and serializing in the page)"
        )
        await context.close()


async def overhead(browser, base: str, reps: int) -> None:  # type: ignore[no-untyped-def]
    hooked = await new_context(browser)
    await Recorder().attach(hooked)
    bare = await new_context(browser)
    pages = {"with hook": await hooked.new_page(), "without": await bare.new_page()}
    times: dict[str, list[float]] = {k: [] for k in pages}
    for page in pages.values():  # warm-up
        for _ in range(5):
            await page.goto(f"{base}/bench.html")
    for i in range(reps):
        for label, page in pages.items():
            t0 = time.perf_counter()
            await page.goto(f"{base}/bench.html?{i}")
            times[label].append((time.perf_counter() - t0) * 1000)
    med = {k: statistics.median(v) for k, v in times.items()}
    for label, value in med.items():
        print(f"goto median {label:9}: {value:.2f} ms  (n={reps})")
    print(f"hook overhead per page (median difference): {med['with hook'] - med['without']:.2f} ms")
    await hooked.close()
    await bare.close()


async def hook_cost(browser, base: str, reps: int) -> None:  # type: ignore[no-untyped-def]
    bare = await new_context(browser)
    page = await bare.new_page()
    script = hook_script(("dataLayer", "_paq", "adobeDataLayer", "digitalData"))
    measure = "(s) => { const t0 = performance.now(); (0, eval)(s); return performance.now() - t0 }"
    times = []
    for i in range(reps):
        await page.goto(f"{base}/bench.html?cost{i}")
        times.append(await page.evaluate(measure, script))
    print(
        f"hook.js run time per page (4 layer names): median {statistics.median(times):.3f} ms,"
        f" p90 {sorted(times)[int(reps * 0.9)]:.3f} ms (n={reps})"
    )
    await bare.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "bench.html").write_text(PAGE, encoding="utf-8")
        with serve(tmp) as base:
            async with async_playwright() as p:
                browser = await launch(p)
                try:
                    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
                    print(f"browser: {browser.version}; cpus: {os.cpu_count()}; load: {load:.1f}")
                    await throughput(browser, base, args.events)
                    await overhead(browser, base, args.reps)
                    await hook_cost(browser, base, args.reps)
                finally:
                    await browser.close()


if __name__ == "__main__":
    asyncio.run(main())
