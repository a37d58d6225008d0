"""pytest plugin (being written): tracking checks inside existing pytest suites."""

from __future__ import annotations
