"""What the validator remembers about one document (page or frame) between records. Pure.

`Validator` keeps one `DocumentState` per `Event.document` and feeds it every record in
capture order. It tracks three things:

- consent: whether `gtag('consent', 'default', ...)` has been pushed yet (`consent`).
- the full GTM data model (`model`), only when some planned event has `scope: model`: such
  events are checked against `model_params(event)`, the merged model after the push with the
  `event` key and GTM's own `gtm` object removed. Each other layer kind keeps its own model,
  per layer name (`layers`), with its tool's semantics: an Adobe Client Data Layer's
  computed state (`sources.acdl.merge`, as `adobeDataLayer.getState()` returns it), a
  Matomo Tag Manager layer's merged `_mtm` pushes (GTM's merge), a CEDDL layer's latest
  `digitalData` snapshot without its `event` array. Matomo `_paq` has no data model.
- the `ecommerce` subtree, for stale-model-data: a GTM ecommerce push whose own
  `ecommerce.items` differ from the items in the document's merged model means items of an
  earlier push leak into this event (`track_ecommerce` returns a `Stale` then). Only the
  pushes since the subtree was last cleared are kept, and merged into a `DataModel` only when
  a check needs it, so the valid path stays cheap. `{ecommerce: null}` (or any scalar),
  `_clear: true` and a fresh ecommerce push on a clean subtree reset it.

`eco_dirty`, `eco_push` and `eco_reset` are public because `Validator.check_all` inlines the
two commonest records (a `{ecommerce: null}` clear, a schema-only ecommerce event on a
clean subtree) without a method call.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from tracker_check.datamodel import DataModel
from tracker_check.models import Event, EventKind
from tracker_check.sources import acdl

NO_VALUE = object()
_GTM_SOURCES = frozenset({"gtm", "gtag"})
_ACDL_MERGES = frozenset({EventKind.DATA, EventKind.EVENT})


@dataclass(frozen=True, slots=True)
class Stale:
    """An ecommerce event whose own items differ from the merged model's."""

    own: Any  # `ecommerce.items` of the push itself (None when it has none)
    merged: Any  # `ecommerce.items` in the document's model after the push


class DocumentState:
    """Per-document state: consent seen, the GTM data model and the ecommerce subtree."""

    __slots__ = ("consent", "eco_dirty", "eco_model", "eco_pending", "layers", "model")

    def __init__(self, full_model: bool) -> None:
        self.consent = False
        self.model: DataModel | None = DataModel() if full_model else None
        # the other layers' models, by layer name: ACDL state / CEDDL data (dicts), _mtm model
        self.layers: dict[str, Any] = {}
        # The `ecommerce` subtree since it was last cleared: the pushes that wrote it, merged
        # into a DataModel only when a stale-items check needs it (keeps the valid path cheap).
        self.eco_pending: list[Event] = []
        self.eco_model: DataModel | None = None
        self.eco_dirty = False  # eco_pending or eco_model holds something

    def eco_push(self, event: Event) -> None:
        self.eco_pending.append(event)
        self.eco_dirty = True

    def eco_state(self) -> DataModel:
        if self.eco_model is None:
            self.eco_model = DataModel()
        for event in self.eco_pending:
            self.eco_model.apply(event)
        self.eco_pending.clear()
        return self.eco_model

    def eco_reset(self) -> None:
        self.eco_pending.clear()
        self.eco_model = None
        self.eco_dirty = False

    def apply_model(self, event: Event) -> None:
        """Follow the data model of the event's layer through one record (when kept)."""
        if self.model is None:
            return
        source, layer = event.source, event.data_layer
        if source in _GTM_SOURCES:
            self.model.apply(event)
        elif source == "acdl" and event.kind in _ACDL_MERGES and isinstance(event.raw, dict):
            self.layers[layer] = acdl.merge(self.layers.get(layer, {}), acdl.data_of(event.raw))
        elif source == "matomo-tm":
            model = self.layers.get(layer)
            if not isinstance(model, DataModel):
                model = self.layers[layer] = DataModel()
            model.apply(event)
        elif source == "ceddl" and isinstance(event.raw, dict):
            self.layers[layer] = {k: v for k, v in event.raw.items() if k != "event"}

    def model_params(self, event: Event) -> dict[str, Any] | None:
        """The event's layer's data model as a `scope: model` event's parameters (None: not
        kept, or the layer has none).

        A shallow view of the live model (no deep copy per push): the validator only reads
        it, and copies what a finding keeps."""
        if self.model is None:
            return None
        if event.source in _GTM_SOURCES:
            model = self.model
        else:
            found = self.layers.get(event.data_layer)
            if isinstance(found, dict):
                return dict(found)
            if not isinstance(found, DataModel):
                return {} if event.source in ("acdl", "ceddl") else None
            model = found
        return {k: v for k, v in model.view().items() if k not in ("event", "gtm")}

    def track_ecommerce(self, event: Event) -> Stale | None:
        """Follow the `ecommerce` subtree through one push; a `Stale` when items leak."""
        params = event.parameters
        eco = params.get("ecommerce", NO_VALUE)
        if eco is not NO_VALUE and not _is_container(eco):
            if self.eco_pending or self.eco_model is not None:
                self.eco_reset()  # `{ecommerce: null}` (or any scalar) clears the subtree
            return None
        was_dirty = self.eco_dirty
        if isinstance(eco, dict) and (eco.get("_clear") is True or params.get("_clear") is True):
            self.eco_reset()
            was_dirty = False
        self.eco_push(event)
        if event.kind is not EventKind.EVENT or not was_dirty or not isinstance(eco, dict):
            return None
        own = eco.get("items")
        merged = self.eco_state().peek("ecommerce.items")
        return None if merged == own else Stale(copy.deepcopy(own), copy.deepcopy(merged))

    def command(self, event: Event) -> None:
        """A COMMAND record: a consent default, or a command that writes `ecommerce`."""
        if event.name == "consent" and event.args[:1] == ("default",):
            self.consent = True
        elif event.source == "gtag" and event.name == "set":
            if any(isinstance(a, dict) and "ecommerce" in a for a in event.args) or (
                event.args and str(event.args[0]).split(".")[0] == "ecommerce"
            ):
                self.eco_push(event)
        elif event.source == "gtm" and (event.name or "").startswith("ecommerce."):
            self.eco_push(event)


def has_dotted_ecommerce(params: dict[str, Any]) -> bool:
    """A key such as `ecommerce.items` (GTM expands dotted keys into the model)."""
    return any(key.startswith("ecommerce.") for key in params)


def _is_container(value: Any) -> bool:
    return isinstance(value, list) or (isinstance(value, dict) and "__type" not in value)
