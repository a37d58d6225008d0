from __future__ import annotations

from tracker_check.cli.main import main

main()
