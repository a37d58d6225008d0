"""Source adapters: raw data-layer records -> normalized Events.

Each data layer kind (GTM/gtag `dataLayer`, later Matomo `_paq`/`_mtm`, Adobe
`adobeDataLayer`) has an adapter with the same signature as `gtm.normalize`. `adapter_for`
picks one by data-layer name; unknown names are treated as GTM-style layers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker_check.models import Event
from tracker_check.sources import gtm

Adapter = Callable[..., Event]

_ADAPTERS: dict[str, Adapter] = {}


def adapter_for(data_layer: str) -> Adapter:
    return _ADAPTERS.get(data_layer, gtm.normalize)


def normalize(raw: Any, *, data_layer: str = "dataLayer", **meta: Any) -> Event:
    return adapter_for(data_layer)(raw, data_layer=data_layer, **meta)
