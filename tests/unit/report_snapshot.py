"""Snapshot files for the reporter tests: compare, or rewrite with UPDATE_SNAPSHOTS=1."""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

SNAPSHOTS = Path(__file__).resolve().parent.parent / "snapshots"

_NORMALIZE = (
    # wall-clock values: JUnit's run start, ISO times anywhere else
    (re.compile(r'timestamp="[^"]*"'), 'timestamp="<timestamp>"'),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?"), "<time>"),
)


def normalize(text: str, paths: dict[str, str] | None = None) -> str:
    """Times and machine-specific paths replaced by placeholders.

    Durations are not touched: the reports are built by hand with fixed durations, so their
    formatting is part of what the snapshot checks.
    """
    for path, placeholder in sorted((paths or {}).items(), key=lambda kv: -len(kv[0])):
        text = text.replace(path, placeholder)
    for pattern, repl in _NORMALIZE:
        text = pattern.sub(repl, text)
    return text


def check(name: str, text: str, directory: Path = SNAPSHOTS) -> None:
    """Assert `text` equals snapshot `name`; with UPDATE_SNAPSHOTS=1 write it instead."""
    path = directory / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        return
    if not path.exists():
        raise AssertionError(f"no snapshot {path}; run with UPDATE_SNAPSHOTS=1 to create it")
    expected = path.read_bytes().decode("utf-8")  # bytes: keep \r as written
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"snapshot {name}",
                tofile="rendered",
            )
        )
        raise AssertionError(
            f"{name} differs from its snapshot (UPDATE_SNAPSHOTS=1 to accept):\n{diff}"
        )
