"""Packaged data read with importlib.resources (works from the wheel and from a checkout)."""

from __future__ import annotations

import importlib.util
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


def folder(package: str) -> Path:
    """The data package as a real directory (the demo shop is served from it).

    `Path(str(files(...)))` is not enough: a data folder without `__init__.py` is a
    namespace package, whose `files()` is a MultiplexedPath that str() renders as its repr.
    """
    root = files(package)
    if isinstance(root, Path):
        return root
    spec = importlib.util.find_spec(package)
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(location)
        if path.is_dir():
            return path
    path = Path(str(root))
    if path.is_dir():
        return path
    raise FileNotFoundError(f"the {package} data is not a folder on disk: {root!r}")


def schema(name: str) -> Any:
    """A JSON schema shipped in schemas/ (e.g. "tracking-plan.v1.schema.json")."""
    return json.loads(files("tracker_check.schemas").joinpath(name).read_text("utf-8"))
