"""Hot commands parsed without typer, so they start fast.

Importing typer costs ~0.2 s before a command runs (typer 0.29 imports pydantic to parse
options); `tracker-check lint` runs in editors and pre-commit hooks and must start at once.
`run_hot` recognizes the plain forms of such commands — exactly the options the typer command
declares, in click's spellings — and runs the same body (`cli/lint_core`). Anything else
(`--help`, an unknown option, a bad value, a missing argument) returns None, and typer then
parses the command as usual and says what is wrong. A test holds this parser to the typer
command's options and both routes to the same output.
"""

from __future__ import annotations

from pathlib import Path

# lint: option spellings -> (destination, takes a value)
LINT_OPTIONS: dict[str, tuple[str, bool]] = {
    "--format": ("format", True),
    "-f": ("format", True),
    "--no-color": ("no_color", False),
    "--debug": ("debug", False),
}
LINT_FORMATS = ("text", "json")


def parse_lint(args: list[str]) -> dict[str, object] | None:
    """`lint`'s arguments as click would read them, or None for anything unusual."""
    values: dict[str, object] = {"format": "text", "no_color": False, "debug": False}
    positional: list[str] = []
    it = iter(args)
    for token in it:
        if token == "--":
            positional.extend(it)
            break
        if not token.startswith("-") or token == "-":
            positional.append(token)
            continue
        name, eq, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        if not token.startswith("--") and len(token) > 2:  # -fjson
            name, eq, inline = token[:2], "=", token[2:]
        spec = LINT_OPTIONS.get(name)
        if spec is None:
            return None
        dest, takes_value = spec
        if takes_value:
            value = inline if eq else next(it, None)
            if value is None:
                return None
            values[dest] = value
        elif eq:
            return None  # click refuses a value for a flag
        else:
            values[dest] = True
    if len(positional) != 1 or not positional[0] or values["format"] not in LINT_FORMATS:
        return None
    values["plan"] = positional[0]
    return values


def run_hot(argv: list[str]) -> int | None:
    """Run a hot command and return its exit code, or None: let typer parse this one."""
    if not argv or argv[0] != "lint":
        return None
    parsed = parse_lint(argv[1:])
    if parsed is None:
        return None
    from tracker_check.cli.guard import exit_for, use_color
    from tracker_check.cli.lint_core import LintFormat, lint

    debug = bool(parsed["debug"])
    try:
        color = use_color(bool(parsed["no_color"]), None)
        return lint(Path(str(parsed["plan"])), LintFormat(str(parsed["format"])), color)
    except BaseException as exc:
        return exit_for(exc, debug=debug)
