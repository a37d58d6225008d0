"""A static file server on 127.0.0.1 for `run --serve`, the demo, tests and benchmarks.

Runs in a daemon thread; `latency_ms` delays every response (benchmarks of --workers).
Never listens on anything but loopback.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, no logging, no caching; subclass it to add behaviour (tests do)."""

    latency_ms = 0.0

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the report is the output

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def handle_one_request(self) -> None:
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            super().handle_one_request()  # may fail when the browser navigated away


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def serve(
    directory: str | Path,
    *,
    latency_ms: float = 0.0,
    port: int = 0,
    handler: type[QuietHandler] = QuietHandler,
) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (a free port unless given); yields the base URL."""
    root = Path(directory)
    if not root.is_dir():
        from tracker_check.errors import UsageError

        raise UsageError(f"cannot serve {directory}: not a directory")
    timed = type("Handler", (handler,), {"latency_ms": latency_ms})
    server = _Server(("127.0.0.1", port), functools.partial(timed, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, name="tracker-check-serve", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
