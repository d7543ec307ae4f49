"""Faults survived (issue 30, point 6), the last one: the SQLite file's directory made read-only
for a moment while members save through `formaga serve`.

Permission bits do not stop root (the suite's user), and the virtualenv's interpreter may not
be reachable by an unprivileged user, so the fault is the immutable flag (`chattr +i`), which
binds root too: on the directory (no file created or removed), the database file (a
connection opened meanwhile gets it read-only: "attempt to write a readonly database") and
its -wal (a write through an open connection: "disk I/O error"). The -shm is left alone: SQLite
maps it into memory, and an immutable mapping kills the process with SIGBUS, which is a crash,
not a read-only directory. Without chattr, CAP_LINUX_IMMUTABLE or a file system with the flag
the test is skipped (.ci/run installs e2fsprogs).

Every save the app acknowledged is stored with its audit event; a save that failed got the
Swedish 503 page, never a 500; and the same process saves again once the directory is writable,
without a restart.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import migrate
from capabilities.db import make_engine
from tests.reliability.processes import Server, serve
from tests.reliability.test_faults_database import (
    SAVERS,
    Tally,
    _prepare,
    _written,
    assert_nothing_acknowledged_lost,
    members_saving,
    wait_for_saves_after,
)

READ_ONLY_FOR = 2.0  # seconds
# More requests at once than the pool keeps connections (5): overflow connections are opened
# while the directory is read-only, and SQLite opens the file read-only for them.
CLIENTS = 8


def _chattr(flag: str, paths: list[Path]) -> None:
    subprocess.run(["chattr", flag, *map(str, paths)], check=True, capture_output=True)


def _require_chattr(probe: Path) -> None:
    """The immutable flag needs chattr, CAP_LINUX_IMMUTABLE and a file system that has it."""
    probe.touch()
    if shutil.which("chattr") is None:
        pytest.skip("chattr (e2fsprogs) is not installed")
    try:
        _chattr("+i", [probe])
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"cannot set the immutable flag here: {exc.stderr.decode().strip()}")
    _chattr("-i", [probe])


@contextmanager
def _read_only(database: Path) -> Iterator[None]:
    paths = [database.parent, database, database.with_name(f"{database.name}-wal")]
    _chattr("+i", paths)
    try:
        yield
    finally:
        _chattr("-i", paths)  # always: a left-over flag would keep pytest from cleaning up


def test_sqlite_directory_read_only_while_members_save(
    fresh_database_url: Callable[[str], str], tmp_path: Path
) -> None:
    url = fresh_database_url("sqlite")
    database = Path(str(sa.engine.make_url(url).database))
    _require_chattr(tmp_path / "probe")
    migrate.upgrade(url)
    engine = make_engine(url)
    with so.Session(engine) as session:
        _prepare(session)
        session.commit()
    engine.dispose()

    with serve(url, tmp_path, threads=CLIENTS) as server:
        tally = _run_through_read_only(server, database)
    stored, audited = _written(url)

    assert not tally.failures, tally.failures[:10]  # a 500 or an English page is a failure
    assert tally.refused, f"no save was refused while read-only: {tally.statuses}"
    assert_nothing_acknowledged_lost(tally, stored, audited)


def _run_through_read_only(server: Server, database: Path) -> Tally:
    tally = Tally()
    clients = [server.client(f"sparare{n % SAVERS}") for n in range(CLIENTS)]
    with members_saving(clients, tally):
        with _read_only(database):
            time.sleep(READ_ONLY_FOR)
        wait_for_saves_after(tally, time.monotonic(), "the directory was writable again")
    return tally
