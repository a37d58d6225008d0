"""Secret redaction shared by every reporter. Pure.

The runner puts the values of `${env.X}` substitutions in `RunReport.extras["secrets"]`.
Every reporter calls `prepare(report)` first, so no format can leak them: each occurrence in
any string of the report (event parameters and raw records, URLs, findings, step labels,
errors, extras, dict keys too) becomes MASK, and the `secrets` list itself is dropped.
URL-encoded forms are masked as well, since a secret typed into a form often lands in a URL.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus

from tracker_check.report.model import RunReport

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


def prepare(report: RunReport) -> RunReport:
    """The report every reporter renders: secrets masked, the secrets list removed."""
    if SECRETS_KEY not in report.extras:
        return report
    secrets = secrets_of(report)
    extras = {k: v for k, v in report.extras.items() if k != SECRETS_KEY}
    if not secrets:
        return dataclasses.replace(report, extras=extras)
    masked = redact(dataclasses.replace(report, extras={}), secrets)
    return dataclasses.replace(masked, extras=redact(extras, secrets))


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
