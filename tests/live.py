"""Serve a WSGI app with waitress on a loopback port in a thread, and stop it cleanly."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def waitress_thread(app: Any, threads: int = 8) -> Iterator[int]:
    """Yield the port. On exit the loop is told to stop before its sockets close, so select()
    never sees a closed descriptor (EBADF) in the server thread."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield int(server.effective_port)  # type: ignore[union-attr]
    finally:
        stopping.set()
        for channel in list(server._map.values()):
            if channel is not server:
                channel.close()
        server.close()
        thread.join(timeout=10)


def free_port() -> int:
    """A loopback port nobody listens on now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
