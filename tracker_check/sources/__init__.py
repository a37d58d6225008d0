"""Source adapters: raw data-layer records -> normalized Events.

Each data layer kind (GTM/gtag `dataLayer`, later Matomo `_paq`/`_mtm`, Adobe
`adobeDataLayer`) has an adapter with the same signature as `gtm.normalize` (`Adapter`).
`adapter_for` picks one by data-layer name; unknown names are treated as GTM-style layers.
`normalize` is the one entry point, used by the browser capture and by offline `validate`
(`eventsio`) alike; it passes every keyword through to the adapter.
"""

from __future__ import annotations

from typing import Any, Protocol

from tracker_check.models import Event, Location
from tracker_check.sources import gtm


class Adapter(Protocol):
    """Raw record + capture metadata -> Event.

    `arrays_are_arguments`: a plain JSON array is exported gtag `arguments` (EVENTS files),
    not an array the page pushed itself (a live capture marks `arguments` objects).
    """

    def __call__(
        self,
        raw: Any,
        *,
        data_layer: str = ...,
        index: int = ...,
        url: str | None = ...,
        document: str = ...,
        frame_url: str | None = ...,
        time: float = ...,
        arrays_are_arguments: bool = ...,
        origin: Location | None = ...,
    ) -> Event: ...


_ADAPTERS: dict[str, Adapter] = {}


def adapter_for(data_layer: str) -> Adapter:
    return _ADAPTERS.get(data_layer, gtm.normalize)


def normalize(raw: Any, *, data_layer: str = "dataLayer", **meta: Any) -> Event:
    return adapter_for(data_layer)(raw, data_layer=data_layer, **meta)
