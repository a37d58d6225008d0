"""Where a flow's screenshots and traces go, and how reports name them.

Under the report dir when there is one (paths in reports are then relative to it, so the HTML
report can link them), else under a temporary folder created on first use (absolute paths).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:60] or "flow"


@dataclass(frozen=True, slots=True)
class FlowArtifacts:
    root: Callable[[], Path]  # the report dir or a temp dir, created on first use
    report_dir: Path | None
    folder: str  # per flow: "0003-add-to-cart" (plan position keeps names unique)

    def screenshot_path(self, name: str) -> Path:
        folder = self.root() / "screenshots" / self.folder
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{slug(name)}.png"

    def shown(self, path: str) -> str:
        """The path as reports show it: relative to the report dir when there is one."""
        if self.report_dir is None:
            return path
        try:
            return str(Path(path).relative_to(self.report_dir))
        except ValueError:
            return path

    async def failure_screenshot(self, page: Page, step: int) -> str | None:
        """A screenshot of the page as the step failed; None when the page is gone."""
        if page.is_closed():
            return None
        # named as the reports name the step: start-failed.png, step-02-failed.png
        path = self.screenshot_path("start-failed" if step == 0 else f"step-{step:02d}-failed")
        try:
            await page.screenshot(path=str(path), timeout=3000)
        except Exception:  # crashed or closing: nothing left to photograph
            return None
        return self.shown(str(path))

    async def stop_trace(self, context: BrowserContext, keep: bool) -> str | None:
        if not keep:
            await context.tracing.stop()
            return None
        folder = self.root() / "traces"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.folder}.zip"
        await context.tracing.stop(path=str(path))
        return self.shown(str(path))
