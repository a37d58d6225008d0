"""Secret redaction shared by every reporter. Pure.

The runner puts the values of `${env.X}` substitutions in `RunReport.extras["secrets"]`.
Every reporter calls `prepare(report)` first, so no format can leak them: each occurrence in
any string of the report (event parameters and raw records, URLs, findings, step labels,
errors, extras, dict keys too) becomes MASK, and the `secrets` list itself is dropped.
URL-encoded forms are masked as well, since a secret typed into a form often lands in a URL.

Personal data is masked the same way (unless the plan's `privacy.pii` is `off`): every
piece of text `validate.pii` recognizes (e-mail addresses, phone numbers, IBANs, card
numbers, the plan's own patterns) in any string, plus the exact values found under
phone-like keys of the report's events. `prepare` of an already prepared report is free.
"""

from __future__ import annotations

import collections
import dataclasses
import enum
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus

from tracker_check.report.model import RunReport
from tracker_check.validate.pii import PiiScanner

MASK = "•••"
SECRETS_KEY = "secrets"

T = TypeVar("T")
_SCALARS = (int, float, bool, type(None))


def secrets_of(report: RunReport) -> tuple[str, ...]:
    """The report's secret values and their URL-encoded forms, longest first."""
    raw = report.extras.get(SECRETS_KEY) or ()
    values: set[str] = set()
    for value in raw if isinstance(raw, (list, tuple, set, frozenset)) else ():
        if isinstance(value, str) and value:
            values |= {value, quote(value, safe=""), quote_plus(value)}
    # Longest first, so a secret containing another is masked whole.
    return tuple(sorted(values, key=lambda s: (-len(s), s)))


_PREPARED: collections.deque[RunReport] = collections.deque(maxlen=8)


def prepare(report: RunReport) -> RunReport:
    """The report every reporter renders: secrets and personal data masked, the secrets
    list removed."""
    if any(done is report for done in _PREPARED):
        return report
    out = _prepare(report)
    _PREPARED.append(out)
    return out


def _prepare(report: RunReport) -> RunReport:
    secrets = secrets_of(report)
    extras = {k: v for k, v in report.extras.items() if k != SECRETS_KEY}
    scanner = PiiScanner(report.plan.privacy)
    fn: Callable[[str], str]
    if scanner.active:
        exact: set[str] = set()
        for value in {h.value for e in report.all_events() for h in scanner.in_event(e)}:
            exact |= {value, quote(value, safe=""), quote_plus(value)}
        secrets = tuple(sorted({*secrets, *exact}, key=lambda s: (-len(s), s)))

        def fn(text: str) -> str:
            return scanner.mask_text(redact_text(text, secrets))

    elif secrets:

        def fn(text: str) -> str:
            return redact_text(text, secrets)

    elif SECRETS_KEY in report.extras:
        return dataclasses.replace(report, extras=extras)
    else:
        return report
    masked = map_strings(dataclasses.replace(report, extras={}), fn)
    return dataclasses.replace(masked, extras=map_strings(extras, fn))


def redact_text(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def redact(value: T, secrets: tuple[str, ...]) -> T:
    """`value` with every secret in every string masked; containers and dataclasses rebuilt."""
    return map_strings(value, lambda text: redact_text(text, secrets))


def map_strings(value: T, fn: Callable[[str], str]) -> T:
    """`value` with `fn` applied to every string in it (dict keys too)."""
    return _walk(value, fn)  # type: ignore[no-any-return]


def _walk(value: Any, fn: Callable[[str], str]) -> Any:
    kind = type(value)
    if kind is str:  # exact type first: the bulk of a report; StrEnum members fall through
        return fn(value)
    if kind is dict:
        return {_walk(k, fn): _walk(v, fn) for k, v in value.items()}
    if kind in _SCALARS or isinstance(value, enum.Enum):
        return value
    if kind is list:
        return [_walk(v, fn) for v in value]
    if kind is tuple:
        return tuple(_walk(v, fn) for v in value)
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {_walk(k, fn): _walk(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, fn) for v in value]
    if isinstance(value, tuple):
        return tuple(_walk(v, fn) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _walk(getattr(value, f.name), fn) for f in dataclasses.fields(value) if f.init
        }
        return dataclasses.replace(value, **changes)
    return value
