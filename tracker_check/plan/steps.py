"""A flow's steps as a typed union, one small frozen dataclass per action. Pure values.

`plan.parse` builds them once from the YAML short and long forms; `flows.steps` performs them
by type, `flows.variables` substitutes `${env.X}`/`${vars.X}` in their text fields. What every
step carries (`expect`, `timeout_ms`, `location`) is keyword-only, so an action's own fields
come first: `Click("#buy", expect=(Expectation("add_to_cart"),))`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from tracker_check.models import Location
    from tracker_check.plan.model import Expectation

Scalar = str | int | float | bool
# the fields every step has; the rest are the action's own (see `StepBase.args`)
COMMON_FIELDS = frozenset({"expect", "timeout_ms", "location"})
_ARG_NAMES = {"wait_timeout_ms": "timeout_ms"}  # as `args` named it before steps were typed


@dataclass(frozen=True, slots=True, kw_only=True)
class StepBase:
    action: ClassVar[str]
    acts: ClassVar[bool] = True  # False for `wait`: it only watches the page
    expect: tuple[Expectation, ...] = ()
    timeout_ms: int | None = None  # the step's `timeout:` (actions' auto-wait, its events)
    location: Location | None = None

    @property
    def args(self) -> dict[str, Scalar | list[str]]:
        """The action's own fields that are set, in declaration order (for display and tests;
        the runner reads the typed fields)."""
        out: dict[str, Scalar | list[str]] = {}
        for f in fields(self):
            if f.name in COMMON_FIELDS:
                continue
            value = getattr(self, f.name)
            if value is None:
                continue
            out[_ARG_NAMES.get(f.name, f.name)] = list(value) if isinstance(value, tuple) else value
        return out

    @property
    def label(self) -> str:
        """`click #buy`, `goto /cart`, `wait video_start`: the action and its main argument."""
        main = next(iter(self.args.values()), "")
        if isinstance(main, bool) or not isinstance(main, str | int | float):
            return self.action
        return f"{self.action} {main}".strip()


@dataclass(frozen=True, slots=True)
class Goto(StepBase):
    action: ClassVar[str] = "goto"
    url: str


@dataclass(frozen=True, slots=True)
class Click(StepBase):
    action: ClassVar[str] = "click"
    selector: str


@dataclass(frozen=True, slots=True)
class DblClick(StepBase):
    action: ClassVar[str] = "dblclick"
    selector: str


@dataclass(frozen=True, slots=True)
class Check(StepBase):
    action: ClassVar[str] = "check"
    selector: str


@dataclass(frozen=True, slots=True)
class Uncheck(StepBase):
    action: ClassVar[str] = "uncheck"
    selector: str


@dataclass(frozen=True, slots=True)
class Hover(StepBase):
    action: ClassVar[str] = "hover"
    selector: str


@dataclass(frozen=True, slots=True)
class Fill(StepBase):
    action: ClassVar[str] = "fill"
    selector: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class Type(StepBase):
    action: ClassVar[str] = "type"
    selector: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class Press(StepBase):
    action: ClassVar[str] = "press"
    key: str
    selector: str | None = None  # None: the keyboard of the focused element


@dataclass(frozen=True, slots=True)
class Select(StepBase):
    action: ClassVar[str] = "select"
    selector: str
    value: str | tuple[str, ...] = ""


@dataclass(frozen=True, slots=True)
class Scroll(StepBase):
    """`scroll: 75%` (percent of the page) or `scroll: "#footer"` (into view)."""

    action: ClassVar[str] = "scroll"
    percent: int | float | None = None
    selector: str | None = None


@dataclass(frozen=True, slots=True)
class Wait(StepBase):
    """`wait: {event}`, `{selector}` or `{ms}`; `wait_timeout_ms` is its own `timeout:`."""

    action: ClassVar[str] = "wait"
    acts: ClassVar[bool] = False
    event: str | None = None
    selector: str | None = None
    ms: int | None = None
    wait_timeout_ms: int | None = None


@dataclass(frozen=True, slots=True)
class Screenshot(StepBase):
    action: ClassVar[str] = "screenshot"
    name: str = "screenshot"
    full_page: bool = False


Step = (
    Goto
    | Click
    | DblClick
    | Check
    | Uncheck
    | Hover
    | Fill
    | Type
    | Press
    | Select
    | Scroll
    | Wait
    | Screenshot
)

SELECTOR_STEPS: dict[str, type[Click | DblClick | Check | Uncheck | Hover]] = {
    c.action: c for c in (Click, DblClick, Check, Uncheck, Hover)
}
