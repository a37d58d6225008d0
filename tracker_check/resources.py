"""Packaged data read with importlib.resources (works from the wheel and from a checkout)."""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

_REPO = Path(__file__).resolve().parent.parent
# package -> folder of a source checkout it is mapped from (see pyproject package-dir)
_CHECKOUT_DIRS = {
    "tracker_check.schemas": _REPO / "schemas",
    "tracker_check.demo": _REPO / "fixtures",
}


def files(package: str) -> Traversable:
    """The folder of a data package, in the installed wheel or the source checkout."""
    try:
        return resources.files(package)
    except ModuleNotFoundError:
        return _CHECKOUT_DIRS[package]


def schema(name: str) -> Any:
    """A JSON schema shipped in schemas/ (e.g. "tracking-plan.v1.schema.json")."""
    return json.loads(files("tracker_check.schemas").joinpath(name).read_text("utf-8"))
