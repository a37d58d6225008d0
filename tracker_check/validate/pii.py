"""Personal data in pushed values and page URLs: detection and masking. Pure.

What counts (chosen so a correct page raises no alarm):
- e-mail addresses (a letter TLD that is not a file extension: `logo@2x.png` is not one);
- phone numbers in international form (`+49 171 1234567`: 8 to 15 digits), and any 7 to 15
  digit number under a key named like a phone (`phone`, `telephone`, `mobile`, `tel`, `fax`);
- IBANs: a known country code, that country's length and valid mod-97 check digits;
- payment card numbers: 13 to 19 digits with a card network's prefix and a valid Luhn sum;
- the plan's own `privacy.patterns` (ECMA-262 regular expressions).
Never: hex strings of 32+ digits (hashes, e.g. a SHA-256 hashed e-mail for enhanced
conversions), values under GTM's own `gtm.*` keys (auto-event data of the page's elements),
`mailto:`/`tel:` links (the site's own contact addresses), and `privacy.allow` paths.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import orjson

from tracker_check.models import Event, EventKind, Finding, Severity
from tracker_check.paths import is_index
from tracker_check.plan.model import PrivacySpec
from tracker_check.validate.findings import event_finding
from tracker_check.validate.messages import pointer as json_pointer
from tracker_check.validate.regex import translate

PII_MASK = "•••"
_KINDS = {
    "email": "an e-mail address",
    "phone": "a phone number",
    "iban": "an IBAN",
    "card": "a payment card number",
}
_ASSET_TLDS = frozenset(
    [
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "avif",
        "ico",
        "bmp",
        "tif",
        "tiff",
        "js",
        "mjs",
        "css",
        "map",
        "json",
        "xml",
        "html",
        "htm",
        "pdf",
        "woff",
        "woff2",
        "ttf",
        "eot",
        "mp4",
        "webm",
        "mp3",
        "txt",
    ]
)
_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"([A-Za-z]{2,24})(?![\w-])"
)
_PHONE = re.compile(r"(?<![\w+])\+[1-9][0-9 ()./-]{6,22}[0-9](?![\w])")
_DIGITS = re.compile(r"[0-9]")
_CARD = re.compile(r"(?<![0-9A-Za-z])[0-9](?:[ -]?[0-9]){12,18}(?![0-9A-Za-z])")
_IBAN = re.compile(r"(?<![0-9A-Za-z])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?![0-9A-Za-z])")
_NO_DIGITS = str.maketrans("", "", "0123456789")
_DIGIT_RUN = re.compile(rb"[0-9][0-9 ()./+-]{5,}[0-9]")  # 7 digits or more, separated
_HEX = re.compile(r"[0-9a-fA-F]{32,}")
_PHONE_KEY = re.compile(r"(?i)phone|telefon|mobile|^(?:tel|fax|handy|mobil|cell)$")
_PHONE_VALUE = re.compile(r"\+?[0-9][0-9 ()./-]{5,22}[0-9]")
_IBAN_LENGTHS = {
    **dict.fromkeys(["NO"], 15),
    **dict.fromkeys(["BE"], 16),
    **dict.fromkeys(["DK", "FI", "FO", "GL", "NL"], 18),
    **dict.fromkeys(["MK", "SI"], 19),
    **dict.fromkeys(["AT", "BA", "EE", "KZ", "LT", "LU", "XK"], 20),
    **dict.fromkeys(["CH", "CR", "HR", "LI", "LV"], 21),
    **dict.fromkeys(["BG", "BH", "DE", "GB", "GE", "IE", "ME", "RS"], 22),
    **dict.fromkeys(["AE", "GI", "IL", "TL"], 23),
    **dict.fromkeys(["AD", "CZ", "ES", "MD", "PK", "RO", "SA", "SE", "SK", "TN", "VG"], 24),
    **dict.fromkeys(["PT"], 25),
    **dict.fromkeys(["IS", "TR"], 26),
    **dict.fromkeys(["FR", "GR", "IT", "MC", "MR", "SM"], 27),
    **dict.fromkeys(["AL", "AZ", "CY", "DO", "GT", "HU", "LB", "PL"], 28),
    **dict.fromkeys(["BR", "PS", "QA"], 29),
    **dict.fromkeys(["JO", "KW", "MU"], 30),
    **dict.fromkeys(["MT"], 31),
}


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str  # email | phone | iban | card | the plan pattern's name
    path: str  # dotted path in the pushed value, or `url.<param>` for a page URL
    value: str  # the matched text (never shown: reports mask it)


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_network(digits: str) -> bool:
    n = len(digits)
    two, four = int(digits[:2]), int(digits[:4])
    if digits[0] == "4":
        return n in (16, 19)  # not 13: old 13-digit Visa numbers look like EAN-13 codes
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return n == 16
    if two in (34, 37):
        return n == 15
    if digits.startswith("6011") or two == 65 or 644 <= int(digits[:3]) <= 649:
        return 16 <= n <= 19
    if 3528 <= four <= 3589:
        return 16 <= n <= 19
    if two == 36 or 300 <= int(digits[:3]) <= 305:
        return n == 14
    return False


def iban_valid(text: str) -> bool:
    iban = text.replace(" ", "")
    if _IBAN_LENGTHS.get(iban[:2]) != len(iban):
        return False
    moved = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


class PiiScanner:
    """Finds personal data in strings, pushed values and URLs, per the plan's `privacy`."""

    def __init__(self, privacy: PrivacySpec) -> None:
        self.privacy = privacy
        self.active = privacy.pii != "off"
        self.severity = Severity.WARNING if privacy.pii == "warn" else Severity.ERROR
        self._allow = tuple(_glob(a) for a in privacy.allow)
        self._own = tuple(
            (name, re.compile(translate(p, "python"))) for name, p in privacy.patterns
        )
        self._urls: set[tuple[str | None, str]] = set()  # (flow, url) already scanned

    # -- text ------------------------------------------------------------------------------
    def in_text(self, text: str) -> Iterator[tuple[str, str]]:
        """(kind, matched text) of each piece of personal data in `text`."""
        for name, pattern in self._own:
            for m in pattern.finditer(text):
                if m.group(0):
                    yield name, m.group(0)
        if not maybe(text) or text.startswith(("mailto:", "tel:")):
            return
        if _HEX.fullmatch(text):
            return
        if "@" in text:
            for m in _EMAIL.finditer(text):
                if m.group(1).lower() not in _ASSET_TLDS:
                    yield "email", m.group(0)
        for m in _PHONE.finditer(text):
            if 8 <= len(_DIGITS.findall(m.group(0))) <= 15:
                yield "phone", m.group(0)
        for m in _IBAN.finditer(text):
            if iban_valid(m.group(0)):
                yield "iban", m.group(0)
        for m in _CARD.finditer(text):
            digits = m.group(0).replace(" ", "").replace("-", "")
            if card_network(digits) and luhn(digits):
                yield "card", m.group(0)

    def mask_text(self, text: str) -> str:
        for _, found in sorted(set(self.in_text(text)), key=lambda h: -len(h[1])):
            text = text.replace(found, PII_MASK)
        return text

    # -- values ----------------------------------------------------------------------------
    def in_value(self, value: Any, path: str = "") -> Iterator[Hit]:
        if isinstance(value, str):
            if self._allowed(path):
                return
            hits = list(self.in_text(value))
            if not hits and maybe(value) and _phone_value(value) and _phone_key(path):
                hits = [("phone", value)]
            for kind, found in hits:
                yield Hit(kind, path, found)
        elif isinstance(value, int) and not isinstance(value, bool):
            big = 10**6 <= abs(value) < 10**15
            if big and _phone_key(path) and not self._allowed(path):
                yield Hit("phone", path, str(value))
        elif isinstance(value, dict):
            if "__type" in value:
                return  # a marker of a non-JSON value (an element, a date)
            for k, v in value.items():
                k = str(k)
                if not path and k.startswith("gtm."):
                    continue
                yield from self.in_value(v, f"{path}.{k}" if path else k)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                yield from self.in_value(v, f"{path}.{i}" if path else str(i))

    def clean(self, params: Any) -> bool:
        """No personal data in `params` (the validator's fast path: no generators, no paths;
        the same verdict as `in_value`)."""
        if self._own or self._allow:
            return next(self.in_value(params), None) is None
        try:  # one C-speed look at the whole push first: most have nothing that could match
            blob = orjson.dumps(params)
        except (TypeError, orjson.JSONEncodeError):
            return self._clean(params, True)
        if b"@" not in blob and _DIGIT_RUN.search(blob) is None:
            return True
        return self._clean(params, True)

    def _clean(self, value: Any, root: bool) -> bool:
        kind = type(value)
        if kind is str:
            return not maybe(value) or not any(self.in_text(value))
        if kind is dict:
            if "__type" in value:
                return True
            for k, v in value.items():
                if root and type(k) is str and k.startswith("gtm."):
                    continue
                if not self._clean(v, False):
                    return False
                phoneish = (type(v) is str or type(v) is int) and _phone_key(str(k))
                if phoneish and next(self.in_value(v, str(k)), None) is not None:
                    return False
            return True
        if kind is list:
            return all(self._clean(v, False) for v in value)
        return True

    def in_url(self, url: str) -> Iterator[Hit]:
        parts = urlsplit(url)
        for kind, found in self.in_text(unquote(parts.path)):
            yield Hit(kind, "url.path", found)
        for query in (parts.query, parts.fragment if "=" in parts.fragment else ""):
            for key, value in parse_qsl(query, keep_blank_values=False):
                yield from self.in_value(value, f"url.{key}")

    def in_event(self, event: Event) -> Iterator[Hit]:
        kind = event.kind
        if kind is EventKind.EVENT or kind is EventKind.DATA:
            yield from self.in_value(event.parameters)
        elif kind is EventKind.COMMAND:
            args = list(event.args)
            if event.name == "set" and len(args) >= 2 and isinstance(args[0], str):
                yield from self.in_value(args[1], args[0])
            elif args:
                yield from self.in_value(args[-1] if isinstance(args[-1], dict) else {})
        elif kind is EventKind.INVALID and isinstance(event.raw, list):  # e.g. Matomo `_paq`
            yield from self.in_value(event.raw, event.data_layer)
        for url in (event.url, event.frame_url):
            if url and (event.flow, url) not in self._urls:
                self._urls.add((event.flow, url))
                yield from self.in_url(url)

    def findings(self, event: Event) -> list[Finding]:
        if not self.active:
            return []
        out, seen = [], set()
        for hit in self.in_event(event):
            if (hit.kind, hit.path) in seen:
                continue
            seen.add((hit.kind, hit.path))
            what = _KINDS.get(hit.kind, f"a match of the plan's pattern {hit.kind!r}")
            where = "the page URL" if hit.path.startswith("url.") else f"`{hit.path}`"
            on = f"{event.name}: " if event.name else ""
            in_url = hit.path.startswith("url.")
            out.append(
                event_finding(
                    event,
                    "pii",
                    f"{on}{what} in {where}"
                    + (f" (parameter {hit.path[4:]})" if in_url and hit.path != "url.path" else ""),
                    severity=self.severity,
                    pointer=None if in_url else json_pointer(_parts(hit.path)),
                    actual=PII_MASK,
                    hint="never send personal data to analytics: drop it, or hash it (SHA-256) "
                    "and allow the path under `privacy.allow` if it is meant",
                )
            )
        return out

    def _allowed(self, path: str) -> bool:
        return any(p.fullmatch(path) for p in self._allow)


def _parts(path: str) -> tuple[str | int, ...]:
    return tuple(int(p) if is_index(p) else p for p in path.split(".")) if path else ()


def maybe(text: str) -> bool:
    """Could `text` hold personal data at all: an `@`, or 7 digits (C-speed string methods)."""
    if "@" in text:
        return True
    return len(text) >= 7 and len(text) - len(text.translate(_NO_DIGITS)) >= 7


def _phone_key(path: str) -> bool:
    """Is the last segment of `path` named like a phone?"""
    return bool(_PHONE_KEY.search(path.rsplit(".", 1)[-1]))


def _phone_value(value: str) -> bool:
    return bool(_PHONE_VALUE.fullmatch(value.strip())) and 7 <= len(_DIGITS.findall(value)) <= 15


def _glob(path: str) -> re.Pattern[str]:
    """`user_data.*` → one segment per `*`; `**` any number of segments."""
    out = []
    for part in path.split("."):
        out.append(".*" if part == "**" else "[^.]+" if part == "*" else re.escape(part))
    return re.compile(r"\.".join(out))
