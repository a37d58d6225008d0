"""Path-segment helpers shared by the pure modules. Pure: no I/O, no imports."""

from __future__ import annotations


def is_index(segment: str) -> bool:
    """True for an array index like "0" or "12": ASCII digits only.

    `str.isdigit()` alone is True for "²" or "٣", which `int()` then rejects (or reads as
    another number), so every "is this segment an index?" test goes through here.
    """
    return segment.isascii() and segment.isdigit()
