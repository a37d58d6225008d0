"""tracker-check: catch broken analytics tracking before it ships.

Data flows one way: plan -> compile -> capture -> flows -> validate -> report.
See ARCHITECTURE.md for the module map.
"""

from __future__ import annotations

__version__ = "0.1.0"
