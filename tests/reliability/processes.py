"""`formaga serve` as a real process in its own process group, for the fault tests.

The process group is killed in `finally` whatever happens, so no server outlives its test;
`kill()` is the SIGKILL a crash or an OOM killer would send.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import PASSWORD
from tests.live import free_port
from tests.reliability.conftest import Client

START_TIMEOUT = 60.0


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    clients: list[Client] = field(default_factory=list)

    def client(self, username: str | None = None) -> Client:
        client = Client("127.0.0.1", self.port)
        client.conn.timeout = 30
        self.clients.append(client)
        if username:
            client.login(username, PASSWORD)
        return client

    def kill(self) -> None:
        """SIGKILL to the whole group: no handler runs, no transaction is finished."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)


@contextmanager
def serve(
    database_url: str, workdir: Path, *, as_user: str | None = None, threads: int = 4
) -> Iterator[Server]:
    """Start `formaga serve` on a free loopback port; yield once it accepts connections.

    `as_user` runs it unprivileged (setpriv), for tests whose fault is a file permission that
    root would ignore.
    """
    port = free_port()
    formaga = Path(sys.executable).with_name("formaga")
    command = [str(formaga), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--threads", str(threads)]
    if as_user:
        command = [
            "setpriv",
            f"--reuid={as_user}",
            f"--regid={as_user}",
            "--clear-groups",
            *command,
        ]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "fel-som-overlevs",
        "FORMAGA_PASSWORD_PROFILE": "test",
        "FORMAGA_IMPORT_DIR": str(workdir / "imports"),
        "FORMAGA_INSTANCE_DIR": str(workdir / "instance"),
    }
    log = workdir / f"serve-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(process, port, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert process.poll() is None, log.read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "formaga serve did not start"
                time.sleep(0.05)
        yield server
    finally:
        server.kill()
        for client in server.clients:
            client.close()
