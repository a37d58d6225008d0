"""Regenerate the docs that come from the rule registry (`make docs`)."""

from __future__ import annotations

from pathlib import Path

from tracker_check.rules import findings_markdown, readme_with_table

ROOT = Path(__file__).resolve().parent.parent

(ROOT / "docs" / "findings.md").write_text(findings_markdown(), encoding="utf-8")
readme = ROOT / "README.md"
readme.write_text(readme_with_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
