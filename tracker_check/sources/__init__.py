"""Source adapters: raw data-layer records -> normalized Events.

One adapter per layer kind (`layers.KINDS`): `gtm` (GTM objects, gtag `arguments`: `gtm.py`),
`matomo` (`_paq` command arrays: `matomo.py`), `matomo-tm` (`_mtm`: GTM-like objects, source
`matomo-tm`), `acdl` (Adobe Client Data Layer: `acdl.py`), `ceddl` (W3C `digitalData`
snapshots: `ceddl.py`). A layer's kind comes from the plan (`Layers`) or its name.

`Normalizer(layers)` is the one entry point for a stream of records (a browser capture, an
offline EVENTS file): it keeps what a tool keeps between pushes on a page (Matomo's cart and
custom dimensions, which CEDDL entries were seen), per `document` and layer, and gives
matched events the plan's name (`match:` rules). `events()` returns every Event of one
record (a CEDDL snapshot may hold several); `__call__` the one Event of a one-event record.
`normalize` is the stateless shorthand for one record.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from tracker_check.models import Event, EventKind
from tracker_check.sources import acdl, gtm
from tracker_check.sources.ceddl import CeddlPage
from tracker_check.sources.layers import (
    DEFAULT_LAYERS,
    KINDS,
    WELL_KNOWN,
    Layers,
    MatchRule,
    infer_kind,
)
from tracker_check.sources.matomo import MatomoPage, command_of

if TYPE_CHECKING:
    from tracker_check.plan.model import Plan

__all__ = [
    "KINDS",
    "WELL_KNOWN",
    "Layers",
    "Normalizer",
    "infer_kind",
    "layers_for",
    "normalize",
]

_META = ("index", "url", "document", "frame_url", "time", "origin")


def layers_for(plan: Plan) -> Layers:
    """The plan's layers with their kinds, and its events' `match:` rules in plan order."""
    kinds = {name: plan.layer_kind(name) for name in plan.data_layers}
    rules = tuple(
        MatchRule.of(name, criteria)
        for name, spec in plan.events.items()
        for criteria in spec.match
    )
    return Layers(kinds, rules)


class Normalizer:
    """Raw records of one run or file -> Events, in arrival order."""

    def __init__(self, layers: Layers = DEFAULT_LAYERS) -> None:
        self.layers = layers
        self._matomo: dict[tuple[str, str], MatomoPage] = {}
        self._ceddl: dict[tuple[str, str], CeddlPage] = {}

    def events(
        self,
        raw: Any,
        *,
        data_layer: str = "dataLayer",
        document: str = "0",
        arrays_are_arguments: bool = False,
        **meta: Any,
    ) -> list[Event]:
        kind = self.layers.kind(data_layer)
        fields: dict[str, Any] = {"data_layer": data_layer, "document": document, "raw": raw}
        fields.update((k, v) for k, v in meta.items() if k in _META)
        if kind == "matomo":
            page = self._matomo.setdefault((document, data_layer), MatomoPage())
            return [self._named(page.normalize(raw, fields), command_of)]
        if kind == "ceddl":
            cpage = self._ceddl.setdefault((document, data_layer), CeddlPage())
            return [self._named(e, _ceddl_tool) for e in cpage.normalize(raw, fields)]
        if kind == "acdl":
            return [self._named(acdl.normalize(raw, fields), _event_name)]
        event = gtm.normalize(
            raw,
            data_layer=data_layer,
            document=document,
            arrays_are_arguments=arrays_are_arguments,
            **{k: v for k, v in meta.items() if k in _META},
        )
        if kind == "matomo-tm":
            event = dataclasses.replace(event, source="matomo-tm")
        if self.layers.rules:
            event = self._named(event, _event_name)
        return [event]

    def __call__(self, raw: Any, *, data_layer: str = "dataLayer", **meta: Any) -> Event:
        found = self.events(raw, data_layer=data_layer, **meta)
        if found:  # one, or a CEDDL snapshot's first (its page data when that changed)
            return found[0]
        # a CEDDL snapshot with nothing new: a data record that changes nothing
        fields = {k: v for k, v in meta.items() if k in _META}
        return Event(
            None, EventKind.DATA, {}, source="ceddl", data_layer=data_layer, raw=raw, **fields
        )

    def _named(self, event: Event, tool_name: Any) -> Event:
        if not self.layers.rules:
            return event
        if event.kind is EventKind.EVENT or (
            event.kind is EventKind.DATA and event.source == "ceddl"
        ):
            name = self.layers.plan_name(event.source, tool_name(event), event.parameters)
            if name is not None:
                return dataclasses.replace(event, name=name, kind=EventKind.EVENT)
        return event


def _event_name(event: Event) -> str | None:
    return event.name


def _ceddl_tool(event: Event) -> str | None:
    return event.data_layer if event.kind is EventKind.DATA else event.name


def normalize(raw: Any, *, data_layer: str = "dataLayer", **meta: Any) -> Event:
    """One record on its own (no state carried, no plan rules)."""
    return Normalizer()(raw, data_layer=data_layer, **meta)
