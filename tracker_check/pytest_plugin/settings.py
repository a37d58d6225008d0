"""The plugin's options and the session's plan, read once and shared by fixtures and items.

Stdlib and pytest only at import time: pytest imports the plugin in every run of every user.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tracker_check.plan.model import Plan

GROUP = "tracker-check"
PLAN_OPTION = "--tracking-plan"
BASE_URL_OPTION = "--tracker-base-url"
PLAN_INI = "tracking_plan"
BASE_URL_INI = "tracker_base_url"
NO_PLAN = (
    "no tracking plan configured: pass --tracking-plan PATH or set `tracking_plan` "
    "in the pytest ini file"
)


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup(GROUP, "tracker-check (analytics tracking checks)")
    group.addoption(
        PLAN_OPTION,
        metavar="PATH",
        default=None,
        help="Tracking plan (YAML): enables the tracking_plan fixture and runs its flows as tests.",
    )
    group.addoption(
        BASE_URL_OPTION,
        metavar="URL",
        default=None,
        help="Base URL the plan's relative URLs join (overrides the plan's base_url).",
    )
    parser.addini(PLAN_INI, "Tracking plan (YAML), relative to the ini file.", default="")
    parser.addini(BASE_URL_INI, "Base URL for the tracking plan's flows.", default="")


_PATH_KEY = pytest.StashKey[tuple[Path | None]]()


def plan_path(config: pytest.Config) -> Path | None:
    """The configured plan: the option (relative to the invocation dir) beats the ini value
    (relative to the ini file, like `testpaths`). Computed once: collection asks per file."""
    cached = config.stash.get(_PATH_KEY, None)
    if cached is None:
        cached = config.stash[_PATH_KEY] = (_plan_path(config),)
    return cached[0]


def check_plan_exists(config: pytest.Config) -> None:
    """A configured plan that is not there is a usage error of the whole run."""
    path = plan_path(config)
    if path is not None and not path.is_file():
        where = PLAN_OPTION if config.getoption(PLAN_OPTION) else f"ini {PLAN_INI}"
        raise pytest.UsageError(f"tracking plan not found: {_shown(config, path)} (from {where})")


def _plan_path(config: pytest.Config) -> Path | None:
    option: str | None = config.getoption(PLAN_OPTION)
    if option:
        return (config.invocation_params.dir / option).resolve()
    ini = str(config.getini(PLAN_INI) or "").strip()
    if ini:
        base = config.inipath.parent if config.inipath else config.rootpath
        return (base / ini).resolve()
    return None


def base_url(config: pytest.Config) -> str | None:
    option: str | None = config.getoption(BASE_URL_OPTION)
    return option or str(config.getini(BASE_URL_INI) or "").strip() or None


@dataclasses.dataclass(slots=True)
class _Loaded:
    plan: Plan | None = None
    error: str | None = None


_PLAN_KEY = pytest.StashKey[_Loaded]()


def load(config: pytest.Config) -> Plan:
    """The session's plan, loaded once; raises PlanLoadError with every problem, one per line."""
    loaded = config.stash.get(_PLAN_KEY, None)
    if loaded is None:
        loaded = config.stash[_PLAN_KEY] = _load(config)
    if loaded.plan is None:
        raise PlanLoadError(loaded.error or NO_PLAN)
    return loaded.plan


class PlanLoadError(Exception):
    """The plan could not be used: the message is ready to show (file:line:col: problem)."""


def _load(config: pytest.Config) -> _Loaded:
    path = plan_path(config)
    if path is None:
        return _Loaded(error=NO_PLAN)
    from tracker_check.errors import PlanError, TrackerCheckError
    from tracker_check.plan.load import load_plan

    shown = _shown(config, path)
    try:
        # the plan's own relative name when it resolves from here: file:line:col stays short
        plan = load_plan(shown if Path(shown).resolve() == path else path)
    except PlanError as exc:
        lines = [f"invalid tracking plan {shown}:"]
        for f in exc.findings or ():
            place = f"{f.location}: " if f.location else ""
            hint = f" (hint: {f.hint})" if f.hint else ""
            lines.append(f"  {place}{f.message}{hint}")
        if not exc.findings:
            lines.append(f"  {exc.one_line()}")
        return _Loaded(error="\n".join(lines))
    except TrackerCheckError as exc:
        return _Loaded(error=f"tracking plan {shown}: {exc.one_line()}")
    url = base_url(config)
    if url:
        plan = dataclasses.replace(plan, base_url=url)
    return _Loaded(plan=plan)


def _shown(config: pytest.Config, path: Path) -> str:
    try:
        return str(path.relative_to(config.invocation_params.dir))
    except ValueError:
        return str(path)
