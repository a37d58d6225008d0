"""The built wheel ships everything the tool reads at run time (not only the source tree)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("tracker_check-*.whl")
    return zipfile.ZipFile(path)


def test_wheel_has_every_module(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "tracker_check").rglob("*.py")}
    assert modules - names == set(), "add the package to [tool.setuptools] packages"


def test_wheel_has_schemas_hook_and_report_assets(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    schemas = {f"tracker_check/schemas/{p.name}" for p in (REPO / "schemas").glob("*.json")}
    assert {
        "tracker_check/schemas/tracking-plan.v1.schema.json",
        "tracker_check/schemas/ga4.v1.json",
        "tracker_check/schemas/report.v1.schema.json",
    } <= schemas
    assert schemas <= names
    assert "tracker_check/capture/hook.js" in names
    assert {"tracker_check/report/report.css", "tracker_check/report/report.js"} <= names
    assert "tracker_check/py.typed" in names


def test_wheel_has_the_demo_shop_and_plan(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for site in ("shop", "shop-broken"):
        files = {
            f"tracker_check/demo/{p.relative_to(REPO / 'fixtures').as_posix()}"
            for p in (REPO / "fixtures" / site).rglob("*")
            if p.is_file()
        }
        assert files and files <= names
    assert "tracker_check/demo/shop/plan.yaml" in names


def test_installed_wheel_reads_its_packaged_data(wheel: zipfile.ZipFile, tmp_path: Path) -> None:
    # install the wheel alone (no deps) and read the data through importlib.resources there
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(site),
            wheel.filename or "",
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from tracker_check import resources;"
        "assert resources.__file__.startswith(sys.argv[1]), resources.__file__;"
        "s = resources.schema('tracking-plan.v1.schema.json');"
        "g = resources.schema('ga4.v1.json');"
        "hook = resources.files('tracker_check.capture').joinpath('hook.js').read_text();"
        "plan = resources.files('tracker_check.demo').joinpath('shop/plan.yaml').read_text();"
        "print(s['$schema'], len(g['definitions']), len(hook) > 100, 'flows:' in plan)"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-c", code, str(site)], capture_output=True, text=True, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    schema_id, n_defs, has_hook, has_flows = out.stdout.split()
    assert "2020-12" in schema_id
    assert int(n_defs) > 10
    assert has_hook == has_flows == "True"
