"""pytester helpers: a throwaway project holding the plugin fixtures' plan, a shop on 127.0.0.1.

The `pytester` fixture comes from `-p pytester` in the repo's pytest addopts: a
`pytest_plugins = ["pytester"]` here would break every run from the repo root (pytest refuses
`pytest_plugins` in a conftest below the rootdir that is not an initial conftest).
Runs that start a browser use `runpytest_subprocess`: Playwright's sync API and its driver do
not survive being started twice in one interpreter, as in-process runs would.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker_check.serve import serve

REPO = Path(__file__).resolve().parents[2]
PLUGIN_FIXTURES = REPO / "fixtures" / "plugin"
# strict like the repo's own settings, so a warning from the plugin fails the inner run too.
# Ignored: pytest-playwright 0.10's own `base_url` fixture (an instance method of a plugin
# class), which pytest 9.2 deprecates; every test using `page` requests it.
PW_BASE_URL_WARNING = (
    "ignore:(?s)Session-scoped fixtures defined as instance methods.*'base_url'"
    ":pytest.PytestRemovedIn10Warning"
)
INNER_INI = f"""\
[pytest]
addopts = -p no:cacheprovider -p no:hypothesispytest --strict-markers
filterwarnings =
    error
    {PW_BASE_URL_WARNING}
"""


@pytest.fixture(scope="session")
def shop_url() -> Iterator[str]:
    """fixtures/plugin/site/ served on 127.0.0.1 for the whole session."""
    with serve(PLUGIN_FIXTURES / "site") as url:
        yield url


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester dir with the plugin plan as plan.yaml and a strict pytest.ini."""
    shutil.copy(PLUGIN_FIXTURES / "plan.yaml", pytester.path / "plan.yaml")
    pytester.makefile(".ini", pytest=INNER_INI)
    return pytester


@pytest.fixture(scope="session")
def plugin_fixtures() -> Path:
    """fixtures/plugin/: the plan, the shop (and its broken release), the inner test suite."""
    return PLUGIN_FIXTURES
