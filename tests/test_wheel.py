"""The built wheel ships everything the tool reads at run time (not only the source tree)."""

from __future__ import annotations

import os
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


FRESH = os.environ.get("TRACKER_CHECK_FRESH_CLONE") == "1"


@pytest.mark.slow
@pytest.mark.skipif(not FRESH, reason="set TRACKER_CHECK_FRESH_CLONE=1 (`.ci/run` does)")
def test_the_wheel_in_a_fresh_venv_is_the_product(wheel: zipfile.ZipFile, tmp_path: Path) -> None:
    """The product as a user installs it: the wheel (with its locked dependencies) in a new
    venv, run from a directory that is not the checkout: demo, demo --broken (the bundled
    shop and plan), lint and validate with GA4 schemas, and an HTML report (its assets)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [
        str(venv / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
    ]
    lock = ["-c", str(REPO / "requirements.lock")]
    done = subprocess.run([*pip, *lock, wheel.filename or ""], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    tool = str(venv / "bin" / "tracker-check")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["NO_COLOR"] = "1"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [tool, *args], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=600
        )

    good = run("demo", "--format", "html", "-o", "report.html")
    assert good.returncode == 0, good.stdout[-2000:] + good.stderr[-2000:]
    html = (elsewhere / "report.html").read_text("utf-8")
    assert "<style>" in html and "Nordwind" in html
    broken = run("demo", "--broken")
    assert broken.returncode == 1, broken.stdout[-2000:] + broken.stderr[-2000:]
    assert "FAILED" in broken.stdout and "invalid-parameter" in broken.stdout
    plan = elsewhere / "plan.yaml"
    plan.write_text(
        "version: 1\nname: wheel check\nevents:\n  purchase:\n    parameters:\n"
        '      ecommerce: {$ref: "ga4#/definitions/purchase_ecommerce"}\n',
        encoding="utf-8",
    )
    assert run("lint", str(plan)).returncode == 0
    events = elsewhere / "events.jsonl"
    events.write_text('{"event": "purchase", "ecommerce": {"currency": "EUR"}}\n', "utf-8")
    checked = run("validate", str(plan), str(events))
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert f"{events}:1" in checked.stdout and "missing-parameter" in checked.stdout
