"""W3C CEDDL `digitalData` snapshots -> Events (source `ceddl`). Pure, stateful per page.

The capture sends the whole `digitalData` object as one record (a snapshot) when it is set
or changes. From each snapshot:
- the page's data (`page`, `product`, `cart`, `transaction`, `user`, ... — the object
  without its `event` array) is one record: DATA, or an EVENT with the plan's name when a
  plan `match:` rule names it (`{source: ceddl, event: digitalData}`, where `event` is the
  layer's name). It is emitted again only when it changed since the page's last snapshot.
- each entry of the `event` array not seen in an earlier snapshot of the page is an EVENT
  named by its `eventInfo.eventName`; its parameters are the entry (`eventInfo`,
  `category`, `attributes`). An entry without an event name is INVALID.
"""

from __future__ import annotations

import json
from typing import Any

from tracker_check.models import Event, EventKind

SOURCE = "ceddl"


class CeddlPage:
    __slots__ = ("data", "seen")

    def __init__(self) -> None:
        self.data: str | None = None  # canonical JSON of the last page data emitted
        self.seen = 0  # entries of `event` already emitted

    def normalize(self, raw: Any, meta: dict[str, Any]) -> list[Event]:
        if not isinstance(raw, dict) or "__type" in raw:
            return [Event(None, EventKind.INVALID, {}, source=SOURCE, **meta)]
        out: list[Event] = []
        data = {k: v for k, v in raw.items() if k != "event"}
        text = json.dumps(data, sort_keys=True, default=str)
        if text != self.data:
            self.data = text
            out.append(Event(None, EventKind.DATA, data, source=SOURCE, **meta))
        entries = raw.get("event")
        if isinstance(entries, list):
            if len(entries) < self.seen:  # the page replaced the array: start over
                self.seen = 0
            for entry in entries[self.seen :]:
                out.append(_entry(entry, meta))
            self.seen = len(entries)
        return out


def _entry(entry: Any, meta: dict[str, Any]) -> Event:
    info = entry.get("eventInfo") if isinstance(entry, dict) else None
    name = info.get("eventName") if isinstance(info, dict) else None
    if isinstance(name, str) and name:
        return Event(name, EventKind.EVENT, dict(entry), source=SOURCE, **meta)
    return Event(None, EventKind.INVALID, {}, source=SOURCE, **meta)
