"""The snapshot helper only rewrites snapshots when UPDATE_SNAPSHOTS=1 is set."""

from __future__ import annotations

from pathlib import Path

import pytest
import report_snapshot as snapshot


def test_mismatch_fails_and_leaves_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UPDATE_SNAPSHOTS", raising=False)
    (tmp_path / "a.txt").write_text("old\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"(?s)UPDATE_SNAPSHOTS=1.*-old\n\+new"):
        snapshot.check("a.txt", "new\n", tmp_path)
    assert (tmp_path / "a.txt").read_text("utf-8") == "old\n"


def test_missing_snapshot_fails_without_the_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPDATE_SNAPSHOTS", "0")
    with pytest.raises(AssertionError, match="no snapshot"):
        snapshot.check("b.txt", "x", tmp_path)
    assert not (tmp_path / "b.txt").exists()


def test_update_writes_exact_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPDATE_SNAPSHOTS", "1")
    snapshot.check("c.txt", "line\r\nnext\n", tmp_path)
    assert (tmp_path / "c.txt").read_bytes() == b"line\r\nnext\n"
    monkeypatch.delenv("UPDATE_SNAPSHOTS")
    snapshot.check("c.txt", "line\r\nnext\n", tmp_path)  # matches, CR kept


def test_normalize_times_and_paths() -> None:
    text = 'timestamp="2026-05-09T07:35:25" at 2026-05-09T07:35:25.123Z in /tmp/x/plan.yaml'
    assert snapshot.normalize(text, {"/tmp/x": "<dir>"}) == (
        'timestamp="<timestamp>" at <time> in <dir>/plan.yaml'
    )
