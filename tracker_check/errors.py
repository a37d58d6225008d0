"""Errors a user can cause. The CLI turns each into one line and an exit code, never a traceback."""

from __future__ import annotations

from tracker_check.models import Finding, Location


class TrackerCheckError(Exception):
    """Base: a message, an optional place and hint. exit_code per spec (2 usage/plan, 3 browser)."""

    exit_code = 2

    def __init__(
        self, message: str, *, hint: str | None = None, location: Location | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.location = location

    def one_line(self) -> str:
        where = f"{self.location}: " if self.location else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"


class UsageError(TrackerCheckError):
    """Bad command-line usage or an unreadable input file."""


class PlanError(TrackerCheckError):
    """The plan is invalid; `findings` holds every plan-error found (all at once)."""

    def __init__(self, findings: tuple[Finding, ...] | list[Finding]) -> None:
        self.findings = tuple(findings)
        first = self.findings[0] if self.findings else None
        super().__init__(
            first.message if first else "invalid plan",
            hint=first.hint if first else None,
            location=first.location if first else None,
        )


class BrowserError(TrackerCheckError):
    """No browser could be started, the site is unreachable, or capture broke (exit 3)."""

    exit_code = 3
