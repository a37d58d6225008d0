"""The README's "Use it from pytest" example runs as written: it passes against the shop and
fails (with the plan's finding) against a broken release of it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker_check.serve import serve

pytestmark = pytest.mark.browser

HEADING = "## Use it from pytest"
README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example(text: str) -> str | None:
    """The first ```python block under the heading, None while the section is absent."""
    start = text.find(f"\n{HEADING}\n")
    if start < 0:
        return None
    section = text[start + len(HEADING) + 2 :]
    following = re.search(r"^## ", section, re.M)
    section = section[: following.start()] if following else section
    block = re.search(r"^```python\n(.*?)^```", section, re.M | re.S)
    assert block, f"the {HEADING!r} section has no ```python block"
    return block.group(1)


@pytest.fixture
def broken_shop_url(plugin_fixtures: Path) -> Iterator[str]:
    with serve(plugin_fixtures / "site-broken") as url:
        yield url


def test_readme_pytest_example_runs(
    project: pytest.Pytester, shop_url: str, broken_shop_url: str
) -> None:
    example = readme_example(README.read_text(encoding="utf-8"))
    if example is None:
        pytest.skip(f"README.md has no {HEADING!r} section yet (see /work/team/readme-pytest.md)")
    project.makepyfile(test_readme_example=example)
    # the same example once more, against the broken release: a conftest there overrides the
    # plugin's `tracking_plan` fixture to point it at the other site
    broken = project.mkdir("broken")
    (broken / "test_readme_example_broken.py").write_text(example)
    (broken / "conftest.py").write_text(
        "import dataclasses\nimport pytest\n\n"
        '@pytest.fixture(scope="session")\n'
        "def tracking_plan(tracking_plan):\n"
        f"    return dataclasses.replace(tracking_plan, base_url={broken_shop_url!r})\n"
    )
    result = project.runpytest_subprocess(
        "--tracking-plan", "plan.yaml", "--tracker-base-url", shop_url,
        "test_readme_example.py", "broken", "-rA",
    )  # fmt: skip
    passed = result.parseoutcomes().get("passed", 0)
    failed = result.parseoutcomes().get("failed", 0)
    assert passed >= 1 and passed == failed, result.stdout.str()
    assert "FAILED test_readme_example.py" not in result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*_ test_*[[]chromium[]] _*",
            "invalid-parameter: add_to_cart: ecommerce.value must be a number*",
            "FAILED broken/test_readme_example_broken.py::*",
        ]
    )
