"""Secrets from `${env.X}` are masked in every format; the helper is applied once, up front."""

from __future__ import annotations

import dataclasses

import pytest
from report_samples import SECRET, flows_report

from tracker_check.models import Severity
from tracker_check.plan.model import PrivacySpec
from tracker_check.report.redact import MASK, prepare, redact, secrets_of
from tracker_check.report.registry import FORMATS, RenderOptions, render


@pytest.fixture(autouse=True)
def no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "html"])
def test_no_format_leaks_a_secret(fmt: str) -> None:
    out = render(fmt, flows_report(), RenderOptions(verbose=True))
    assert SECRET not in out
    assert "qa%2Bsecret%40example.com" not in out  # URL-encoded form too
    assert "qa+secret" not in out


def test_prepare_masks_everywhere_and_drops_the_list() -> None:
    report = prepare(flows_report())
    assert "secrets" not in report.extras
    search = report.flows[2]
    assert search.events[0].parameters == {"email": MASK}
    assert search.events[0].raw == {"event": "old_signup", "email": MASK}
    assert report.findings[4].message.endswith(f"(sent by {MASK})")
    assert report.flows[3].findings[0].url == f"http://127.0.0.1:8765/?email={MASK}"
    assert report.findings[0].severity is Severity.WARNING  # enums survive the walk


def test_longest_secret_first_and_empty_ignored() -> None:
    report = dataclasses.replace(flows_report(), extras={"secrets": ["abc", "abcdef", "", 7]})
    assert secrets_of(report)[0] == "abcdef"
    assert redact({"k": "xabcdefy abc"}, secrets_of(report)) == {"k": f"x{MASK}y {MASK}"}


def test_dict_keys_and_tuples() -> None:
    assert redact({"s3cr3t": ("s3cr3t", 1)}, ("s3cr3t",)) == {MASK: (MASK, 1)}


def test_nothing_to_mask_keeps_values() -> None:
    report = dataclasses.replace(flows_report(), extras={})
    plan = dataclasses.replace(report.plan, privacy=PrivacySpec(pii="off"))
    report = dataclasses.replace(report, plan=plan)
    assert prepare(report) == report


def test_personal_data_is_masked_without_secrets() -> None:
    report = prepare(dataclasses.replace(flows_report(), extras={}))
    assert report.flows[2].events[0].parameters == {"email": MASK}
