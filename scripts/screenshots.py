"""Regenerate the documentation screenshots in Chromium.

    .venv/bin/python scripts/screenshots.py            # both
    .venv/bin/python scripts/screenshots.py report     # docs/report.png only
    .venv/bin/python scripts/screenshots.py shop       # docs/shop.png only

report.png: the HTML report of the demo plan run against the broken shop (fixtures/shop-broken),
1280 px wide, from the top of the page down to the end of the funnel (summary, coverage, funnel).
shop.png: the demo shop's product list, 1280x900, with the consent banner dismissed.
Both sites are served on 127.0.0.1 only; the browser is found like `tracker-check run` finds it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
WIDTH = 1280
MARGIN = 24  # px kept below the funnel


def broken_report_html(report_dir: Path) -> str:
    """Run the demo plan against the broken shop; its HTML report (screenshots embedded)."""
    from tracker_check.flows.runner import RunOptions, run_plan
    from tracker_check.plan.load import load_plan
    from tracker_check.report.registry import RenderOptions, render

    plan = load_plan(Path("fixtures/shop/plan.yaml"))  # relative: the report shows this path
    report = run_plan(
        plan, RunOptions(workers=2, report_dir=report_dir), serve_dir="fixtures/shop-broken"
    )
    if report.error:
        sys.exit(f"the demo run did not complete: {report.error}")
    return render("html", report, RenderOptions(report_dir=report_dir))


def _block_outside(context: Any, allowed: tuple[str, ...]) -> None:
    def route(r: Any) -> None:
        if r.request.url.startswith(allowed):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)


def shoot_report(browser: Any, html: str, work: Path, out: Path) -> None:
    path = work / "report.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": WIDTH, "height": 900}, service_workers="block")
    _block_outside(context, ("file:", "data:"))
    page = context.new_page()
    page.goto(path.as_uri())
    bottom = page.locator(".funnel").evaluate("el => el.getBoundingClientRect().bottom")
    height = round(bottom + MARGIN)
    page.screenshot(
        path=out, full_page=True, clip={"x": 0, "y": 0, "width": WIDTH, "height": height}
    )
    context.close()


def shoot_shop(browser: Any, base_url: str, out: Path) -> None:
    context = browser.new_context(viewport={"width": WIDTH, "height": 900}, service_workers="block")
    _block_outside(context, (base_url,))
    page = context.new_page()
    page.goto(f"{base_url}/products.html")
    page.get_by_test_id("consent-reject").click()
    page.locator("#consent-banner").wait_for(state="detached")
    page.screenshot(path=out)
    context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().splitlines()[0])
    parser.add_argument("which", nargs="*", metavar="report|shop", help="default: both")
    parser.add_argument("--out", type=Path, default=REPO / "docs", help="folder (default: docs/)")
    args = parser.parse_args(argv)
    which = set(args.which or ["report", "shop"])
    if which - {"report", "shop"}:
        parser.error(f"unknown screenshot {sorted(which - {'report', 'shop'})[0]!r}")
    out_dir: Path = args.out.resolve()
    os.chdir(REPO)

    from playwright.sync_api import sync_playwright

    from tracker_check.capture.browser import launch_options
    from tracker_check.serve import serve

    with tempfile.TemporaryDirectory(prefix="tracker-check-shots-") as tmp:
        work = Path(tmp)
        # the async runner must finish before a sync Playwright starts in this thread
        html = broken_report_html(work / "artifacts") if "report" in which else None
        with sync_playwright() as p:
            browser = p.chromium.launch(**launch_options(None))
            try:
                if html is not None:
                    shoot_report(browser, html, work, out_dir / "report.png")
                    print(f"wrote {out_dir / 'report.png'}")
                if "shop" in which:
                    with serve(REPO / "fixtures" / "shop") as url:
                        shoot_shop(browser, url, out_dir / "shop.png")
                    print(f"wrote {out_dir / 'shop.png'}")
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
