"""Read a plan file, lint it, parse it: the plan layer's only I/O.

`load_plan` is what `run`, `validate` and the pytest plugin call. A plan with any error raises
`PlanError` carrying every plan-error at once (sorted by line and column), so a user fixes
them in one go; an unreadable file is a `UsageError`.
"""

from __future__ import annotations

from pathlib import Path

from tracker_check.errors import PlanError, UsageError
from tracker_check.models import Finding
from tracker_check.plan.lint import lint_text
from tracker_check.plan.model import Plan


def read_plan_text(path: str | Path) -> str:
    """The plan's text; UsageError (one line, with a hint) when it cannot be read."""
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8-sig")  # tolerate a BOM some editors write
    except FileNotFoundError:
        raise UsageError(
            f"plan file not found: {path}", hint="pass the path to your tracking plan YAML"
        ) from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a directory", hint="pass the plan file itself") from None
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path} is not UTF-8 text (byte {exc.start})", hint="save the plan as UTF-8"
        ) from None
    except OSError as exc:
        raise UsageError(f"cannot read plan {path}: {exc.strerror or exc}") from None


def lint_plan_text(text: str, source: str) -> tuple[Plan | None, list[Finding]]:
    """Lint `text` (read from `source`); the Plan when it has no errors, and every finding."""
    return lint_text(text, source)


def load_plan(path: str | Path) -> Plan:
    """Read, lint and parse a plan; PlanError with ALL plan errors, UsageError if unreadable."""
    source = str(path)
    plan, findings = lint_plan_text(read_plan_text(path), source)
    if plan is None or findings:
        raise PlanError(findings)
    return plan
