"""pytest plugin: tracking checks inside the pytest + pytest-playwright suites teams already have.

Registered through the `pytest11` entry point `tracker_check` (disable: `-p no:tracker_check`).

- options `--tracking-plan PATH` (ini `tracking_plan`) and `--tracker-base-url URL`;
- fixtures `tracking_plan`, `datalayer`, `assert_tracking`;
- the plan's flows as test items `plan.yaml::<flow name>`;
- pytest-playwright's browser found by discovery (see `launch.py`).

pytest imports this module in every run of every user: it imports nothing but pytest and the
stdlib at import time. The library (and playwright) load when a fixture or item needs them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tracker_check.pytest_plugin import launch, settings
from tracker_check.pytest_plugin.items import MARKER, PlanFile

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

    from tracker_check.plan.model import Plan
    from tracker_check.pytest_plugin.assertions import TrackingAsserter
    from tracker_check.pytest_plugin.capture import DataLayer

__all__ = ["assert_tracking", "datalayer", "tracking_plan"]


def pytest_addoption(parser: pytest.Parser) -> None:
    settings.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: a flow of the tracking plan (tracker-check)")
    launch.register(config)
    settings.check_plan_exists(config)
    _collect_plan_with_implicit_args(config)


def _collect_plan_with_implicit_args(config: pytest.Config) -> None:
    """The plan is collected like a test file: when pytest collects its default paths (no
    paths given), the plan joins them even if it lies outside; named paths are respected."""
    path = settings.plan_path(config)
    if path is None or config.args_source is pytest.Config.ArgsSource.ARGS:
        return
    if str(path) not in config.args:
        # pytest drops arguments overlapping others, so a plan inside testpaths stays single
        config.args.append(str(path))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> PlanFile | None:
    path = settings.plan_path(parent.config)
    if path is not None and file_path.resolve() == path:
        plan_file: PlanFile = PlanFile.from_parent(parent, path=file_path)
        return plan_file
    return None


@pytest.fixture(scope="session")
def tracking_plan(pytestconfig: pytest.Config) -> Plan:
    """The tracking plan of `--tracking-plan` / ini `tracking_plan`, loaded once per session
    (its base_url replaced by `--tracker-base-url` when given)."""
    try:
        return settings.load(pytestconfig)
    except settings.PlanLoadError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def datalayer(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[DataLayer]:
    """Captures every data-layer push of pytest-playwright's `context` (and so of `page`).

    Request it before navigating (list it with `page` in the test's arguments): the capture
    hook applies to pages loaded after it is attached."""
    from tracker_check.pytest_plugin.capture import DataLayer

    plan = _optional_plan(request.config)
    yield DataLayer(context, plan, request.node.name)


@pytest.fixture
def assert_tracking(
    datalayer: DataLayer, tracking_plan: Plan, request: pytest.FixtureRequest
) -> TrackingAsserter:
    """`assert_tracking(expect=[...], where={...})`: validate what the test captured since the
    last call against the plan and judge `expect` like a flow step; fails with the text report."""
    from tracker_check.pytest_plugin.assertions import TrackingAsserter

    node: Any = request.node
    return TrackingAsserter(datalayer, tracking_plan, node)


def _optional_plan(config: pytest.Config) -> Plan | None:
    """The plan when one is configured (its data layer names, blocked requests); a configured
    but broken plan fails the test rather than silently capturing the wrong arrays."""
    if settings.plan_path(config) is None:
        return None
    try:
        return settings.load(config)
    except settings.PlanLoadError as exc:
        pytest.fail(str(exc), pytrace=False)
