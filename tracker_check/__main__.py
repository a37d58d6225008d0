from __future__ import annotations

from tracker_check.cli.app import main

main()
