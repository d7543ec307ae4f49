"""A throwaway PostgreSQL cluster for the test session (or TEST_DATABASE_URL).

PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from tests.live import free_port

PG_BIN_DIRS = [
    Path("/usr/lib/postgresql/15/bin"),
    *sorted(Path("/usr/lib/postgresql").glob("*/bin")),
]


class PostgresUnavailable(Exception):
    pass


def _bin(name: str) -> str:
    for directory in PG_BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if found is None:
        raise PostgresUnavailable(f"{name} not found (install postgresql)")
    return found


class ThrowawayCluster:
    """initdb + pg_ctl in a temporary directory; `url(db)` gives a psycopg URL."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="formaga-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise PostgresUnavailable(f"{' '.join(args[:2])} failed: {result.stderr.strip()}")

    def start(self) -> None:
        self._run(
            _bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self._start_server()

    def _start_server(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        self._run(
            _bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def restart(self) -> None:
        """Stop (fast: clients are disconnected) and start again on the same port. Not
        `pg_ctl restart`, whose new server would keep our output pipe open."""
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        self._start_server()

    def stop(self) -> None:
        """Stop at once and remove the cluster in the background: a session's hundreds of test
        databases are gigabytes of files, and each worker's last test showed a 30–48 s teardown
        while they were deleted in the foreground."""
        try:
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            # A shell that starts the removal and exits at once: waited for here, so no
            # Popen is left running (its ResourceWarning is an error under filterwarnings).
            subprocess.run(
                ["sh", "-c", 'rm -rf -- "$1" >/dev/null 2>&1 &', "sh", str(self.root)],
                check=False,
                start_new_session=True,
            )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


def create_database(server_url: str, template: str = "template0") -> str:
    """Create a fresh database on the server of `server_url` (a copy of `template`, an empty one
    by default); return its URL. The template must have no open connections."""
    name = f"formaga_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    deadline = time.monotonic() + 30
    while True:
        try:
            with engine.connect() as conn:
                conn.execute(
                    sa.text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE "{template}"')
                )
            break
        except sa.exc.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    engine.dispose()
    return str(
        sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    )
